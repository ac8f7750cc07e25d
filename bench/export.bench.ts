/**
 * Export bench: "Export for CivitAI" against `zip -0 -r` of the same files, in one run, plus the peak RSS growth
 * during the export (memory must stay flat however large the dataset is). Check Dataset is in images.bench.ts.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
import { exportZip } from '../src/extension/dataset/export/zipExport';
import { time, printRows } from './harness';

const IMAGES = Number(process.env.EXPORT_BENCH_IMAGES ?? 100);

/** A real, decodable 1024x1024 PNG of noise (so it does not compress), about 3 MB. */
function noisePng(seed: number): Buffer {
  const png = new PNG({ width: 1024, height: 1024, colorType: 2, inputHasAlpha: false });
  const rgb = randomBytes(1024 * 1024 * 3);
  rgb[0] = seed & 0xff;
  png.data = rgb;
  return PNG.sync.write(png, { colorType: 2, inputHasAlpha: false, deflateLevel: 0, filterType: 0 });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-export-bench-'));
  const out = join(dir, 'output');
  mkdirSync(out);
  try {
    const entries: { file: string }[] = [];
    let total = 0;
    for (let i = 1; i <= IMAGES; i++) {
      const file = `bench_${String(i).padStart(4, '0')}.png`;
      const buf = noisePng(i);
      total += buf.length;
      writeFileSync(join(out, file), buf);
      writeFileSync(join(out, file.replace('.png', '.txt')), `ohwx, a photo, number ${i}, outdoors, daylight`);
      entries.push({ file });
    }
    // Warm the page cache the same way for both contenders.
    for (const f of readdirSync(out)) readFileSync(join(out, f));
    const zipOut = join(dir, 'zip.zip');
    const ourOut = join(dir, 'ours.zip');
    const zip = () => {
      rmSync(zipOut, { force: true });
      const r = spawnSync('/usr/bin/zip', ['-q', '-0', '-r', zipOut, '.'], { cwd: out });
      if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
    };
    const ours = () => exportZip(out, entries, ourOut);
    const zipMs: number[] = [];
    const ourMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      zipMs.push(await time(zip));
      ourMs.push(await time(ours));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

    // Peak RSS growth: sampled every 5 ms while one more export runs.
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    await exportZip(out, entries, ourOut, { onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
    clearInterval(timer);
    const growthMb = (peak - base) / 2 ** 20;

    printRows(`Export for CivitAI (${IMAGES} PNGs + captions, ${(total / 2 ** 20).toFixed(0)} MB)`, [
      {
        name: 'export zip vs zip -0 -r (median of 5)',
        ms: med(ourMs),
        baselineMs: med(zipMs),
        baselineName: 'zip -0 -r',
        target: 1.2,
      },
    ]);
    console.log(
      `${'peak RSS growth during export'.padEnd(58)} ${growthMb.toFixed(1)} MB (rss ${(base / 2 ** 20).toFixed(0)} -> ${(peak / 2 ** 20).toFixed(0)} MB, target < 100 MB)${growthMb < 100 ? '  ok' : '  OVER TARGET'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
