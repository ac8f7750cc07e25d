/**
 * Echo suppression: the file watcher reports the panel's own saves back as outside changes, sometimes late and
 * after typing went on. Remembering what was sent lately, per file, tells such an echo from a real outside edit.
 */

/** How long a sent caption may come back from the file watcher as an echo. */
const ECHO_WINDOW_MS = 2000;
/** Sent texts remembered per file (typing sends one per pause). */
const KEPT_TEXTS = 8;

/** The captions sent lately, per file. */
export class EchoFilter {
  private readonly sent = new Map<string, { texts: string[]; at: number }>();

  /** Remembers a caption text just sent for `file`. */
  remember(file: string, text: string, now = performance.now()): void {
    const prev = this.sent.get(file);
    const recent = prev && now - prev.at < ECHO_WINDOW_MS ? prev.texts.slice(-(KEPT_TEXTS - 1)) : [];
    this.sent.set(file, { texts: [...recent, text], at: now });
  }

  /** True when `text` is one the panel sent for `file` within the echo window. */
  isEcho(file: string, text: string, now = performance.now()): boolean {
    const echo = this.sent.get(file);
    return !!echo && echo.texts.includes(text) && now - echo.at < ECHO_WINDOW_MS;
  }
}
