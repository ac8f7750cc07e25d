/**
 * Where the WD model runs: on the calling thread (tests, the bench) or in worker threads (the extension host and the
 * command line, `dist/wdWorker.js`: one for the model, one for the decode and preprocessing), so neither the
 * model's compute nor the image decode stalls the host. Bytes and pixels cross between threads transferred.
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

/** A request to a worker thread. */
export type WdWorkerRequest =
  | { kind: 'load'; folder: string }
  | { kind: 'prep'; id: number; image: Uint8Array; size: number }
  | { kind: 'run'; id: number; pixels: Float32Array };
/** A reply of a worker thread. */
export type WdWorkerReply =
  | { kind: 'loaded'; info: WdModelInfo }
  | { kind: 'pixels'; id: number; pixels: Float32Array }
  | { kind: 'scores'; id: number; scores: Float32Array }
  | { kind: 'error'; id?: number; error: string };

type Waiter = { resolve(r: WdWorkerReply): void; reject(e: Error): void };

/** One worker thread answering requests by id. */
function thread(script: string, name: string) {
  const worker = new Worker(script, { name });
  const pending = new Map<number, Waiter>();
  let dead: Error | undefined;
  let loaded: Waiter | undefined;
  const failAll = (err: Error) => {
    dead = err;
    for (const p of [...pending.values(), ...(loaded ? [loaded] : [])]) p.reject(err);
    pending.clear();
    loaded = undefined;
  };
  worker.on('message', (m: WdWorkerReply) => {
    if (m.kind === 'loaded' || (m.kind === 'error' && m.id === undefined)) {
      const l = loaded;
      loaded = undefined;
      if (m.kind === 'loaded') l?.resolve(m);
      else l?.reject(new Error(m.error));
      return;
    }
    const p = pending.get(m.id!);
    pending.delete(m.id!);
    if (m.kind === 'error') p?.reject(new Error(m.error));
    else p?.resolve(m);
  });
  worker.on('error', (err) => failAll(new Error(`the tagger's worker failed: ${err.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the tagger's worker stopped (exit code ${code})`)));
  return {
    load: (folder: string) =>
      new Promise<WdWorkerReply>((resolve, reject) => {
        loaded = { resolve, reject };
        worker.postMessage({ kind: 'load', folder } satisfies WdWorkerRequest);
      }),
    ask(req: WdWorkerRequest & { id: number }, transfer: ArrayBuffer[]): Promise<WdWorkerReply> {
      if (dead) return Promise.reject(dead);
      return new Promise((resolve, reject) => {
        pending.set(req.id, { resolve, reject });
        worker.postMessage(req, transfer);
      });
    },
    async stop() {
      worker.removeAllListeners('exit');
      failAll(new Error('the tagger was closed'));
      await worker.terminate();
    },
  };
}

/**
 * Loads the model in a worker thread running `script` (dist/wdWorker.js), with a second thread of the same script
 * for the decode and preprocessing: with two images in flight, the next one is prepared while the model runs.
 */
export async function workerEngine(folder: string, script: string): Promise<WdEngine> {
  const model = thread(script, 'wd-model');
  const prep = thread(script, 'wd-prep');
  let info: WdModelInfo;
  try {
    const r = await model.load(folder);
    info = (r as Extract<WdWorkerReply, { kind: 'loaded' }>).info;
  } catch (err) {
    await Promise.all([model.stop(), prep.stop()]);
    throw err;
  }
  let nextId = 1;
  return {
    info,
    async score(image) {
      const id = nextId++;
      // A copy is transferred: the caller's buffer may be a view of a larger one it still uses.
      const own = image.slice();
      const px = (await prep.ask({ kind: 'prep', id, image: own, size: info.size }, [own.buffer])) as Extract<
        WdWorkerReply,
        { kind: 'pixels' }
      >;
      const out = (await model.ask({ kind: 'run', id, pixels: px.pixels }, [
        px.pixels.buffer as ArrayBuffer,
      ])) as Extract<WdWorkerReply, { kind: 'scores' }>;
      return out.scores;
    },
    async dispose() {
      await Promise.all([model.stop(), prep.stop()]);
    },
  };
}
