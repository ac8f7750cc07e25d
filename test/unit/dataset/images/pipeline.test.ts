import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineDecoder, type Decoder } from '../../../../src/extension/dataset/images/decodePool';
import { library } from '../../../../src/extension/dataset/images/library';
import { ImagePipeline, type ThumbnailReady } from '../../../../src/extension/dataset/images/pipeline';
import { checkDataset } from '../../../../src/extension/dataset/export/preflight';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { tempDir } from '../helpers';

/** The inline decoder, counting the images it is asked to decode. */
function counting(): Decoder & { paths: string[] } {
  const paths: string[] = [];
  return {
    ...inlineDecoder,
    concurrency: 2,
    paths,
    analyse: (req, hints) => {
      paths.push(req.path ?? '(bytes)');
      return inlineDecoder.analyse(req, hints);
    },
  };
}

const names = (n: number) =>
  Array.from({ length: n }, (_, i) => `img_${String(i + 1).padStart(2, '0')}.${i % 2 ? 'png' : 'jpg'}`);

describe('the image pipeline (background thumbnails and facts, cached outside the dataset)', function () {
  this.timeout(120_000);
  let dataset: string;
  let cache: string;
  beforeEach(() => {
    dataset = tempDir('lora-pipe-data-');
    cache = tempDir('lora-pipe-cache-');
  });
  afterEach(() => {
    rmSync(dataset, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  const write = (files: string[]) =>
    files.forEach((f, i) =>
      writeFileSync(join(dataset, f), f.endsWith('.png') ? pngBuffer(200, 150, i + 1) : jpegBuffer(640, 480, i + 1)),
    );

  it('makes every thumbnail in the background, nearest the current image first, outside the dataset folder', async () => {
    const files = names(12);
    write(files);
    const decoder = { ...counting(), concurrency: 1 };
    const ready: ThumbnailReady[] = [];
    const p = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder, onReady: (r) => ready.push(...r) },
      [],
    );
    p.setImages(files.map((file) => ({ file })));
    p.focus('img_07.jpg');
    await p.idle();
    await p.dispose();
    const order = decoder.paths.map((x) => x.slice(-10));
    assert.equal(order[0], 'img_07.jpg', `the current image first: ${order.join(' ')}`);
    assert.ok(
      order.indexOf('img_08.png') < order.indexOf('img_03.jpg') &&
        order.indexOf('img_06.png') < order.indexOf('img_02.png'),
      order.join(' '),
    );
    assert.deepEqual(new Set(order), new Set(files), 'each image decoded once');
    assert.equal(order.length, files.length);
    assert.deepEqual(readdirSync(dataset).sort(), [...files].sort(), 'nothing written into the dataset');
    assert.deepEqual(ready.map((r) => r.file).sort(), [...files].sort());
    const sharp = await library();
    for (const r of ready) {
      assert.ok(r.path.startsWith(cache), r.path);
      const m = await sharp(readFileSync(r.path)).metadata();
      assert.equal(m.format, 'webp');
      assert.equal(
        Math.max(m.width!, m.height!),
        r.file.endsWith('.png') ? 200 : 256,
        `${r.file} at most 256 px, never enlarged`,
      );
    }
  });

  it('reuses the cache on a second open: nothing decoded again; a changed file is decoded again', async () => {
    const files = names(6);
    write(files);
    const first = counting();
    const p1 = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder: first },
      files.map((file) => ({ file })),
    );
    await p1.idle();
    await p1.dispose();
    assert.equal(first.paths.length, 6);
    const second = counting();
    const ready: ThumbnailReady[] = [];
    const p2 = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder: second, onReady: (r) => ready.push(...r) },
      files.map((file) => ({ file })),
    );
    await p2.idle();
    assert.deepEqual(second.paths, [], 'the second open decodes nothing');
    assert.equal(files.filter((f) => p2.thumbnail(f) && existsSync(p2.thumbnail(f)!)).length, 6);
    await p2.dispose();
    // A changed image (new bytes, new mtime) is analysed again; the others are not.
    writeFileSync(join(dataset, 'img_03.jpg'), jpegBuffer(640, 480, 99));
    utimesSync(join(dataset, 'img_03.jpg'), new Date(), new Date(Date.now() + 5000));
    const third = counting();
    const p3 = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder: third },
      files.map((file) => ({ file })),
    );
    await p3.idle();
    await p3.dispose();
    assert.deepEqual(
      third.paths.map((x) => x.slice(-10)),
      ['img_03.jpg'],
    );
  });

  it('gives Check Dataset what the background computed: a check after the thumbnails decodes nothing', async function () {
    needRealImages(this);
    const files = ['a.jpg', 'b.jpg', 'c.jpg'];
    writeFileSync(join(dataset, 'a.jpg'), readFileSync(join(REAL_IMAGES, 'photos', 'Landscape_0.jpg')));
    writeFileSync(join(dataset, 'b.jpg'), readFileSync(join(REAL_IMAGES, 'photos', 'Landscape_6.jpg')));
    writeFileSync(join(dataset, 'c.jpg'), readFileSync(join(REAL_IMAGES, 'photos', 'Landscape_0.jpg')));
    const decoder = counting();
    const p = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder },
      files.map((file) => ({ file })),
    );
    await p.idle();
    const before = decoder.paths.length;
    const images = files.map((file) => ({
      file,
      width: 1800,
      height: 1200,
      format: 'jpg',
      status: 'tagged' as const,
      caption: 'ohwx, a photo',
    }));
    const input = { outputFolder: dataset, images, triggerWord: 'ohwx', captionStyle: 'tags' as const, flux: false };
    const viaPipeline = await checkDataset(input, { facts: p });
    assert.equal(decoder.paths.length, before, 'the check decoded nothing');
    assert.deepEqual(
      viaPipeline,
      await checkDataset(input, { decoder: inlineDecoder }),
      'same findings as a check that decodes',
    );
    assert.deepEqual(
      viaPipeline.map((f) => [f.file, f.rule]),
      [
        ['b.jpg', 'near-duplicate'],
        ['c.jpg', 'duplicate'],
      ],
    );
    await p.dispose();
  });

  it('answers a check at once for an image the background has not reached, and keeps its thumbnail', async () => {
    const files = names(4);
    write(files);
    const decoder = counting();
    const p = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder, background: false },
      files.map((file) => ({ file })),
    );
    const r = await p.facts('img_04.png');
    assert.ok(r.ok && r.facts.width === 200 && /^[0-9a-f]{64}$/.test(r.sha256 ?? ''));
    assert.deepEqual(
      decoder.paths.map((x) => x.slice(-10)),
      ['img_04.png'],
      'only what was asked for',
    );
    assert.ok(p.thumbnail('img_04.png') && existsSync(p.thumbnail('img_04.png')!));
    const again = await p.facts('img_04.png');
    assert.deepEqual(again, r);
    assert.equal(decoder.paths.length, 1, 'asked again: answered from memory');
    await p.dispose();
  });

  it('makes the images asked for last first: after a fling, where the scrolling stopped comes before what it passed', async () => {
    const files = names(8);
    write(files);
    const decoder = { ...counting(), concurrency: 1 };
    const p = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder, background: false },
      files.map((file) => ({ file })),
    );
    // Three requests in one turn, as the panel sends them while it scrolls: the last one is where it stopped.
    p.want(['img_01.jpg', 'img_02.png']);
    p.want(['img_04.png', 'img_05.jpg']);
    p.want(['img_07.jpg', 'img_08.png', 'img_02.png']);
    await p.idle();
    await p.dispose();
    const order = decoder.paths.map((x) => x.slice(-10));
    assert.deepEqual(order, ['img_07.jpg', 'img_08.png', 'img_02.png', 'img_04.png', 'img_05.jpg', 'img_01.jpg']);
  });

  it('starts over with an empty cache when its file is damaged, and reports a bad image without stopping', async () => {
    const files = names(3);
    write(files);
    writeFileSync(join(dataset, 'img_02.png'), Buffer.from('not a png'));
    const p1 = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder: counting() },
      files.map((file) => ({ file })),
    );
    await p1.idle();
    await p1.dispose();
    const bad = await p1.facts('img_02.png');
    assert.ok(!bad.ok);
    for (const f of readdirSync(join(cache, 'facts')))
      writeFileSync(join(cache, 'facts', f), '{"version": 1, "folder": 3, "entr');
    const decoder = counting();
    const p2 = await ImagePipeline.open(
      { outputFolder: dataset, cacheDir: cache, decoder },
      files.map((file) => ({ file })),
    );
    await p2.idle();
    await p2.dispose();
    assert.equal(decoder.paths.length, 3, 'everything analysed again');
  });
});
