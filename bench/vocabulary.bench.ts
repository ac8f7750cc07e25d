/**
 * Vocabulary bench: load and index an a1111 tag CSV of the shape and size of tagcomplete's danbooru.csv (140,000
 * rows, about 30,000 of them with aliases, quoted alias lists), in this thread (time, CPU time and retained heap,
 * as a ratio to just reading the file and splitting its lines) and in the worker the panel uses (time to the
 * first answer); then the query times as typed. The real danbooru.csv is measured too when it is present:
 * LORA_BENCH_DANBOORU=<path>, or the tagcomplete mirror this project's sessions keep.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { loadVocabulary } from '../src/extension/dataset/vocabulary/vocabulary';
import { VocabularyWorker } from '../src/extension/dataset/vocabulary/vocabWorkerClient';
import { printRows, time } from './harness';

const ROWS = 140_000;
const MIRROR = '/work/.mirror/DominikDoom+a1111-sd-webui-tagcomplete/repo';
const WORDS = (
  'long short red blue black white hair eyes looking at viewer smile open mouth sky cloud dress shirt holding ' +
  'outdoors standing sitting girl boy school uniform skirt thighhighs gloves ribbon bow ornament (artist) ' +
  '(series) (character) hat jacket flower tail ears wings sword book window night day'
).split(' ');

/** Deterministic pseudo-random numbers, so every run measures the same file. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** A CSV like danbooru.csv: names of 1-3 words and a number, Danbooru's category mix, a Zipf-like count, 22% with aliases. */
function generate(file: string): void {
  const r = rng(7);
  const pick = () => WORDS[Math.floor(r() * WORDS.length)]!;
  const cats = [0, 0, 0, 1, 1, 1, 1, 3, 4, 4, 4, 5];
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const n = 1 + Math.floor(r() * 2.5);
    const name = `${[...Array(n)].map(pick).join('_')}_${i.toString(36)}`;
    const count = Math.floor(6_000_000 / (i + 1) ** 0.9);
    let aliases = '';
    if (r() < 0.22) {
      const k = 1 + Math.floor(r() * 2.2);
      const list = [...Array(k)].map((_, j) => `${pick()}${pick()}_${i.toString(36)}${j}`).join(',');
      aliases = k > 1 ? `"${list}"` : list;
    }
    lines.push(`${name},${cats[Math.floor(r() * cats.length)]},${count},${aliases}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Median and 99th percentile of the queries as a person types them, one key at a time. */
function queryTimes(vocab: Awaited<ReturnType<typeof loadVocabulary>>['vocab']): { median: number; p99: number } {
  const r = rng(11);
  const times: number[] = [];
  for (let i = 0; i < 400; i++) {
    const w = `${WORDS[Math.floor(r() * WORDS.length)]} ${WORDS[Math.floor(r() * WORDS.length)]}`;
    for (let k = 1; k <= w.length; k++) {
      const t0 = performance.now();
      vocab.query(w.slice(0, k), 20);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

async function measure(label: string, file: string, script: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const bytes = readFileSync(file).length;
  // The baseline: what any loader pays, reading the file as text and splitting it into lines.
  const baseMs = await time(async () =>
    (await import('node:fs/promises')).readFile(file, 'utf8').then((t) => t.split('\n')),
  );
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  let loaded!: Awaited<ReturnType<typeof loadVocabulary>>;
  const loadMs = await time(async () => (loaded = await loadVocabulary([file])));
  const cpu = process.cpuUsage(cpu0);
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  const q = queryTimes(loaded.vocab);
  const worker = new VocabularyWorker(script, () => undefined);
  let workerMs = 0;
  try {
    workerMs = await time(() => worker.query([file], 'hair', 20));
  } finally {
    await worker.dispose();
  }
  printRows(
    `Vocabulary, ${label} (${loaded.vocab.size.toLocaleString('en')} tags, ${(bytes / 2 ** 20).toFixed(1)} MB)`,
    [
      { name: 'load and index, vs reading the file and splitting its lines', ms: loadMs, baselineMs: baseMs },
      { name: 'load and index (wall time, this thread)', ms: loadMs, target: 300 },
      { name: 'load and index (CPU time)', ms: (cpu.user + cpu.system) / 1000 },
      { name: 'first answer from the worker (start, load, query)', ms: workerMs },
      { name: 'median query as typed (limit 20)', ms: q.median },
      { name: '99th percentile query', ms: q.p99, target: 16 },
    ],
  );
  console.log(
    `${'retained heap after load (target < 60 MB)'.padEnd(58)} ${heapMb.toFixed(1)} MB${heapMb < 60 ? '  ok' : '  OVER TARGET'}`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-vocab-bench-'));
  try {
    const script = join(dir, 'vocabWorker.js');
    await build({
      entryPoints: ['src/extension/dataset/vocabulary/vocabWorker.ts'],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      logLevel: 'warning',
    });
    const generated = join(dir, 'generated.csv');
    generate(generated);
    await measure('generated like danbooru.csv', generated, script);
    let real = process.env.LORA_BENCH_DANBOORU;
    if (!real && existsSync(MIRROR)) {
      real = join(dir, 'danbooru.csv');
      writeFileSync(
        real,
        execFileSync('git', ['-C', MIRROR, 'show', 'HEAD:tags/danbooru.csv'], { maxBuffer: 1 << 28 }),
      );
    }
    if (real && existsSync(real)) await measure('the real danbooru.csv', real, script);
    else console.log('(the real danbooru.csv is not here: set LORA_BENCH_DANBOORU=<path> to measure it too)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
