/**
 * Caption revisions: revisions, not clocks, decide which text of a caption is newer. Every change the dataset
 * knows of (a save, an edit found on disk, an engine write) gets the caption's next revision; the panel sends the
 * revision its edit was made on, so a save made before an outside change is recognised as such however late it
 * arrives. On disk, the dataset remembers the file's stamp (inode, size, times) and text at its last read or
 * write: a watcher event or a save finds the file as we left it (our own echo) or changed by someone else, by
 * its content, never by how long ago we wrote it.
 */
import { lstatSync, type Stats } from 'node:fs';
import { errorCode, nodeFs, type FsLike } from '../io/fsLike';
import type { ReadStamp } from '../io/readCaption';

/** What identifies one version of a file on disk without reading it (the stamp the open's quick read gives too). */
export type FileStamp = ReadStamp;

/** The stamp of a file (not following a link), or undefined when there is none. */
export async function stampOf(path: string, fs: FsLike): Promise<FileStamp | undefined> {
  let st: Stats;
  try {
    st = await fs.lstat(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

/** stampOf, at once with the real file system (one lstat call of microseconds instead of a turn on a thread). */
export async function stampNow(path: string, fs: FsLike): Promise<FileStamp | undefined> {
  if (fs !== nodeFs) return stampOf(path, fs);
  try {
    const st = lstatSync(path);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** True when both stamps name the same version of the file (both missing counts as the same). */
export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  if (!a || !b) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** Writes a caption's text to its file (the panel passes one that goes through an open text editor). */
export type CaptionFileWriter = (path: string, text: string) => Promise<void>;

/** Options of Dataset.setCaption. */
export interface SetCaptionOptions {
  /**
   * The caption revision the text was made from (see captionRevisions.ts). Given by the panel, whose own saves
   * follow one another; without it the write is the engine's (a tag operation, the CLI), made from the caption as
   * it is now, and counts as an outside change for the panel.
   */
  base?: number;
  /** Writes the file instead of the atomic write (the panel's, through an open editor). */
  write?: CaptionFileWriter;
  /** A save at a pause in typing: a tag still being typed at its end waits for the commit (draftTags.ts). */
  typing?: boolean;
}

/** A caption that changed other than by the panel's own save: on disk, in an editor, or by the engine. */
export interface CaptionChanged {
  file: string;
  text: string;
  rev: number;
}

/** A caption save refused because the caption changed outside since the text being saved was made from it. */
export class CaptionConflictError extends Error {
  constructor(
    readonly file: string,
    /** The caption's revision now (the outside change's, or later). */
    readonly rev: number,
    /** The caption's text now: the outside change. */
    readonly text: string,
    path: string,
  ) {
    super(
      `${path} was changed outside (in an editor or by another program) after the text being saved was made from ` +
        'it, so it was not saved over: the file keeps the outside change. Look at the caption again and save once ' +
        'more to replace it.',
    );
    this.name = 'CaptionConflictError';
  }
}

interface Entry {
  rev: number;
  /** The newest revision that did not come from the panel (an edit on disk, in an editor, or by the engine). */
  outside: number;
  /** The file as last read or written (undefined: not looked at since the dataset opened). */
  stamp?: FileStamp;
  /** Text an editor shows but has not saved yet, forwarded at `rev`: its save is not a new change. */
  forwarded?: { text: string; rev: number };
}

/** The revisions of every caption of an open dataset (in memory; a reopened dataset starts again at 1). */
export class CaptionRevisions {
  private readonly byFile = new Map<string, Entry>();
  /** Who hears of caption changes that are not the panel's own saves. */
  readonly listeners = new Set<(e: CaptionChanged) => void>();

  /** Adds a listener for caption changes that are not the panel's own saves. */
  listen(listener: (e: CaptionChanged) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Tells every listener of a change. */
  fire(e: CaptionChanged): void {
    for (const l of [...this.listeners]) l(e);
  }

  private entry(file: string): Entry {
    let e = this.byFile.get(file);
    if (!e) this.byFile.set(file, (e = { rev: 1, outside: 0 }));
    return e;
  }

  /** The caption's revision now. */
  rev(file: string): number {
    return this.byFile.get(file)?.rev ?? 1;
  }

  /** True when an edit made on revision `base` predates a change that did not come from the panel. */
  isStale(file: string, base: number): boolean {
    return base < this.entry(file).outside;
  }

  /** The next revision of a caption; `outside` when the change did not come from the panel. */
  bump(file: string, outside: boolean): number {
    const e = this.entry(file);
    e.rev++;
    if (outside) e.outside = e.rev;
    e.forwarded = undefined;
    return e.rev;
  }

  /** The stamp of the file as last read or written. */
  stamp(file: string): FileStamp | undefined {
    return this.byFile.get(file)?.stamp;
  }

  /** Records the stamp of the file as just read or written. */
  setStamp(file: string, stamp: FileStamp | undefined): void {
    this.entry(file).stamp = stamp;
  }

  /** Records editor text that is not on disk yet, as an outside change; returns its revision. */
  forward(file: string, text: string): number {
    const rev = this.bump(file, true);
    this.entry(file).forwarded = { text, rev };
    return rev;
  }

  /** True when `text`, just read from disk, is the forwarded editor text of the caption's newest revision. */
  isForwarded(file: string, text: string): boolean {
    const f = this.byFile.get(file)?.forwarded;
    return !!f && f.text === text && f.rev === this.rev(file);
  }
}

/**
 * The writes and reads of each caption file, one at a time per file in the order asked. A write that a newer one
 * supersedes before its turn is skipped and settles with the newer one: that is the text that reaches the disk.
 */
export class CaptionQueues {
  private readonly byFile = new Map<string, { seq: number; tail: Promise<unknown>; last?: Promise<unknown> }>();

  private queue(file: string) {
    let q = this.byFile.get(file);
    if (!q) this.byFile.set(file, (q = { seq: 0, tail: Promise.resolve() }));
    return q;
  }

  /** Queues a write of the file; the newest queued write runs, the ones it supersedes settle with it. */
  write<T>(file: string, run: () => Promise<T>): Promise<T> {
    const q = this.queue(file);
    const my = ++q.seq;
    const ran = q.tail.catch(() => undefined).then(() => (q.seq === my ? { value: run() } : undefined));
    q.tail = ran.then((r) => r?.value);
    // Failures reach the caller (and flush, through tails()); the chain itself goes on after them.
    q.tail.catch(() => undefined);
    const settled = ran.then((r) => (r ? r.value : (q.last as Promise<T>)));
    q.last = settled;
    return settled;
  }

  /** Queues a read of the file, after the writes queued before it. */
  read<T>(file: string, run: () => Promise<T>): Promise<T> {
    const q = this.queue(file);
    const ran = q.tail.catch(() => undefined).then(run);
    q.tail = ran;
    ran.catch(() => undefined);
    return ran;
  }

  /** The last queued step of every file (settled when everything queued so far is done). */
  tails(): Promise<unknown>[] {
    return [...this.byFile.values()].map((q) => q.tail);
  }
}
