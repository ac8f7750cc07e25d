/**
 * Where the WD model runs: on the calling thread (tests, the bench) or in one worker thread (the extension host and
 * the command line, `dist/wdWorker.js`), so neither the model's compute nor the image decode stalls the host.
 * Requests are answered in order; image bytes cross to the worker transferred, not copied.
 */
import { Worker } from 'node:worker_threads';
import { WdModel, type WdModelInfo } from './wdModel';

/** Scores images with one loaded model. */
export interface WdEngine {
  readonly info: WdModelInfo;
  /** The probabilities of one image file's bytes; rejects with the reason the image or the model failed. */
  score(image: Uint8Array): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Loads the model on the calling thread. */
export async function inlineEngine(folder: string): Promise<WdEngine> {
  const model = await WdModel.load(folder);
  return { info: model.info, score: (image) => model.score(image), dispose: () => model.dispose() };
}

/** A request to the worker. */
export type WdWorkerRequest = { kind: 'load'; folder: string } | { kind: 'score'; id: number; image: Uint8Array };
/** A reply of the worker. */
export type WdWorkerReply =
  | { kind: 'loaded'; info: WdModelInfo }
  | { kind: 'scores'; id: number; scores: Float32Array }
  | { kind: 'error'; id?: number; error: string };

/** Loads the model in a worker thread running `script` (dist/wdWorker.js). */
export async function workerEngine(folder: string, script: string): Promise<WdEngine> {
  const worker = new Worker(script);
  const pending = new Map<number, { resolve(s: Float32Array): void; reject(e: Error): void }>();
  let nextId = 1;
  let dead: Error | undefined;
  const failAll = (err: Error) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const info = await new Promise<WdModelInfo>((resolve, reject) => {
    const onMessage = (m: WdWorkerReply) => {
      if (m.kind === 'loaded') resolve(m.info);
      else if (m.kind === 'error') reject(new Error(m.error));
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.postMessage({ kind: 'load', folder } satisfies WdWorkerRequest);
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  worker.on('message', (m: WdWorkerReply) => {
    if (m.kind === 'loaded' || m.id === undefined) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.kind === 'scores') p?.resolve(m.scores);
    else if (m.kind === 'error') p?.reject(new Error(m.error));
  });
  worker.on('error', (err) => failAll(new Error(`the tagger's worker failed: ${err.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the tagger's worker stopped (exit code ${code})`)));
  return {
    info,
    score(image) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<Float32Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // A copy is transferred: the caller's buffer may be a view of a larger one it still uses.
        const own = image.slice();
        worker.postMessage({ kind: 'score', id, image: own } satisfies WdWorkerRequest, [own.buffer]);
      });
    },
    async dispose() {
      worker.removeAllListeners('exit');
      failAll(new Error('the tagger was closed'));
      await worker.terminate();
    },
  };
}
