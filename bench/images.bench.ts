/**
 * Image bench: the image library (sharp's WebAssembly build, in the decode worker as the extension runs it) against
 * the hand-made decoders it replaced, on the same files, per format; Check Dataset on 1,000 1600x1200 JPEGs, cold
 * and after the background pipeline made their thumbnails; the thumbnails themselves, with the extension host's
 * event-loop delay while they are made, and a second open of the same dataset.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { bundleDecodeWorker } from '../scripts/lib/imageLibraryBuild.mjs';
import { pixels } from '../scripts/lib/makeImages.mjs';
import { library } from '../src/extension/dataset/images/library';
import { WorkerDecoder } from '../src/extension/dataset/images/decodePool';
import { ImagePipeline } from '../src/extension/dataset/images/pipeline';
import { checkDataset } from '../src/extension/dataset/export/preflight';
import { decodeToThumb, webpProblem } from './baseline/handDecoders';
import { median, printRows } from './harness';

const CHECK_IMAGES = Number(process.env.CHECK_BENCH_IMAGES ?? 1000);
const COLD_IMAGES = Number(process.env.COLD_BENCH_IMAGES ?? 60);
const RUNS = 5;
const REAL = join(__dirname, '..', '..', 'shared', 'fixtures', 'real-images');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-images-bench-'));
  // The pool's workers are unref'd; this keeps the bench's process alive while they work.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const script = await bundleDecodeWorker(join(dir, 'worker'));
    await perFormat(dir, script);
    await checkAndThumbnails(dir, script);
  } finally {
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same files through today's decoders (inline) and the library (one worker, one thread), medians of RUNS. */
async function perFormat(dir: string, script: string): Promise<void> {
  const sharp = await library();
  const base = await photo(sharp);
  const files: Array<[string, string, Buffer]> = [
    [
      'JPEG baseline 1600x1200',
      'jpg',
      await sharp(base).resize(1600, 1200, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer(),
    ],
    [
      'JPEG baseline 4000x3000',
      'jpg',
      await sharp(base).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer(),
    ],
    [
      'JPEG progressive 4000x3000',
      'jpg',
      await sharp(base).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90, progressive: true }).toBuffer(),
    ],
    [
      'JPEG CMYK 1600x1200',
      'jpg',
      await sharp(base).resize(1600, 1200, { fit: 'fill' }).toColourspace('cmyk').jpeg().toBuffer(),
    ],
    ['PNG 8-bit 1600x1200', 'png', await sharp(base).resize(1600, 1200, { fit: 'fill' }).png().toBuffer()],
    [
      'PNG 16-bit 1600x1200',
      'png',
      await sharp(base).resize(1600, 1200, { fit: 'fill' }).toColourspace('rgb16').png().toBuffer(),
    ],
    [
      'WebP lossy 1600x1200',
      'webp',
      await sharp(base).resize(1600, 1200, { fit: 'fill' }).webp({ quality: 85 }).toBuffer(),
    ],
    [
      'WebP lossless 1600x1200',
      'webp',
      await sharp(base).resize(1600, 1200, { fit: 'fill' }).webp({ lossless: true }).toBuffer(),
    ],
  ];
  const decoder = new WorkerDecoder(script, { size: 1 });
  try {
    const first = performance.now();
    const info = await decoder.info();
    const startMs = performance.now() - first;
    console.log(
      `\n## The image library vs the decoders it replaced (same files; ${info.build} sharp ${info.sharp}, libvips ${info.vips}; one thread each, median of ${RUNS})`,
    );
    console.log(
      `${'file'.padEnd(30)} ${'today'.padStart(9)}  ${'library check'.padStart(13)}  ${'+ thumbnail'.padStart(11)}  ratio (check / today)`,
    );
    for (const [name, format, buf] of files) {
      const todayMs = format === 'webp' ? undefined : await median(RUNS, () => decodeToThumb(buf, format));
      const webpHeaderMs =
        format === 'webp' ? await median(RUNS, () => webpProblem(buf.subarray(0, 30), buf.length)) : undefined;
      const checkMs = await median(RUNS, () => decoder.analyse({ buf: Buffer.from(buf) }));
      const thumbMs = await median(RUNS, () => decoder.analyse({ buf: Buffer.from(buf), thumbnail: true }));
      const today = todayMs !== undefined ? `${todayMs.toFixed(1)} ms` : `${webpHeaderMs!.toFixed(2)} ms*`;
      const ratio =
        todayMs !== undefined ? `${(checkMs / todayMs).toFixed(2)}x` : 'n/a (today: header only, never decoded)';
      console.log(
        `${name.padEnd(30)} ${today.padStart(9)}  ${`${checkMs.toFixed(1)} ms`.padStart(13)}  ${`${thumbMs.toFixed(1)} ms`.padStart(11)}  ${ratio}`,
      );
    }
    console.log(
      `(* today WebP got a 30-byte header check only. The worker's first call, WebAssembly compile included: ${startMs.toFixed(0)} ms)`,
    );
  } finally {
    await decoder.dispose();
  }
}

/** 1,000 distinct 1600x1200 JPEGs: Check Dataset cold and warm, the background thumbnails, a second open. */
async function checkAndThumbnails(dir: string, script: string): Promise<void> {
  const sharp = await library();
  const out = join(dir, 'dataset');
  const cache = join(dir, 'cache');
  mkdirSync(out);
  const images = [];
  for (let i = 1; i <= CHECK_IMAGES; i++) {
    const file = `c_${String(i).padStart(4, '0')}.jpg`;
    const raw = pixels(400, 300, i);
    const jpg = await sharp(raw, { raw: { width: 400, height: 300, channels: 4 } })
      .resize(1600, 1200)
      .jpeg({ quality: 90 })
      .toBuffer();
    writeFileSync(join(out, file), jpg);
    images.push({
      file,
      width: 1600,
      height: 1200,
      format: 'jpg',
      status: 'tagged' as const,
      caption: `ohwx, photo ${i}`,
    });
  }
  const input = { outputFolder: out, images, triggerWord: 'ohwx', captionStyle: 'tags' as const, flux: false };
  const decoder = new WorkerDecoder(script);
  try {
    await decoder.info();
    const cold = images.slice(0, COLD_IMAGES);
    const t0 = performance.now();
    await checkDataset({ ...input, images: cold }, { decoder });
    const coldPer = (performance.now() - t0) / cold.length;

    // The panel's background work: every thumbnail and its facts, while the main thread's delay is sampled.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const t1 = performance.now();
    loop.enable();
    const pipeline = await ImagePipeline.open({ outputFolder: out, cacheDir: cache, decoder }, images);
    await pipeline.idle();
    await pipeline.flush();
    loop.disable();
    const thumbsMs = performance.now() - t1;
    const t2 = performance.now();
    const findings = await checkDataset(input, { facts: pipeline });
    const warmMs = performance.now() - t2;
    await pipeline.dispose();

    const t3 = performance.now();
    const again = await ImagePipeline.open({ outputFolder: out, cacheDir: cache, decoder }, images);
    await again.idle();
    const reopenMs = performance.now() - t3;
    await again.dispose();

    printRows(
      `Check Dataset and thumbnails (${CHECK_IMAGES} distinct 1600x1200 JPEGs, ${decoder.concurrency} decode worker(s))`,
      [
        { name: `Check Dataset, cold (decodes; ${COLD_IMAGES} images), projected to 1,000`, ms: coldPer * 1000 },
        {
          name: `Check Dataset after the thumbnails (cached facts; ${findings.length} findings)`,
          ms: warmMs * (1000 / CHECK_IMAGES),
          target: 5000,
        },
        { name: `thumbnails + facts in the background, ${CHECK_IMAGES} images`, ms: thumbsMs },
        { name: '  projected for 10,000 images', ms: thumbsMs * (10000 / CHECK_IMAGES) },
        { name: `second open: every thumbnail from the cache, ${CHECK_IMAGES} images`, ms: reopenMs },
      ],
    );
    const p99 = loop.percentile(99) / 1e6;
    const max = loop.max / 1e6;
    console.log(
      `${'host event-loop delay while thumbnails are made'.padEnd(58)} p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms (a 60 Hz frame is 16.7 ms)`,
    );
  } finally {
    await decoder.dispose();
  }
}

/** A real photo when the shared fixtures are there, else a generated picture of the same size. */
async function photo(sharp: Awaited<ReturnType<typeof library>>): Promise<Buffer> {
  try {
    return readFileSync(join(REAL, 'photos', 'Landscape_1.jpg'));
  } catch {
    return sharp(pixels(1800, 1200, 7), { raw: { width: 1800, height: 1200, channels: 4 } })
      .jpeg()
      .toBuffer();
  }
}

void main();
