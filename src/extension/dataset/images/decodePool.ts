/**
 * Where images are decoded: on the calling thread (tests, the bench) or in a pool of worker threads (the extension
 * and the command line), so a decode never stalls the extension host. The pool survives its images: a decode that
 * fails or crashes its worker fails only that image, with its reason; a dead worker is replaced; the decodes in
 * flight at once are bounded by an estimate of their memory; bytes cross between threads transferred, not copied.
 */
import { availableParallelism, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  runDecodeRequest,
  transferables,
  type AnalyseOutcome,
  type AnalyseRequest,
  type ConvertOutcome,
  type ConvertRequest,
  type DecodeRequest,
  type LibraryInfo,
} from './decodeJobs';

/** Bytes a decode is assumed to need when the image's size is not known: a 24-megapixel photo in RGBA. */
const DEFAULT_JOB_BYTES = 24e6 * 4;

/** How a job may be costed: the image's pixel count from its header, when known. */
export interface JobHints {
  pixels?: number;
}

/** Decodes images: analysis (facts, perceptual hash, thumbnail) and conversion. */
export interface Decoder {
  /** Analyses one image; a bad or crashing image resolves with `ok: false` and the reason, it never rejects. */
  analyse(req: Omit<AnalyseRequest, 'kind'>, hints?: JobHints): Promise<AnalyseOutcome>;
  /** Re-encodes one image as PNG or JPEG; resolves with `ok: false` and the reason when it cannot. */
  convert(req: Omit<ConvertRequest, 'kind'>, hints?: JobHints): Promise<ConvertOutcome>;
  /** Which build of the image library decodes here. */
  info(): Promise<LibraryInfo>;
  /** How many decodes may usefully run at once. */
  readonly concurrency: number;
  dispose(): Promise<void>;
}

type Reply = AnalyseOutcome | ConvertOutcome | LibraryInfo;

/** Decodes on the calling thread, one image at a time. */
export const inlineDecoder: Decoder = {
  analyse: (req) => runDecodeRequest({ kind: 'analyse', ...req }),
  convert: (req) => runDecodeRequest({ kind: 'convert', ...req }),
  info: () => runDecodeRequest({ kind: 'info' }),
  concurrency: 1,
  dispose: async () => undefined,
};

/** Options of WorkerDecoder. */
export interface WorkerDecoderOptions {
  /** Workers (default: one per core but one, at least one, at most four). */
  size?: number;
  execArgv?: string[];
  /** Estimated bytes of all decodes in flight at once (default: an eighth of the memory, at most 2 GB). */
  memoryBudget?: number;
  /** A decode running longer than this is stopped and its worker replaced (default two minutes). */
  jobTimeoutMs?: number;
  /** A worker that ran a decode estimated above this is replaced (WebAssembly memory never shrinks). */
  recycleAboveBytes?: number;
  /** Workers are ended after this long without work, and started again when work comes (default 60 s). */
  idleMs?: number;
}

interface Job {
  req: DecodeRequest;
  cost: number;
  resolve(r: Reply): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: ReturnType<typeof setTimeout>;
}

/** A pool of decode workers running `script` (dist/decodeWorker.js). */
export class WorkerDecoder implements Decoder {
  readonly concurrency: number;
  private readonly budget: number;
  /** A decode running longer than this is stopped and its worker replaced. */
  jobTimeoutMs: number;
  private readonly recycleAbove: number;
  private readonly idleMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private inUse = 0;
  private disposed = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Workers started so far, replacements included (for tests and the log). */
  started = 0;
  /** The most decodes that ran at once so far. */
  peakRunning = 0;

  constructor(
    private readonly script: string,
    private readonly opts: WorkerDecoderOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.size ?? Math.min(4, availableParallelism() - 1));
    this.budget = opts.memoryBudget ?? Math.min(2 * 2 ** 30, totalmem() / 8);
    this.jobTimeoutMs = opts.jobTimeoutMs ?? 120_000;
    this.recycleAbove = opts.recycleAboveBytes ?? 512 * 2 ** 20;
    this.idleMs = opts.idleMs ?? 60_000;
  }

  analyse(req: Omit<AnalyseRequest, 'kind'>, hints: JobHints = {}): Promise<AnalyseOutcome> {
    return this.submit({ kind: 'analyse', ...req }, hints) as Promise<AnalyseOutcome>;
  }

  convert(req: Omit<ConvertRequest, 'kind'>, hints: JobHints = {}): Promise<ConvertOutcome> {
    return this.submit({ kind: 'convert', ...req }, hints) as Promise<ConvertOutcome>;
  }

  info(): Promise<LibraryInfo> {
    return this.submit({ kind: 'info' }, { pixels: 1 }) as Promise<LibraryInfo>;
  }

  /** Decodes waiting for a worker or for memory. */
  get queued(): number {
    return this.queue.length;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    const closed = new Error('The image decoder was closed.');
    for (const j of this.queue.splice(0)) j.reject(closed);
    const slots = this.slots.splice(0);
    for (const s of slots) {
      clearTimeout(s.timer);
      s.job?.reject(closed);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private submit(req: DecodeRequest, hints: JobHints): Promise<Reply> {
    if (this.disposed) return Promise.reject(new Error('The image decoder was closed.'));
    const cost = hints.pixels && hints.pixels > 0 ? hints.pixels * 4 : DEFAULT_JOB_BYTES;
    return new Promise((resolve, reject) => {
      this.queue.push({ req, cost, resolve, reject });
      this.pump();
    });
  }

  /** Starts queued jobs while a worker is free and the memory estimate allows (one job always may run alone). */
  private pump(): void {
    clearTimeout(this.idleTimer);
    while (this.queue.length) {
      const running = this.slots.filter((s) => s.job).length;
      if (running >= this.concurrency) break;
      const next = this.queue[0]!;
      if (running > 0 && this.inUse + next.cost > this.budget) break;
      this.queue.shift();
      this.start(this.idleSlot() ?? this.spawn(), next);
    }
    if (!this.queue.length && this.slots.every((s) => !s.job) && this.slots.length) {
      this.idleTimer = setTimeout(() => this.endIdle(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private idleSlot(): Slot | undefined {
    return this.slots.find((s) => !s.job);
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { execArgv: this.opts.execArgv });
    this.started++;
    const slot: Slot = { worker };
    worker.on('message', (r: Reply) => this.finish(slot, r));
    worker.on('error', (err) => this.lost(slot, `the image decoder failed on it (${err.message})`));
    worker.on('exit', (code) => this.lost(slot, `the image decoder stopped while reading it (exit code ${code})`));
    // Workers must not keep the process alive on their own (the command line exits when its work is done).
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    this.inUse += job.cost;
    this.peakRunning = Math.max(this.peakRunning, this.slots.filter((s) => s.job).length);
    const limit = this.jobTimeoutMs;
    slot.timer = setTimeout(() => {
      this.lost(
        slot,
        `decoding it took longer than ${limit < 1000 ? `${limit} ms` : `${Math.round(limit / 1000)} s`}, so it was stopped`,
      );
    }, limit);
    slot.timer.unref();
    // A buffer given to the pool moves to the worker (the caller hands it over); file jobs carry only the path.
    slot.worker.postMessage(job.req, transferables(job.req.buf));
  }

  private finish(slot: Slot, r: Reply): void {
    const job = slot.job;
    if (!job) return;
    this.release(slot);
    job.resolve(r);
    if (job.cost > this.recycleAbove) this.replace(slot);
    this.pump();
  }

  /** A worker died, threw or timed out: its image fails with the reason, the worker is replaced. */
  private lost(slot: Slot, reason: string): void {
    if (!this.slots.includes(slot)) return;
    const job = slot.job;
    if (job) {
      this.release(slot);
      job.resolve({ ok: false, reason });
    }
    this.replace(slot);
    this.pump();
  }

  private release(slot: Slot): void {
    clearTimeout(slot.timer);
    if (slot.job) this.inUse -= slot.job.cost;
    slot.job = undefined;
  }

  /** Ends a worker; a new one is started when a job needs it. */
  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
  }

  private endIdle(): void {
    if (this.queue.length || this.slots.some((s) => s.job)) return;
    for (const s of this.slots.splice(0)) {
      s.worker.removeAllListeners('exit');
      void s.worker.terminate();
    }
  }
}
