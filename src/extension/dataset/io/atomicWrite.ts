/**
 * Atomic file writes: a temp file in the same folder, fsync, rename over the target, and the temp removed on
 * failure, so a reader (or a crash) sees either the old content or the new, never half of it.
 * Model: VS Code's `doWriteFileAtomic` in `diskFileSystemProvider.ts`.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { errorCode, nodeFs, type FsLike } from './fsLike';

/** The suffix of every temp file the engine writes, so leftovers of a killed run can be recognised and removed. */
export const TEMP_SUFFIX = '.lora-tmp';

/** A fresh temp path beside `path`: hidden, unique, carrying this process's id, ending in `suffix`. */
export function tempPathFor(path: string, suffix = TEMP_SUFFIX): string {
  // A random start once, then a count: unique within this process, and unlikely to meet a killed run's leftover
  // under a reused pid, as a fresh random name was; without a random draw and a getpid call per name (a bulk edit
  // names two files per caption, and both cost more here than the rest of naming).
  tempSeq = tempSeq === undefined ? randomBytes(4).readUInt32BE(0) : (tempSeq + 1) >>> 0;
  return join(dirname(path), `.${basename(path)}.${PID}_${tempSeq.toString(16).padStart(8, '0')}${suffix}`);
}

const PID = process.pid;
let tempSeq: number | undefined;

/**
 * True for a temp file (hidden, ending in `suffix`) that no running process is writing: a leftover of a killed run.
 * One named with the id of another process that is still running is that process's write in flight; this process's
 * own are leftovers (its writes in flight are its own business), and so are temps named without an id (older versions).
 */
export function isStaleTemp(name: string, suffix = TEMP_SUFFIX): boolean {
  if (!name.startsWith('.') || !name.endsWith(suffix)) return false;
  const pid = Number(/\.(\d+)_[0-9a-f]+$/.exec(name.slice(0, -suffix.length))?.[1]);
  return !(Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Writes `data` to `path` atomically (temp file in the same folder, fsync, rename); the temp is removed on failure. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: FsLike = nodeFs,
  opts: { fsync?: boolean } = {},
): Promise<void> {
  const tmp = tempPathFor(path);
  let written = false;
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      // fsync makes the rename durable across a power cut; staging skips it for new files (see stage.ts).
      if (opts.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
    written = true;
  } finally {
    if (!written) await fs.unlink(tmp).catch(() => undefined);
  }
}

/** Flushes a file's data to disk (fsync), so that a record saying it is done never outlives it in a power cut. */
export async function syncFile(path: string, fs: FsLike = nodeFs): Promise<void> {
  // r+, not r: Windows flushes only a handle that may write.
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (new names, renames) to disk. Windows has no such call: NTFS journals them itself. */
export async function syncFolder(path: string, fs: FsLike = nodeFs): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems do not sync folders (EINVAL); their entries are written with the files' data.
    if (errorCode(err) !== 'EINVAL' && errorCode(err) !== 'ENOTSUP') throw err;
  } finally {
    await handle.close();
  }
}
