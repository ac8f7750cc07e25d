/**
 * What the command line prints: results on stdout (text, or exactly one JSON document with --json), notes, warnings
 * and progress on stderr. On a terminal the progress is one line rewritten in place; otherwise (a CI log, a pipe)
 * it is a plain line at every tenth of the work, so nothing garbles.
 */

/** The streams a command writes to (the real ones in main.ts). */
export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** Reports progress: done, of the total, and the current file (the engine's hook shape). */
export type Progress = (done: number, total: number, file: string) => void;

const MB = 1024 * 1024;

/** A command's output. */
export class Output {
  private live: { clear(): void } | undefined;

  constructor(
    private readonly streams: Streams,
    /** True with --json: stdout gets only the one JSON document. */
    readonly json: boolean,
  ) {}

  /** A line of the human result on stdout (nothing with --json). */
  line(text = ''): void {
    if (this.json) return;
    this.endProgress();
    this.streams.stdout.write(text + '\n');
  }

  /** The JSON result on stdout (only with --json). */
  document(value: unknown): void {
    if (!this.json) return;
    this.endProgress();
    this.streams.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** A note for the user on stderr, in both modes. */
  note(text: string): void {
    this.endProgress();
    this.streams.stderr.write(`note: ${text}\n`);
  }

  /** A warning on stderr, in both modes. */
  warn(text: string): void {
    this.endProgress();
    this.streams.stderr.write(`warning: ${text}\n`);
  }

  /** An error on stderr. */
  error(text: string): void {
    this.endProgress();
    this.streams.stderr.write(`lora-tagger: ${text}\n`);
  }

  /** A progress reporter for one phase of work, on stderr; `bytes` shows sizes in MB. */
  progress(label: string, unit: 'items' | 'bytes' = 'items'): Progress {
    this.endProgress();
    const err = this.streams.stderr;
    const count = (done: number, total: number) =>
      unit === 'bytes' ? `${(done / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB` : `${done}/${total}`;
    if (!err.isTTY) {
      let step = -1;
      return (done, total) => {
        // Tenths only: a CI log gets at most eleven lines per phase.
        const now = total ? Math.floor((done / total) * 10) : 10;
        if (now === step) return;
        step = now;
        err.write(`${label}: ${count(done, total)} (${now * 10}%)\n`);
      };
    }
    let shown = false;
    this.live = {
      clear: () => {
        if (shown) err.write('\r\x1b[K');
        shown = false;
      },
    };
    return (done, total, file) => {
      const text = `${label}: ${count(done, total)} ${file}`;
      const width = Math.max(20, (err.columns ?? 80) - 1);
      err.write(`\r\x1b[K${text.length > width ? text.slice(0, width - 1) + '…' : text}`);
      shown = true;
    };
  }

  /** Clears a progress line on a terminal so the next output starts on a clean line. */
  endProgress(): void {
    this.live?.clear();
  }
}
