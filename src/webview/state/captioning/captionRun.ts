/** The captioning run on this dataset as the panel shows it (issue 12): per-image states and the progress line. */
import type { CaptionRunView, RunItemState, ToHost } from '../../../shared/protocol';
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

/** What the progress line's buttons ask of the run. */
export type RunControl = Extract<ToHost, { type: 'captioning/control' }>['action'];

const CONTROLLED: Record<RunControl, string> = {
  pause: 'Paused AI captioning: the images being captioned finish, no new one starts.',
  resume: 'Resumed AI captioning.',
  cancel:
    'Cancelled AI captioning: the captions it wrote stay (Undo Last Dataset-Wide Tag Operation takes the run back).',
};

/** The last run's state (kept after it ends, so failures stay visible until the next run). */
export class CaptionRunState {
  private byFile = new Map<string, { state: RunItemState; error?: string }>();
  /** The run's progress, or undefined when no run has reported on this dataset. */
  run: CaptionRunView | undefined;
  /** The request a button sent and the host has not answered yet. */
  pending: RunControl | undefined;
  /** The panel cancelled the run (the line says so once it has ended). */
  cancelled = false;

  constructor(private readonly core: StoreCore) {}

  /** Takes the host's report. */
  apply(run: CaptionRunView): void {
    const fresh = this.run && !this.run.active && run.active;
    // A new run starts from nothing: the marks of the one before go.
    if (fresh) {
      this.byFile.clear();
      this.cancelled = false;
    }
    for (const i of run.items) this.byFile.set(i.file, { state: i.state, ...(i.error ? { error: i.error } : {}) });
    // A cancelled run never starts the images still queued, and drops those it was captioning: no mark stays on them.
    if (!run.active)
      for (const [file, s] of this.byFile) if (s.state === 'queued' || s.state === 'running') this.byFile.delete(file);
    this.run = run;
    this.core.emit('captioning');
  }

  /** The state of one image in the run, if it is part of it. */
  of(file: string): { state: RunItemState; error?: string } | undefined {
    return this.byFile.get(file);
  }

  /** Pauses, resumes or cancels the run through the host; the line follows the host's next report. */
  async control(action: RunControl): Promise<void> {
    if (this.pending || !this.run?.active) return;
    this.pending = action;
    this.core.emit('captioning');
    try {
      await this.core.host.request({ type: 'captioning/control', action });
      if (action === 'cancel') this.cancelled = true;
      this.core.setStatus('info', CONTROLLED[action]);
    } catch (err) {
      this.core.setStatus('error', err instanceof Error ? err.message : String(err));
    } finally {
      this.pending = undefined;
      this.core.emit('captioning');
    }
  }

  /** How many images are being captioned now (while paused: those still finishing). */
  get running(): number {
    let n = 0;
    for (const s of this.byFile.values()) if (s.state === 'running') n++;
    return n;
  }

  /** How many images of the run failed. */
  get failed(): number {
    let n = 0;
    for (const s of this.byFile.values()) if (s.state === 'failed') n++;
    return n;
  }
}
