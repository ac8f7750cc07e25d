import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineDecoder, WorkerDecoder } from '../../../../src/extension/dataset/images/decodePool';
import { checkDataset } from '../../../../src/extension/dataset/export/preflight';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { tempDir } from '../helpers';
import { corruptWebpPayload, photo, variant } from './testImages';
import { bundleDecodeWorker } from './workerBundle';

describe('the decode pool (worker threads running the bundled WebAssembly build)', function () {
  this.timeout(120_000);
  let bundle: Awaited<ReturnType<typeof bundleDecodeWorker>>;
  let decoder: WorkerDecoder;
  let dir: string;
  // The pool's workers are unref'd (they must not hold a command line open); this keeps mocha's process alive.
  const keepAlive = setInterval(() => undefined, 1000);
  before(async () => {
    bundle = await bundleDecodeWorker();
    decoder = new WorkerDecoder(bundle.script, { size: 2 });
    dir = tempDir('lora-pool-');
  });
  after(async () => {
    clearInterval(keepAlive);
    await decoder?.dispose();
    bundle?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs sharp’s WebAssembly build even where a native sharp is installed, and gives what decoding inline gives', async function () {
    needRealImages(this);
    const info = await decoder.info();
    assert.equal(info.build, 'wasm32', `the bundled worker runs ${JSON.stringify(info)}`);
    assert.match(info.vips, /^8\./);
    for (const f of [
      'photos/Landscape_6.jpg',
      'formats/webp-lossless.webp',
      'formats/png-sample.png',
      'formats/bmp-sample.bmp',
    ]) {
      const path = join(REAL_IMAGES, f);
      const [a, b] = await Promise.all([decoder.analyse({ path }), inlineDecoder.analyse({ path })]);
      assert.ok(a.ok && b.ok, f);
      assert.deepEqual(a.facts, b.facts, f);
      assert.equal(a.sha256, b.sha256);
    }
  });

  it('fails only the images that do not decode, each with its reason, and the rest decode', async function () {
    needRealImages(this);
    const webp = corruptWebpPayload(await variant(photo(), 'lossy-webp'));
    const files = {
      'a.jpg': jpegBuffer(400, 300, 1),
      'b.webp': webp,
      'c.png': pngBuffer(300, 200, 2),
      'd.jpg': Buffer.from('garbage'),
      'e.png': pngBuffer(64, 64, 3),
    };
    for (const [n, b] of Object.entries(files)) writeFileSync(join(dir, n), b);
    const results = await Promise.all(Object.keys(files).map((n) => decoder.analyse({ path: join(dir, n) })));
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, false, true, false, true],
    );
    assert.match(results[1]!.ok ? '' : results[1]!.reason, /webp2vips/);
    assert.match(results[3]!.ok ? '' : results[3]!.reason, /JPEG has no end marker|does not read this format/);
  });

  it('replaces a worker stopped mid-decode: that image fails with the reason, the next one decodes', async () => {
    const d = new WorkerDecoder(bundle.script, { size: 1, jobTimeoutMs: 1 });
    try {
      const buf = pngBuffer(1200, 900, 4);
      const first = await d.analyse({ buf: Buffer.from(buf) });
      assert.ok(!first.ok && /took longer than 1 ms, so it was stopped/.test(first.reason), JSON.stringify(first));
      d.jobTimeoutMs = 120_000;
      const second = await d.analyse({ buf: Buffer.from(buf) });
      assert.ok(second.ok, 'the replacement worker decodes');
      assert.equal(d.started, 2, 'one worker was started, stopped, and replaced');
    } finally {
      await d.dispose();
    }
  });

  it('bounds the decodes in flight by their memory: one at a time when each would take the whole budget', async () => {
    const sizes = [
      [500, 400],
      [400, 300],
      [300, 200],
      [200, 100],
    ] as const;
    const tight = new WorkerDecoder(bundle.script, { size: 2, memoryBudget: 1e5 });
    const loose = new WorkerDecoder(bundle.script, { size: 2, memoryBudget: 1e9 });
    try {
      for (const d of [tight, loose]) {
        const rs = await Promise.all(
          sizes.map(([w, h], i) => d.analyse({ buf: pngBuffer(w, h, i) }, { pixels: w * h })),
        );
        assert.ok(rs.every((r) => r.ok));
      }
      assert.equal(tight.peakRunning, 1, 'each decode alone');
      assert.equal(loose.peakRunning, 2, 'two at once when memory allows');
    } finally {
      await Promise.all([tight.dispose(), loose.dispose()]);
    }
  });

  it('moves the bytes to the worker and the thumbnail back instead of copying them', async () => {
    const buf = new Uint8Array(pngBuffer(640, 480, 5));
    const r = await decoder.analyse({ buf, thumbnail: true });
    assert.ok(r.ok && r.thumb && r.thumb.byteLength > 100);
    assert.equal(buf.byteLength, 0, 'the input ArrayBuffer was transferred (detached here)');
  });

  it('runs the whole check through the pool: same findings as inline', async function () {
    needRealImages(this);
    const photos = join(REAL_IMAGES, 'photos');
    const images = ['Landscape_0.jpg', 'Landscape_6.jpg', 'Portrait_0.jpg'].map((file) => ({
      file,
      width: 1800,
      height: 1200,
      format: 'jpg',
      status: 'tagged' as const,
      caption: 'ohwx, a photo',
    }));
    const input = { outputFolder: photos, images, triggerWord: 'ohwx', captionStyle: 'tags' as const, flux: false };
    const [a, b] = await Promise.all([
      checkDataset(input, { decoder }),
      checkDataset(input, { decoder: inlineDecoder }),
    ]);
    assert.deepEqual(a, b);
    assert.deepEqual(
      a.filter((f) => f.rule === 'near-duplicate').map((f) => f.file),
      ['Landscape_6.jpg'],
    );
  });
});
