/**
 * Batches the captions that change outside the panel into `captions/changed` messages. A dataset-wide operation,
 * find and replace or a captioning run changes thousands of captions in a few seconds, and a panel that takes one
 * message per caption renders once per caption (5,000 renders of a 5,000-image panel: minutes). Here the first
 * change after a quiet spell goes out at once (in the next macrotask, with whatever else finished in the same
 * turn); while changes keep coming they go out at most every BATCH_INTERVAL_MS, each caption once, at its newest
 * revision. The panel flushes the batch before it sends anything else (a reply, a status line, tags.txt's tags),
 * so the webview sees the changes in the order they happened relative to every other message.
 */
import type { ToWebview } from '../../shared/protocol';

/** One caption's change as the wire carries it. */
export type CaptionChangeMessage = Extract<ToWebview, { type: 'captions/changed' }>['changes'][number];

/** How often at most a batch goes out while captions keep changing (ten a second: progress a person can follow). */
export const BATCH_INTERVAL_MS = 100;

/** Collects caption changes and posts them as `captions/changed` batches. */
export class CaptionBatch {
  private readonly pending = new Map<string, CaptionChangeMessage>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = -Infinity;
  private disposed = false;

  constructor(private readonly send: (msg: Extract<ToWebview, { type: 'captions/changed' }>) => void) {}

  /** Queues one caption's change; a newer revision of the same caption replaces an older one still queued. */
  add(change: CaptionChangeMessage): void {
    if (this.disposed) return;
    const queued = this.pending.get(change.file);
    if (queued && queued.rev > change.rev) return;
    // Deleted first so the entry moves to the end: the batch lists captions in the order of their last change.
    this.pending.delete(change.file);
    this.pending.set(change.file, change);
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + BATCH_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is queued now (before any other message, so the order of messages stays true). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0 || this.disposed) return;
    const changes = [...this.pending.values()];
    this.pending.clear();
    this.lastSent = performance.now();
    this.send({ type: 'captions/changed', changes });
  }

  /** Drops what is queued (the panel is closing; the dataset on disk already holds every change). */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
