/**
 * Vocabulary bench: load and index an a1111 tag CSV of the shape and size of tagcomplete's danbooru.csv (140,000
 * rows, about 30,000 of them with aliases, quoted alias lists), in this thread (time, CPU time and retained memory,
 * as a ratio to just reading the file and splitting its lines) and in the worker the panel uses (time to the
 * first answer); then the query times as typed, and the first keystroke of each word with nothing cached (what
 * the panel asks first). The real danbooru.csv and e621.csv, and the two together, are measured too when present:
 * LORA_BENCH_DANBOORU=<path> and LORA_BENCH_E621=<path>, or the tagcomplete mirror this project's sessions keep.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { loadVocabulary, Vocabulary } from '../src/extension/dataset/vocabulary/vocabulary';
import { buildIndex } from '../src/extension/dataset/vocabulary/vocabIndex';
import { schemeOf } from '../src/extension/dataset/vocabulary/categories';
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

/** This thread's CPU time in ms (Linux: its scheduler statistics), or undefined; not the GC or compiler threads. */
function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * The first keystrokes with nothing cached, each on a fresh Vocabulary over the same index (no answer kept from
 * another query): every letter and digit, and the first two and three letters of each bench word.
 */
function coldTimes(files: readonly string[]): { median: number; p99: number; max: number } {
  const ix = buildIndex(
    files.map((file) => ({ file, text: readFileSync(file), scheme: schemeOf(file) })),
    [],
  );
  const qs = new Set('abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
  for (const w of WORDS) for (const k of [2, 3]) qs.add(w.slice(0, k));
  const times: number[] = [];
  for (const q of qs) {
    const v = new Vocabulary(ix);
    const t0 = performance.now();
    v.query(q, 20);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (f: number) => times[Math.min(times.length - 1, Math.floor(times.length * f))]!;
  return { median: at(0.5), p99: at(0.99), max: times[times.length - 1]! };
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

/** Heap and off-heap memory (typed arrays, buffers, external strings) in MB, after collecting garbage. */
async function memoryMb(): Promise<{ heap: number; outside: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, outside: m.external / 2 ** 20 };
}

async function measure(label: string, files: string[], script: string): Promise<void> {
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  // The baseline: what any loader pays, reading the files as text and splitting them into lines.
  const baseMs = await time(async () => {
    for (const f of files) (await readFile(f, 'utf8')).split('\n');
  });
  const m0 = await memoryMb();
  const cpu0 = process.cpuUsage();
  const thread0 = threadCpuMs();
  let loaded!: Awaited<ReturnType<typeof loadVocabulary>>;
  const loadMs = await time(async () => (loaded = await loadVocabulary(files)));
  const thread1 = threadCpuMs();
  const cpu = process.cpuUsage(cpu0);
  const m1 = await memoryMb();
  const heapMb = m1.heap - m0.heap;
  const outsideMb = m1.outside - m0.outside;
  const q = queryTimes(loaded.vocab);
  const cold = coldTimes(files);
  const worker = new VocabularyWorker(script, () => undefined);
  let workerMs = 0;
  try {
    workerMs = await time(() => worker.query(files, 'hair', 20));
  } finally {
    await worker.dispose();
  }
  const rows: Parameters<typeof printRows>[1] = [
    { name: 'load and index, vs reading the file and splitting its lines', ms: loadMs, baselineMs: baseMs },
    { name: 'load and index (wall time, this thread)', ms: loadMs, target: 300 },
    { name: 'load and index (CPU time, the whole process)', ms: (cpu.user + cpu.system) / 1000 },
  ];
  if (thread0 !== undefined && thread1 !== undefined)
    rows.push({ name: 'load and index (CPU time, this thread only)', ms: thread1 - thread0, target: 300 });
  rows.push(
    { name: 'first answer from the worker (start, load, query)', ms: workerMs },
    { name: 'median query as typed (limit 20)', ms: q.median },
    { name: '99th percentile query', ms: q.p99, target: 16 },
    { name: 'first keystroke, nothing cached: median', ms: cold.median },
    { name: 'first keystroke, nothing cached: 99th percentile', ms: cold.p99, target: 16 },
    { name: 'first keystroke, nothing cached: slowest', ms: cold.max },
  );
  printRows(
    `Vocabulary, ${label} (${loaded.vocab.size.toLocaleString('en')} tags, ${(bytes / 2 ** 20).toFixed(1)} MB)`,
    rows,
  );
  const total = heapMb + outsideMb;
  console.log(
    `${'memory kept after load: heap + off-heap (target < 60 MB)'.padEnd(58)} ${total.toFixed(1)} MB (${heapMb.toFixed(1)} + ${outsideMb.toFixed(1)})${total < 60 ? '  ok' : '  OVER TARGET'}`,
  );
}

/** A file of the tagcomplete mirror, written to `dir`, or the path in `env`; undefined when neither is here. */
function realFile(env: string | undefined, name: string, dir: string): string | undefined {
  if (env) return existsSync(env) ? env : undefined;
  if (!existsSync(MIRROR)) return undefined;
  const out = join(dir, name);
  writeFileSync(out, execFileSync('git', ['-C', MIRROR, 'show', `HEAD:tags/${name}`], { maxBuffer: 1 << 28 }));
  return out;
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
    await measure('generated like danbooru.csv', [generated], script);
    const danbooru = realFile(process.env.LORA_BENCH_DANBOORU, 'danbooru.csv', dir);
    const e621 = realFile(process.env.LORA_BENCH_E621, 'e621.csv', dir);
    if (danbooru) await measure('the real danbooru.csv', [danbooru], script);
    else console.log('(the real danbooru.csv is not here: set LORA_BENCH_DANBOORU=<path> to measure it too)');
    if (e621) await measure('the real e621.csv', [e621], script);
    if (danbooru && e621) await measure('danbooru.csv and e621.csv together', [danbooru, e621], script);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
