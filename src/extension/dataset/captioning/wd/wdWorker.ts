/**
 * Worker thread of the WD tagger, in one of two roles: the model thread loads one model and runs it on
 * preprocessed pixels; the preprocessing thread decodes images and makes kohya's input. Each answers in order.
 */
import { parentPort } from 'node:worker_threads';
import type { WdWorkerReply, WdWorkerRequest } from './wdEngine';
import { WdModel } from './wdModel';
import { wdInput } from './wdPreprocess';

let model: WdModel | undefined;
let chain: Promise<void> = Promise.resolve();

const reply = (m: WdWorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function handle(req: WdWorkerRequest): Promise<void> {
  if (req.kind === 'load') {
    try {
      model = await WdModel.load(req.folder);
      reply({ kind: 'loaded', info: model.info });
    } catch (err) {
      reply({ kind: 'error', error: reason(err) });
    }
    return;
  }
  try {
    if (req.kind === 'prep') {
      const pixels = await wdInput(req.image, req.size);
      reply({ kind: 'pixels', id: req.id, pixels }, [pixels.buffer as ArrayBuffer]);
      return;
    }
    if (!model) throw new Error('no model is loaded');
    const scores = (await model.run(req.pixels)).slice();
    reply({ kind: 'scores', id: req.id, scores }, [scores.buffer]);
  } catch (err) {
    reply({ kind: 'error', id: req.id, error: reason(err) });
  }
}

parentPort?.on('message', (req: WdWorkerRequest) => {
  // One request at a time, in order: the model's own threads already use the cores.
  chain = chain.then(() => handle(req));
});
