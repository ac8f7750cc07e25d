/** The captioning run on this dataset as the panel shows it (issue 12): per-image states and the progress line. */
import type { CaptionRunView, RunItemState } from '../../../shared/protocol';
import type { StoreCore } from '../core';

/** What the filmstrip and the progress line say each state is. */
export const RUN_STATE_LABELS: Record<RunItemState, string> = {
  queued: 'queued for AI captioning',
  running: 'being captioned by AI',
  done: 'captioned by AI',
  suggested: 'AI suggestion waiting',
  skipped: 'AI captioning skipped it',
  failed: 'AI captioning failed',
};

/** The last run's state (kept after it ends, so failures stay visible until the next run). */
export class CaptionRunState {
  private byFile = new Map<string, { state: RunItemState; error?: string }>();
  /** The run's progress, or undefined when no run has reported on this dataset. */
  run: CaptionRunView | undefined;

  constructor(private readonly core: StoreCore) {}

  /** Takes the host's report. */
  apply(run: CaptionRunView): void {
    const fresh = this.run && !this.run.active && run.active;
    // A new run starts from nothing: the marks of the one before go.
    if (fresh) this.byFile.clear();
    for (const i of run.items) this.byFile.set(i.file, { state: i.state, ...(i.error ? { error: i.error } : {}) });
    this.run = run;
    this.core.emit('captioning');
  }

  /** The state of one image in the run, if it is part of it. */
  of(file: string): { state: RunItemState; error?: string } | undefined {
    return this.byFile.get(file);
  }

  /** How many images of the run failed. */
  get failed(): number {
    let n = 0;
    for (const s of this.byFile.values()) if (s.state === 'failed') n++;
    return n;
  }
}
