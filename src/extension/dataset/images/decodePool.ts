/**
 * Image decoding for the preflight: inline (tests, the command-line) or in worker threads (the extension), where a
 * 4800x3600 JPEG decoded in pure JS would otherwise freeze every extension for a second or more.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeToThumb, type DecodeResult } from './decode';

/** Decodes one image's bytes to a thumbnail, or says why it cannot. */
export interface Decoder {
  decode(buf: Buffer, format: string): Promise<DecodeResult>;
  /** How many decodes may usefully run at once. */
  readonly concurrency: number;
  dispose(): Promise<void>;
}

/** Decodes on the calling thread. */
export const inlineDecoder: Decoder = {
  decode: async (buf, format) => decodeToThumb(buf, format),
  concurrency: 1,
  dispose: async () => undefined,
};

interface Pending {
  resolve(r: DecodeResult): void;
  reject(e: Error): void;
}

/** A small pool of decode workers running `script` (dist/decodeWorker.js); one per spare core, at least one. */
export class WorkerDecoder implements Decoder {
  readonly concurrency: number;
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(script: string, opts: { size?: number; execArgv?: string[] } = {}) {
    this.concurrency = opts.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    for (let i = 0; i < this.concurrency; i++) {
      const worker = new Worker(script, { execArgv: opts.execArgv });
      const slot = { worker, busy: 0 };
      worker.on('message', (m: { id: number; r: DecodeResult }) => {
        slot.busy--;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.r);
      });
      worker.on('error', (err) => this.failAll(new Error(`The image decoder stopped: ${err.message}`)));
      worker.unref();
      this.workers.push(slot);
    }
  }

  decode(buf: Buffer, format: string): Promise<DecodeResult> {
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = ++this.seq;
    slot.busy++;
    return new Promise<DecodeResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, buf, format });
    });
  }

  async dispose(): Promise<void> {
    this.failAll(new Error('The image decoder was closed.'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
