/**
 * The staging plan: scan the source folder, read each candidate's header, number the good ones, and record the
 * plan in session.json before any copy (a fresh session), checking that no file in the output folder is in the way.
 */
import { join, relative, sep } from 'node:path';
import { nanoid } from 'nanoid';
import { SESSION_FILE, SESSION_SCHEMA_VERSION, type ImageRecord, type Session } from '../session/schema';
import { adviceFor, describeError, errorCode, type FsLike } from '../io/fsLike';
import { formatName, probeImage } from '../images/probe';
import {
  captionName,
  CONVERTIBLE_EXTENSIONS,
  CONVERTIBLE_FORMATS,
  extensionForFormat,
  numberWidth,
  stagedName,
} from './naming';
import { mapLimit } from '../io/pool';
import { scanFolder } from './scan';
import { saveSession } from '../session/sessionFile';
import { type StageOptions } from './options';
import { removeLeftoverTemps } from './run';
import type { SourceHint } from './place';
import { isStaleTemp } from '../io/atomicWrite';
import { TAGS_FILE } from '../tags/tagsFile';

/** Images at least this big are staged with a notice (CivitAI and most trainers choke on them). */
export const LARGE_IMAGE_BYTES = 100 * 1024 * 1024;

/** A source skipped, with why. */
export interface Skipped {
  file: string;
  reason: string;
}

/** What a scan and the header reads planned: the records to stage, how to read each source, what was skipped. */
export interface Plan {
  records: ImageRecord[];
  hints: Map<string, SourceHint>;
  skipped: Skipped[];
}

/** Scans and reads every candidate's header; numbers the good ones from `firstNumber`. */
export async function planImages(
  source: string,
  output: string,
  opts: StageOptions,
  prefix: string,
  firstNumber: number,
  known: (rel: string, size: number) => boolean | Promise<boolean>,
  fs: FsLike,
  notices: string[],
): Promise<Plan & { filesSeen: number; candidates: number }> {
  const convert = opts.convert ?? 'off';
  const extensions =
    convert === 'off' ? opts.extensions : [...new Set([...opts.extensions, ...CONVERTIBLE_EXTENSIONS])];
  const scan = await scanFolder(source, {
    includeSubfolders: opts.includeSubfolders,
    extensions,
    outputFolder: output,
    fs,
  });
  const skipped = [...scan.skipped];
  const probes = await mapLimit(scan.candidates, 16, async (c) => ({ c, p: await probeImage(c.path, fs) }));
  const good: {
    rel: string;
    ext: string;
    p: Extract<Awaited<ReturnType<typeof probeImage>>, { ok: true }>;
    caption: string | null;
    viaLink: boolean;
    converted?: boolean;
  }[] = [];
  for (const { c, p } of probes) {
    if (!p.ok) {
      skipped.push({ file: c.rel, reason: p.reason });
      continue;
    }
    if (await known(c.rel, p.size)) continue;
    const ext = extensionForFormat(p.format, c.ext, opts.extensions);
    if (!ext && convert !== 'off' && CONVERTIBLE_FORMATS.has(p.format)) {
      good.push({
        rel: c.rel,
        ext: convert === 'png' ? 'png' : 'jpg',
        p,
        caption: c.caption,
        viaLink: c.viaLink,
        converted: true,
      });
      continue;
    }
    if (!ext) {
      const offer = CONVERTIBLE_FORMATS.has(p.format)
        ? ' (Start can do it for you: its "convert" option, or the Convert on Stage setting)'
        : '';
      skipped.push({
        file: c.rel,
        reason: `it is really a ${formatName(p.format)} image (named .${c.ext}), a format the trainer does not accept: convert it to PNG or JPEG${offer}`,
      });
      continue;
    }
    if (ext !== c.ext)
      notices.push(`${c.rel} is really a ${formatName(p.format)} image: it is staged with the .${ext} extension.`);
    if (p.size >= LARGE_IMAGE_BYTES)
      notices.push(
        `${c.rel} is ${Math.round(p.size / 2 ** 20)} MB: it was staged, but CivitAI and most trainers refuse or shrink images this large; consider resizing it.`,
      );
    good.push({ rel: c.rel, ext, p, caption: c.caption, viaLink: c.viaLink });
  }
  const width = numberWidth(firstNumber + good.length - 1);
  const hints = new Map<string, SourceHint>();
  const records = good.map((g, i): ImageRecord => {
    const file = stagedName(prefix, firstNumber + i, width, g.ext);
    hints.set(file, { mtimeMs: g.p.mtimeMs, caption: g.caption, viaLink: g.viaLink });
    return {
      file,
      source: g.rel,
      // A conversion's size, format and (upright) dimensions are the staged file's, known once it is written.
      size: g.converted ? 0 : g.p.size,
      width: g.p.width,
      height: g.p.height,
      format: g.converted ? (g.ext === 'png' ? 'png' : 'jpg') : g.p.format,
      ...(g.converted ? { convertedFrom: { format: g.p.format, size: g.p.size } } : {}),
      ...(g.p.orientation !== undefined ? { orientation: g.p.orientation } : {}),
      status: 'untagged',
      favourite: false,
      nsfw: false,
    };
  });
  return { records, hints, skipped, filesSeen: scan.filesSeen, candidates: scan.candidates.length };
}

/** Plans a new session and records it on disk before any copy. */
export async function planFresh(
  source: string,
  output: string,
  opts: StageOptions,
  fs: FsLike,
  notices: string[],
): Promise<Plan & { session: Session }> {
  const plan = await planImages(source, output, opts, opts.prefix, 1, () => false, fs, notices);
  if (plan.filesSeen === 0) {
    throw new Error(
      `The folder ${source} is empty${opts.includeSubfolders ? '' : ' (subfolders not included)'}. Put the images to tag in it (${opts.extensions.join(', ')}) and run Start LoRA Tagging again.`,
    );
  }
  if (plan.records.length === 0) {
    const why = plan.skipped
      .slice(0, 5)
      .map((s) => `${s.file}: ${s.reason}`)
      .join('; ');
    throw new Error(
      plan.candidates === 0
        ? `No supported images in ${source}: none of its files is ${opts.extensions.join(', ')}${why ? ` (${why})` : ''}.${opts.includeSubfolders ? '' : ' If the images are in subfolders, turn on "include subfolders".'} Nothing was written.`
        : `None of the ${plan.candidates} images in ${source} can be staged: ${why}${plan.skipped.length > 5 ? '; …' : ''}. Nothing was written.`,
    );
  }
  await checkOutputFolder(output, plan.records, fs, notices);
  const now = new Date().toISOString();
  const session: Session = {
    schemaVersion: SESSION_SCHEMA_VERSION,
    id: nanoid(),
    createdAt: now,
    updatedAt: now,
    sourceFolder: relative(output, source).split(sep).join('/') || '.',
    prefix: opts.prefix,
    triggerWord: opts.triggerWord.trim(),
    captionStyle: opts.captionStyle,
    includeSubfolders: opts.includeSubfolders,
    mode: opts.mode,
    images: plan.records,
    currentFile: plan.records[0]!.file,
    recentTags: [],
    pinnedTags: [],
    categories: [],
    staging: { startedAt: now, mode: opts.mode, pending: plan.records.map((r) => r.file) },
  };
  await saveSession(output, session, fs).catch((err) => {
    throw new Error(
      `Could not write the staging plan ${join(output, SESSION_FILE)}: ${(err as Error).message.replace(/^Could not save the session [^:]*: /, '')} Nothing was copied.`,
    );
  });
  return { ...plan, session };
}

/** Creates the output folder; refuses (before writing anything) when files there already carry the planned names. */
async function checkOutputFolder(
  output: string,
  records: readonly ImageRecord[],
  fs: FsLike,
  notices: string[],
): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.readdir(output);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT')
      throw new Error(`Cannot read the output folder ${output}: ${describeError(err)}. ${adviceFor(err)}`);
  }
  if (names.some((n) => isStaleTemp(n))) {
    // Left by a run killed while it recorded its plan: this fresh run starts clean.
    await removeLeftoverTemps(output, fs, names);
    names = names.filter((n) => !isStaleTemp(n));
  }
  if (names.length > 0) {
    const have = new Set(names);
    const clash = records.flatMap((r) => [r.file, captionName(r.file)]).filter((n) => have.has(n));
    if (clash.length > 0) {
      throw new Error(
        `The output folder ${output} already holds files with the names this dataset would use (${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ', …' : ''}). Nothing was written. Choose another prefix or another output folder, or move those files away.`,
      );
    }
    const others = names.filter((n) => n !== TAGS_FILE);
    if (others.length)
      notices.push(
        `The output folder already held ${others.length} other file(s) (e.g. ${others[0]}); they were left untouched.`,
      );
    if (have.has(TAGS_FILE))
      notices.push(
        `The existing ${TAGS_FILE} in the output folder was kept: its tags are known tags and new ones are added after them.`,
      );
  }
  try {
    await fs.mkdir(output, { recursive: true });
  } catch (err) {
    throw new Error(
      `Cannot create the output folder ${output}: ${describeError(err)}. ${adviceFor(err)} If the image folder is read-only, set the output folder to a place you can write to (an absolute path works). Nothing was written.`,
    );
  }
}
