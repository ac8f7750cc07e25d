/**
 * Carries out a recorded staging plan: each pending image is put in place (place.ts), then its `.txt` is written.
 * Safe to run again after a kill, or from a backup that still holds the plan: what is already on disk is recognised
 * and kept (a caption on disk is never rewritten), leftovers are removed, and the numbering is the plan's.
 * Durable in order: every file is on disk before the session that says the plan is done.
 */
import { join, resolve } from 'node:path';
import type { ImageRecord, Session } from '../session/schema';
import { captionTags, initialCaption, isTagged } from '../../../shared/caption';
import { isStaleTemp, syncFile, syncFolder, writeFileAtomic } from '../io/atomicWrite';
import { adviceFor, describeError, nodeFs, type FsLike } from '../io/fsLike';
import { readCaptionFile } from '../io/readCaption';
import { captionName } from './naming';
import { mapLimit } from '../io/pool';
import { defaultSourceRoot, sourcePathProblem, stagedFileProblem, staysInside } from '../session/pathRules';
import { saveSession } from '../session/sessionFile';
import { appendTags } from '../tags/tagsFile';
import { finishMove, placeImage, type SourceHint } from './place';
import { convertInto } from './convert';
import { inlineDecoder, type Decoder } from '../images/decodePool';

/** Copies in flight at once: enough to hide latency, few enough not to thrash a spinning disk. */
export const STAGING_CONCURRENCY = 8;

/** Inputs of one run. */
export interface RunInput {
  outputFolder: string;
  session: Session;
  /**
   * The folder the sources are read from, as the user chose it (Start). Without one, only the folder around the
   * output folder, and only when session.json names it (see defaultSourceRoot); otherwise the plan is not run.
   */
  sourceRoot?: string;
  fs?: FsLike;
  /** Converts the plan's conversions (default: on this thread). */
  decoder?: Decoder;
  hints?: Map<string, SourceHint>;
  /** True when the plan was made just now over an output folder known to hold none of its names. */
  fresh?: boolean;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, file: string): void;
}

/** What a run did. */
export interface RunOutcome {
  /** Images copied or moved by this run. */
  staged: number;
  /** Images of the plan that were already in place (an earlier run got that far). */
  present: number;
  /** Captions already on disk, kept as they were. */
  captionsKept: number;
  skipped: { file: string; reason: string }[];
  notices: string[];
  /** True when the plan was not run: its source folder could not be trusted (the notices say why). */
  refused?: boolean;
}

class StageFailure extends Error {
  constructor(
    readonly rec: ImageRecord,
    override readonly cause: unknown,
  ) {
    super(describeError(cause));
  }
}

/** Removes the temp files killed runs left in the output folder (only ours, and none a running process is writing). */
export async function removeLeftoverTemps(
  outputFolder: string,
  fs: FsLike = nodeFs,
  listed?: readonly string[],
): Promise<number> {
  let n = 0;
  const names = listed ?? (await fs.readdir(outputFolder).catch(() => [] as string[]));
  for (const name of names) {
    if (isStaleTemp(name)) {
      await fs.unlink(join(outputFolder, name)).then(
        () => n++,
        () => undefined,
      );
    }
  }
  return n;
}

/** What re-running a recorded plan did, in words, for the user. */
export function finishedNotice(pending: number, r: RunOutcome): string {
  if (r.staged === 0 && r.present === pending) {
    return (
      `The recorded staging plan (${pending} images) had already been carried out: nothing was copied, ` +
      `and no caption was rewritten.`
    );
  }
  const present = r.present ? `, ${r.present} were already in place` : '';
  const kept = r.captionsKept ? `; ${r.captionsKept} caption(s) already on disk were kept as they are` : '';
  return `An interrupted staging run was finished: ${r.staged} of ${pending} images staged now${present}${kept}.`;
}

/** Runs the session's pending plan to the end, saves the session without it, and updates `tags.txt`. */
export async function runPlan(input: RunInput): Promise<RunOutcome> {
  const fs = input.fs ?? nodeFs;
  const { outputFolder, session } = input;
  const plan = session.staging;
  const outcome: RunOutcome = { staged: 0, present: 0, captionsKept: 0, skipped: [], notices: [] };
  if (!plan) return outcome;
  const { skipped, notices } = outcome;
  const pending = new Set(plan.pending);
  const records = session.images.filter((r) => pending.has(r.file));
  const root = input.sourceRoot ?? defaultSourceRoot(outputFolder, session.sourceFolder);
  if (root === undefined) return refusePlan(input, fs, outcome, records.length);
  const rootReal = await fs.realpath(root).catch(() => resolve(root));
  const dropped = new Set<string>();
  const captions = new Map<string, string>();
  // Captions whose tags are not listed: not valid UTF-8, or not a file one can read.
  const unlisted = new Set<string>();
  if (!input.fresh) await removeLeftoverTemps(outputFolder, fs);
  let done = 0;

  const stageOne = async (rec: ImageRecord): Promise<void> => {
    if (input.signal?.aborted) throw input.signal.reason ?? new Error('aborted');
    const final = join(outputFolder, rec.file);
    const hint = input.hints?.get(rec.file);
    const bad = stagedFileProblem(rec.file) ?? (hint ? undefined : sourcePathProblem(rec.source));
    const src = join(root, ...rec.source.split('/'));
    try {
      const present = input.fresh ? undefined : await fs.lstat(final).catch(() => undefined);
      if (present?.isFile() && present.size === rec.size) {
        outcome.present++;
        await syncFile(final, fs);
        // A conversion's source is never removed.
        if (plan.mode === 'move' && !rec.convertedFrom && !bad && (await staysInside(rootReal, src, fs)))
          await finishMove(src, final, fs, notices, rec);
      } else {
        const refused =
          bad ??
          (!hint &&
          (await fs.lstat(src).then(
            () => true,
            () => false,
          )) &&
          !(await staysInside(rootReal, src, fs))
            ? `it leads outside ${root} (through a symbolic link)`
            : undefined);
        if (refused) {
          skipped.push({ file: rec.source || rec.file, reason: `${refused}, so it was not read, copied or moved` });
          dropped.add(rec.file);
          return;
        }
        const placed = rec.convertedFrom
          ? await convertInto(src, final, rec, input.decoder ?? inlineDecoder, fs)
          : await placeImage(src, final, rec, plan.mode, hint, fs);
        if (typeof placed === 'string') {
          skipped.push({ file: rec.source, reason: placed });
          dropped.add(rec.file);
          return;
        }
        outcome.staged++;
        if (placed.note) notices.push(placed.note);
      }
      const cap = await ensureCaption(
        outputFolder,
        rec,
        src,
        session.triggerWord,
        hint,
        !input.fresh,
        rootReal,
        fs,
        notices,
      );
      captions.set(rec.file, cap.text);
      if (cap.kept) outcome.captionsKept++;
      if (cap.unlisted) unlisted.add(rec.file);
    } catch (err) {
      if (err instanceof StageFailure || input.signal?.aborted) throw err;
      throw new StageFailure(rec, err);
    }
    done++;
    input.onProgress?.(done, records.length, rec.source);
  };

  try {
    await mapLimit(records, STAGING_CONCURRENCY, stageOne);
  } catch (err) {
    if (input.signal?.aborted) {
      const e = new Error(
        `Staging was cancelled after ${done} of ${records.length} images. Nothing was lost: run "Start LoRA Tagging" (or Resume) on the folder again to finish it with the same numbering.`,
      );
      e.name = 'AbortError';
      throw e;
    }
    const f = err instanceof StageFailure ? err : new StageFailure(records[0]!, err);
    throw new Error(
      `Staging stopped at "${f.rec.source}" -> ${join(outputFolder, f.rec.file)}: ${describeError(f.cause)}. ${adviceFor(f.cause)} Nothing was lost: ${done} of ${records.length} images are staged, ${plan.mode === 'move' ? 'each source not yet moved is still in place' : 'your source files are untouched'}, and running "Start LoRA Tagging" on the folder again finishes the job with the same numbering.`,
    );
  }

  session.images = session.images.filter((r) => !dropped.has(r.file));
  for (const r of session.images) {
    const text = captions.get(r.file);
    if (text !== undefined && r.status !== 'skipped')
      r.status = isTagged(text, session.triggerWord) ? 'tagged' : 'untagged';
  }
  delete session.staging;
  if (session.currentFile === null || dropped.has(session.currentFile))
    session.currentFile = session.images[0]?.file ?? null;
  session.updatedAt = new Date().toISOString();
  const kept = records.filter((r) => !dropped.has(r.file) && !unlisted.has(r.file));
  const tags = kept.flatMap((r) => captionTags(captions.get(r.file) ?? '', session.captionStyle));
  try {
    await appendTags(outputFolder, tags, fs, { create: true });
  } catch (err) {
    // The captions hold every tag, and opening the dataset lists them again: not a reason to stop here.
    notices.push(
      `The images are staged, but ${join(outputFolder, 'tags.txt')} could not be written: ` +
        `${describeError(err)}. ${adviceFor(err)} Its tags are listed again from the captions the ` +
        `next time the dataset opens.`,
    );
  }
  // The new names are on disk before the session says the plan is done (each file's data already is).
  await syncFolder(outputFolder, fs);
  await saveSession(outputFolder, session, fs);
  return outcome;
}

/** A plan whose source folder cannot be trusted: not run, dropped, and the user told why and what to do. */
async function refusePlan(input: RunInput, fs: FsLike, outcome: RunOutcome, pending: number): Promise<RunOutcome> {
  const { outputFolder, session } = input;
  const named = resolve(outputFolder, session.sourceFolder);
  outcome.notices.push(
    `session.json holds a staging plan of ${pending} image(s) to read from ${named}, which is not the folder this ` +
      `dataset is in (${resolve(outputFolder, '..')}); it was not run, and nothing was read, copied or moved. If ` +
      `that really is where this dataset's images come from, run "Start LoRA Tagging" on that folder yourself ` +
      `and choose "Add new images".`,
  );
  delete session.staging;
  await saveSession(outputFolder, session, fs);
  return { ...outcome, refused: true };
}

/**
 * Writes the image's `.txt`: the caption beside the source (`.txt`, else `.caption`, byte for byte), or the trigger
 * word alone; written atomically, so a `.txt` on disk is always whole. When re-running a plan (`keep`), a caption
 * already on disk is kept as it is: an earlier run wrote it, or someone has edited it since.
 */
async function ensureCaption(
  outputFolder: string,
  rec: ImageRecord,
  src: string,
  trigger: string,
  hint: SourceHint | undefined,
  keep: boolean,
  rootReal: string,
  fs: FsLike,
  notices: string[],
): Promise<{ text: string; kept?: boolean; unlisted?: boolean }> {
  const txt = join(outputFolder, captionName(rec.file));
  if (keep) {
    const st = await fs.lstat(txt).catch(() => undefined);
    if (st && (!st.isFile() || st.size > 0)) {
      const r = await readCaptionFile(txt, fs);
      return { text: r.text, kept: true, unlisted: !!r.problem };
    }
  }
  const candidates = hint ? (hint.caption ? [hint.caption] : []) : sourceCaptionPaths(src);
  for (const c of candidates) {
    // A link beside the source is followed only inside the source folder, as the scan follows image links.
    const path =
      (await fs.lstat(c).then(
        (st) => st.isSymbolicLink(),
        () => false,
      )) && (await staysInside(rootReal, c, fs))
        ? await fs.realpath(c)
        : c;
    const r = await readCaptionFile(path, fs);
    if (r.missing) continue;
    if (r.problem && r.problem.kind !== 'not-utf8') {
      notices.push(
        `The caption beside ${rec.source} was not carried over to ` + `${captionName(rec.file)}: ${r.problem.message}`,
      );
      continue;
    }
    if (r.problem)
      notices.push(
        `${c} is not valid UTF-8 text: it was carried over byte for byte as ${txt}, and ` +
          `its tags are not listed in tags.txt.`,
      );
    await writeFileAtomic(txt, r.bytes!, fs);
    return { text: r.text, unlisted: !!r.problem };
  }
  const text = initialCaption(trigger);
  await writeFileAtomic(txt, text, fs);
  return { text };
}

/** The caption files that may sit beside a source image, in order of preference. */
export function sourceCaptionPaths(src: string): string[] {
  const dot = src.lastIndexOf('.');
  const base = dot > Math.max(src.lastIndexOf('/'), src.lastIndexOf('\\')) ? src.slice(0, dot) : src;
  return [base + '.txt', base + '.caption'];
}
