/**
 * The captioning runs of this window: at most one per dataset, each in the background with a cancellable progress
 * notification (counts and an ETA), a status bar item, pausing, and the per-image states for the panel. A run
 * writes through the open panel (so a caption open in an editor changes through VS Code) or a Dataset of its own.
 * Closing the panel does not stop it; deactivating keeps its unfinished part in the session for the next window.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CaptionJob, type ItemState, type JobEvent, type JobResult } from '../dataset/captioning/captionJob';
import type { CaptionQueue } from '../dataset/captioning/provenance';
import type { CaptionProvider } from '../dataset/captioning/provider';
import { defaultConcurrency, promptOf, recordedOptions, type RunOptions } from '../dataset/captioning/runOptions';
import { Dataset } from '../dataset/session/dataset';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { getVocabulary } from '../panel/vocabularyCache';
import { readSettings } from '../settings';

/** A run in progress. */
export interface ActiveRun {
  folder: string;
  job: CaptionJob;
  /** The state of each image so far (the panel's filmstrip shows it). */
  states: Map<string, ItemState>;
  done: Promise<JobResult>;
}

/** Fired whenever a run's progress or an image's state changes. */
export interface RunChange {
  folder: string;
  event: JobEvent;
}

/** Owns every captioning run of the window. */
export class CaptionRuns implements vscode.Disposable {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly status: vscode.StatusBarItem;
  private readonly changes = new vscode.EventEmitter<RunChange>();
  /** Progress and per-image states of every run (the panel listens). */
  readonly onDidChange = this.changes.event;

  constructor(private readonly panels: PanelManager) {
    this.status = vscode.window.createStatusBarItem('loraTagger.captioning', vscode.StatusBarAlignment.Left, 49);
    this.status.name = 'LoRA Tagging: AI captioning';
  }

  /** The run on a dataset, if one is going. */
  get(folder: string): ActiveRun | undefined {
    return this.runs.get(path.resolve(folder));
  }

  /** Every run going. */
  all(): ActiveRun[] {
    return [...this.runs.values()];
  }

  /**
   * Starts a run (or continues `resume`) and returns at once; `done` settles when it ends. `interactive` shows the
   * progress notification; the batch form shows only the status bar.
   */
  async start(
    folder: string,
    o: RunOptions,
    provider: CaptionProvider,
    files: readonly string[],
    opts: { interactive: boolean; resume?: CaptionQueue },
  ): Promise<ActiveRun> {
    folder = path.resolve(folder);
    if (this.runs.has(folder))
      throw new Error(`A captioning run is already going on ${folder}; pause or cancel it first.`);
    const panel = this.panels.get(folder);
    const own = panel ? undefined : (await Dataset.open(folder)).dataset;
    const ds = panel?.dataset ?? own!;
    const vocabFiles = readSettings(vscode.Uri.file(folder)).vocabularyFiles;
    const vocabulary = vocabFiles.length ? await getVocabulary(vocabFiles, (p) => log().warn(p)) : undefined;
    const p = promptOf(o);
    const states = new Map<string, ItemState>();
    const onEvent = (e: JobEvent) => {
      if (e.type === 'item') {
        states.set(e.file, e.state);
        if (e.state === 'failed') log().warn(`Captioning ${e.file} failed: ${e.error}`);
      } else this.showStatus();
      this.changes.fire({ folder, event: e });
    };
    const job = new CaptionJob(ds, {
      provider,
      files,
      mode: o.mode,
      preset: p.preset,
      prompt: p.template,
      system: o.system,
      output: p.output,
      filters: o.filters,
      vocabulary,
      concurrency: defaultConcurrency(o),
      recorded: recordedOptions(o),
      resume: opts.resume,
      write: panel ? (f, t) => panel.writeCaption(f, t) : undefined,
      onEvent,
    });
    const done = (async () => {
      try {
        return opts.interactive ? await this.withNotification(job, provider) : await job.start();
      } finally {
        this.runs.delete(folder);
        this.showStatus();
        await provider.dispose().catch(() => undefined);
        this.panels.get(folder)?.reload();
        if (own)
          await own.close().catch((err: unknown) => log().error(`Could not save ${folder}: ${errorMessage(err)}`));
      }
    })();
    const run: ActiveRun = { folder, job, states, done };
    this.runs.set(folder, run);
    this.showStatus();
    return run;
  }

  /** Pauses every run (or one); returns how many runs it reached. */
  pause(folder?: string): number {
    const runs = this.pick(folder);
    for (const r of runs) r.job.pause();
    this.showStatus();
    return runs.length;
  }

  /** Resumes every paused run (or one); returns how many runs it reached. */
  resume(folder?: string): number {
    const runs = this.pick(folder);
    for (const r of runs) r.job.resume();
    this.showStatus();
    return runs.length;
  }

  /** Cancels every run (or one); what was written stays, and the run's undo takes it back. Returns how many. */
  cancel(folder?: string): number {
    const runs = this.pick(folder);
    for (const r of runs) r.job.cancel();
    return runs.length;
  }

  /** Stops every run keeping its unfinished part recorded (deactivation: the next window resumes it). */
  async interruptAll(): Promise<void> {
    const all = this.all();
    for (const r of all) r.job.interrupt();
    await Promise.allSettled(all.map((r) => r.done));
  }

  dispose(): void {
    for (const r of this.all()) r.job.interrupt();
    this.status.dispose();
    this.changes.dispose();
  }

  private pick(folder?: string): ActiveRun[] {
    return folder ? [this.runs.get(path.resolve(folder))].filter((r): r is ActiveRun => !!r) : this.all();
  }

  private withNotification(job: CaptionJob, provider: CaptionProvider): Thenable<JobResult> {
    const title = `Captioning with ${provider.model}`;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => job.cancel());
        let last = 0;
        const report = (e: RunChange) => {
          if (e.event.type !== 'progress') return;
          const { done, total, etaMs, paused } = e.event;
          const pct = total ? (done / total) * 100 : 100;
          const eta = paused ? 'paused' : etaMs !== undefined && done < total ? `about ${duration(etaMs)} left` : '';
          progress.report({ increment: pct - last, message: [`${done}/${total}`, eta].filter(Boolean).join(' · ') });
          last = pct;
        };
        const listener = this.onDidChange(report);
        try {
          return await job.start();
        } finally {
          listener.dispose();
          sub.dispose();
        }
      },
    );
  }

  private showStatus(): void {
    const all = this.all();
    if (all.length === 0) {
      this.status.hide();
      void vscode.commands.executeCommand('setContext', 'loraTagger.captioningRunning', false);
      return;
    }
    const paused = all.every((r) => r.job.paused);
    const done = all.reduce(
      (n, r) => n + [...r.states.values()].filter((s) => s !== 'queued' && s !== 'running').length,
      0,
    );
    const total = all.reduce((n, r) => n + r.job.total, 0);
    this.status.text = `${paused ? '$(debug-pause)' : '$(sync~spin)'} AI captions ${done}/${total}`;
    this.status.tooltip = paused ? 'Captioning is paused: click to resume' : 'Captioning: click to pause';
    this.status.command = paused ? 'loraTagger.resumeCaptioning' : 'loraTagger.pauseCaptioning';
    this.status.show();
    void vscode.commands.executeCommand('setContext', 'loraTagger.captioningRunning', true);
  }
}

/** The output folder a pause/resume/cancel command names (the panel passes its dataset's Uri); undefined: every run. */
export function runFolderArg(arg: unknown): string | undefined {
  return arg instanceof vscode.Uri && arg.scheme === 'file' ? arg.fsPath : undefined;
}

/** "3 min", "40 s", "1 h 5 min". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
