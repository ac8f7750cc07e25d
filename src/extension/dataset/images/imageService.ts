/**
 * The extension's images, one per extension host: one decode pool (started on first use, its workers ended when
 * idle) and one ImagePipeline per dataset, shared by whoever holds it: the dataset's panel (thumbnails in the
 * background) and Check Dataset (facts, from the cache when the panel already made them). A dataset's pipeline
 * is closed, its cache written, when the last holder lets go.
 */
import { resolve } from 'node:path';
import { pruneImageCache } from './cachePrune';
import { WorkerDecoder, type WorkerDecoderOptions } from './decodePool';
import { ImagePipeline, type PipelineImage, type ThumbnailReady } from './pipeline';

/** A hold on a dataset's pipeline; release it when done. */
export interface PipelineLease {
  readonly pipeline: ImagePipeline;
  release(): Promise<void>;
}

interface Entry {
  pipeline: Promise<ImagePipeline>;
  holders: number;
  background: number;
  listeners: Set<(ready: ThumbnailReady[]) => void>;
}

/** See the module comment. */
export class ImageService {
  private pool: WorkerDecoder | undefined;
  private readonly entries = new Map<string, Entry>();

  /**
   * @param workerScript dist/decodeWorker.js.
   * @param cacheDir where thumbnails and facts are kept: the extension's global storage, never a dataset folder.
   */
  constructor(
    private readonly workerScript: string,
    readonly cacheDir: string,
    private readonly poolOptions: WorkerDecoderOptions = {},
  ) {
    // Once a start, in the background: a cache that could not be pruned is only a cache.
    void pruneImageCache(cacheDir).catch(() => undefined);
  }

  /** The decode pool, started on first use. */
  get decoder(): WorkerDecoder {
    this.pool ??= new WorkerDecoder(this.workerScript, this.poolOptions);
    return this.pool;
  }

  /**
   * Holds the pipeline of `outputFolder` (opening it with `images` if nobody holds it yet). `background` makes every
   * thumbnail while this lease is held (the panel); `onReady` hears of each thumbnail made from now on.
   */
  async acquire(
    outputFolder: string,
    images: readonly PipelineImage[],
    opts: { background?: boolean; onReady?(ready: ThumbnailReady[]): void } = {},
  ): Promise<PipelineLease> {
    const key = resolve(outputFolder);
    let entry = this.entries.get(key);
    if (!entry) {
      const listeners = new Set<(ready: ThumbnailReady[]) => void>();
      const pipeline = ImagePipeline.open(
        {
          outputFolder: key,
          cacheDir: this.cacheDir,
          decoder: this.decoder,
          background: false,
          onReady: (r) => listeners.forEach((l) => l(r)),
        },
        images,
      );
      entry = { holders: 0, background: 0, listeners, pipeline };
      this.entries.set(key, entry);
    }
    entry.holders++;
    if (opts.background) entry.background++;
    if (opts.onReady) entry.listeners.add(opts.onReady);
    let pipeline: ImagePipeline;
    try {
      pipeline = await entry.pipeline;
    } catch (err) {
      await this.let(key, entry, opts);
      throw err;
    }
    if (opts.background) pipeline.setBackground(true);
    let released = false;
    return {
      pipeline,
      release: async () => {
        if (released) return;
        released = true;
        await this.let(key, entry, opts);
      },
    };
  }

  /** Runs `fn` holding the pipeline of `outputFolder` (Check Dataset: facts of these images only). */
  async withPipeline<T>(
    outputFolder: string,
    images: readonly PipelineImage[],
    fn: (p: ImagePipeline) => Promise<T>,
  ): Promise<T> {
    const lease = await this.acquire(outputFolder, images);
    try {
      return await fn(lease.pipeline);
    } finally {
      await lease.release();
    }
  }

  /** Closes every pipeline (writing its cache) and the decode pool. */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      all.map((e) =>
        e.pipeline.then(
          (p) => p.dispose(),
          () => undefined,
        ),
      ),
    );
    await this.pool?.dispose();
    this.pool = undefined;
  }

  private async let(
    key: string,
    entry: Entry,
    opts: { background?: boolean; onReady?(ready: ThumbnailReady[]): void },
  ): Promise<void> {
    entry.holders--;
    if (opts.background) entry.background--;
    if (opts.onReady) entry.listeners.delete(opts.onReady);
    const pipeline = await entry.pipeline.catch(() => undefined);
    if (entry.background === 0) pipeline?.setBackground(false);
    if (entry.holders > 0 || this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    await pipeline?.dispose();
  }
}
