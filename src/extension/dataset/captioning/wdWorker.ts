/** Worker thread of the WD tagger: loads one model, then preprocesses and scores one image at a time. */
import { parentPort } from 'node:worker_threads';
import type { WdWorkerReply, WdWorkerRequest } from './wdEngine';
import { WdModel } from './wdModel';

let model: WdModel | undefined;
let chain: Promise<void> = Promise.resolve();

const reply = (m: WdWorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

parentPort?.on('message', (req: WdWorkerRequest) => {
  // One request at a time, in order: the model's own threads already use the cores.
  chain = chain.then(async () => {
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
      if (!model) throw new Error('no model is loaded');
      const scores = (await model.score(req.image)).slice();
      reply({ kind: 'scores', id: req.id, scores }, [scores.buffer]);
    } catch (err) {
      reply({ kind: 'error', id: req.id, error: reason(err) });
    }
  });
});
