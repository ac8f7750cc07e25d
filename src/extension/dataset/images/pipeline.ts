/**
 * The image pipeline of one open dataset: every image is read once by the image library (in the decode workers)
 * to make its thumbnail and its facts (format, size, frames, perceptual hash, SHA-256), in the background and
 * nearest the current image first; results go to the FactsCache and the thumbnails folder outside the dataset,
 * so a second open and Check Dataset reuse them. Nothing is decoded twice: a check asks the same pipeline, and an
 * image the background has not reached yet is done at once, thumbnail included.
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempPathFor } from '../io/atomicWrite';
import { describeError } from '../io/fsLike';
import type { AnalyseOutcome } from './decodeJobs';
import type { Decoder } from './decodePool';
import { FactsCache, type CachedFacts, type FileStamp } from './factsCache';

/** One image of the dataset, with its header's size when known (it bounds the decode's memory). */
export interface PipelineImage {
  file: string;
  width?: number;
  height?: number;
}

/** A thumbnail that is ready: the staged name and the path of its WebP file. */
export interface ThumbnailReady {
  file: string;
  path: string;
}

/** Options of ImagePipeline.open. */
export interface PipelineOptions {
  outputFolder: string;
  /** Where thumbnails and facts are kept: the extension's storage, never the dataset folder. */
  cacheDir: string;
  decoder: Decoder;
  /** Thumbnails as they become ready, a few at a time. */
  onReady?(ready: ThumbnailReady[]): void;
  /** Make every image's thumbnail in the background (default true); false makes only what is asked for. */
  background?: boolean;
}

// Images looked up (a stat or two each) or waiting for a decoder, at most, so a new focus still decides what is
// decoded next; cache hits go through this window at a few thousand a second.
const AHEAD = 8;
const NOTIFY_MS = 40;

interface Result {
  stamp?: FileStamp;
  outcome: AnalyseOutcome;
}

/** Background thumbnails and facts for one dataset; see the module comment. */
export class ImagePipeline {
  private images: PipelineImage[] = [];
  private index = new Map<string, number>();
  private readonly started = new Set<string>();
  private readonly results = new Map<string, Result>();
  private readonly ready = new Map<string, string>();
  private readonly waiters = new Map<string, Array<(r: AnalyseOutcome) => void>>();
  private urgent: string[] = [];
  private current = '';
  private fwd = 0;
  private back = -1;
  private turn = 0;
  private lookups = 0;
  private decoding = 0;
  /** Files whose decode waits, in the order they were started (see `rank`). */
  private readonly decodeQueue: { file: string; rank: number }[] = [];
  /** The ranks of the lookups in flight: a decode waits for every lookup started before it. */
  private readonly looking = new Set<number>();
  private started_ = 0;
  /** Whether the file nextFile last returned was asked for (rather than the background's next). */
  private lastAsked = false;
  private pendingNotes: ThumbnailReady[] = [];
  private noteTimer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: Array<() => void> = [];
  private disposed = false;
  private scheduled = false;
  private background: boolean;

  private constructor(
    private readonly opts: PipelineOptions,
    private readonly cache: FactsCache,
  ) {
    this.background = opts.background !== false;
  }

  /** Opens the pipeline of a dataset (loading its cached facts) and starts on `images`. */
  static async open(opts: PipelineOptions, images: readonly PipelineImage[]): Promise<ImagePipeline> {
    const p = new ImagePipeline(opts, await FactsCache.open(opts.cacheDir, opts.outputFolder));
    p.setImages(images);
    return p;
  }

  /** The dataset's images, in order (after Add new images, or a file removed); finished work is kept. */
  setImages(images: readonly PipelineImage[]): void {
    this.images = [...images];
    this.index = new Map(this.images.map((img, i) => [img.file, i]));
    this.focus(this.index.has(this.current) ? this.current : (this.images[0]?.file ?? ''));
  }

  /** The image now shown: the background works outwards from it (two ahead for one behind). */
  focus(file: string): void {
    const i = this.index.get(file);
    if (i === undefined) return;
    this.current = file;
    this.fwd = i;
    this.back = i - 1;
    this.schedule();
  }

  /** Makes every image's thumbnail in the background (the panel is open), or only what is asked for. */
  setBackground(on: boolean): void {
    this.background = on;
    this.schedule();
  }

  /**
   * Moves images to the front of the queue (the ones the panel is about to show), in their order, ahead of what was
   * asked before: after a fling through thousands of images, the ones where the scrolling stopped come first, not
   * after every image scrolled past on the way.
   */
  want(files: readonly string[]): void {
    const asked = new Set<string>();
    for (const f of files) if (this.index.has(f) && !this.started.has(f)) asked.add(f);
    if (asked.size) this.urgent = [...asked, ...this.urgent.filter((f) => !asked.has(f))];
    this.schedule();
  }

  /** The WebP thumbnail of `file` when it is ready. */
  thumbnail(file: string): string | undefined {
    return this.ready.get(file);
  }

  /** Thumbnails ready so far, and of how many images. */
  get progress(): { done: number; total: number } {
    let done = 0;
    for (const img of this.images) if (this.results.has(img.file)) done++;
    return { done, total: this.images.length };
  }

  /**
   * The facts of one image as it is on disk now: from the cache or this session when the file is unchanged,
   * otherwise analysed now (ahead of the background). Never rejects for a bad image: the outcome says why.
   */
  async facts(file: string): Promise<AnalyseOutcome> {
    const path = join(this.opts.outputFolder, file);
    const st = await fsp.stat(path).catch(() => undefined);
    const known = this.results.get(file);
    if (known && st && known.stamp?.size === st.size && known.stamp.mtimeMs === st.mtimeMs) return known.outcome;
    if (known) {
      this.results.delete(file);
      this.started.delete(file);
      this.ready.delete(file);
    }
    return new Promise((resolve) => {
      this.waiters.set(file, [...(this.waiters.get(file) ?? []), resolve]);
      if (!this.started.has(file)) {
        if (!this.index.has(file)) {
          this.images.push({ file });
          this.index.set(file, this.images.length - 1);
        }
        this.urgent.unshift(file);
      }
      this.schedule();
    });
  }

  /** Resolves once nothing is left to do (every image, when working in the background). */
  idle(): Promise<void> {
    if (this.isIdle() && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops starting work, writes the cache; decodes in flight finish unseen. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.noteTimer);
    await this.cache.flush();
  }

  /** Writes the cached facts now (the cache also writes itself a moment after each change). */
  flush(): Promise<void> {
    return this.cache.flush();
  }

  private isIdle(): boolean {
    return this.lookups === 0 && this.decoding === 0 && !this.decodeQueue.length && this.nextFile(true) === undefined;
  }

  /** The next image to look at: asked-for ones first, then outwards from the current image. */
  private nextFile(peek = false): string | undefined {
    while (this.urgent.length) {
      const f = this.urgent[0]!;
      if (!this.started.has(f)) {
        if (peek) return f;
        this.lastAsked = true;
        return this.urgent.shift();
      }
      this.urgent.shift();
    }
    this.lastAsked = false;
    if (!this.background) return undefined;
    const n = this.images.length;
    while (this.fwd < n && this.started.has(this.images[this.fwd]!.file)) this.fwd++;
    while (this.back >= 0 && this.started.has(this.images[this.back]!.file)) this.back--;
    const useBack = this.back >= 0 && (this.fwd >= n || this.turn % 3 === 2);
    if (this.fwd >= n && !useBack) return undefined;
    const f = this.images[useBack ? this.back : this.fwd]!.file;
    if (!peek) this.turn++;
    return f;
  }

  /** Runs pump once after the calls of this turn (setImages then focus start from the focus). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.disposed) return;
    // Decodes go in the order their files were started (the asked-for first, then outwards from the current image),
    // not in the order their cache lookups happen to finish: a decode waits until every lookup started before it is done.
    const first = Math.min(Infinity, ...this.looking);
    while (
      this.decoding < this.opts.decoder.concurrency &&
      this.decodeQueue.length &&
      this.decodeQueue[0]!.rank < first
    )
      this.decode(this.decodeQueue.shift()!.file);
    const ahead = Math.max(AHEAD, this.opts.decoder.concurrency * 2);
    while (this.lookups + this.decodeQueue.length < ahead) {
      const f = this.nextFile();
      if (f === undefined) break;
      // The asked-for files rank before every background one, each class in the order it was started.
      const rank = (this.lastAsked ? -Number.MAX_SAFE_INTEGER : 0) + ++this.started_;
      this.started.add(f);
      this.lookups++;
      this.looking.add(rank);
      void this.lookup(f, rank).finally(() => {
        this.lookups--;
        this.looking.delete(rank);
        this.pump();
      });
    }
    if (this.isIdle()) {
      this.flushNotes();
      for (const r of this.idleWaiters.splice(0)) r();
    }
  }

  /** Uses the cached facts and thumbnail when the file is unchanged; queues a decode otherwise. */
  private async lookup(file: string, rank: number): Promise<void> {
    const path = join(this.opts.outputFolder, file);
    let st;
    try {
      st = await fsp.stat(path);
    } catch (err) {
      this.settle(file, undefined, { ok: false, reason: `it cannot be read: ${describeError(err)}` });
      return;
    }
    const stamp = { size: st.size, mtimeMs: st.mtimeMs };
    const hit = this.cache.get(file, stamp);
    if (hit) {
      const thumb = this.cache.thumbPath(hit.sha256);
      const have =
        !hit.facts ||
        (await fsp.stat(thumb).then(
          () => true,
          () => false,
        ));
      if (have) {
        if (hit.facts) this.markReady(file, thumb);
        this.settle(file, stamp, fromCache(hit));
        return;
      }
    }
    let at = this.decodeQueue.length;
    while (at > 0 && this.decodeQueue[at - 1]!.rank > rank) at--;
    this.decodeQueue.splice(at, 0, { file, rank });
  }

  private decode(file: string): void {
    this.decoding++;
    const img = this.images[this.index.get(file) ?? -1];
    const pixels = img?.width && img.height ? img.width * img.height : undefined;
    void this.opts.decoder
      .analyse({ path: join(this.opts.outputFolder, file), thumbnail: true }, { pixels })
      .then((r) => this.store(file, r))
      .catch((err: Error) => this.settle(file, undefined, { ok: false, reason: err.message }))
      .finally(() => {
        this.decoding--;
        this.pump();
      });
  }

  /** Keeps an analysis: its thumbnail in the thumbnails folder, its facts in the cache. */
  private async store(file: string, r: AnalyseOutcome): Promise<void> {
    const stamp = r.size !== undefined && r.mtimeMs !== undefined ? { size: r.size, mtimeMs: r.mtimeMs } : undefined;
    const { thumb, ...outcome } = r as AnalyseOutcome & { thumb?: Uint8Array };
    if (r.sha256 && stamp) {
      if (r.ok && thumb) {
        const path = this.cache.thumbPath(r.sha256);
        if (await writeThumb(path, thumb)) this.markReady(file, path);
      }
      this.cache.set(file, {
        ...stamp,
        sha256: r.sha256,
        ...(r.ok ? { facts: r.facts } : { problem: r.reason, ...(r.tooLarge ? { tooLarge: true } : {}) }),
      });
    }
    this.settle(file, stamp, outcome as AnalyseOutcome);
  }

  private settle(file: string, stamp: FileStamp | undefined, outcome: AnalyseOutcome): void {
    this.results.set(file, { stamp, outcome });
    for (const w of this.waiters.get(file) ?? []) w(outcome);
    this.waiters.delete(file);
  }

  private markReady(file: string, path: string): void {
    this.ready.set(file, path);
    if (!this.opts.onReady || this.disposed) return;
    this.pendingNotes.push({ file, path });
    this.noteTimer ??= setTimeout(() => this.flushNotes(), NOTIFY_MS);
  }

  private flushNotes(): void {
    clearTimeout(this.noteTimer);
    this.noteTimer = undefined;
    const batch = this.pendingNotes.splice(0);
    if (batch.length && !this.disposed) this.opts.onReady?.(batch);
  }
}

function fromCache(e: CachedFacts): AnalyseOutcome {
  const read = { sha256: e.sha256, size: e.size, mtimeMs: e.mtimeMs };
  return e.facts
    ? { ok: true, facts: e.facts, ...read }
    : { ok: false, reason: e.problem ?? 'it did not decode', ...(e.tooLarge ? { tooLarge: true } : {}), ...read };
}

/** Writes a thumbnail through a temp file, so a reader never sees half of one; false when it could not be written. */
async function writeThumb(path: string, data: Uint8Array): Promise<boolean> {
  const tmp = tempPathFor(path);
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, path);
    return true;
  } catch {
    await fsp.unlink(tmp).catch(() => undefined);
    return false;
  }
}
