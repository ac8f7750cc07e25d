/**
 * Reading and writing `session.json`: atomic saves with the previous version kept as `session.json.bak`, and a
 * load that never loses anything: a damaged file is moved aside as `session.corrupt-<time>.json` (never
 * overwritten) and the session comes back from the `.bak` or, failing that, from the images and captions on disk.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { migrateSession, SESSION_FILE, SESSION_SCHEMA_VERSION, type Session } from './schema';
import { tempPathFor, writeFileAtomic } from '../io/atomicWrite';
import { replaceIfSame } from '../io/swapReplace';
import { adviceFor, describeError, errorCode, exists, nodeFs, type FsLike } from '../io/fsLike';
import { defaultPrefix, fileTimeStamp } from '../staging/naming';
import { prefixPathProblem, stagedFileProblem } from './pathRules';
import { countStagedImages, dominantPrefix, rebuildSession } from './rebuild';
import { mergeSession, type SessionMerge } from './sessionMerge';
import { removeLeftoverLock, withFileLock } from '../io/fileLock';

/** The previous version of `session.json`, kept on every save. */
export const BACKUP_FILE = SESSION_FILE + '.bak';

/** `session.json` text: readable, one image per line so a diff or a hand edit stays easy. */
export function serializeSession(s: Session): string {
  const { images, ...rest } = s;
  const head = JSON.stringify({ ...rest, images: 0 }, null, 2);
  const list = images.length === 0 ? '[]' : `[\n${images.map((i) => '    ' + JSON.stringify(i)).join(',\n')}\n  ]`;
  return head.replace(/"images": 0/, `"images": ${list}`) + '\n';
}

/** True when the folder holds a `session.json` (or only its `.bak`, after a save was cut short). */
export async function sessionExists(outputFolder: string, fs: FsLike = nodeFs): Promise<boolean> {
  return (await exists(join(outputFolder, SESSION_FILE), fs)) || (await exists(join(outputFolder, BACKUP_FILE), fs));
}

/** What each session object was when this process last read or wrote it (the base of a two-writer merge). */
const lastSeen = new WeakMap<Session, string>();

/**
 * Saves the session atomically after copying the current file to `.bak`; the error says what to do. Two writers
 * take turns through a short lock, and when the file is no longer what this process last read or wrote, the other
 * writer's changes are merged into `session` first (sessionMerge.ts), so neither loses the other's: the result says
 * which images the merge brought in or took out.
 */
export async function saveSession(
  outputFolder: string,
  session: Session,
  fs: FsLike = nodeFs,
): Promise<SessionMerge | undefined> {
  const file = join(outputFolder, SESSION_FILE);
  try {
    return await withFileLock(
      file,
      async () => {
        // An editor or a script takes no lock: the write goes only over the very file the merge read (replaceIfSame
        // keeps it under a second name, compares, replaces, looks again), so a hand edit landing between the read and
        // the write is merged in by the next round instead of written over.
        let merged: SessionMerge | undefined;
        for (let round = 1; round <= 20; round++) {
          const disk = await readSessionBytes(file, fs);
          merged = mergeFromText(disk?.toString('utf8'), session) ?? merged;
          // Only a regular file is copied to .bak: a link put in its place is never followed.
          if (disk) await keepBackup(file, join(outputFolder, BACKUP_FILE), fs);
          const text = serializeSession(session);
          if (disk === null) await writeFileAtomic(file, text, fs);
          else if (!(await replaceIfSame(file, Buffer.from(text, 'utf8'), disk, fs))) continue;
          lastSeen.set(session, text);
          return merged;
        }
        throw new Error('another program kept changing it while it was being saved');
      },
      fs,
    );
  } catch (err) {
    throw new Error(
      `Could not save the session ${file}: ${describeError(err)}. ${adviceFor(err)} Your captions are saved in ` +
        'their .txt files; the progress will be saved again on the next change.',
    );
  }
}

/** Merges into `session` what another writer saved (`disk`) since this process last read or wrote the file. */
function mergeFromText(disk: string | undefined, session: Session): SessionMerge | undefined {
  const seen = lastSeen.get(session);
  if (seen === undefined || disk === undefined || disk === seen) return undefined;
  let theirs: Session;
  try {
    theirs = parseSession(disk);
  } catch {
    // Not a session (a hand edit gone wrong): the load path sets such a file aside; here ours is written.
    return undefined;
  }
  return mergeSession(parseSession(seen), session, theirs);
}

/** The session file's bytes; undefined when there is none; null when it is not a regular file (written over). */
async function readSessionBytes(path: string, fs: FsLike): Promise<Buffer | undefined | null> {
  try {
    if (!(await fs.lstat(path)).isFile()) return null;
    return await fs.readFile(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Copies the file to `.bak` (atomically) before it is replaced; nothing to keep when there is no file. */
async function keepBackup(file: string, bak: string, fs: FsLike): Promise<void> {
  const tmp = tempPathFor(bak);
  try {
    await fs.copyFile(file, tmp);
    await fs.rename(tmp, bak);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}

/** Parses and migrates a session file's text (repairs said in `notices`); throws with the reason. */
export function parseSession(text: string, notices?: string[]): Session {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`session.json is not valid JSON: ${(err as Error).message}`);
  }
  return migrateSession(raw, notices);
}

/** The result of loading a session: the session, and what was repaired (for the user). */
export interface LoadedSession {
  session: Session;
  notices: string[];
}

/** Thrown when a folder holds neither session.json nor its .bak; `stagedImages` says what a rebuild would find. */
export class NoSessionError extends Error {
  constructor(
    readonly outputFolder: string,
    readonly stagedImages: number,
  ) {
    super(
      `There is no session in ${outputFolder} (neither ${SESSION_FILE} nor ${BACKUP_FILE}). ` +
        (stagedImages > 0
          ? `It holds ${stagedImages} staged image(s): the session can be rebuilt from them and their captions ` +
            `(Resume offers it; batch callers pass { rebuild: true }).`
          : 'Run "Start LoRA Tagging" on the folder of source images to create one.'),
    );
    this.name = 'NoSessionError';
  }
}

/** Options of loadSession. */
export interface LoadOptions {
  /** With neither session.json nor its .bak, rebuild the session from the images and captions in the folder. */
  rebuild?: boolean;
}

/**
 * Loads `session.json`, repairing it as described above; a path in it that could reach outside the dataset is
 * refused (see pathRules.ts) and said so. Throws NoSessionError when the folder holds no session (unless rebuild).
 */
export async function loadSession(
  outputFolder: string,
  fs: FsLike = nodeFs,
  opts: LoadOptions = {},
): Promise<LoadedSession> {
  const file = join(outputFolder, SESSION_FILE);
  const notices: string[] = [];
  // A writer killed while it held a lock leaves it; nobody holds it now (the next writer would take it over too).
  for (const shared of [file, join(outputFolder, 'tags.txt'), join(outputFolder, 'tag-undo.json')])
    await removeLeftoverLock(shared, fs);
  const main = await readSessionText(file, fs);
  if (main.text !== undefined) refuseNewer(main.text, file);
  if (main.exists) {
    try {
      if (main.text === undefined) throw new Error(main.problem);
      const session = parseSession(main.text, notices);
      lastSeen.set(session, main.text);
      if (contain(outputFolder, session, notices)) await saveSession(outputFolder, session, fs);
      return { session, notices };
    } catch (err) {
      const aside = await moveAside(outputFolder, fs);
      notices.push(`${file} could not be read (${(err as Error).message}). It was moved aside as ${aside} and kept.`);
    }
  }
  const bak = await readBackup(outputFolder, fs);
  let session: Session;
  if (bak) {
    session = bak;
    notices.push(
      `The session was restored from ${BACKUP_FILE} (saved ${bak.updatedAt}); captions and tags come from the .txt files on disk, so none were lost.`,
    );
  } else if (!main.exists && !opts.rebuild) {
    throw new NoSessionError(outputFolder, await countStagedImages(outputFolder, fs));
  } else {
    const rebuilt = await rebuildSession(outputFolder, fs);
    session = rebuilt.session;
    const why = main.exists
      ? `There was no usable ${BACKUP_FILE}`
      : `There was neither ` + `${SESSION_FILE} nor ${BACKUP_FILE}`;
    notices.push(
      `${why}, so the session was rebuilt from the ${session.images.length} images and their .txt captions in the ` +
        `folder. Captions are intact; favourite/NSFW marks and the link to the source files were ` +
        `lost.${rebuilt.notes.length ? ' ' + rebuilt.notes.join(' ') : ''}`,
    );
  }
  contain(outputFolder, session, notices);
  await saveSession(outputFolder, session, fs);
  return { session, notices };
}

/** session.json's text, never read through a link or from a folder (either is reported as the problem). */
async function readSessionText(
  path: string,
  fs: FsLike,
): Promise<{ exists: boolean; text?: string; problem?: string }> {
  try {
    const st = await fs.lstat(path);
    const what = st.isSymbolicLink() ? 'a symbolic link, which is never followed' : 'not a regular file';
    if (!st.isFile()) return { exists: true, problem: `it is ${what}` };
    return { exists: true, text: await fs.readFile(path, 'utf8') };
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { exists: false };
    throw new Error(`Cannot read the session ${path}: ${describeError(err)}. ${adviceFor(err)}`);
  }
}

/**
 * Refuses what in a session could name a file outside the output folder: a prefix with a separator (replaced by
 * the one the images' names share) and image names that are not image files (left out). True when it changed.
 */
function contain(outputFolder: string, s: Session, notices: string[]): boolean {
  let changed = false;
  const bad = s.images.filter((i) => stagedFileProblem(i.file));
  if (bad.length) {
    const drop = new Set(bad.map((i) => i.file));
    s.images = s.images.filter((i) => !drop.has(i.file));
    if (s.staging) s.staging.pending = s.staging.pending.filter((f) => !drop.has(f));
    notices.push(
      `session.json lists ${bad.length} name(s) that are not image files of the dataset ` +
        `(${bad
          .slice(0, 3)
          .map((i) => stagedFileProblem(i.file))
          .join('; ')}); they were left out of the session ` +
        `and nothing was done with them.`,
    );
    changed = true;
  }
  const why = prefixPathProblem(s.prefix);
  if (why) {
    const was = s.prefix;
    s.prefix = dominantPrefix(s.images.map((i) => i.file)) ?? defaultPrefix(basename(dirname(resolve(outputFolder))));
    notices.push(
      `session.json names the prefix ${JSON.stringify(was.slice(0, 80))}, which cannot be used: ` +
        `${why}. The dataset uses "${s.prefix}" instead (from its file names), so nothing is ` +
        `written outside ${outputFolder}.`,
    );
    changed = true;
  }
  return changed;
}

function refuseNewer(text: string, file: string): void {
  const m = /"schemaVersion"\s*:\s*(\d+)/.exec(text);
  if (m && Number(m[1]) > SESSION_SCHEMA_VERSION) {
    throw new Error(
      `${file} was written by a newer version of LoRA Dataset Tagger (schema ${m[1]}; this version reads ${SESSION_SCHEMA_VERSION}). Update the extension to open it; the file was left untouched.`,
    );
  }
}

async function readBackup(outputFolder: string, fs: FsLike): Promise<Session | undefined> {
  try {
    const r = await readSessionText(join(outputFolder, BACKUP_FILE), fs);
    return r.text === undefined ? undefined : parseSession(r.text);
  } catch {
    return undefined;
  }
}

/** Renames `session.json` to a fresh `session.corrupt-<time>[-n].json`, never over an existing file; returns its name. */
async function moveAside(outputFolder: string, fs: FsLike): Promise<string> {
  const stamp = fileTimeStamp();
  for (let n = 1; ; n++) {
    const name = `session.corrupt-${stamp}${n > 1 ? '-' + n : ''}.json`;
    if (await exists(join(outputFolder, name), fs)) continue;
    await fs.rename(join(outputFolder, SESSION_FILE), join(outputFolder, name));
    return name;
  }
}
