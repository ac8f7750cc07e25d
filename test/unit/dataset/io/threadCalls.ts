// A counter of the file-system requests queued for libuv's threads, shared by the swap-replace unit test and
// bench/selection.bench.ts (a plain module: no mocha globals, so the bench can import it).
import { AsyncResource, createHook, executionAsyncId } from 'node:async_hooks';

/**
 * Counts the file-system requests queued for libuv's thread pool by `fn` and what it started (the swap-replace test
 * and bench): only requests made in `fn`'s own async context or one it led to, so a stray write elsewhere in the
 * process (a module cache, a test's cleanup) is not counted.
 */
export async function threadCalls(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const root = new AsyncResource('threadCalls');
  const mine = new Set([root.asyncId()]);
  const hook = createHook({
    init(id, type, trigger) {
      if (!mine.has(trigger) && !mine.has(executionAsyncId())) return;
      mine.add(id);
      if (type === 'FSREQPROMISE' || type === 'FSREQCALLBACK') n++;
    },
  });
  hook.enable();
  try {
    await root.runInAsyncScope(fn);
  } finally {
    hook.disable();
    root.emitDestroy();
  }
  return n;
}
