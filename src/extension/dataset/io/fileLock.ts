/**
 * A short lock around one read-merge-write of a file that two processes share (`tags.txt`, `session.json`): two
 * VS Code windows on one dataset, or the panel and the command line. It is held for the few milliseconds of the
 * write, never while a dataset is open, so a second writer waits its turn instead of being locked out: whoever
 * holds the lock re-reads the file and merges into what is there, so neither loses what the other wrote.
 *
 * The lock is a hidden file beside the target, created with O_EXCL and holding the owner's process id and host. A
 * lock whose owner is gone (killed mid-write) is taken over; one still held after `timeoutMs` is reported with who
 * holds it and what to do.
 */
import { link } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { tempPathFor } from './atomicWrite';
import { errorCode, nodeFs, type FsLike } from './fsLike';

/** The suffix of every lock file the engine makes (a leftover of a killed run is recognised by it). */
export const LOCK_SUFFIX = '.lora-lock';

/** How long a writer waits for another one's lock before it gives up with a message. */
export const LOCK_TIMEOUT_MS = 15_000;

/** An empty lock file (its owner killed between creating and filling it) is a leftover once it is this old. */
const EMPTY_LOCK_STALE_MS = 5_000;

/** The lock file of `path`: hidden, beside it. */
export function lockPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${LOCK_SUFFIX}`);
}

/** Removes the lock of `path` when it is a leftover of a writer that was killed (a live writer's is left alone). */
export async function removeLeftoverLock(path: string, fs: FsLike = nodeFs): Promise<void> {
  const lock = lockPathFor(path);
  const owner = await readLock(lock, fs).catch(() => undefined);
  if (owner && isLeftover(owner, lock)) await takeOver(lock, path, owner.text, fs);
}

/** Runs `fn` holding the lock of `path`; the lock is removed afterwards, whatever `fn` did. */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  fs: FsLike = nodeFs,
  timeoutMs = LOCK_TIMEOUT_MS,
): Promise<T> {
  const lock = lockPathFor(path);
  await acquire(lock, path, fs, timeoutMs);
  held.add(lock);
  try {
    return await fn();
  } finally {
    held.delete(lock);
    await fs.unlink(lock).catch(() => undefined);
  }
}

const me = () => `${process.pid} ${hostname()}\n`;
/** The locks this process holds now: one of ours with our id that is not among them is a leftover (a reused id). */
const held = new Set<string>();

async function acquire(lock: string, path: string, fs: FsLike, timeoutMs: number): Promise<void> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (await create(lock, path, fs)) return;
    const owner = await readLock(lock, fs);
    if (owner === undefined) continue; // released meanwhile
    if (isLeftover(owner, lock)) {
      await takeOver(lock, path, owner.text, fs);
      continue;
    }
    if (Date.now() - start > timeoutMs) {
      const where = owner.host === hostname() ? '' : ` on ${owner.host}`;
      const who = owner.pid ? `process ${owner.pid}${where}` : 'a process';
      throw new Error(
        `${path} is being written by another LoRA Tagger (${who}: a VS Code window or a lora-tagger command), which ` +
          `has held ${lock} for over ${Math.round(timeoutMs / 1000)} s. Nothing was written. Try again when it has ` +
          `finished; if no other LoRA Tagger is running, delete ${lock}.`,
      );
    }
    // Holders keep it for milliseconds: poll quickly at first, then every 50 ms.
    await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt * 2) * (0.5 + Math.random())));
  }
}

/**
 * Makes the lock with its owner already in it: written to a temp, then linked in place (atomic, and refused when a
 * lock exists), so no one ever sees a lock without an owner. Where links are not supported (FAT drives, some
 * shares), an exclusive create and a write. False when another holds the lock.
 */
async function create(lock: string, path: string, fs: FsLike): Promise<boolean> {
  const tmp = tempPathFor(path);
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(me());
    } finally {
      await handle.close();
    }
    await link(tmp, lock);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errorCode(err) ?? '')) throw err;
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
  try {
    const handle = await fs.open(lock, 'wx');
    try {
      await handle.writeFile(me());
    } catch (err) {
      await fs.unlink(lock).catch(() => undefined);
      throw err;
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  }
}

interface LockOwner {
  text: string;
  pid?: number;
  host?: string;
  ageMs: number;
}

async function readLock(lock: string, fs: FsLike): Promise<LockOwner | undefined> {
  try {
    const [text, st] = await Promise.all([fs.readFile(lock, 'utf8'), fs.lstat(lock)]);
    const m = /^(\d+) (.*)\n$/.exec(text);
    return { text, ...(m ? { pid: Number(m[1]), host: m[2] } : {}), ageMs: Date.now() - st.mtimeMs };
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** True for a lock whose owner is not running (on this host), or an empty one left long enough ago. */
function isLeftover(owner: LockOwner, lock: string): boolean {
  if (owner.pid === undefined) return owner.ageMs > EMPTY_LOCK_STALE_MS;
  // A lock of another host (a shared folder) is never taken over: its process cannot be asked about.
  if (owner.host !== hostname()) return false;
  // Ours: another dataset of this process is writing (wait for it), or a leftover of a run cut short in here.
  if (owner.pid === process.pid) return !held.has(lock);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return errorCode(err) === 'ESRCH';
  }
}

/**
 * Removes a leftover lock without removing a live one that replaced it meanwhile: it is first renamed aside (one
 * atomic step), and put back when what was moved is not the leftover that was judged.
 */
async function takeOver(lock: string, path: string, judged: string, fs: FsLike): Promise<void> {
  // Named as a temp of this process, so a kill right here leaves something the temp sweep removes.
  const aside = tempPathFor(path);
  try {
    await fs.rename(lock, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => judged);
  if (moved !== judged) await link(aside, lock).catch(() => undefined);
  await fs.unlink(aside).catch(() => undefined);
}
