/**
 * An FsLike backed by Node's synchronous calls, for staging: each call runs at once on the calling thread instead
 * of a round trip through libuv's thread pool, which on a busy machine costs more than the I/O itself (measured:
 * reading 10,000 captions 5-10x faster). Callers must yield regularly (mapLimit does) so the event loop stays
 * responsive; copies of big files and fsyncs still go through the thread pool so no single call blocks for long.
 */
import * as fsSync from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { nodeFs, type FsLike } from './fsLike';

/** Files at least this big are copied asynchronously (a synchronous copy would block the event loop too long). */
const SYNC_COPY_MAX = 4 * 1024 * 1024;

/** The FileHandle subset the engine uses, over a plain descriptor. */
class SyncHandle {
  constructor(private readonly fd: number) {}
  async read(buffer: Uint8Array, offset: number, length: number, position: number | null) {
    return { bytesRead: fsSync.readSync(this.fd, buffer, offset, length, position), buffer };
  }
  async stat() {
    return fsSync.fstatSync(this.fd);
  }
  async writeFile(data: string | Uint8Array) {
    fsSync.writeFileSync(this.fd, data);
  }
  async sync() {
    // Through the thread pool: an fsync waits for the disk, and several can wait at once.
    await new Promise<void>((resolve, reject) => fsSync.fsync(this.fd, (err) => (err ? reject(err) : resolve())));
  }
  async close() {
    fsSync.closeSync(this.fd);
  }
}

const wrap =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  async (...a: A): Promise<R> =>
    f(...a);

/** The engine's file system, synchronous underneath (see the file comment). */
export const syncFs: FsLike = {
  open: (async (path: fsSync.PathLike, flags?: string | number, mode?: fsSync.Mode) =>
    new SyncHandle(fsSync.openSync(path, flags ?? 'r', mode)) as unknown as FileHandle) as unknown as FsLike['open'],
  readFile: wrap(fsSync.readFileSync) as unknown as FsLike['readFile'],
  writeFile: wrap(fsSync.writeFileSync) as unknown as FsLike['writeFile'],
  rename: wrap(fsSync.renameSync),
  link: wrap(fsSync.linkSync),
  unlink: wrap(fsSync.unlinkSync),
  copyFile: (async (src: fsSync.PathLike, dest: fsSync.PathLike, mode?: number) => {
    if (fsSync.statSync(src).size >= SYNC_COPY_MAX) return fsp.copyFile(src, dest, mode);
    fsSync.copyFileSync(src, dest, mode);
  }) as FsLike['copyFile'],
  stat: wrap(fsSync.statSync) as unknown as FsLike['stat'],
  lstat: wrap(fsSync.lstatSync) as unknown as FsLike['lstat'],
  readdir: wrap(fsSync.readdirSync) as unknown as FsLike['readdir'],
  mkdir: wrap(fsSync.mkdirSync) as unknown as FsLike['mkdir'],
  realpath: wrap(fsSync.realpathSync) as unknown as FsLike['realpath'],
  readBytesSync: nodeFs.readBytesSync,
};
