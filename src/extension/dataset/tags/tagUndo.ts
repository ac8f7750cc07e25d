/**
 * The undo history of dataset-wide tag operations, kept in `tag-undo.json` in the output folder so that an undo
 * works from another process (the command line's `tags undo`, a reloaded VS Code window) as well as from this one.
 * Written atomically; read as untrusted input (validated with zod, size-capped), and a damaged file is moved aside,
 * never overwritten. Two processes take turns through the short file lock (withUndoLock): each read-change-write of
 * the history, and an undo from its read to its write, so a step is never lost or undone twice.
 *
 * A full history of bulk edits is about 100,000 changes and 11 MB: reading, checking and writing it again took a
 * quarter of a second of the host's main thread for every operation and every undo. So the history as this process
 * last read or wrote it is kept, with each entry's text, and used again while the file's stamp (inode, size, times)
 * is the one it had then; any other write to the file (another process, an editor) changes the stamp, and the file
 * is read as before. The entries handed out are frozen: a caller makes new ones instead of changing them.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { StagedName } from '../../../shared/model';
import { writeFileAtomic } from '../io/atomicWrite';
import { withFileLock } from '../io/fileLock';
import { adviceFor, describeError, errorCode, exists, nodeFs, type FsLike } from '../io/fsLike';
import { fileTimeStamp } from '../staging/naming';

/** The file name of the undo history inside the output folder. */
export const UNDO_FILE = 'tag-undo.json';

/** How many operations can be undone, newest first. */
export const UNDO_DEPTH = 20;

// Every operation holds two copies of each caption it changed; past this the oldest are forgotten (the newest is
// always kept), so a 10,000-image dataset cannot grow the file without bound. Reading refuses anything far bigger.
const SAVE_BUDGET_BYTES = 64 * 1024 * 1024;
const READ_LIMIT_BYTES = 4 * SAVE_BUDGET_BYTES;

const UndoChange = z.object({ file: StagedName, before: z.string(), after: z.string() });

/** One applied operation: its label and each caption's text before it and as it wrote it. */
export const UndoEntry = z.object({ label: z.string(), at: z.string(), changes: z.array(UndoChange) });
/** One applied operation. */
export type UndoEntry = z.infer<typeof UndoEntry>;

const UndoFile = z.object({ version: z.literal(1), entries: z.array(UndoEntry) });

/** The history as this process last read or wrote it, per file system and file, with the file's stamp then. */
const known = new WeakMap<FsLike, Map<string, { stamp: string; entries: readonly UndoEntry[] }>>();
/** Each kept entry's text in the file (serialize), so writing the history again does not make it again. */
const entryText = new WeakMap<UndoEntry, string>();
/** Histories kept per file system: the datasets worked on last. */
const KEPT_FILES = 4;

async function stampOf(file: string, fs: FsLike): Promise<string | undefined> {
  const st = await fs.stat(file).catch(() => undefined);
  return st && `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

function keep(file: string, fs: FsLike, stamp: string | undefined, entries: readonly UndoEntry[]): void {
  let files = known.get(fs);
  if (!files) known.set(fs, (files = new Map()));
  files.delete(file);
  if (stamp === undefined) return;
  files.set(file, { stamp, entries });
  if (files.size > KEPT_FILES) files.delete(files.keys().next().value!);
}

/** A frozen copy of an entry (itself when it is one already), so what is kept cannot change under its text. */
function frozen(e: UndoEntry): UndoEntry {
  if (Object.isFrozen(e)) return e;
  const changes = Object.freeze(
    e.changes.map((c) => Object.freeze({ file: c.file, before: c.before, after: c.after })),
  );
  return Object.freeze({ label: e.label, at: e.at, changes }) as UndoEntry;
}

/**
 * Runs `fn` holding the lock of the undo history, so another process (a second window, the command line) cannot
 * change it between what `fn` reads and writes. Not re-entrant: the functions below take no lock themselves, except
 * pushUndoEntry.
 */
export function withUndoLock<T>(outputFolder: string, fn: () => Promise<T>, fs: FsLike = nodeFs): Promise<T> {
  return withFileLock(join(outputFolder, UNDO_FILE), fn, fs);
}

/** Reads the undo history, oldest first ([] when there is none); throws an Error naming the file when it is damaged. */
export async function readUndoHistory(outputFolder: string, fs: FsLike = nodeFs): Promise<UndoEntry[]> {
  const file = join(outputFolder, UNDO_FILE);
  const had = known.get(fs)?.get(file);
  if (had && had.stamp === (await stampOf(file, fs))) return [...had.entries];
  let text: string;
  let stamp: string;
  try {
    // Stamped before it is read: a write after this changes the stamp, so what is kept is never newer than it says.
    const st = await fs.stat(file);
    stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    if (st.size > READ_LIMIT_BYTES) {
      const mb = Math.round(st.size / 2 ** 20);
      throw new DamagedHistory(`${file} is ${mb} MB, far more than an undo history this tool writes`);
    }
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof DamagedHistory) throw err;
    if (errorCode(err) === 'ENOENT') return [];
    throw new Error(`Cannot read the tag undo history ${file}: ${describeError(err)}. ${adviceFor(err)}`);
  }
  const entries = (await parseInSlices(text)) ?? parseWhole(text, file);
  keep(file, fs, stamp, entries);
  return [...entries];
}

/** The history in one piece: JSON.parse, then the schema; a damaged file's message says where. */
function parseWhole(text: string, file: string): UndoEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DamagedHistory(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = UndoFile.safeParse(raw);
  if (!parsed.success) throw new DamagedHistory(`${file} is not a tag undo history: ${z.prettifyError(parsed.error)}`);
  return parsed.data.entries.map(frozen);
}

// The file as serialize() lays it out: HEAD, the entries joined by ENTRY_SEP, TAIL. A JSON string holds no raw line
// break, so ENTRY_SEP occurs only between two entries.
const HEAD = '{\n  "version": 1,\n  "entries": [\n';
const TAIL = '\n  ]\n}\n';
const ENTRY_START = '    { "label": ';
const ENTRY_SEP = `,\n${ENTRY_START}`;

/**
 * The history laid out as this tool writes it, one entry at a time with the event loop's turns between them (a full
 * history is 11 MB: in one piece its parse and check held the host for 130-180 ms). Undefined when the text is laid
 * out otherwise or any entry does not parse or check: parseWhole then reads it, and says what is wrong.
 */
export async function parseInSlices(text: string): Promise<UndoEntry[] | undefined> {
  if (!text.startsWith(HEAD + ENTRY_START) || !text.endsWith(TAIL)) return undefined;
  const parts = text.slice(HEAD.length + ENTRY_START.length, -TAIL.length).split(ENTRY_SEP);
  const entries: UndoEntry[] = [];
  let slice = performance.now();
  for (const part of parts) {
    let raw: unknown;
    try {
      raw = JSON.parse(`{ "label": ${part}`);
    } catch {
      return undefined;
    }
    const parsed = UndoEntry.safeParse(raw);
    if (!parsed.success) return undefined;
    const entry = frozen(parsed.data);
    // Its text as the file has it: writing the history again then makes no entry's text anew (another 100 ms).
    entryText.set(entry, ENTRY_START + part);
    entries.push(entry);
    if (performance.now() - slice > 8) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
  return entries;
}

/** Writes the undo history atomically, keeping at most UNDO_DEPTH entries within the size budget. */
export async function writeUndoHistory(
  outputFolder: string,
  entries: readonly UndoEntry[],
  fs: FsLike = nodeFs,
): Promise<void> {
  let kept = entries.slice(-UNDO_DEPTH).map(frozen);
  let text = serialize(kept);
  while (kept.length > 1 && Buffer.byteLength(text) > SAVE_BUDGET_BYTES) {
    kept = kept.slice(1);
    text = serialize(kept);
  }
  const file = join(outputFolder, UNDO_FILE);
  try {
    await writeFileAtomic(file, text, fs);
  } catch (err) {
    keep(file, fs, undefined, []);
    throw new Error(`Could not save the tag undo history ${file}: ${describeError(err)}. ${adviceFor(err)}`);
  }
  keep(file, fs, await stampOf(file, fs), kept);
}

/**
 * Appends an entry under the lock. A damaged history is moved aside as `tag-undo.corrupt-<time>.json` and a new one
 * started, so an operation is never blocked by it; the returned notice says so (undefined when nothing was moved).
 */
export function pushUndoEntry(
  outputFolder: string,
  entry: UndoEntry,
  fs: FsLike = nodeFs,
): Promise<string | undefined> {
  return withUndoLock(outputFolder, () => appendUndoEntry(outputFolder, entry, fs), fs);
}

/** pushUndoEntry for a caller that already holds the lock (withUndoLock). */
export async function appendUndoEntry(
  outputFolder: string,
  entry: UndoEntry,
  fs: FsLike = nodeFs,
): Promise<string | undefined> {
  let entries: UndoEntry[] = [];
  let notice: string | undefined;
  try {
    entries = await readUndoHistory(outputFolder, fs);
  } catch (err) {
    if (!(err instanceof DamagedHistory)) throw err;
    const aside = await moveAside(outputFolder, fs);
    notice = `${err.message}. It was moved aside as ${aside}, and a new undo history was started.`;
  }
  await writeUndoHistory(outputFolder, [...entries, entry], fs);
  return notice;
}

/** Thrown for a history file that exists but cannot be used; the message names it and says why. */
export class DamagedHistory extends Error {}

function serialize(entries: readonly UndoEntry[]): string {
  // One change per line: readable, and a diff of the history stays small.
  const body = entries.map((e) => {
    const had = entryText.get(e);
    if (had !== undefined) return had;
    const changes = e.changes.map((c) => '      ' + JSON.stringify(c)).join(',\n');
    const head = `    { "label": ${JSON.stringify(e.label)}, "at": ${JSON.stringify(e.at)}, "changes": [`;
    const text = e.changes.length ? `${head}\n${changes}\n    ] }` : `${head}] }`;
    entryText.set(e, text);
    return text;
  });
  return `{\n  "version": 1,\n  "entries": [${body.length ? `\n${body.join(',\n')}\n  ` : ''}]\n}\n`;
}

async function moveAside(outputFolder: string, fs: FsLike): Promise<string> {
  const stamp = fileTimeStamp();
  for (let n = 1; ; n++) {
    const name = `tag-undo.corrupt-${stamp}${n > 1 ? '-' + n : ''}.json`;
    if (await exists(join(outputFolder, name), fs)) continue;
    try {
      await fs.rename(join(outputFolder, UNDO_FILE), join(outputFolder, name));
    } catch (err) {
      const file = join(outputFolder, UNDO_FILE);
      const why = `${describeError(err)}. ${adviceFor(err)}`;
      throw new Error(`Could not move the damaged tag undo history ${file} aside: ${why}`);
    }
    return name;
  }
}
