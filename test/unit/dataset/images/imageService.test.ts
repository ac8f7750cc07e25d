import { strict as assert } from 'node:assert';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageService } from '../../../../src/extension/dataset/images/imageService';
import { jpegBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { tempDir } from '../helpers';
import { bundleDecodeWorker } from './workerBundle';

describe('the image service (one pool, one pipeline per dataset, shared by the panel and the checks)', function () {
  this.timeout(120_000);
  let bundle: Awaited<ReturnType<typeof bundleDecodeWorker>>;
  const keepAlive = setInterval(() => undefined, 1000);
  before(async () => {
    bundle = await bundleDecodeWorker();
  });
  after(() => {
    clearInterval(keepAlive);
    bundle?.remove();
  });

  it('shares a dataset’s pipeline between holders, makes every thumbnail only while the panel holds it, writes the cache when the last lets go', async () => {
    const dataset = tempDir('svc-data');
    const cache = tempDir('svc-cache');
    const files = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'];
    files.forEach((f, i) => writeFileSync(join(dataset, f), jpegBuffer(400, 300, i + 1)));
    const images = files.map((file) => ({ file, width: 400, height: 300 }));
    const service = new ImageService(bundle.script, cache, { size: 1 });
    try {
      // A check alone: only what it asks for is decoded.
      const check = await service.acquire(dataset, images);
      const r = await check.pipeline.facts('b.jpg');
      assert.ok(r.ok);
      await check.pipeline.idle();
      assert.deepEqual(
        files.filter((f) => check.pipeline.thumbnail(f)),
        ['b.jpg'],
      );
      // The panel joins: the same pipeline, now making every thumbnail; it hears of each.
      const heard: string[] = [];
      const panel = await service.acquire(dataset, images, {
        background: true,
        onReady: (batch) => heard.push(...batch.map((t) => t.file)),
      });
      assert.equal(panel.pipeline, check.pipeline);
      await panel.pipeline.idle();
      assert.deepEqual(
        files.filter((f) => panel.pipeline.thumbnail(f)),
        files,
      );
      assert.deepEqual(heard.sort(), ['a.jpg', 'c.jpg', 'd.jpg']);
      await check.release();
      await panel.release();
      assert.equal(readdirSync(join(cache, 'facts')).length, 1, 'the facts were written when the last holder let go');
      // A new holder opens it again, from the cache: nothing left to decode.
      const again = await service.acquire(dataset, images, { background: true });
      assert.notEqual(again.pipeline, panel.pipeline);
      await again.pipeline.idle();
      assert.deepEqual(
        files.filter((f) => again.pipeline.thumbnail(f)),
        files,
      );
      assert.equal(service.decoder.started, 1, 'one worker did all of it');
      await again.release();
    } finally {
      await service.dispose();
      rmSync(dataset, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
