/** Bounded concurrency for file work: at most `limit` calls in flight, results in input order. */
import { performance } from 'node:perf_hooks';

/** Longest stretch of work before giving the event loop a turn (matters when the file system is synchronous). */
const SLICE_MS = 10;

/** Maps `items` through `fn` with at most `limit` calls running at once; the first rejection rejects the whole. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let sliceStart = performance.now();
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  // Wait for every worker so no call is still running when the caller sees the error.
  const settled = await Promise.allSettled(workers);
  const bad = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (bad) throw bad.reason;
  return out;
}
