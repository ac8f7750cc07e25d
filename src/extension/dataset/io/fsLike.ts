/**
 * The file-system surface the dataset engine uses: a subset of `node:fs/promises`, injectable so tests can
 * simulate a full disk, a read-only folder or a kill in the middle of a write.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, type Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';

/** The subset of `node:fs/promises` the engine calls; pass a wrapped one to simulate failures. */
export interface FsLike {
  open: typeof fsp.open;
  readFile: typeof fsp.readFile;
  writeFile: typeof fsp.writeFile;
  rename: typeof fsp.rename;
  link: typeof fsp.link;
  unlink: typeof fsp.unlink;
  copyFile: typeof fsp.copyFile;
  stat: typeof fsp.stat;
  lstat: typeof fsp.lstat;
  readdir: typeof fsp.readdir;
  mkdir: typeof fsp.mkdir;
  realpath: typeof fsp.realpath;
  /**
   * Optional: reads a small file synchronously, opened with `flags`. When present, bulk reads (the captions, on
   * open) use it in short batches with a yield between them, 5-10x faster than one promise per file. The bytes are
   * valid until the next call. `onStat` hears the opened file's fstat, taken before the read (so a write after it
   * changes the file's times, and a stamp from it never vouches for bytes newer than the ones read). Injected ones
   * leave it out.
   */
  readBytesSync?(path: string, flags: number, onStat?: (st: Stats) => void): Uint8Array;
}

const small = Buffer.alloc(64 * 1024);

/** Reads a file synchronously in three system calls (one read into a shared buffer); bigger files in full. */
function readBytesSync(path: string, flags: number, onStat?: (st: Stats) => void): Uint8Array {
  const fd = openSync(path, flags);
  try {
    if (onStat) onStat(fstatSync(fd));
    // Position null: the read moves the file offset, so readFileSync below continues after it.
    const n = readSync(fd, small, 0, small.length, null);
    // A caption bigger than the buffer is rare: read the rest through the same descriptor.
    return n < small.length ? small.subarray(0, n) : Buffer.concat([small, readFileSync(fd)]);
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
  link: fsp.link,
  unlink: fsp.unlink,
  copyFile: fsp.copyFile,
  stat: fsp.stat,
  lstat: fsp.lstat,
  readdir: fsp.readdir,
  mkdir: fsp.mkdir,
  realpath: fsp.realpath,
  readBytesSync,
};

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
