/**
 * Carries out a recorded staging plan: each pending image is copied to a temp name and renamed when complete
 * (moved instead, in move mode), then its `.txt` is written. Safe to run again after a kill: what is already on
 * disk is recognised, leftovers are removed, and the numbering is the plan's, so the result is the same.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import type { ImageRecord, Session } from '../session/schema';
import { captionTags, initialCaption, isTagged } from '../../../shared/caption';
import { TEMP_SUFFIX, tempPathFor } from '../io/atomicWrite';
import { adviceFor, describeError, errorCode, nodeFs, type FsLike } from '../io/fsLike';
import { probeImage } from '../images/probe';
import { captionName } from './naming';
import { mapLimit } from '../io/pool';
import { saveSession } from '../session/sessionFile';
import { appendTags } from '../session/tagsFile';

/** Copies in flight at once: enough to hide latency, few enough not to thrash a spinning disk. */
export const STAGING_CONCURRENCY = 8;

/** What the plan knows about a source from the scan (saves a look-up per file on a fresh run). */
export interface SourceHint {
  mtimeMs: number;
  /** Reached through a symbolic link: copied, never moved. */
  viaLink: boolean;
  /** Absolute path of the caption beside the source, null when there is none. */
  caption: string | null;
}

/** Inputs of one run. */
export interface RunInput {
  outputFolder: string;
  session: Session;
  fs?: FsLike;
  hints?: Map<string, SourceHint>;
  /** True when the plan was made just now over an output folder known to hold none of its names. */
  fresh?: boolean;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, file: string): void;
}

/** What a run did. */
export interface RunOutcome {
  staged: number;
  skipped: { file: string; reason: string }[];
  notices: string[];
}

class StageFailure extends Error {
  constructor(readonly rec: ImageRecord, override readonly cause: unknown) {
    super(describeError(cause));
  }
}

/** The absolute source folder of a session. */
export function sourceRootOf(outputFolder: string, session: Session): string {
  return resolve(outputFolder, session.sourceFolder);
}

/** Removes temp files a killed run left in the output folder (only ours: hidden and ending in TEMP_SUFFIX). */
export async function removeLeftoverTemps(outputFolder: string, fs: FsLike = nodeFs, listed?: readonly string[]): Promise<number> {
  let n = 0;
  const names = listed ?? (await fs.readdir(outputFolder).catch(() => [] as string[]));
  for (const name of names) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      await fs.unlink(join(outputFolder, name)).then(() => n++, () => undefined);
    }
  }
  return n;
}

/** Runs the session's pending plan to the end, saves the session without it, and updates `tags.txt`. */
export async function runPlan(input: RunInput): Promise<RunOutcome> {
  const fs = input.fs ?? nodeFs;
  const { outputFolder, session } = input;
  const plan = session.staging;
  if (!plan) return { staged: 0, skipped: [], notices: [] };
  const pending = new Set(plan.pending);
  const records = session.images.filter((r) => pending.has(r.file));
  const root = sourceRootOf(outputFolder, session);
  const skipped: { file: string; reason: string }[] = [];
  const notices: string[] = [];
  const dropped = new Set<string>();
  const captions = new Map<string, string>();
  if (!input.fresh) await removeLeftoverTemps(outputFolder, fs);
  let done = 0;

  const stageOne = async (rec: ImageRecord): Promise<void> => {
    if (input.signal?.aborted) throw input.signal.reason ?? new Error('aborted');
    const final = join(outputFolder, rec.file);
    const src = join(root, ...rec.source.split('/'));
    try {
      const present = input.fresh ? undefined : await fs.stat(final).catch(() => undefined);
      if (present && present.size === rec.size) {
        if (plan.mode === 'move') await finishMove(src, final, fs, notices, rec);
      } else {
        const outcome = await placeImage(src, final, rec, plan.mode, input.hints?.get(rec.file), fs);
        if (typeof outcome === 'string') {
          skipped.push({ file: rec.source, reason: outcome });
          dropped.add(rec.file);
          return;
        }
        if (outcome.note) notices.push(outcome.note);
      }
      captions.set(rec.file, await ensureCaption(outputFolder, rec, src, session.triggerWord, input.hints?.get(rec.file), fs));
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
      const e = new Error(`Staging was cancelled after ${done} of ${records.length} images. Nothing was lost: run "Start LoRA Tagging" (or Resume) on the folder again to finish it with the same numbering.`);
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
    if (text !== undefined && r.status !== 'skipped') r.status = isTagged(text, session.triggerWord) ? 'tagged' : 'untagged';
  }
  delete session.staging;
  if (session.currentFile === null || dropped.has(session.currentFile)) session.currentFile = session.images[0]?.file ?? null;
  session.updatedAt = new Date().toISOString();
  const tags = records.filter((r) => !dropped.has(r.file)).flatMap((r) => captionTags(captions.get(r.file) ?? '', session.captionStyle));
  try {
    await appendTags(outputFolder, tags, fs, { create: true });
  } catch (err) {
    throw new Error(`The images are staged but ${join(outputFolder, 'tags.txt')} could not be written: ${describeError(err)}. ${adviceFor(err)} Run "Start LoRA Tagging" again to finish.`);
  }
  await saveSession(outputFolder, session, fs);
  return { staged: done, skipped, notices };
}

/** Puts one image in place; returns a skip reason when the source is gone or no longer an image. */
async function placeImage(src: string, final: string, rec: ImageRecord, mode: 'copy' | 'move', hint: SourceHint | undefined, fs: FsLike): Promise<{ note?: string } | string> {
  const gone = 'deleted while staging (it was in the plan but is gone now)';
  let expectMtime = hint?.mtimeMs;
  let viaLink: boolean;
  if (hint) {
    // Planned moments ago from a scan: skip the look-up; a change is caught by the check after the copy.
    viaLink = hint.viaLink;
  } else {
    let lst;
    try {
      lst = await fs.lstat(src);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return gone;
      throw err;
    }
    viaLink = lst.isSymbolicLink();
    const st = viaLink ? await fs.stat(src) : lst;
    if (st.size !== rec.size || (expectMtime !== undefined && st.mtimeMs !== expectMtime)) {
      const reprobe = await reprobed(src, rec, fs);
      if (typeof reprobe === 'string') return reprobe;
      expectMtime = reprobe;
    }
  }
  if (mode === 'move' && !viaLink) {
    try {
      await fs.rename(src, final);
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && !(await fs.lstat(src).then(() => true, () => false))) return gone;
      if (errorCode(err) !== 'EXDEV' && errorCode(err) !== 'EPERM' && errorCode(err) !== 'EACCES') throw err;
    }
    if (!(await fs.lstat(src).then(() => true, () => false))) {
      const st = await fs.stat(final);
      // Moved already, so it stays in the dataset whatever it holds now; only its record is refreshed.
      if (st.size !== rec.size || (expectMtime !== undefined && st.mtimeMs !== expectMtime)) await reprobed(final, rec, fs);
      return {};
    }
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = tempPathFor(final);
    let renamed = false;
    try {
      await fs.copyFile(src, tmp, fsConstants.COPYFILE_FICLONE);
      const after = await fs.stat(src);
      if (after.size === rec.size && (expectMtime === undefined || after.mtimeMs === expectMtime)) {
        await fs.rename(tmp, final);
        renamed = true;
        break;
      }
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && !(await fs.lstat(src).then(() => true, () => false))) {
        return 'deleted while staging (it was in the plan but is gone now)';
      }
      throw err;
    } finally {
      if (!renamed) await fs.unlink(tmp).catch(() => undefined);
    }
    // It changed while being copied: read its header again and copy it again.
    const reprobe = await reprobed(src, rec, fs);
    if (typeof reprobe === 'string') return reprobe;
    expectMtime = reprobe;
    if (attempt === 2) return 'kept changing while it was being copied: run Start LoRA Tagging again once it is finished';
  }
  if (mode === 'move' && !viaLink) {
    const note: string[] = [];
    await finishMove(src, final, fs, note, rec);
    return note.length ? { note: note[0]! } : {};
  }
  return {};
}

/** Re-reads a changed source's header into the record; returns its mtime, or a skip reason. */
async function reprobed(src: string, rec: ImageRecord, fs: FsLike): Promise<number | string> {
  const p = await probeImage(src, fs);
  if (!p.ok) return `changed while staging and is no longer usable: ${p.reason}`;
  if (p.format !== rec.format) return `changed while staging into a ${p.format} file: run Start LoRA Tagging again (Add new images) to stage it`;
  Object.assign(rec, { size: p.size, width: p.width, height: p.height });
  if (p.orientation !== undefined) rec.orientation = p.orientation;
  else delete rec.orientation;
  return p.mtimeMs;
}

/** Removes the source of a moved image once its copy is verified byte for byte (SHA-256 of both, streamed). */
async function finishMove(src: string, final: string, fs: FsLike, notices: string[], rec: ImageRecord): Promise<void> {
  const lst = await fs.lstat(src).catch(() => undefined);
  if (!lst || lst.isSymbolicLink()) return;
  const [a, b] = await Promise.all([sha256(src, fs), sha256(final, fs)]);
  if (a !== b) {
    notices.push(`${rec.source} was copied, not moved: the source differs from the staged copy ${rec.file}, so it was kept.`);
    return;
  }
  try {
    await fs.unlink(src);
  } catch (err) {
    notices.push(`${rec.source} was copied but could not be removed (${describeError(err)}); it was kept.`);
  }
}

/** SHA-256 of a file, read in chunks (never whole into memory). */
export async function sha256(path: string, fs: FsLike = nodeFs): Promise<string> {
  const h = createHash('sha256');
  const handle = await fs.open(path, 'r');
  try {
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return h.digest('hex');
}

/**
 * Writes the image's `.txt`: the caption beside the source (`.txt`, else `.caption`), or the trigger word alone.
 * A pending image's `.txt` is always rewritten, so a half-written one from a killed run cannot survive; it is
 * written in place (no temp file): nobody has edited it yet, since a dataset opens only once its staging is done.
 */
async function ensureCaption(outputFolder: string, rec: ImageRecord, src: string, trigger: string, hint: SourceHint | undefined, fs: FsLike): Promise<string> {
  const txt = join(outputFolder, captionName(rec.file));
  let text: string | undefined;
  const candidates = hint ? (hint.caption ? [hint.caption] : []) : sourceCaptionPaths(src);
  for (const c of candidates) {
    text = await fs.readFile(c, 'utf8').catch((err) => (errorCode(err) === 'ENOENT' ? undefined : Promise.reject(err)));
    if (text !== undefined) break;
  }
  text ??= initialCaption(trigger);
  await fs.writeFile(txt, text);
  return text;
}

/** The caption files that may sit beside a source image, in order of preference. */
export function sourceCaptionPaths(src: string): string[] {
  const dot = src.lastIndexOf('.');
  const base = dot > Math.max(src.lastIndexOf('/'), src.lastIndexOf('\\')) ? src.slice(0, dot) : src;
  return [base + '.txt', base + '.caption'];
}

/** `rel` with `/` separators. */
export function toPosix(rel: string): string {
  return rel.split(/[\\/]/).join(posix.sep);
}
