/**
 * Replacing a file that other programs write without taking our lock (an editor, a script appending a line),
 * so that nothing they write is lost whatever the timing. A plain "compare the stamp, then rename over" has a
 * window between the two steps: a write landing there goes into the file that the rename throws away.
 *
 * Here the current file is first given a second name (a hard link, one atomic step that takes exactly what is at
 * the path at that instant, whoever wrote it and however: in place, truncate and write, or by a rename of their
 * own), so the path is never empty for a reader. What was kept is compared with what the new content was built
 * from; then the new file is renamed over the path, and what was kept is read once more: any difference is merged
 * in by another round. A program can still write into the old file after that, through a handle it opened before
 * (an append held up between its open and its write on a busy machine), so the kept file is not removed at once: the
 * next replace (or `settleKept`, when the dataset closes) reads it again first and merges what it gained meanwhile.
 * The one write this cannot see is another program's own rename landing in the microseconds between the link and
 * the rename (appends and in-place saves are always seen). Where hard links are not supported (FAT drives, some
 * shares), the file is renamed aside instead, leaving the path empty for that instant.
 *
 * The calls go through swapFs.ts: with the real file system the reads of the kept file are made at once, not
 * queued for a thread behind other writes' fsyncs, and a temp file renamed into place is not unlinked again.
 *
 * A writer killed half-way leaves its moved-aside file behind under a name the temp sweep never deletes; the next
 * replace merges it back (see `leftoverAsides`), so a kill never loses what the file held.
 */
import { basename, dirname, join } from 'node:path';
import { isStaleTemp, tempPathFor } from './atomicWrite';
import { errorCode, nodeFs, type FsLike } from './fsLike';
import { swapFsFor, type SwapFs } from './swapFs';

/** The suffix of a file moved aside during a replace. */
export const ASIDE_SUFFIX = '.lora-aside';

/** What a build sees: the versions moved aside so far (oldest first), then the file at the path now, if any. */
export interface SwapSources {
  /** Every version moved aside in this replace, oldest first: their content must be in what is built. */
  aside: Buffer[];
  /** The file at the path now (undefined when there is none: it is aside, or never was). */
  current: Buffer | undefined;
  /** Files kept by the previous replace that were written after it: what each held then, and holds now. */
  late: { was: Buffer; now: Buffer }[];
}

type Held = { path: string; bytes: Buffer; age?: number };

/** The files the last two replaces of each path kept, with what they held: read again by the next (see above). */
const kept = new Map<string, Held[]>();

/**
 * Replaces `path` with what `build` makes of its sources, never losing a write made meanwhile by a program that
 * takes no lock (call it holding the lock against our own writers). `build` returns undefined when nothing needs
 * writing. `read` reads the file at the path (undefined when there is none) and may throw to refuse it. Returns
 * what was written (or undefined when nothing was). `final`: remove the kept files at once (the dataset closes).
 */
export async function replaceMerging(
  path: string,
  read: () => Promise<Buffer | undefined>,
  build: (s: SwapSources) => Buffer | undefined,
  seam: FsLike = nodeFs,
  opts: { fsync?: boolean; leftovers?: readonly string[]; attempts?: number; final?: boolean } = {},
): Promise<Buffer | undefined> {
  const fs = swapFsFor(seam);
  // Each moved-aside file with the content it had when it was merged in.
  const held: Held[] = [];
  for (const p of opts.leftovers ?? []) {
    const bytes = await fs.readFile(p).catch(() => undefined);
    if (bytes) held.push({ path: p, bytes });
    else await fs.unlink(p).catch(() => undefined);
  }
  // Kept by the last two replaces: read again now, and once more at the end, for what they gained meanwhile.
  const previous = kept.get(path) ?? [];
  kept.delete(path);
  const late = previous.map((h) => ({ path: h.path, age: h.age ?? 0, was: h.bytes, now: h.bytes }));
  const lookLate = async () => {
    let same = true;
    for (const l of late) {
      const now = await fs.readFile(l.path).catch(() => l.now);
      if (!now.equals(l.now)) [l.now, same] = [now, false];
    }
    return same;
  };
  await lookLate();
  const done = async () => {
    if (!(await lookLate())) return false;
    const older = late.filter((l) => opts.final || l.age >= 1);
    const carried = late.filter((l) => !older.includes(l)).map((l) => ({ path: l.path, bytes: l.now, age: l.age + 1 }));
    await removeAll(older, fs);
    if (opts.final) await removeAll(held, fs);
    else kept.set(path, [...held.splice(0), ...carried]);
    return true;
  };
  const attempts = opts.attempts ?? 20;
  try {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await read();
      const data = build({ aside: held.map((h) => h.bytes), current, late: late.filter((l) => !l.now.equals(l.was)) });
      if (data === undefined) {
        // Everything aside is in the file already (a leftover of a killed run, say): nothing to write.
        if ((held.length === 0 || (current !== undefined && (await allUnchanged(held, fs)))) && (await done()))
          return undefined;
        continue;
      }
      const tmp = tempPathFor(path);
      let placed = false; // renamed into place: there is no temp left to remove
      try {
        await fs.writeNew(tmp, data, opts.fsync !== false);
        if (current !== undefined) {
          const aside = tempPathFor(path, ASIDE_SUFFIX);
          const how = await keep(path, aside, fs);
          if (how === 'gone') continue; // removed meanwhile: build again on what is there
          const moved = await fs.readFile(aside);
          held.push({ path: aside, bytes: moved });
          if (how === 'moved' && !moved.equals(current)) continue; // the path is empty: build on what was moved
          await fs.rename(tmp, path);
          placed = true;
          // Changed before it was kept: the next round merges it into what is at the path now.
          if (!moved.equals(current)) continue;
        } else if (!(await linkNoReplace(tmp, path, fs))) continue; // made meanwhile: merged next round
      } finally {
        if (!placed) await fs.unlink(tmp).catch(() => undefined);
      }
      if (!(await allUnchanged(held, fs))) continue; // a late write reached a file moved aside: merge it too
      if (await done()) return data;
    }
    throw new Error(
      `${path} kept changing while it was being updated (another program writes it over and over), so it was ` +
        'not updated this time; everything it held is kept. Close the other program and try again.',
    );
  } finally {
    // Left by an error: when the path is empty, what was moved aside goes back; else it stays for the next run.
    if (held.length) await putBack(path, held, fs);
    if (late.length && !kept.has(path))
      kept.set(
        path,
        late.map((l) => ({ path: l.path, bytes: l.was, age: l.age })),
      );
  }
}

/**
 * Writes `data` atomically over `path` only if the file still holds `expected` (undefined: only if there is none),
 * with no window between the check and the write: the file is kept under a second name, compared, replaced, and
 * compared once more; an outside write found on that last look is put back over ours. False when the file was
 * changed outside (it then holds the outside change, never ours).
 */
export async function replaceIfSame(
  path: string,
  data: Uint8Array,
  expected: Buffer | undefined,
  seam: FsLike = nodeFs,
): Promise<boolean> {
  const fs = swapFsFor(seam);
  const tmp = tempPathFor(path);
  let placed = false; // renamed into place: there is no temp left to remove
  try {
    await fs.writeNew(tmp, Buffer.from(data), true);
    if (expected === undefined) return await linkNoReplace(tmp, path, fs);
    const aside = tempPathFor(path, ASIDE_SUFFIX);
    const how = await keep(path, aside, fs);
    if (how === 'gone') return false;
    try {
      const moved = await fs.readFile(aside);
      if (!moved.equals(expected)) {
        // Where the file was renamed aside (no links), it goes back.
        if (how === 'moved') await linkNoReplace(aside, path, fs);
        return false;
      }
      await fs.rename(tmp, path);
      placed = true;
      const late = await fs.readFile(aside);
      if (late.equals(expected)) return true;
      // Written into the old file in the instant of the replace: that edit wins, ours stays in the caller's hands.
      await fs.rename(aside, path);
      return false;
    } finally {
      await fs.unlink(aside).catch(() => undefined);
    }
  } finally {
    if (!placed) await fs.unlink(tmp).catch(() => undefined);
  }
}

/** True when a replace of `path` kept files that the next one (or a final one, on close) is to read again. */
export function hasKept(path: string): boolean {
  return (kept.get(path)?.length ?? 0) > 0;
}

/** The moved-aside files that a killed replace of `path` left among `names` (a folder's entries), as full paths. */
export function leftoverAsides(path: string, names: readonly string[]): string[] {
  const prefix = `.${basename(path)}.`;
  return names.filter((n) => n.startsWith(prefix) && isStaleTemp(n, ASIDE_SUFFIX)).map((n) => join(dirname(path), n));
}

/**
 * Settles the second names that killed replaceIfSame runs (a caption's save, session.json's) left among `names` (the
 * entries of `dir`): each stale `.<file>.<pid>_<hex>.lora-aside` whose `<file>` is gone goes back to it (the file was
 * renamed aside, on a drive without links, and the run was killed before a file took its place); one whose `<file>`
 * is there is removed (a second name of the file as it was before the save, which replaced it or never began to).
 * `merged`: files whose asides the next replace merges back instead (tags.txt, see leftoverAsides). Returns the files
 * put back.
 */
export async function settleLeftoverAsides(
  dir: string,
  names: readonly string[],
  merged: readonly string[],
  seam: FsLike = nodeFs,
): Promise<string[]> {
  const fs = swapFsFor(seam);
  const back: string[] = [];
  const present = new Set(names);
  for (const name of names) {
    const m = /^\.(.+)\.(\d+)_[0-9a-f]+\.lora-aside$/.exec(name);
    const file = m?.[1];
    // This process's own are never settled here: one of its saves may be in flight (a captioning run writing while
    // a command opens the same dataset); a later open, in another process, settles them if it was not.
    if (!file || merged.includes(file) || Number(m[2]) === process.pid || !isStaleTemp(name, ASIDE_SUFFIX)) continue;
    const aside = join(dir, name);
    if (!present.has(file)) {
      // Linked back (or renamed, where links are not supported); false: a file took the name meanwhile.
      const put = await linkNoReplace(aside, join(dir, file), fs).catch(() => undefined);
      if (put === undefined) continue; // it could not go back: it stays, for the next open
      if (put) back.push(file);
      present.add(file);
    }
    await fs.unlink(aside).catch(() => undefined);
  }
  return back;
}

/**
 * Gives the file at `path` the second name `aside`: 'linked' (the path keeps it too), 'moved' (renamed, where links
 * are not supported), or 'gone' when there is no file at the path any more.
 */
async function keep(path: string, aside: string, fs: SwapFs): Promise<'linked' | 'moved' | 'gone'> {
  try {
    return (await linkNoReplace(path, aside, fs, false)) ? 'linked' : 'gone';
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return 'gone';
    if (!UNSUPPORTED.includes(errorCode(err) ?? '')) throw err;
  }
  try {
    await fs.rename(path, aside);
    return 'moved';
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return 'gone';
    throw err;
  }
}

const UNSUPPORTED = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

/**
 * Links `from` at `to` unless something is there (atomic: the path never holds a half-made file, and nothing made
 * there meanwhile is replaced). Where links are not supported (FAT drives, some shares), a rename.
 */
async function linkNoReplace(from: string, to: string, fs: SwapFs, orRename = true): Promise<boolean> {
  try {
    await fs.link(from, to);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    if (!UNSUPPORTED.includes(errorCode(err) ?? '') || !orRename) throw err;
  }
  await fs.rename(from, to);
  return true;
}

async function allUnchanged(held: Held[], fs: SwapFs): Promise<boolean> {
  let same = true;
  for (const h of held) {
    const now = await fs.readFile(h.path);
    if (!now.equals(h.bytes)) {
      h.bytes = now;
      same = false;
    }
  }
  return same;
}

async function removeAll(held: { path: string }[], fs: SwapFs): Promise<void> {
  for (const h of held.splice(0)) await fs.unlink(h.path).catch(() => undefined);
}

async function putBack(path: string, held: Held[], fs: SwapFs): Promise<void> {
  const newest = held[held.length - 1]!;
  if (held.length === 1 && (await linkNoReplace(newest.path, path, fs).catch(() => false))) {
    await fs.unlink(newest.path).catch(() => undefined);
  }
}
