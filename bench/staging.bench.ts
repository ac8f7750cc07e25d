/**
 * Staging bench: "Start LoRA Tagging" on 2,000 JPEGs of about 300 KB against `cp -r` of the same folder (target
 * at most 1.3x), and on 10,000 small images. Each JPEG is distinct and valid: one of a few encoded pictures with a
 * random comment segments (incompressible, like real image data) before its scan.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jpegBuffer, pngBuffer } from '../scripts/lib/makeImages.mjs';
import { stageDataset } from '../src/extension/dataset/stage';
import { withDefaults } from '../src/extension/dataset/stageOptions';
import { printRows, time, type BenchRow } from './harness';

const BIG = Number(process.env.STAGING_BENCH_IMAGES ?? 2000);
const SMALL = Number(process.env.STAGING_BENCH_SMALL ?? 10000);
const RUNS = 3;

/** A valid JPEG of about `bytes`: `base` with COM segments of random bytes inserted before its scan, as image data sits in a real one. */
function paddedJpeg(base: Buffer, bytes: number): Buffer {
  const sos = base.indexOf(Buffer.from([0xff, 0xda]));
  const parts: Buffer[] = [base.subarray(0, sos)];
  let need = bytes - base.length;
  while (need > 4) {
    const n = Math.min(need - 4, 65533);
    const seg = Buffer.alloc(4 + n);
    seg[0] = 0xff;
    seg[1] = 0xfe;
    seg.writeUInt16BE(n + 2, 2);
    randomBytes(n).copy(seg, 4);
    parts.push(seg);
    need -= seg.length;
  }
  parts.push(base.subarray(sos));
  return Buffer.concat(parts);
}

/** Median of `runs` timings of `fn`, with `reset` (untimed) before each. */
async function medianOf(runs: number, reset: () => void, fn: () => Promise<unknown> | unknown): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    reset();
    xs.push(await time(fn));
  }
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function cpR(from: string, to: string): void {
  const r = spawnSync('cp', ['-r', from, to]);
  if (r.status !== 0) throw new Error(`cp -r failed: ${r.stderr}`);
}

function sync(): void {
  // Write back what the previous run left dirty, so it does not slow down the next contender.
  spawnSync('sync');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-staging-bench-'));
  const rows: BenchRow[] = [];
  try {
    const big = join(dir, 'big');
    mkdirSync(big);
    const bases = Array.from({ length: 8 }, (_, i) => jpegBuffer(640, 480, i + 1, 90));
    for (let i = 1; i <= BIG; i++) writeFileSync(join(big, `photo ${i}.jpg`), paddedJpeg(bases[i % bases.length]!, 300 * 1024));
    const small = join(dir, 'small');
    mkdirSync(small);
    const tiny = Array.from({ length: 16 }, (_, i) => pngBuffer(32, 32, i + 1));
    for (let i = 1; i <= SMALL; i++) writeFileSync(join(small, `img${i}.png`), tiny[i % tiny.length]!);
    sync();

    const cpOut = join(dir, 'cp-out');
    const ourOut = join(dir, 'our-out');
    const reset = () => {
      rmSync(cpOut, { recursive: true, force: true });
      rmSync(ourOut, { recursive: true, force: true });
      sync();
    };
    const opts = withDefaults({ prefix: 'bench', outputFolder: ourOut }, 'bench');
    // Alternate the contenders so drift in the machine's state hits both alike.
    const cpMs: number[] = [];
    const ourMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      reset();
      cpMs.push(await time(() => cpR(big, cpOut)));
      reset();
      ourMs.push(await time(() => stageDataset(big, opts)));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    rows.push({ name: `stage ${BIG} JPEGs of 300 KB (copy mode)`, ms: med(ourMs), baselineMs: med(cpMs), baselineName: 'cp -r', target: 1.3 });

    const smallCp = await medianOf(RUNS, reset, () => cpR(small, cpOut));
    const smallOurs = await medianOf(RUNS, reset, () => stageDataset(small, { ...opts, prefix: 'small' }));
    rows.push({ name: `stage ${SMALL} small PNGs`, ms: smallOurs });
    rows.push({ name: `stage ${SMALL} small PNGs vs cp -r (no target)`, ms: smallOurs, baselineMs: smallCp, baselineName: 'cp -r' });
    printRows('Staging', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
