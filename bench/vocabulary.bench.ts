/** Vocabulary bench: load a generated 100,000-line a1111 tag CSV, then the median autocomplete query time. */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadVocabulary } from '../src/extension/dataset/vocabulary/vocabulary';
import { time, printRows } from './harness';

const LINES = 100_000;
const WORDS = [
  'long',
  'short',
  'red',
  'blue',
  'hair',
  'eyes',
  'looking',
  'at',
  'viewer',
  'smile',
  'open',
  'mouth',
  'sky',
  'cloud',
  'dress',
  'shirt',
  'holding',
  'outdoors',
  'standing',
  'sitting',
];

/** Deterministic pseudo-random numbers, so every run measures the same file. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-vocab-bench-'));
  try {
    const r = rng(7);
    const pick = () => WORDS[Math.floor(r() * WORDS.length)]!;
    const lines = ['name,category,count,aliases'];
    for (let i = 0; i < LINES; i++) {
      const name = `${pick()}_${pick()}_${i.toString(36)}`;
      const aliases = r() < 0.3 ? `"${pick()}${i.toString(36)},${pick()}_alt_${i}"` : '';
      lines.push(`${name},${Math.floor(r() * 5)},${Math.floor(r() ** 3 * 5_000_000)},${aliases}`);
    }
    const file = join(dir, 'tags.csv');
    writeFileSync(file, lines.join('\n'));

    let vocab!: Awaited<ReturnType<typeof loadVocabulary>>['vocab'];
    const loadMs = await time(async () => ({ vocab } = await loadVocabulary([file])));

    // Prefixes as typed, one key at a time: 'l', 'lo', 'lon', 'long', … over many words.
    const prefixes: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const w = `${pick()}_${pick()}`;
      for (let k = 1; k <= w.length; k++) prefixes.push(w.slice(0, k));
    }
    const times: number[] = [];
    for (const p of prefixes) {
      const t0 = performance.now();
      vocab.query(p, 20);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))]!;
    printRows(`Vocabulary autocomplete (${LINES.toLocaleString('en')} CSV lines, ${prefixes.length} queries)`, [
      { name: 'load and index the CSV', ms: loadMs },
      { name: 'median query (limit 20)', ms: at(0.5), target: 1 },
      { name: '99th percentile query', ms: at(0.99), target: 16 },
      { name: 'slowest query (a GC pause, or a short prefix before caching)', ms: times[times.length - 1]! },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
