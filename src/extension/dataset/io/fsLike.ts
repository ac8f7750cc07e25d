/**
 * The file-system surface the dataset engine uses: a subset of `node:fs/promises`, injectable so tests can
 * simulate a full disk, a read-only folder or a kill in the middle of a write.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import * as fsp from 'node:fs/promises';

/** The subset of `node:fs/promises` the engine calls; pass a wrapped one to simulate failures. */
export interface FsLike {
  open: typeof fsp.open;
  readFile: typeof fsp.readFile;
  writeFile: typeof fsp.writeFile;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
  copyFile: typeof fsp.copyFile;
  stat: typeof fsp.stat;
  lstat: typeof fsp.lstat;
  readdir: typeof fsp.readdir;
  mkdir: typeof fsp.mkdir;
  realpath: typeof fsp.realpath;
  /**
   * Optional: reads a small UTF-8 file synchronously. When present, bulk reads (the captions, on open) use it in
   * short batches with a yield between them, 5-10x faster than one promise per file. Injected ones leave it out.
   */
  readTextSync?(path: string): string;
}

const small = Buffer.alloc(64 * 1024);

/** Reads a UTF-8 file synchronously in three system calls (one read into a shared buffer); bigger files in full. */
function readTextSync(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, small, 0, small.length, 0);
    // A caption bigger than the buffer is rare: read it again, whole.
    return n < small.length ? small.toString('utf8', 0, n) : readFileSync(path, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** The real file system. */
export const nodeFs: FsLike = {
  open: fsp.open,
  readFile: fsp.readFile,
  writeFile: fsp.writeFile,
  rename: fsp.rename,
  unlink: fsp.unlink,
  copyFile: fsp.copyFile,
  stat: fsp.stat,
  lstat: fsp.lstat,
  readdir: fsp.readdir,
  mkdir: fsp.mkdir,
  realpath: fsp.realpath,
  readTextSync,
};

/** Files read per synchronous batch: about 5-10 ms of blocking, then the event loop runs again. */
const SYNC_BATCH = 250;

/** Reads many small text files (UTF-8); a missing file reads as ''. Other errors reject, naming the file. */
export async function readTextFiles(paths: readonly string[], fs: FsLike = nodeFs): Promise<string[]> {
  const out = new Array<string>(paths.length);
  const missing = (err: unknown) => errorCode(err) === 'ENOENT';
  if (fs.readTextSync) {
    for (let i = 0; i < paths.length; i += SYNC_BATCH) {
      for (let j = i; j < Math.min(i + SYNC_BATCH, paths.length); j++) {
        try {
          out[j] = fs.readTextSync(paths[j]!);
        } catch (err) {
          if (!missing(err)) throw new Error(`Cannot read ${paths[j]}: ${describeError(err)}. ${adviceFor(err)}`);
          out[j] = '';
        }
      }
      if (i + SYNC_BATCH < paths.length) await new Promise((r) => setImmediate(r));
    }
    return out;
  }
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const j = next++;
      out[j] = await fs.readFile(paths[j]!, 'utf8').catch((err) => {
        if (missing(err)) return '';
        throw new Error(`Cannot read ${paths[j]}: ${describeError(err)}. ${adviceFor(err)}`);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, paths.length) }, worker));
  return out;
}

/** The `code` of a Node system error ('ENOENT', 'ENOSPC', …), or undefined. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when the file or folder exists (any type). */
export async function exists(path: string, fs: FsLike = nodeFs): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return false;
    throw err;
  }
}

/** What the user can do about a system error, in words, for the end of an error message. */
export function adviceFor(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk is full: free some space and try again.';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied: check that you can write to this folder, or choose another one.';
    case 'EROFS':
      return 'The folder is on a read-only file system: choose an output folder you can write to.';
    case 'ENOENT':
      return 'The file or folder no longer exists: check that it was not moved or deleted.';
    case 'EMFILE':
    case 'ENFILE':
      return 'Too many files are open: close some programs and try again.';
    case 'EIO':
      return 'The disk reported a read/write error: check the drive.';
    default:
      return 'Try again; if it keeps failing, check the disk and the folder permissions.';
  }
}

/** A short description of a system error: its message without the stack, with the code. */
export function describeError(err: unknown): string {
  const code = errorCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  return code && !msg.includes(code) ? `${msg} (${code})` : msg;
}
