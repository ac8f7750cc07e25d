/**
 * "Start LoRA Tagging": scans a folder, records the staging plan in `session.json`, then copies (or moves) each
 * image to `<prefix>_<NNNN>.<ext>` with its `.txt`. An existing session is resumed, extended or set aside.
 */
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { nanoid } from 'nanoid';
import { SESSION_FILE, SESSION_SCHEMA_VERSION, type ImageRecord, type Session } from '../session/schema';
import { adviceFor, describeError, errorCode, exists, type FsLike } from '../io/fsLike';
import { syncFs } from '../io/syncFs';
import { formatName, probeImage } from '../images/probe';
import { captionName, CONVERTIBLE_EXTENSIONS, CONVERTIBLE_FORMATS, extensionForFormat, fileTimeStamp, numberWidth, stagedName, stagedNumber } from './naming';
import type { Decoder } from '../images/decodePool';
import { mapLimit } from '../io/pool';
import { isInside, scanFolder } from './scan';
import { loadSession, saveSession, sessionExists } from '../session/sessionFile';
import { resolveOutputFolder, StageOptionsInput, type StageOptions } from './options';
import { finishedNotice, removeLeftoverTemps, runPlan } from './run';
import { sha256, type SourceHint } from './place';
import { isStaleTemp } from '../io/atomicWrite';
import { lostSessionImages } from '../session/rebuild';
import { TAGS_FILE } from '../session/tagsFile';

// The staging API in one module for the commands: the prefix default, the session check and the option checks.
export { defaultPrefix } from './naming';
export { sessionExists } from '../session/sessionFile';
export { validateStageOptions, type StageOptions, type StageOptionsInput } from './options';

/** Images at least this big are staged with a notice (CivitAI and most trainers choke on them). */
export const LARGE_IMAGE_BYTES = 100 * 1024 * 1024;

/** What a staging run did (paths absolute). */
export interface StageResult {
  outputFolder: string;
  sessionFile: string;
  /** Images in the session afterwards. */
  total: number;
  /** Images staged by this call. */
  staged: number;
  skipped: { file: string; reason: string }[];
  /** Where the previous output folder went, after onExisting 'restart'. */
  backupFolder?: string;
  /** Things the user should know (repairs, renamed formats, large files, files left alongside). */
  notices: string[];
}

/** Progress, cancellation and an injectable file system. */
export interface StageHooks {
  onProgress?(done: number, total: number, file: string): void;
  signal?: AbortSignal;
  fs?: FsLike;
  /** Converts images when the convert option is on (default: on this thread); the extension passes its pool. */
  decoder?: Decoder;
}

/** Stages the images of `sourceFolder` as the options say; throws an Error saying what happened and what to do. */
export async function stageDataset(sourceFolder: string, options: StageOptions, hooks: StageHooks = {}): Promise<StageResult> {
  const fs = hooks.fs ?? syncFs;
  const checked = StageOptionsInput.required().omit({ openPanel: true }).partial({ rebuild: true, convert: true }).safeParse(options);
  if (!checked.success) throw new Error(`Invalid staging options: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}. Nothing was written.`);
  const opts = checked.data as StageOptions;
  const source = resolve(sourceFolder);
  const st = await fs.stat(source).catch((err) => {
    throw new Error(`Cannot open the folder ${source}: ${describeError(err)}. ${adviceFor(err)}`);
  });
  if (!st.isDirectory()) throw new Error(`${source} is not a folder: run Start LoRA Tagging on the folder that holds the images.`);
  const output = resolveOutputFolder(source, opts.outputFolder);
  if (isInside(output, source)) {
    throw new Error(`The output folder ${output} is the source folder or contains it. Choose a subfolder (the default is "output") or a folder elsewhere.`);
  }
  const notices: string[] = [];
  let backupFolder: string | undefined;
  const result = (session: Session, staged: number, skipped: StageResult['skipped']): StageResult => ({
    outputFolder: output,
    sessionFile: join(output, SESSION_FILE),
    total: session.images.length,
    staged,
    skipped,
    ...(backupFolder ? { backupFolder } : {}),
    notices,
  });

  const hasSession = await sessionExists(output, fs);
  const lost = hasSession ? 0 : await lostSessionImages(output, fs);
  if (lost > 0 && !opts.rebuild && opts.onExisting !== 'restart') {
    throw new Error(
      `The output folder ${output} holds a dataset of ${lost} staged image(s) whose session.json and ` +
        `session.json.bak are both gone. Nothing was written. Rebuild its session from those images and their ` +
        `captions (Start LoRA Tagging offers it; batch callers pass rebuild: true), or start over (onExisting ` +
        `"restart" sets the folder aside as a backup).`,
    );
  }
  if (hasSession || lost > 0) {
    if (opts.onExisting === 'restart') {
      backupFolder = await setAside(output, fs);
      notices.push(`The previous output folder was kept as ${backupFolder}.`);
    } else {
      const loaded = await loadSession(output, fs, { rebuild: opts.rebuild });
      notices.push(...loaded.notices);
      const session = loaded.session;
      let staged = 0;
      const skipped: StageResult['skipped'] = [];
      // The images come from the folder the user started from, whatever session.json says.
      const from = relative(output, source).split(sep).join('/') || '.';
      if (session.sourceFolder !== from) {
        session.sourceFolder = from;
        if (!session.staging && opts.onExisting !== 'add') await saveSession(output, session, fs);
      }
      if (session.staging) {
        const n = session.staging.pending.length;
        const r = await runPlan({ outputFolder: output, session, sourceRoot: source, fs, decoder: hooks.decoder, signal: hooks.signal, onProgress: hooks.onProgress });
        staged += r.staged;
        skipped.push(...r.skipped);
        notices.push(finishedNotice(n, r), ...r.notices);
      }
      if (opts.onExisting === 'add') {
        const r = await addNew(source, output, session, opts, fs, hooks, notices);
        staged += r.staged;
        skipped.push(...r.skipped);
      }
      return result(session, staged, skipped);
    }
  }

  const planned = await planFresh(source, output, opts, fs, notices);
  const r = await runPlan({ outputFolder: output, session: planned.session, sourceRoot: source, fs, decoder: hooks.decoder, hints: planned.hints, fresh: true, signal: hooks.signal, onProgress: hooks.onProgress });
  notices.push(...r.notices);
  return result(planned.session, r.staged, [...planned.skipped, ...r.skipped]);
}

interface Plan {
  records: ImageRecord[];
  hints: Map<string, SourceHint>;
  skipped: StageResult['skipped'];
}

/** Scans and reads every candidate's header; numbers the good ones from `firstNumber`. */
async function planImages(source: string, output: string, opts: StageOptions, prefix: string, firstNumber: number, known: (rel: string, size: number) => boolean | Promise<boolean>, fs: FsLike, notices: string[]): Promise<Plan & { filesSeen: number; candidates: number }> {
  const convert = opts.convert ?? 'off';
  const extensions = convert === 'off' ? opts.extensions : [...new Set([...opts.extensions, ...CONVERTIBLE_EXTENSIONS])];
  const scan = await scanFolder(source, { includeSubfolders: opts.includeSubfolders, extensions, outputFolder: output, fs });
  const skipped = [...scan.skipped];
  const probes = await mapLimit(scan.candidates, 16, async (c) => ({ c, p: await probeImage(c.path, fs) }));
  const good: { rel: string; ext: string; p: Extract<Awaited<ReturnType<typeof probeImage>>, { ok: true }>; caption: string | null; viaLink: boolean; converted?: boolean }[] = [];
  for (const { c, p } of probes) {
    if (!p.ok) {
      skipped.push({ file: c.rel, reason: p.reason });
      continue;
    }
    if (await known(c.rel, p.size)) continue;
    const ext = extensionForFormat(p.format, c.ext, opts.extensions);
    if (!ext && convert !== 'off' && CONVERTIBLE_FORMATS.has(p.format)) {
      good.push({ rel: c.rel, ext: convert === 'png' ? 'png' : 'jpg', p, caption: c.caption, viaLink: c.viaLink, converted: true });
      continue;
    }
    if (!ext) {
      const offer = CONVERTIBLE_FORMATS.has(p.format) ? ' (Start can do it for you: its "convert" option, or the Convert on Stage setting)' : '';
      skipped.push({ file: c.rel, reason: `it is really a ${formatName(p.format)} image (named .${c.ext}), a format the trainer does not accept: convert it to PNG or JPEG${offer}` });
      continue;
    }
    if (ext !== c.ext) notices.push(`${c.rel} is really a ${formatName(p.format)} image: it is staged with the .${ext} extension.`);
    if (p.size >= LARGE_IMAGE_BYTES) notices.push(`${c.rel} is ${Math.round(p.size / 2 ** 20)} MB: it was staged, but CivitAI and most trainers refuse or shrink images this large; consider resizing it.`);
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
async function planFresh(source: string, output: string, opts: StageOptions, fs: FsLike, notices: string[]): Promise<Plan & { session: Session }> {
  const plan = await planImages(source, output, opts, opts.prefix, 1, () => false, fs, notices);
  if (plan.filesSeen === 0) {
    throw new Error(`The folder ${source} is empty${opts.includeSubfolders ? '' : ' (subfolders not included)'}. Put the images to tag in it (${opts.extensions.join(', ')}) and run Start LoRA Tagging again.`);
  }
  if (plan.records.length === 0) {
    const why = plan.skipped.slice(0, 5).map((s) => `${s.file}: ${s.reason}`).join('; ');
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
    throw new Error(`Could not write the staging plan ${join(output, SESSION_FILE)}: ${(err as Error).message.replace(/^Could not save the session [^:]*: /, '')} Nothing was copied.`);
  });
  return { ...plan, session };
}

/** Creates the output folder; refuses (before writing anything) when files there already carry the planned names. */
async function checkOutputFolder(output: string, records: readonly ImageRecord[], fs: FsLike, notices: string[]): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.readdir(output);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw new Error(`Cannot read the output folder ${output}: ${describeError(err)}. ${adviceFor(err)}`);
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
      throw new Error(`The output folder ${output} already holds files with the names this dataset would use (${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ', …' : ''}). Nothing was written. Choose another prefix or another output folder, or move those files away.`);
    }
    const others = names.filter((n) => n !== TAGS_FILE);
    if (others.length) notices.push(`The output folder already held ${others.length} other file(s) (e.g. ${others[0]}); they were left untouched.`);
    if (have.has(TAGS_FILE)) notices.push(`The existing ${TAGS_FILE} in the output folder was kept: its tags are known tags and new ones are added after them.`);
  }
  try {
    await fs.mkdir(output, { recursive: true });
  } catch (err) {
    throw new Error(`Cannot create the output folder ${output}: ${describeError(err)}. ${adviceFor(err)} If the image folder is read-only, set the output folder to a place you can write to (an absolute path works). Nothing was written.`);
  }
}

/** Onexisting 'add': stages the sources not yet in the session (same relative path and size), numbered after the last. */
async function addNew(source: string, output: string, session: Session, opts: StageOptions, fs: FsLike, hooks: StageHooks, notices: string[]): Promise<{ staged: number; skipped: StageResult['skipped'] }> {
  const onDisk = await fs.readdir(output);
  const unlinkedBefore = session.images.filter((r) => !r.source);
  const last = Math.max(0, ...[...session.images.map((r) => r.file), ...onDisk].map((n) => stagedNumber(n, session.prefix) ?? 0));
  const addOpts: StageOptions = { ...opts, includeSubfolders: session.includeSubfolders || opts.includeSubfolders };
  const plan = await planImages(source, output, addOpts, session.prefix, last + 1, knownSource(source, output, session, fs), fs, notices);
  if (plan.records.length === 0) {
    // Sources found again for images of a rebuilt session are worth keeping.
    if (unlinkedBefore.some((r) => r.source)) await saveSession(output, session, fs);
    notices.push('No new images to add: every supported image of the folder is already in the session.');
    return { staged: 0, skipped: plan.skipped };
  }
  session.images.push(...plan.records);
  session.staging = { startedAt: new Date().toISOString(), mode: opts.mode, pending: plan.records.map((r) => r.file) };
  await saveSession(output, session, fs);
  const r = await runPlan({ outputFolder: output, session, sourceRoot: source, fs, decoder: hooks.decoder, hints: plan.hints, signal: hooks.signal, onProgress: hooks.onProgress });
  notices.push(...r.notices);
  return { staged: r.staged, skipped: [...plan.skipped, ...r.skipped] };
}

/**
 * Whether a source is already in the session: same relative path and size, or (for images whose source a rebuild
 * could not know) the same bytes as a staged image of that size, which then gets its source back.
 */
function knownSource(source: string, output: string, session: Session, fs: FsLike): (rel: string, size: number) => Promise<boolean> {
  const inSession = new Set(session.images.map((r) => `${r.size}:${r.source}`));
  const unlinked = new Map<number, ImageRecord[]>();
  for (const r of session.images) if (!r.source) unlinked.set(r.size, [...(unlinked.get(r.size) ?? []), r]);
  return async (rel, size) => {
    if (inSession.has(`${size}:${rel}`)) return true;
    const same = unlinked.get(size);
    if (!same?.length) return false;
    const digest = await sha256(join(source, ...rel.split('/')), fs);
    for (const r of same) {
      if ((await sha256(join(output, r.file), fs).catch(() => '')) !== digest) continue;
      r.source = rel;
      same.splice(same.indexOf(r), 1);
      return true;
    }
    return false;
  };
}

/** Renames the output folder aside as `<name>.backup-<time>` (nothing is deleted); returns the new path. */
async function setAside(output: string, fs: FsLike): Promise<string> {
  const stamp = fileTimeStamp();
  for (let n = 1; ; n++) {
    const target = join(dirname(output), `${basename(output)}.backup-${stamp}${n > 1 ? '-' + n : ''}`);
    if (await exists(target, fs)) continue;
    try {
      await fs.rename(output, target);
    } catch (err) {
      throw new Error(`Could not set the previous output folder ${output} aside as ${target}: ${describeError(err)}. ${adviceFor(err)} Close any program using files in it and try again; nothing was changed.`);
    }
    return target;
  }
}
