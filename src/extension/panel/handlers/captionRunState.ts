/**
 * The captioning runs as the tagging panel shows them (issue 12): per-image states (queued, running, done,
 * suggested, skipped, failed with its error) in the filmstrip and a progress line, posted to the dataset's panel as
 * `captioning/run`, coalesced while a run goes and once more when it ends.
 */
import type * as vscode from 'vscode';
import type { CaptionRunView, RunItemState, ToWebview } from '../../../shared/protocol';
import type { CaptionRuns, RunChange } from '../../captioning/captionRuns';

/** The panel a run's state goes to. */
export interface RunStatePanel {
  isReady(): boolean;
  send(msg: ToWebview): void;
}

/** Where the panels are found. */
export interface RunStatePanels {
  get(outputFolder: string): RunStatePanel | undefined;
}

interface Tracked {
  states: Map<string, { state: RunItemState; error?: string }>;
  progress: { done: number; total: number; etaMs?: number; paused: boolean };
  timer?: ReturnType<typeof setTimeout>;
  /** Listening for the run's end (its first events can come before the run is registered). */
  hooked?: boolean;
}

/** How long a run's changes are gathered before they are posted (a fast run changes many images per frame). */
const COALESCE_MS = 100;

/** Posts every run's state to its dataset's panel while the window lives. */
export function watchRunStates(runs: CaptionRuns, panels: RunStatePanels): vscode.Disposable {
  const tracked = new Map<string, Tracked>();
  const flush = (folder: string, active: boolean) => {
    const t = tracked.get(folder);
    if (!t) return;
    clearTimeout(t.timer);
    t.timer = undefined;
    const panel = panels.get(folder);
    if (panel?.isReady()) panel.send({ type: 'captioning/run', run: runView(t, active) });
    if (!active) tracked.delete(folder);
  };
  const sub = runs.onDidChange((c: RunChange) => {
    let t = tracked.get(c.folder);
    const run = runs.get(c.folder);
    if (!t) {
      t = { states: new Map(), progress: { done: 0, total: run?.job.total ?? 0, paused: false } };
      tracked.set(c.folder, t);
    }
    if (run && !t.hooked) {
      t.hooked = true;
      const end = () => flush(c.folder, false);
      void run.done.then(end, end);
    }
    const e = c.event;
    if (e.type === 'item') t.states.set(e.file, { state: e.state, ...(e.error ? { error: e.error } : {}) });
    else t.progress = { done: e.done, total: e.total, etaMs: e.etaMs, paused: e.paused };
    if (!t.timer) t.timer = setTimeout(() => flush(c.folder, true), COALESCE_MS);
  });
  return {
    dispose: () => {
      sub.dispose();
      for (const t of tracked.values()) clearTimeout(t.timer);
      tracked.clear();
    },
  };
}

function runView(t: Tracked, active: boolean): CaptionRunView {
  const items = [...t.states].map(([file, s]) => ({ file, ...s }));
  const done = active ? t.progress.done : items.filter((i) => i.state !== 'queued' && i.state !== 'running').length;
  return {
    active,
    paused: active && t.progress.paused,
    done,
    total: Math.max(t.progress.total, items.length),
    ...(active && t.progress.etaMs !== undefined ? { etaMs: t.progress.etaMs } : {}),
    items,
  };
}
