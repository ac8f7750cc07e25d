/**
 * The captioning job queue: one run of one provider over a list of images. It owns concurrency, retries (backoff,
 * Retry-After), progress with an ETA, pausing, cancelling and the write policy, and writes through the dataset API
 * the panel uses (or the panel's own writer), so the undo history, the status and tags.txt follow. The unfinished
 * part is recorded in the session, so a reloaded window resumes it; the run is one entry in the undo history.
 */
import { readFile } from 'node:fs/promises';
import { captionTags } from '../../../shared/caption';
import type { Dataset } from '../session/dataset';
import type { CaptionWriter } from '../tags/tagOperations';
import { fillPrompt } from './prompts';
import { captionHash, type CaptionQueue, type RecordedOptions, type WriteMode } from './provenance';
import { isAbort, ProviderError, type CaptionProvider, type ProviderInput } from './provider';
import { recordRunChanges, runLabel } from './runHistory';
import { compose, decide, type Composed } from './writePolicy';
import type { TagLookup } from './wd/wdTags';
import type { z } from 'zod';

/** The state of one image in a run, as the filmstrip shows it. */
export type ItemState = 'queued' | 'running' | 'done' | 'suggested' | 'skipped' | 'failed';

/** What a run reports as it goes. */
export type JobEvent =
  | { type: 'item'; file: string; state: ItemState; error?: string; text?: string }
  | { type: 'progress'; done: number; total: number; etaMs?: number; paused: boolean };

/** Options of a run. */
export interface JobOptions {
  provider: CaptionProvider;
  /** The images, in order (ignored when resuming a recorded queue). */
  files: readonly string[];
  mode: WriteMode;
  /** Preset id, or 'custom'. */
  preset: string;
  /** The prompt template (placeholders filled per image) and the system prompt. */
  prompt: string;
  system?: string;
  output: 'caption' | 'tags';
  filters?: readonly string[];
  vocabulary?: TagLookup;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Tries after the first for a retryable failure (default 4). */
  retries?: number;
  /** First backoff in ms, doubled each try (default 1000); Retry-After wins when the server sends it. */
  retryBaseMs?: number;
  /** Longest single wait between tries (default 60000). */
  maxRetryWaitMs?: number;
  /** Writes one caption; Dataset.setCaption by default (the extension passes the panel's writer). */
  write?: CaptionWriter;
  /** Options recorded with the queue so a reloaded window can resume the run (never a key). */
  recorded?: z.infer<typeof RecordedOptions>;
  /** The recorded queue to continue instead of `files`. */
  resume?: CaptionQueue;
  onEvent?(e: JobEvent): void;
}

/** What a finished run did. */
export interface JobResult {
  run: string;
  captioned: number;
  suggested: number;
  skipped: number;
  failed: { file: string; error: string }[];
  /** True when the run was cancelled or interrupted before the end. */
  stopped: boolean;
}

interface Item {
  file: string;
  hash: string;
}

type Ahead = { item: Item; input: Promise<ProviderInput> }; // an image a slot took, its input on the way

/** One run; call start() once. */
export class CaptionJob {
  readonly run: string;
  readonly label: string;
  private readonly items: Item[];
  private readonly left = new Set<string>();
  private readonly abort = new AbortController();
  private next = 0;
  private done = 0;
  private pausedFlag = false;
  private resumeWaiters: (() => void)[] = [];
  private keepQueue = false;
  private fatal: string | undefined;
  private readonly result: Omit<JobResult, 'stopped'>;
  private commitChain: Promise<void> = Promise.resolve();
  private readonly backlog: { item: Item; composed: Composed; resolve(): void; reject(err: unknown): void }[] = [];
  private committing = false;
  private readonly startedAt = Date.now();
  private slots = 1; // requests in flight at once

  constructor(
    private readonly ds: Dataset,
    private readonly opts: JobOptions,
  ) {
    this.run = opts.resume?.run ?? new Date().toISOString();
    this.label = opts.resume?.label ?? runLabel(opts.provider.id, opts.provider.model);
    const known = new Set(ds.session.images.map((i) => i.file));
    const items = opts.resume
      ? opts.resume.pending.filter((p) => known.has(p.file))
      : [...new Set(opts.files)].map((file) => {
          if (!known.has(file)) throw new Error(`${file} is not an image of the dataset in ${ds.outputFolder}.`);
          return { file, hash: captionHash(ds.caption(file)) };
        });
    this.items = items;
    for (const i of items) this.left.add(i.file);
    this.result = { run: this.run, captioned: 0, suggested: 0, skipped: 0, failed: [] };
  }

  /** Images in the run. */
  get total(): number {
    return this.items.length;
  }

  /** True while paused. */
  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Stops starting new images (those running finish). */
  pause(): void {
    this.pausedFlag = true;
    this.progress();
  }

  /** Continues a paused run. */
  resume(): void {
    this.pausedFlag = false;
    for (const w of this.resumeWaiters.splice(0)) w();
    this.progress();
  }

  /** Stops the run; the images not done are forgotten (the result says how many were done). */
  cancel(): void {
    this.abort.abort();
    this.resume();
  }

  /** Stops the run but keeps its unfinished part recorded, for a reloaded window to resume. */
  interrupt(): void {
    this.keepQueue = true;
    this.cancel();
  }

  /** Runs to the end (or the stop) and resolves with what it did; asks nothing. */
  async start(): Promise<JobResult> {
    this.record();
    await this.ds.flush();
    for (const i of this.items) this.emit({ type: 'item', file: i.file, state: 'queued' });
    this.progress();
    this.slots = Math.max(1, Math.min(this.opts.concurrency ?? 4, this.items.length || 1));
    await Promise.all(Array.from({ length: this.slots }, () => this.worker()));
    await this.commitChain;
    const stopped = this.abort.signal.aborted;
    if (this.fatal) {
      for (const f of this.left) this.result.failed.push({ file: f, error: `not captioned: ${this.fatal}` });
      this.left.clear();
    }
    if (!stopped || !this.keepQueue || this.left.size === 0) this.ds.setCaptionQueue(undefined);
    else this.record();
    await this.ds.flush();
    this.progress();
    return { ...this.result, stopped: stopped && !this.fatal };
  }

  private async worker(): Promise<void> {
    // The slot's last result, being written while its next request goes out: a slot never waits on the file
    // writes, and at most one result per slot waits for the committer (the backlog stays bounded).
    let writing: Promise<void> = Promise.resolve();
    // The slot's next image, read (and prepared by the provider) while a request is in flight.
    let ahead: Ahead | undefined;
    try {
      while (!this.abort.signal.aborted) {
        if (this.pausedFlag) await new Promise<void>((r) => this.resumeWaiters.push(r));
        if (this.abort.signal.aborted) return;
        const cur = ahead ?? this.take();
        ahead = undefined;
        if (!cur) return;
        this.emit({ type: 'item', file: cur.item.file, state: 'running' });
        let composed: Composed;
        try {
          const input = await cur.input;
          // Only while every slot still has an image to take: at the end, a slot holding two would finish late.
          if (this.items.length - this.next > this.slots) ahead = this.take();
          composed = await this.ask(input);
        } catch (err) {
          if (this.abort.signal.aborted && isAbort(err)) return;
          this.failed(cur.item, err);
          continue;
        }
        await writing;
        writing = this.commit(cur.item, composed).catch((err: unknown) => this.failed(cur.item, err));
      }
    } finally {
      await writing;
    }
  }

  /** The next image of the run, its input on the way; undefined when none is left. */
  private take(): Ahead | undefined {
    const item = this.items[this.next++];
    if (!item) return undefined;
    const input = this.prepare(item.file);
    input.catch(() => undefined); // awaited when its turn comes: until then a failure is not unhandled
    return { item, input };
  }

  private failed(item: Item, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    if (err instanceof ProviderError && err.fatal && !this.fatal) {
      this.fatal = error;
      this.abort.abort();
    }
    this.result.failed.push({ file: item.file, error });
    this.finish(item, 'failed', { error });
    this.record();
  }

  /** Reads one image and fills its prompt; the provider may start its own preparation (an upload's re-encode). */
  private async prepare(file: string): Promise<ProviderInput> {
    const s = this.ds.session;
    let image: Uint8Array;
    try {
      image = await readFile(this.ds.resolve(file));
    } catch (err) {
      throw new Error(`Could not read ${this.ds.resolve(file)}: ${(err as Error).message}`);
    }
    const current = this.ds.caption(file);
    const prompt = fillPrompt(this.opts.prompt, {
      trigger: s.triggerWord,
      file,
      caption: current,
      tags: captionTags(current, s.captionStyle),
    });
    const input = { file, image, prompt, system: this.opts.system ?? '' };
    this.opts.provider.prepare?.(input);
    return input;
  }

  /** Asks the provider, retrying what may succeed later. */
  private async ask(input: ProviderInput): Promise<Composed> {
    const s = this.ds.session;
    const retries = this.opts.retries ?? 4;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.opts.provider.run(input, this.abort.signal);
        return compose(result, {
          trigger: s.triggerWord,
          output: this.opts.output,
          filters: this.opts.filters,
          vocabulary: this.opts.vocabulary,
        });
      } catch (err) {
        if (!(err instanceof ProviderError) || !err.retryable || attempt >= retries) throw err;
        const base = (this.opts.retryBaseMs ?? 1000) * 2 ** attempt;
        await this.sleep(Math.min(err.retryAfterMs ?? base, this.opts.maxRetryWaitMs ?? 60_000));
      }
    }
  }

  /** Queues one result for the committer; settles once it is written (or recorded as a suggestion or skip). */
  private commit(item: Item, composed: Composed): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.backlog.push({ item, composed, resolve, reject });
      if (this.backlog.length === 1 && !this.committing) this.commitChain = this.drain();
    });
  }

  /**
   * Writes what has arrived, in batches: one undo record for the batch (written first, so a run cut short can be
   * undone), then each caption. One batch per turn keeps a fast provider from waiting on a file write per image.
   */
  private async drain(): Promise<void> {
    this.committing = true;
    try {
      while (this.backlog.length > 0) {
        const batch = this.backlog.splice(0);
        const s = this.ds.session;
        const planned = batch.map((b) => {
          const current = this.ds.caption(b.item.file);
          return {
            ...b,
            current,
            d: decide(this.opts.mode, current, b.item.hash, b.composed, s.captionStyle, s.triggerWord),
          };
        });
        const writes = planned.flatMap((p) =>
          p.d.action === 'write' ? [{ file: p.item.file, before: p.current, after: p.d.text }] : [],
        );
        try {
          await recordRunChanges(this.ds.outputFolder, { at: this.run, label: this.label }, writes);
        } catch (err) {
          for (const p of planned) p.reject(err);
          continue;
        }
        for (const p of planned) {
          try {
            await this.apply(p.item, p.d, p.composed);
            p.resolve();
          } catch (err) {
            p.reject(err);
          }
        }
        // The queue in the session loses what this batch finished (saved with the session's next write).
        this.record();
      }
    } finally {
      this.committing = false;
    }
  }

  private async apply(item: Item, d: ReturnType<typeof decide>, composed: Composed): Promise<void> {
    const source = {
      provider: this.opts.provider.id,
      model: this.opts.provider.model,
      preset: this.opts.preset,
      at: new Date().toISOString(),
    };
    if (d.action === 'write') {
      await (this.opts.write ?? ((f: string, t: string) => this.ds.setCaption(f, t)))(item.file, d.text);
      const written = this.ds.caption(item.file);
      this.ds.setImageExtra('machine', item.file, { ...source, hash: captionHash(written), run: this.run });
      this.ds.setImageExtra('suggestion', item.file, undefined);
      this.result.captioned++;
      this.finish(item, 'done', { text: written });
    } else if (d.action === 'suggest') {
      const tags = composed.kind === 'tags' ? composed.tags : undefined;
      this.ds.setImageExtra('suggestion', item.file, {
        ...source,
        text: d.text,
        run: this.run,
        ...(tags ? { tags } : {}),
      });
      this.result.suggested++;
      this.finish(item, 'suggested', { text: d.text });
    } else {
      this.result.skipped++;
      this.finish(item, 'skipped');
    }
  }

  private finish(item: Item, state: ItemState, extra: { error?: string; text?: string } = {}): void {
    this.left.delete(item.file);
    this.done++;
    this.emit({ type: 'item', file: item.file, state, ...extra });
    this.progress();
  }

  private record(): void {
    const pending = this.items.filter((i) => this.left.has(i.file));
    const q: CaptionQueue = {
      run: this.run,
      label: this.label,
      provider: this.opts.provider.id,
      mode: this.opts.mode,
      options: this.opts.recorded ?? {},
      pending,
    };
    this.ds.setCaptionQueue(q);
  }

  private progress(): void {
    const elapsed = Date.now() - this.startedAt;
    const remaining = this.items.length - this.done;
    const etaMs = this.done > 0 ? Math.round((elapsed / this.done) * remaining) : undefined;
    this.emit({
      type: 'progress',
      done: this.done,
      total: this.items.length,
      ...(etaMs !== undefined ? { etaMs } : {}),
      paused: this.pausedFlag,
    });
  }

  private emit(e: JobEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // A listener's failure must not stop the run.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
