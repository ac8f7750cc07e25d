/**
 * "Check Dataset": CivitAI's real upload and training rules, and what else makes a LoRA worse, as findings that
 * each name the image, the rule, and what to do. Skipped images are left out of every check (they are not
 * exported). VS Code-free: the command turns findings into Problems-view diagnostics on each image's `.txt`.
 */
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { hasLineBreak, looksNatural, triggerState } from '../../../shared/caption';
import type { AnalyseOutcome } from '../images/decodeJobs';
import { inlineDecoder, type Decoder } from '../images/decodePool';
import { mapLimit } from '../io/pool';
import { captionName } from '../staging/naming';
import { formatName } from '../images/probe';
import { groupNearDuplicates, NEAR_DUPLICATE_DISTANCE } from '../images/perceptualHash';

/** How much a finding matters: `error` = CivitAI would reject the upload or the image. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found in the dataset. */
export interface Finding {
  /** Staged name of the image concerned, or '' for the dataset as a whole. */
  file: string;
  /** Stable rule id, e.g. 'too-many-images' (see PREFLIGHT_RULES). */
  rule: PreflightRule;
  severity: Severity;
  /** What is wrong, with which file, and what to do. */
  message: string;
}

/** Every rule id checkDataset can report, with its severity. */
export const PREFLIGHT_RULES = {
  'too-many-images': 'error',
  'missing-image': 'error',
  'linked-file': 'error',
  'not-a-file': 'error',
  'unsupported-format': 'error',
  'does-not-decode': 'error',
  'too-small': 'error',
  'will-upscale': 'warning',
  'will-downscale': 'info',
  'empty-caption': 'warning',
  'trigger-missing': 'warning',
  'trigger-not-first': 'warning',
  'trigger-repeated': 'warning',
  'line-breaks': 'warning',
  'flux-tag-captions': 'warning',
  'flux-tag-caption': 'info',
  'duplicate': 'warning',
  'near-duplicate': 'warning',
  'exif-orientation': 'warning',
  'animated': 'warning',
  'not-decoded': 'info',
} as const satisfies Record<string, Severity>;
/** A rule id. */
export type PreflightRule = keyof typeof PREFLIGHT_RULES;

/** CivitAI's trainer takes at most this many images. */
export const MAX_IMAGES = 1000;
/** CivitAI rejects images with a side under this many pixels. */
export const MIN_SIDE = 64;
/** Images with both sides under this are upscaled by the trainer. */
export const UPSCALE_BELOW = 256;
/** Images with a side over this are downscaled by the trainer. */
export const DOWNSCALE_ABOVE = 2048;
/** The formats CivitAI's trainer accepts. */
export const ACCEPTED_FORMATS = ['png', 'jpg', 'jpeg', 'webp'] as const;

/** One image as the checks need it. */
export interface PreflightImage {
  file: string;
  width: number;
  height: number;
  /** Lower-case format as image-size reports it ('png', 'jpg', 'webp', …). */
  format: string;
  orientation?: number;
  status: 'untagged' | 'tagged' | 'skipped';
  /** The exact text of the `.txt`. */
  caption: string;
}

/** The dataset to check. */
export interface PreflightInput {
  outputFolder: string;
  images: readonly PreflightImage[];
  triggerWord: string;
  captionStyle: 'tags' | 'natural';
  /** Training a Flux LoRA (CivitAI's default): tag-style captions get a warning. Default true. */
  flux?: boolean;
}

/** Options of checkDataset. */
export interface PreflightOptions {
  /** Decode the images (finds broken files, animations and near-duplicates; slower). Default true. */
  decode?: boolean;
  signal?: AbortSignal;
  /** Called after each image is read: images done, of the total, and the current file. */
  onProgress?(done: number, total: number, file: string): void;
  /** Where images are decoded (default: on this thread). The front doors pass a WorkerDecoder. */
  decoder?: Decoder;
  /** Where each image's decode comes from instead: the open dataset's ImagePipeline, which caches them. */
  facts?: FactsSource;
}

/** Each image's analysis by the image library (ImagePipeline implements it, with a cache). */
export interface FactsSource {
  facts(file: string): Promise<AnalyseOutcome>;
}

const ORIENTATION_NAMES: Record<number, string> = {
  2: 'mirrored', 3: 'rotated 180°', 4: 'flipped upside down', 5: 'mirrored and rotated 90°', 6: 'rotated 90°',
  7: 'mirrored and rotated 270°', 8: 'rotated 270°',
};

/**
 * Checks a dataset against CivitAI's rules and the usual LoRA dataset mistakes. Findings come dataset-wide first,
 * then in image order. Rejects only when cancelled (an Error named 'AbortError').
 */
export async function checkDataset(input: PreflightInput, opts: PreflightOptions = {}): Promise<Finding[]> {
  const images = input.images.filter((i) => i.status !== 'skipped');
  const out: Finding[] = [];
  const add = (file: string, rule: PreflightRule, message: string) => out.push({ file, rule, severity: PREFLIGHT_RULES[rule], message });

  if (images.length > MAX_IMAGES) {
    add('', 'too-many-images', `The dataset has ${images.length} images to export; CivitAI's trainer takes ${MAX_IMAGES} at most. Skip ${images.length - MAX_IMAGES} of them in the panel.`);
  }
  for (const img of images) checkRecord(img, input, add);
  checkCaptionStyle(images, input, add);
  await checkFiles(images, input.outputFolder, opts, add);

  const order = new Map(images.map((img, i) => [img.file, i]));
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (order.get(a.f.file) ?? -1) - (order.get(b.f.file) ?? -1) || a.i - b.i)
    .map(({ f }) => f);
}

type Add = (file: string, rule: PreflightRule, message: string) => void;

/** The rules that need only the session record and the caption. */
function checkRecord(img: PreflightImage, input: PreflightInput, add: Add): void {
  const f = img.file;
  const format = (img.format || f.split('.').pop() || '').toLowerCase();
  if (!(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    add(f, 'unsupported-format', `${f} is ${format.toUpperCase() || 'of an unknown format'}; CivitAI's trainer takes PNG, JPEG and WebP only. Convert it to PNG or JPEG, or skip it.`);
  }
  const { width: w, height: h } = img;
  if (w > 0 && h > 0) {
    if (Math.min(w, h) < MIN_SIDE) {
      add(f, 'too-small', `${f} is ${w}x${h}; CivitAI rejects images with a side under ${MIN_SIDE} px. Replace it with a larger image, or skip it.`);
    } else if (w < UPSCALE_BELOW && h < UPSCALE_BELOW) {
      add(f, 'will-upscale', `${f} is only ${w}x${h}; the trainer will upscale it and it will look soft. Use a larger version if you have one.`);
    }
    if (Math.max(w, h) > DOWNSCALE_ABOVE) {
      add(f, 'will-downscale', `${f} is ${w}x${h}; the trainer will downscale it to fit ${DOWNSCALE_ABOVE} px, which makes the upload bigger than it needs to be.`);
    }
  }
  if (img.orientation !== undefined && img.orientation !== 1) {
    const how = ORIENTATION_NAMES[img.orientation] ?? `orientation ${img.orientation}`;
    add(f, 'exif-orientation', `${f} is stored ${how} and only shown upright through its EXIF orientation (${img.orientation}); trainers that ignore EXIF see it ${how}. Re-save it upright (an image editor's export does this).`);
  }
  const cap = img.caption;
  if (!cap.trim()) {
    add(f, 'empty-caption', `${f} has an empty caption; the LoRA learns nothing about what is in it. Tag it, or skip it.`);
    return;
  }
  if (hasLineBreak(cap)) {
    add(f, 'line-breaks', `The caption of ${f} has line breaks; SimpleTuner and kohya's wildcard mode read each line as a separate caption. Join it into one line.`);
  }
  const t = input.triggerWord.trim();
  const state = triggerState(cap, t);
  if (state === 'missing') add(f, 'trigger-missing', `The caption of ${f} does not contain the trigger word "${t}"; put it first.`);
  else if (state === 'not-first') add(f, 'trigger-not-first', `The caption of ${f} has the trigger word "${t}" but not first; move it to the front.`);
  else if (state === 'repeated') add(f, 'trigger-repeated', `The caption of ${f} has the trigger word "${t}" more than once; keep only the first.`);
}

/**
 * Flux: CivitAI says natural-language captions work best and guesses the style with looksNatural. One dataset-wide
 * warning when the dataset is tag-style (its caption style is 'tags', or most captions look like tags); in a
 * natural-language dataset, an info on each caption that still looks like tags (it is probably unfinished).
 */
function checkCaptionStyle(images: readonly PreflightImage[], input: PreflightInput, add: Add): void {
  if (input.flux === false) return;
  const captioned = images.filter((i) => i.caption.trim());
  if (!captioned.length) return;
  const tagLike = captioned.filter((i) => !looksNatural(i.caption.trim()));
  if (input.captionStyle === 'tags' || tagLike.length * 2 > captioned.length) {
    if (tagLike.length) {
      add('', 'flux-tag-captions', `${tagLike.length} of ${captioned.length} captions read as tag lists; for Flux, CivitAI recommends natural-language captions (a sentence or two over 80 characters, few commas). Tags still train, but usually less well on Flux.`);
    }
    return;
  }
  for (const i of tagLike) {
    add(i.file, 'flux-tag-caption', `The caption of ${i.file} reads as a tag list in a natural-language dataset (CivitAI counts a caption as natural language when it is over 80 characters with commas under 5% of it). Write it as a sentence.`);
  }
}

/** Rules that read the files: missing, broken, animated, exact and near duplicates. */
async function checkFiles(images: readonly PreflightImage[], folder: string, opts: PreflightOptions, add: Add): Promise<void> {
  const decode = opts.decode !== false;
  const sizes = new Map<string, number>();
  for (const img of images) {
    throwIfAborted(opts.signal);
    const st = await fsp.lstat(join(folder, img.file)).catch(() => undefined);
    const odd = st && ((await oddFile(folder, img.file, img.file, st)) ?? (await oddFile(folder, img.file, captionName(img.file))));
    if (!st) add(img.file, 'missing-image', `${img.file} is in the session but not in ${folder}. Restore ` +
      `it, or skip it in the panel.`);
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
      add(img.file, 'animated', `${img.file} is an animated ${name} (${r.frames} frames); trainers read only its first frame. Save that frame as a still image, or skip it.`);
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
      add(img.file, 'duplicate', `${img.file} is byte for byte the same image as ${first}; a duplicate only over-weights it in training. Skip one of them.`);
    }
  }
  // Exact duplicates are already reported; near-duplicate groups are formed from the rest.
  for (const group of groupNearDuplicates(hashes.filter((h) => !exactDup.has(h.file)), NEAR_DUPLICATE_DISTANCE)) {
    const [first, ...rest] = group;
    for (const g of rest) {
      add(g.file, 'near-duplicate', `${g.file} looks like the same picture as ${first!.file} (re-encoded, resized or slightly edited); near-duplicates over-weight one image in training. Keep the better one and skip the other.`);
    }
  }
  if (!decode) {
    add('', 'not-decoded', 'Images were not decoded in this check, so broken files, animations and near-duplicates were not looked for. Run Check Dataset to look for them.');
  } else if (tooLarge) {
    add('', 'not-decoded', `Not compared for near-duplicates: ${tooLarge} image(s) too large to decode here. Exact duplicates were still checked.`);
  }
}

/** A finding for an image or caption that is a link or not a regular file: the export leaves the pair out. */
async function oddFile(folder: string, image: string, name: string, known?: Stats): Promise<{ rule: PreflightRule; message: string } | undefined> {
  const path = join(folder, name);
  const st = known ?? (await fsp.lstat(path).catch(() => undefined));
  if (!st || st.isFile()) return undefined;
  const pair = `${image} and its caption are left out of the zip`;
  if (st.isSymbolicLink()) {
    const target = await fsp.realpath(path).catch(() => 'a file that does not exist');
    return { rule: 'linked-file', message: `${name} is a symbolic link to ${target}; the export never follows ` +
      `links, so ${pair}. Replace the link with a copy of the file it points to, then check again.` };
  }
  return { rule: 'not-a-file', message: `${name} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, so ` +
    `${pair}. Move it away and put the ${name === image ? 'image' : 'caption'} itself there, then check again.` };
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
async function inspectFile(img: PreflightImage, path: string, sameSize: boolean, decode: boolean, source: FactsSource): Promise<FileFacts> {
  const format = (img.format || '').toLowerCase();
  if (decode && (ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    const r = await source.facts(img.file);
    const digest = r.sha256;
    if (r.ok) return { digest, hash: r.facts.hash, frames: r.facts.frames };
    if (r.tooLarge) return { digest, tooLarge: true };
    const as = formatName(format === 'jpeg' ? 'jpg' : format);
    return { digest, problem: `${img.file} does not decode as ${as}: ${r.reason}. Trainers will fail on it; re-save it from an image editor, or skip it.` };
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
