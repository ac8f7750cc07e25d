/**
 * "Start LoRA Tagging": scans a folder, records the staging plan in `session.json`, then copies (or moves) each
 * image to `<prefix>_<NNNN>.<ext>` with its `.txt`. An existing session is resumed, extended or set aside.
 */
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { SESSION_FILE, type ImageRecord, type Session } from '../session/schema';
import { adviceFor, describeError, exists, type FsLike } from '../io/fsLike';
import { syncFs } from '../io/syncFs';
import { fileTimeStamp, stagedNumber } from './naming';
import type { Decoder } from '../images/decodePool';
import { isInside } from './scan';
import { loadSession, saveSession, sessionExists } from '../session/sessionFile';
import { resolveOutputFolder, StageOptionsInput, type StageOptions } from './options';
import { finishedNotice, runPlan } from './run';
import { sha256 } from './place';
import { lostSessionImages } from '../session/rebuild';
import { planFresh, planImages } from './plan';

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
export async function stageDataset(
  sourceFolder: string,
  options: StageOptions,
  hooks: StageHooks = {},
): Promise<StageResult> {
  const fs = hooks.fs ?? syncFs;
  const checked = StageOptionsInput.required()
    .omit({ openPanel: true })
    .partial({ rebuild: true, convert: true })
    .safeParse(options);
  if (!checked.success)
    throw new Error(
      `Invalid staging options: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}. Nothing was written.`,
    );
  const opts = checked.data as StageOptions;
  const source = resolve(sourceFolder);
  const st = await fs.stat(source).catch((err) => {
    throw new Error(`Cannot open the folder ${source}: ${describeError(err)}. ${adviceFor(err)}`);
  });
  if (!st.isDirectory())
    throw new Error(`${source} is not a folder: run Start LoRA Tagging on the folder that holds the images.`);
  const output = resolveOutputFolder(source, opts.outputFolder);
  if (isInside(output, source)) {
    throw new Error(
      `The output folder ${output} is the source folder or contains it. Choose a subfolder (the default is "output") or a folder elsewhere.`,
    );
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
        const r = await runPlan({
          outputFolder: output,
          session,
          sourceRoot: source,
          fs,
          decoder: hooks.decoder,
          signal: hooks.signal,
          onProgress: hooks.onProgress,
        });
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
  const r = await runPlan({
    outputFolder: output,
    session: planned.session,
    sourceRoot: source,
    fs,
    decoder: hooks.decoder,
    hints: planned.hints,
    fresh: true,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
  notices.push(...r.notices);
  return result(planned.session, r.staged, [...planned.skipped, ...r.skipped]);
}

/** Onexisting 'add': stages the sources not yet in the session (same relative path and size), numbered after the last. */
async function addNew(
  source: string,
  output: string,
  session: Session,
  opts: StageOptions,
  fs: FsLike,
  hooks: StageHooks,
  notices: string[],
): Promise<{ staged: number; skipped: StageResult['skipped'] }> {
  const onDisk = await fs.readdir(output);
  const unlinkedBefore = session.images.filter((r) => !r.source);
  const last = Math.max(
    0,
    ...[...session.images.map((r) => r.file), ...onDisk].map((n) => stagedNumber(n, session.prefix) ?? 0),
  );
  const addOpts: StageOptions = { ...opts, includeSubfolders: session.includeSubfolders || opts.includeSubfolders };
  const plan = await planImages(
    source,
    output,
    addOpts,
    session.prefix,
    last + 1,
    knownSource(source, output, session, fs),
    fs,
    notices,
  );
  if (plan.records.length === 0) {
    // Sources found again for images of a rebuilt session are worth keeping.
    if (unlinkedBefore.some((r) => r.source)) await saveSession(output, session, fs);
    notices.push('No new images to add: every supported image of the folder is already in the session.');
    return { staged: 0, skipped: plan.skipped };
  }
  session.images.push(...plan.records);
  session.staging = { startedAt: new Date().toISOString(), mode: opts.mode, pending: plan.records.map((r) => r.file) };
  await saveSession(output, session, fs);
  const r = await runPlan({
    outputFolder: output,
    session,
    sourceRoot: source,
    fs,
    decoder: hooks.decoder,
    hints: plan.hints,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
  notices.push(...r.notices);
  return { staged: r.staged, skipped: [...plan.skipped, ...r.skipped] };
}

/**
 * Whether a source is already in the session: same relative path and size, or (for images whose source a rebuild
 * could not know) the same bytes as a staged image of that size, which then gets its source back.
 */
function knownSource(
  source: string,
  output: string,
  session: Session,
  fs: FsLike,
): (rel: string, size: number) => Promise<boolean> {
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
      throw new Error(
        `Could not set the previous output folder ${output} aside as ${target}: ${describeError(err)}. ${adviceFor(err)} Close any program using files in it and try again; nothing was changed.`,
      );
    }
    return target;
  }
}
