/** Shared helpers for bench/*.bench.ts: timing, medians and one table format. */
import { performance } from 'node:perf_hooks';

/** One line of the bench table. */
export interface BenchRow {
  name: string;
  /** Milliseconds measured. */
  ms: number;
  /** The baseline's milliseconds, when the figure is a ratio. */
  baselineMs?: number;
  baselineName?: string;
  /** The target, as a ratio (when baselineMs is set) or in ms. */
  target?: number;
}

/** Times one async call in ms. */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Median of several runs of fn, in ms. */
export async function median(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await time(fn));
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

/** Prints rows as `name  value  (target …)  ok/OVER`. */
export function printRows(title: string, rows: BenchRow[]): void {
  console.log(`\n## ${title}`);
  for (const r of rows) {
    if (r.baselineMs !== undefined) {
      const ratio = r.ms / r.baselineMs;
      const verdict = r.target === undefined ? '' : ratio <= r.target ? '  ok' : '  OVER TARGET';
      console.log(
        `${r.name.padEnd(58)} ${ratio.toFixed(2)}x ${r.baselineName ?? 'baseline'}  (${r.ms.toFixed(0)} ms vs ${r.baselineMs.toFixed(0)} ms${r.target !== undefined ? `, target ≤ ${r.target}x` : ''})${verdict}`,
      );
    } else {
      const verdict = r.target === undefined ? '' : r.ms <= r.target ? '  ok' : '  OVER TARGET';
      console.log(
        `${r.name.padEnd(58)} ${r.ms < 10 ? r.ms.toFixed(2) : r.ms.toFixed(0)} ms${r.target !== undefined ? `  (target < ${r.target} ms)` : ''}${verdict}`,
      );
    }
  }
}
