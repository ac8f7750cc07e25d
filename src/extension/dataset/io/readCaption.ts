/**
 * Reading caption files as the untrusted input they are: a link is never followed, a folder or a pipe is never
 * opened as text, and bytes that are not valid UTF-8 are reported instead of being passed on as if the lossy
 * decode (U+FFFD for each bad byte) were the caption. One bad file is a problem to report, not an error that stops
 * the other 9,999 from opening.
 */
import { isUtf8 } from 'node:buffer';
import { constants, type Stats } from 'node:fs';
import { adviceFor, describeError, errorCode, nodeFs, type FsLike } from './fsLike';

/** Why a caption file cannot be used as it is on disk. */
export type CaptionProblemKind = 'symlink' | 'folder' | 'not-a-file' | 'not-utf8' | 'unreadable';

/** A caption file that cannot be used as it is: what it is, and a message naming it and saying what to do. */
export interface CaptionProblem {
  kind: CaptionProblemKind;
  message: string;
}

/** A save refused because the caption file cannot be written as it is (see CaptionProblem); nothing was written. */
export class CaptionRefusedError extends Error {
  constructor(readonly problem: CaptionProblem) {
    super(`${problem.message} Nothing was saved.`);
  }
}

/** One caption file as read: its text ('' when missing or unusable), whether it exists, and its problem if any. */
export interface CaptionRead {
  text: string;
  missing?: boolean;
  problem?: CaptionProblem;
  /** The file's stamp as it was read (readCaptionFiles' quick path): its first save then need not read it again. */
  stamp?: ReadStamp;
}

/** What identifies one version of a file: its inode, size and times (captionRevisions.ts's FileStamp is this). */
export interface ReadStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** The message for each kind of problem, naming the file and saying what to do. */
export function captionProblem(kind: CaptionProblemKind, path: string, detail = ''): CaptionProblem {
  const message = {
    symlink:
      `${path} is a symbolic link${detail ? ` to ${detail}` : ''}; a caption is never read or exported ` +
      `through a link, so it was left out. Replace the link with a copy of the file it points to.`,
    folder:
      `${path} is a folder, not a caption file, so its image has no caption. Rename or move that folder ` +
      `away; the caption can then be written.`,
    'not-a-file':
      `${path} is not a regular file (a pipe, socket or device), so it was not read. Remove it; the ` +
      `caption can then be written.`,
    'not-utf8':
      `${path} is not valid UTF-8 text (perhaps Latin-1 from an older tool), so it is never rewritten: ` +
      `the panel does not save over it and dataset-wide tag changes refuse to touch it. Re-save it as UTF-8 (VS ` +
      `Code: Reopen with Encoding, then Save with Encoding, UTF-8) to edit it here.`,
    unreadable: `Cannot read ${path}: ${detail} It was left as it is; fix the file, then reopen the dataset.`,
  }[kind];
  return { kind, message };
}

/** What kind of problem a non-regular file is (from lstat), or undefined for a regular file. */
export function kindOf(st: Pick<Stats, 'isFile' | 'isDirectory' | 'isSymbolicLink'>): CaptionProblemKind | undefined {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'folder';
  return st.isFile() ? undefined : 'not-a-file';
}

/** Errors that say nothing about the file (too many open files, no memory): retrying is the answer, so they throw. */
const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'ENOMEM']);

/** Reads one caption file strictly (see the file comment), with its bytes when it is a regular file. */
export async function readCaptionFile(path: string, fs: FsLike = nodeFs): Promise<CaptionRead & { bytes?: Buffer }> {
  let bytes: Buffer;
  try {
    const kind = kindOf(await fs.lstat(path));
    if (kind)
      return { text: '', problem: captionProblem(kind, path, kind === 'symlink' ? await linkTarget(path, fs) : '') };
    bytes = await fs.readFile(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return { text: '', missing: true };
    if (TRANSIENT.has(errorCode(err) ?? ''))
      throw new Error(`Cannot read ${path}: ` + `${describeError(err)}. ${adviceFor(err)}`);
    return { text: '', problem: captionProblem('unreadable', path, `${describeError(err)}. ${adviceFor(err)}`) };
  }
  return { ...decoded(bytes, path), bytes };
}

/** The text of caption bytes; a problem when they are not valid UTF-8 (the text is then the lossy decode, shown). */
export function decoded(bytes: Uint8Array, path: string): CaptionRead {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // U+FFFD in the text means a bad byte or a real U+FFFD; only the rare first case needs the strict check.
  if (text.includes('\uFFFD') && !isUtf8(bytes)) return { text, problem: captionProblem('not-utf8', path) };
  return { text };
}

async function linkTarget(path: string, fs: FsLike): Promise<string> {
  return fs.realpath(path).catch(() => 'a file that does not exist');
}

// Not following a link, and not waiting on a pipe, in the one open call (POSIX; Windows falls back to lstat).
const STRICT_FLAGS =
  constants.O_NOFOLLOW !== undefined
    ? constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0)
    : undefined;

/**
 * Reads one caption file as readCaptionFile does; with the real file system a regular file is read at once (open
 * without following links, read, close: microseconds, where each awaited call waits its turn for a thread).
 */
export async function readCaptionFileQuick(path: string, fs: FsLike = nodeFs): Promise<CaptionRead> {
  if (fs.readBytesSync && STRICT_FLAGS !== undefined) {
    try {
      const bytes = fs.readBytesSync(path, STRICT_FLAGS);
      // Nothing read: an empty caption, or a pipe; both are told apart below.
      if (bytes.length > 0) return decoded(bytes, path);
    } catch {
      // A link, a folder, a missing file: readCaptionFile says which.
    }
  }
  return textOnly(await readCaptionFile(path, fs));
}

/** Files read per synchronous batch: about 5-10 ms of blocking, then the event loop runs again. */
const SYNC_BATCH = 250;

/**
 * Reads many caption files strictly, in order. With the real file system, a regular file costs three system calls
 * (open without following links, one read into a shared buffer, close); anything unusual, or empty, is looked at
 * again by readCaptionFile, which says what it is.
 */
export async function readCaptionFiles(paths: readonly string[], fs: FsLike = nodeFs): Promise<CaptionRead[]> {
  const out = new Array<CaptionRead>(paths.length);
  const fast = fs.readBytesSync && STRICT_FLAGS !== undefined ? fs.readBytesSync : undefined;
  if (fast) {
    const again: number[] = [];
    const seen: { stamp?: ReadStamp } = {};
    const onStat = (st: Stats) => {
      seen.stamp = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
    };
    for (let i = 0; i < paths.length; i += SYNC_BATCH) {
      for (let j = i; j < Math.min(i + SYNC_BATCH, paths.length); j++) {
        try {
          seen.stamp = undefined;
          const bytes = fast(paths[j]!, STRICT_FLAGS!, onStat);
          // Nothing read: an empty caption, or a pipe (which reads as empty when opened without waiting).
          if (bytes.length === 0) again.push(j);
          else {
            const r = decoded(bytes, paths[j]!);
            // Stamped only when it is a plain regular file read in full, as a save's own look would find it.
            const stamp = seen.stamp as ReadStamp | undefined; // set by onStat, which TypeScript does not follow
            out[j] = !r.problem && stamp?.size === bytes.length ? { ...r, stamp } : r;
          }
        } catch (err) {
          if (errorCode(err) === 'ENOENT') out[j] = { text: '', missing: true };
          else again.push(j);
        }
      }
      if (i + SYNC_BATCH < paths.length) await new Promise((r) => setImmediate(r));
    }
    for (const j of again) out[j] = textOnly(await readCaptionFile(paths[j]!, fs));
    return out;
  }
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const j = next++;
      out[j] = textOnly(await readCaptionFile(paths[j]!, fs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, paths.length) }, worker));
  return out;
}

function textOnly(r: CaptionRead & { bytes?: Buffer }): CaptionRead {
  const { text, missing, problem } = r;
  return { text, ...(missing ? { missing } : {}), ...(problem ? { problem } : {}) };
}
