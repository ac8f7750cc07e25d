import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { inlineDecoder, WorkerDecoder } from '../../../../src/extension/dataset/images/decodePool';
import { checkDataset } from '../../../../src/extension/dataset/export/preflight';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';

const WORKER_SRC = join(__dirname, '..', '..', '..', '..', 'src', 'extension', 'dataset', 'images', 'decodeWorker.ts');

describe('decoding in worker threads', () => {
  let decoder: WorkerDecoder;
  let out: string;
  before(async () => {
    // Bundled the way esbuild.mjs bundles dist/decodeWorker.js, so the test runs what the extension runs.
    out = mkdtempSync(join(tmpdir(), 'lora-worker-'));
    const script = join(out, 'decodeWorker.js');
    await build({ entryPoints: [WORKER_SRC], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'warning' });
    decoder = new WorkerDecoder(script, { size: 2 });
  });
  after(async () => {
    await decoder.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it('gives the same thumbnail as decoding inline, for PNG and JPEG', async () => {
    for (const [buf, format] of [[pngBuffer(120, 90, 3), 'png'], [jpegBuffer(900, 800, 4), 'jpg']] as const) {
      const [a, b] = await Promise.all([decoder.decode(buf, format), inlineDecoder.decode(buf, format)]);
      assert.ok(a.ok && b.ok, `${format} decodes`);
      assert.deepEqual(Array.from(a.thumb), Array.from(b.thumb));
    }
  });

  it('reports a broken file with the same reason', async () => {
    const garbage = Buffer.concat([pngBuffer(40, 40, 1).subarray(0, 60), Buffer.alloc(40, 7)]);
    const [a, b] = await Promise.all([decoder.decode(garbage, 'png'), inlineDecoder.decode(garbage, 'png')]);
    assert.equal(a.ok, false);
    assert.deepEqual(a, b);
  });

  it('makes checkDataset find the same problems as the inline decoder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lora-pool-'));
    try {
      writeFileSync(join(dir, 'a_0001.jpg'), jpegBuffer(300, 300, 9, 90));
      writeFileSync(join(dir, 'a_0002.jpg'), jpegBuffer(300, 300, 9, 60)); // re-encoded near-duplicate
      writeFileSync(join(dir, 'a_0003.png'), Buffer.concat([pngBuffer(300, 300, 5).subarray(0, 100), Buffer.alloc(10)]));
      const input = {
        outputFolder: dir,
        triggerWord: '',
        captionStyle: 'natural' as const,
        images: ['a_0001.jpg', 'a_0002.jpg', 'a_0003.png'].map((file) => ({
          file, width: 300, height: 300, format: file.endsWith('png') ? 'png' : 'jpg', status: 'tagged' as const,
          caption: 'A plain test picture of a coloured disc over a gradient, with stripes along the bottom edge.',
        })),
      };
      const viaWorkers = await checkDataset(input, { decoder });
      const inline = await checkDataset(input);
      assert.deepEqual(viaWorkers, inline);
      assert.ok(viaWorkers.some((f) => f.file === 'a_0002.jpg' && f.rule === 'near-duplicate'));
      assert.ok(viaWorkers.some((f) => f.file === 'a_0003.png' && f.rule === 'does-not-decode'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('crc32 fallback', () => {
  it('matches the native CRC-32 in one go and in chunks', async () => {
    const { crc32Js } = await import('../../../../src/extension/dataset/export/crc32');
    const zlib = (await import('node:zlib')) as unknown as { crc32?: (d: Uint8Array, v?: number) => number };
    const data = jpegBuffer(200, 150, 7);
    const whole = crc32Js(data);
    assert.equal(crc32Js(data.subarray(1000), crc32Js(data.subarray(0, 1000))), whole);
    assert.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926); // the standard check value
    if (zlib.crc32) assert.equal(zlib.crc32(data), whole);
  });
});
