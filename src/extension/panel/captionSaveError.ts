/**
 * The panel's message for a caption save that failed, saying what is true for its cause: a caption file the panel
 * refuses to write over (a folder, a pipe, bytes that are not UTF-8) needs that file fixed, not disk space or
 * permissions; a failed write already says what went wrong and what to do (atomicWrite, adviceFor).
 */
import { CaptionRefusedError } from '../dataset/io/readCaption';

/** The status-line and log message for a failed save of `file`'s caption. */
export function captionSaveError(file: string, err: unknown): string {
  const head = `Could not save the caption of ${file}:`;
  if (err instanceof CaptionRefusedError) {
    const what = err.message;
    if (err.problem.kind === 'not-utf8') {
      return `${head} ${what} Your text is still in the panel: copy it if you want to keep it, then re-save the file as UTF-8.`;
    }
    return `${head} ${what} Your text is still in the panel; once that is done, press Ctrl+S to save it.`;
  }
  const what = err instanceof Error ? err.message : String(err);
  return `${head} ${what.replace(/\.?$/, '.')} Your text is still in the panel; press Ctrl+S to save it again.`;
}
