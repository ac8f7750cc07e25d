/**
 * The calls a replace (swapReplace.ts) makes, one set per file system. With the real one, the small reads (the file
 * kept aside, compared before and after the rename) run at once on the calling thread: reading a caption that is in
 * the page cache is three system calls of microseconds and touches no metadata, while each awaited
 * `fs/promises.readFile` is four turns (open, stat, read, close) on one of libuv's four threads, queued behind the
 * fsyncs of every other write in flight. Everything that creates, renames or removes a name stays on those threads:
 * on a busy ext4 such a call can wait a millisecond or more for the journal, which the host's event loop must not.
 * An injected file system (the tests' seams, which land outside writes between two steps) is called as before.
 */
import { constants, readFileSync } from 'node:fs';
import { nodeFs, type FsLike } from './fsLike';

/** What a replace does to files. */
export interface SwapFs {
  /** Creates `tmp` (failing if it exists), writes `data` in full, fsyncs it when asked, closes it. */
  writeNew(tmp: string, data: Buffer, fsync: boolean): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  link(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** The calls of a replace on `fs`: direct for the real file system, awaited through the seam for any other. */
export function swapFsFor(fs: FsLike): SwapFs {
  return fs === nodeFs ? direct : seamed(fs);
}

// Without waiting for a writer and without following a link: a pipe or a link put at the path in the instant of
// the replace reads as something else than what was expected (the replace then refuses), never as a hang.
const QUICK_READ =
  constants.O_NONBLOCK !== undefined && constants.O_NOFOLLOW !== undefined
    ? constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW
    : undefined;

const direct: SwapFs = {
  ...seamed(nodeFs),
  readFile: async (path) =>
    // A copy: readBytesSync's bytes are only good until its next call.
    QUICK_READ === undefined ? readFileSync(path) : Buffer.from(nodeFs.readBytesSync!(path, QUICK_READ)),
};

function seamed(fs: FsLike): SwapFs {
  return {
    async writeNew(tmp, data, sync) {
      const handle = await fs.open(tmp, 'wx');
      try {
        await handle.writeFile(data);
        if (sync) await handle.sync();
      } finally {
        await handle.close();
      }
    },
    readFile: (path) => fs.readFile(path),
    link: (from, to) => fs.link(from, to),
    rename: (from, to) => fs.rename(from, to),
    unlink: (path) => fs.unlink(path),
  };
}
