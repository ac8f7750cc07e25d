/** A cancellable progress notification that speaks the engine's language: an AbortSignal and (done, total, file). */
import * as vscode from 'vscode';

/** Reports progress as "done/total file"; the bar moves by the fraction done. */
export type ProgressReporter = (done: number, total: number, file: string) => void;

const MB = 1024 * 1024;

/** Runs `task` under a cancellable notification; Cancel aborts the signal the task was given. */
export function withCancellableProgress<T>(
  title: string,
  task: (report: ProgressReporter, signal: AbortSignal) => Promise<T>,
  unit: 'items' | 'bytes' = 'items',
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let last = 0;
    const report: ProgressReporter = (done, total, file) => {
      const pct = total ? (done / total) * 100 : 100;
      // Whole percents only: thousands of tiny updates would flood the notification.
      if (pct - last < 1 && done !== total) return;
      const count = unit === 'bytes' ? `${(done / MB).toFixed(0)}/${(total / MB).toFixed(0)} MB` : `${done}/${total}`;
      progress.report({ increment: pct - last, message: `${count} ${file}` });
      last = pct;
    };
    try {
      return await task(report, abort.signal);
    } finally {
      sub.dispose();
    }
  });
}
