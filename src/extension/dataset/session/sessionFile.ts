/**
 * Reading and writing `session.json`: atomic saves with the previous version kept as `session.json.bak`, and a
 * load that never loses anything: a damaged file is moved aside as `session.corrupt-<time>.json` (never
 * overwritten) and the session comes back from the `.bak` or, failing that, from the images and captions on disk.
 */
import { join } from 'node:path';
import { migrateSession, SESSION_FILE, SESSION_SCHEMA_VERSION, type Session } from './schema';
import { tempPathFor, writeFileAtomic } from '../io/atomicWrite';
import { adviceFor, describeError, errorCode, exists, nodeFs, type FsLike } from '../io/fsLike';
import { fileTimeStamp } from '../staging/naming';
import { rebuildSession } from './rebuild';

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

/** Saves the session atomically after copying the current file to `.bak`; the error says what to do. */
export async function saveSession(outputFolder: string, session: Session, fs: FsLike = nodeFs): Promise<void> {
  const file = join(outputFolder, SESSION_FILE);
  try {
    const bak = join(outputFolder, BACKUP_FILE);
    const tmp = tempPathFor(bak);
    try {
      await fs.copyFile(file, tmp);
      await fs.rename(tmp, bak);
    } catch (err) {
      await fs.unlink(tmp).catch(() => undefined);
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    await writeFileAtomic(file, serializeSession(session), fs);
  } catch (err) {
    throw new Error(`Could not save the session ${file}: ${describeError(err)}. ${adviceFor(err)} Your captions are saved in their .txt files; the progress will be saved again on the next change.`);
  }
}

/** Parses and migrates a session file's text; throws with the reason. */
export function parseSession(text: string): Session {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`session.json is not valid JSON: ${(err as Error).message}`);
  }
  return migrateSession(raw);
}

/** The result of loading a session: the session, and what was repaired (for the user). */
export interface LoadedSession {
  session: Session;
  notices: string[];
}

/** Loads `session.json`, repairing it as described above; throws only when the folder holds no session at all. */
export async function loadSession(outputFolder: string, fs: FsLike = nodeFs): Promise<LoadedSession> {
  const file = join(outputFolder, SESSION_FILE);
  const notices: string[] = [];
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') {
      throw new Error(`Cannot read the session ${file}: ${describeError(err)}. ${adviceFor(err)}`);
    }
  }
  if (text !== undefined) {
    refuseNewer(text, file);
    try {
      return { session: parseSession(text), notices };
    } catch (err) {
      const aside = await moveAside(outputFolder, fs);
      notices.push(`${file} could not be read (${(err as Error).message}). It was moved aside as ${aside} and kept.`);
    }
  }
  const bak = await readBackup(outputFolder, fs);
  let session: Session;
  if (bak) {
    session = bak;
    notices.push(`The session was restored from ${BACKUP_FILE} (saved ${bak.updatedAt}); captions and tags come from the .txt files on disk, so none were lost.`);
  } else if (text === undefined) {
    throw new Error(`There is no session in ${outputFolder} (no ${SESSION_FILE}). Run "Start LoRA Tagging" on the source folder to create one.`);
  } else {
    const rebuilt = await rebuildSession(outputFolder, fs);
    session = rebuilt.session;
    notices.push(
      `There was no usable ${BACKUP_FILE}, so the session was rebuilt from the ${session.images.length} images and their .txt captions in the folder. Captions are intact; favourite/NSFW marks and the link to the source files were lost.${rebuilt.notes.length ? ' ' + rebuilt.notes.join(' ') : ''}`,
    );
  }
  await saveSession(outputFolder, session, fs);
  return { session, notices };
}

function refuseNewer(text: string, file: string): void {
  const m = /"schemaVersion"\s*:\s*(\d+)/.exec(text);
  if (m && Number(m[1]) > SESSION_SCHEMA_VERSION) {
    throw new Error(`${file} was written by a newer version of LoRA Dataset Tagger (schema ${m[1]}; this version reads ${SESSION_SCHEMA_VERSION}). Update the extension to open it; the file was left untouched.`);
  }
}

async function readBackup(outputFolder: string, fs: FsLike): Promise<Session | undefined> {
  try {
    return parseSession(await fs.readFile(join(outputFolder, BACKUP_FILE), 'utf8'));
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
