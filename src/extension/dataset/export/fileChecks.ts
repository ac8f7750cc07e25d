/**
 * The Check Dataset rules that read the files: missing, linked or not plain files, undecodable, animated, exact and
 * near duplicates. Decoding runs through the decoder given (worker threads in the extension and the CLI).
 */
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inlineDecoder } from '../images/decodePool';
import { mapLimit } from '../io/pool';
import { captionName } from '../staging/naming';
import { formatName } from '../images/probe';
import { groupNearDuplicates, NEAR_DUPLICATE_DISTANCE } from '../images/perceptualHash';
import {
  ACCEPTED_FORMATS,
  type Add,
  type FactsSource,
  type PreflightImage,
  type PreflightOptions,
  type PreflightRule,
} from './checkRules';

/** Rules that read the files: missing, broken, animated, exact and near duplicates. */
export async function checkFiles(
  images: readonly PreflightImage[],
  folder: string,
  opts: PreflightOptions,
  add: Add,
): Promise<void> {
  const decode = opts.decode !== false;
  const sizes = new Map<string, number>();
  for (const img of images) {
    throwIfAborted(opts.signal);
    const st = await fsp.lstat(join(folder, img.file)).catch(() => undefined);
    const odd =
      st &&
      ((await oddFile(folder, img.file, img.file, st)) ?? (await oddFile(folder, img.file, captionName(img.file))));
    if (!st)
      add(
        img.file,
        'missing-image',
        `${img.file} is in the session but not in ${folder}. Restore ` + `it, or skip it in the panel.`,
      );
    else if (odd) add(img.file, odd.rule, odd.message);
    else sizes.set(img.file, st.size);
  }
  // Only files of equal size can be identical: those the library does not read are hashed only then.
  const sizeCount = new Map<number, number>();
  for (const s of sizes.values()) sizeCount.set(s, (sizeCount.get(s) ?? 0) + 1);

  const decoder = opts.decoder ?? inlineDecoder;
  const source: FactsSource = opts.facts ?? {
    facts: (file) => {
      const img = images.find((i) => i.file === file);
      return decoder.analyse({ path: join(folder, file) }, { pixels: img ? img.width * img.height : undefined });
    },
  };
  let done = 0;
  // A pipeline bounds its own decodes (and answers cached ones at once); a bare decoder is kept just busy.
  const inFlight = opts.facts ? 64 : Math.max(1, decoder.concurrency * 2);
  const results = await mapLimit(images, inFlight, async (img) => {
    throwIfAborted(opts.signal);
    const size = sizes.get(img.file);
    if (size === undefined) return undefined;
    const r = await inspectFile(img, join(folder, img.file), (sizeCount.get(size) ?? 0) > 1, decode, source);
    opts.onProgress?.(++done, images.length, img.file);
    return r;
  });
  throwIfAborted(opts.signal);

  const digests = new Map<string, string>();
  const hashes: Array<{ file: string; hash: string }> = [];
  let tooLarge = 0;
  images.forEach((img, i) => {
    const r = results[i];
    if (!r) return;
    if (r.digest) digests.set(img.file, r.digest);
    if (r.hash) hashes.push({ file: img.file, hash: r.hash });
    if (r.tooLarge) tooLarge++;
    if (r.problem) add(img.file, 'does-not-decode', r.problem);
    if (r.frames && r.frames > 1) {
      const name = formatName(img.format);
      add(
        img.file,
        'animated',
        `${img.file} is an animated ${name} (${r.frames} frames); trainers read only its first frame. Save that frame as a still image, or skip it.`,
      );
    }
  });

  const firstWith = new Map<string, string>();
  const exactDup = new Set<string>();
  for (const img of images) {
    const d = digests.get(img.file);
    if (!d) continue;
    const first = firstWith.get(d);
    if (first === undefined) firstWith.set(d, img.file);
    else {
      exactDup.add(img.file);
      add(
        img.file,
        'duplicate',
        `${img.file} is byte for byte the same image as ${first}; a duplicate only over-weights it in training. Skip one of them.`,
      );
    }
  }
  // Exact duplicates are already reported; near-duplicate groups are formed from the rest.
  for (const group of groupNearDuplicates(
    hashes.filter((h) => !exactDup.has(h.file)),
    NEAR_DUPLICATE_DISTANCE,
  )) {
    const [first, ...rest] = group;
    for (const g of rest) {
      add(
        g.file,
        'near-duplicate',
        `${g.file} looks like the same picture as ${first!.file} (re-encoded, resized or slightly edited); near-duplicates over-weight one image in training. Keep the better one and skip the other.`,
      );
    }
  }
  if (!decode) {
    add(
      '',
      'not-decoded',
      'Images were not decoded in this check, so broken files, animations and near-duplicates were not looked for. Run Check Dataset to look for them.',
    );
  } else if (tooLarge) {
    add(
      '',
      'not-decoded',
      `Not compared for near-duplicates: ${tooLarge} image(s) too large to decode here. Exact duplicates were still checked.`,
    );
  }
}

/** A finding for an image or caption that is a link or not a regular file: the export leaves the pair out. */
async function oddFile(
  folder: string,
  image: string,
  name: string,
  known?: Stats,
): Promise<{ rule: PreflightRule; message: string } | undefined> {
  const path = join(folder, name);
  const st = known ?? (await fsp.lstat(path).catch(() => undefined));
  if (!st || st.isFile()) return undefined;
  const pair = `${image} and its caption are left out of the zip`;
  if (st.isSymbolicLink()) {
    const target = await fsp.realpath(path).catch(() => 'a file that does not exist');
    return {
      rule: 'linked-file',
      message:
        `${name} is a symbolic link to ${target}; the export never follows ` +
        `links, so ${pair}. Replace the link with a copy of the file it points to, then check again.`,
    };
  }
  return {
    rule: 'not-a-file',
    message:
      `${name} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, so ` +
      `${pair}. Move it away and put the ${name === image ? 'image' : 'caption'} itself there, then check again.`,
  };
}

interface FileFacts {
  digest?: string;
  hash?: string;
  frames?: number;
  tooLarge?: boolean;
  problem?: string;
}

/**
 * Reads one image: the image library decodes every accepted format fully (its SHA-256, perceptual hash, frames,
 * and why it does not decode); other formats, already reported, get only a SHA-256 when another file has their size.
 */
async function inspectFile(
  img: PreflightImage,
  path: string,
  sameSize: boolean,
  decode: boolean,
  source: FactsSource,
): Promise<FileFacts> {
  const format = (img.format || '').toLowerCase();
  if (decode && (ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    const r = await source.facts(img.file);
    const digest = r.sha256;
    if (r.ok) return { digest, hash: r.facts.hash, frames: r.facts.frames };
    if (r.tooLarge) return { digest, tooLarge: true };
    const as = formatName(format === 'jpeg' ? 'jpg' : format);
    return {
      digest,
      problem: `${img.file} does not decode as ${as}: ${r.reason}. Trainers will fail on it; re-save it from an image editor, or skip it.`,
    };
  }
  return sameSize ? { digest: await sha256File(path) } : {};
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error('Dataset check cancelled.');
    e.name = 'AbortError';
    throw e;
  }
}
