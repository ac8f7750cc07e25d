/** A cancellable progress notification that speaks the engine's language: an AbortSignal and (done, total, file). */
import * as vscode from 'vscode';

/** Reports progress as "done/total file"; the bar moves by the fraction done. */
export type ProgressReporter = (done: number, total: number, file: string) => void;

const MB = 1024 * 1024;
/**
 * VS Code keeps a progress notification on screen for at least 800 ms after it opens (its progressService's minimum,
 * so a quick task does not flicker), whenever the task ends; plus a moment for the workbench to close it.
 */
const MIN_VISIBLE_MS = 1000;

/**
 * Runs `task` under a cancellable notification; Cancel aborts the signal the task was given. It resolves once the
 * notification is gone (not before VS Code's minimum time on screen), so a message the caller shows next never
 * stands beside a finished progress bar.
 */
export function withCancellableProgress<T>(
  title: string,
  task: (report: ProgressReporter, signal: AbortSignal) => Promise<T>,
  unit: 'items' | 'bytes' = 'items',
): Thenable<T> {
  const opened = Date.now();
  return vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let last = 0;
        const report: ProgressReporter = (done, total, file) => {
          const pct = total ? (done / total) * 100 : 100;
          // Whole percents only: thousands of tiny updates would flood the notification.
          if (pct - last < 1 && done !== total) return;
          const count =
            unit === 'bytes' ? `${(done / MB).toFixed(0)}/${(total / MB).toFixed(0)} MB` : `${done}/${total}`;
          progress.report({ increment: pct - last, message: `${count} ${file}` });
          last = pct;
        };
        try {
          return await task(report, abort.signal);
        } finally {
          sub.dispose();
        }
      },
    )
    .then(async (result) => {
      const left = opened + MIN_VISIBLE_MS - Date.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      return result;
    });
}
