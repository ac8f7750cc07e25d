/**
 * The caption files of an open dataset as they are written and read back: one at a time per file, each write
 * checked against the file as the dataset last read or wrote it (captionRevisions.ts), so an edit made outside is
 * taken in and never written over by a text made before it, and our own writes read back as no change at all.
 */
import { writeFileAtomic } from '../io/atomicWrite';
import { adviceFor, describeError, type FsLike } from '../io/fsLike';
import { CaptionRefusedError, readCaptionFileQuick, type CaptionProblem } from '../io/readCaption';
import { replaceIfSame } from '../io/swapReplace';
import { CaptionConflictError, CaptionQueues, CaptionRevisions, sameStamp, stampNow } from './captionRevisions';
import type { SetCaptionOptions } from './captionRevisions';

/** What the caption files need of the open dataset: its in-memory captions and what follows a change of one. */
export interface CaptionCache {
  path(file: string): string;
  text(file: string): string;
  problems: Map<string, CaptionProblem>;
  /** Takes a caption's new text in (status, known tags, the session save). */
  apply(file: string, text: string): void;
  /** Adds a caption's new tags to tags.txt (with `typing`, not yet a tag being typed at its end). */
  recordTags(file: string, text: string, typing?: boolean): Promise<void>;
}

/** Writes and reads back the caption files of one dataset. */
export class CaptionFiles {
  /** Every caption's revision and the file's stamp at its last read or write. */
  readonly revs = new CaptionRevisions();
  private readonly queues = new CaptionQueues();

  constructor(
    private readonly cache: CaptionCache,
    private readonly fs: FsLike,
  ) {}

  /** Queues a write of a caption made from revision `base`; resolves with its new revision (see Dataset.setCaption). */
  write(file: string, text: string, base: number, opts: SetCaptionOptions): Promise<{ rev: number }> {
    return this.queues.write(file, () => this.writeNow(file, text, base, opts));
  }

  /** Queues a read back of a caption (a watcher event); resolves with its new text when it changed outside. */
  reload(file: string): Promise<string | undefined> {
    return this.queues.read(file, () => this.readBack(file));
  }

  /** The last queued step of every file. */
  tails(): Promise<unknown>[] {
    return this.queues.tails();
  }

  private async writeNow(file: string, text: string, base: number, opts: SetCaptionOptions) {
    const { cache, revs } = this;
    const path = cache.path(file);
    // The file as we last read or wrote it, or changed by someone else, whose edit wins over a text made before it.
    await this.readBack(file, true);
    const problem = cache.problems.get(file);
    if (problem && problem.kind !== 'symlink') throw new CaptionRefusedError(problem);
    if (revs.isStale(file, base)) throw new CaptionConflictError(file, revs.rev(file), cache.text(file), path);
    try {
      if (opts.write) await opts.write(path, text);
      // A link is replaced by a file of its own (never written through), as before.
      else if (problem?.kind === 'symlink') await writeFileAtomic(path, text, this.fs);
      else if (!(await replaceIfSame(path, Buffer.from(text), this.expected(file), this.fs))) {
        // Changed outside between the look above and the write: the outside edit stays, and wins as above.
        await this.readBack(file);
        throw new CaptionConflictError(file, revs.rev(file), cache.text(file), path);
      }
    } catch (err) {
      if (err instanceof CaptionConflictError) throw err;
      throw new Error(
        `Could not save the caption ${path}: ${describeError(err)}. ${adviceFor(err)} The file on disk still holds ` +
          'the previous caption; your text is kept in the panel, so save again once this is fixed.',
      );
    }
    revs.setStamp(file, await stampNow(path, this.fs).catch(() => undefined));
    const rev = revs.bump(file, opts.base === undefined);
    cache.problems.delete(file);
    cache.apply(file, text);
    if (opts.base === undefined) revs.fire({ file, text, rev });
    await cache.recordTags(file, text, opts.typing);
    return { rev };
  }

  /** The bytes the file holds as the dataset last read or wrote it (undefined: there was no file). */
  private expected(file: string): Buffer | undefined {
    return this.revs.stamp(file) ? Buffer.from(this.cache.text(file)) : undefined;
  }

  /**
   * Compares the file with what the dataset last read or wrote there (by its stamp; by its content when the stamp
   * differs) and takes in a change made outside. With `quick`, an unchanged stamp is trusted without reading.
   */
  private async readBack(file: string, quick = false): Promise<string | undefined> {
    const { cache, revs } = this;
    const path = cache.path(file);
    const stamp = await stampNow(path, this.fs).catch(() => undefined);
    const known = revs.stamp(file);
    if (quick && known && sameStamp(known, stamp)) return undefined;
    const r = await readCaptionFileQuick(path, this.fs);
    revs.setStamp(file, stamp);
    const had = cache.problems.get(file)?.kind;
    if (r.problem) cache.problems.set(file, r.problem);
    else cache.problems.delete(file);
    if (r.text === cache.text(file) && had === r.problem?.kind) return undefined;
    // The editor beside saving what it already showed the panel: the disk catches up, nothing new happened.
    const forwarded = !r.problem && revs.isForwarded(file, r.text);
    cache.apply(file, r.text);
    if (!forwarded) revs.fire({ file, text: r.text, rev: revs.bump(file, true) });
    if (!r.problem) await cache.recordTags(file, r.text);
    return r.text;
  }
}
