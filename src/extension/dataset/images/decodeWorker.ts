/** Worker thread of the decode pool: runs one job at a time with the image library, off the host's main thread. */
import { parentPort } from 'node:worker_threads';
import { runDecodeRequest, transferables, type DecodeRequest } from './decodeJobs';

parentPort?.on('message', (req: DecodeRequest) => {
  void runDecodeRequest(req).then(
    (r) => {
      const bytes = 'thumb' in r ? r.thumb : 'data' in r ? r.data : undefined;
      parentPort!.postMessage(r, transferables(bytes));
    },
    (err: unknown) => {
      // Only the library failing to load gets here (a bad image resolves with its reason).
      parentPort!.postMessage({
        ok: false,
        reason: `the image library failed: ${err instanceof Error ? err.message : String(err)}`,
      });
    },
  );
});
