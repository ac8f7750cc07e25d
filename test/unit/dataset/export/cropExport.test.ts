/**
 * Crops at export (cropExport.ts) on a real photo whose EXIF orientation turns it: the exported pixels are the
 * crop's rectangle of the upright picture, scaled to the target's size; the staged file never changes; a crop read
 * from session.json is untrusted (cut to fit or dropped, said in a notice).
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { writeForTarget } from '../../../../src/extension/dataset/export/targetExport';
import { imageDir } from '../../../../src/extension/dataset/export/folderExport';
import { selectBucket } from '../../../../src/shared/buckets/kohya';
import { REAL_IMAGES, needRealImages } from '../../fixtures';
import { opts } from '../helpers';
import { cleanup, readZip, tempDir } from './helpers';

const PHOTOS = join(REAL_IMAGES, 'photos');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Raw RGB pixels of an image shown upright. */
async function upright(buf: Buffer | string) {
  const { data, info } = await sharp(buf).autoOrient().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute difference per channel between `img` and the region of `ref` at x, y (scaled by `k`). */
function meanDiff(
  img: { data: Buffer; width: number; height: number },
  ref: { data: Buffer; width: number },
  x: number,
  y: number,
  k = 1,
): number {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < img.height; j += 7) {
    for (let i = 0; i < img.width; i += 7) {
      const a = (j * img.width + i) * 3;
      const b = ((y + Math.floor(j * k)) * ref.width + x + Math.floor(i * k)) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(img.data[a + c]! - ref.data[b + c]!);
      n += 3;
    }
  }
  return sum / n;
}

describe('crops at export, on a real photo with EXIF orientation 6', function () {
  this.timeout(60_000);
  let dir: string;
  let dataset: Dataset;
  let staged: string;
  before(async function () {
    needRealImages(this);
    dir = tempDir('crops-');
    const src = join(dir, 'src');
    mkdirSync(src);
    // Landscape_6 is stored 1200x1800 and shown upright (1800x1200) only through its EXIF orientation.
    copyFileSync(join(PHOTOS, 'Landscape_6.jpg'), join(src, 'a.jpg'));
    const { outputFolder } = await stageDataset(src, opts({ prefix: 'c', triggerWord: 'ohwx', captionStyle: 'tags' }));
    ({ dataset } = await Dataset.open(outputFolder));
    staged = join(outputFolder, 'c_0001.jpg');
    await dataset.setCaption('c_0001.jpg', 'ohwx, field');
  });
  after(async () => {
    await dataset?.close();
    if (dir) cleanup(dir);
  });

  it('CivitAI: the zip holds the crop of the upright picture at its own size; the staged file is unchanged', async () => {
    const before = sha(staged);
    const ref = await upright(join(PHOTOS, 'Landscape_1.jpg')); // the same photo, stored upright
    assert.deepEqual([ref.width, ref.height], [1800, 1200]);
    const crop = { x: 700, y: 150, width: 900, height: 900 };
    dataset.setImageExtra('crop', 'c_0001.jpg', crop);
    const zipPath = join(dir, 'c_civitai.zip');
    await writeForTarget(dataset, 'civitai', { path: zipPath });
    const entry = (await readZip(zipPath)).find((e) => e.name === 'c_0001.jpg')!;
    const out = await upright(entry.data);
    assert.deepEqual([out.width, out.height], [900, 900]);
    const meta = await sharp(entry.data).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok((meta.orientation ?? 1) === 1, 'the orientation is baked in, no EXIF turn left');
    const right = meanDiff(out, ref, crop.x, crop.y);
    const elsewhere = meanDiff(out, ref, 0, 0);
    assert.ok(right < 6, `the crop's pixels: mean difference ${right.toFixed(2)}`);
    assert.ok(elsewhere > right * 3, `another region differs more (${elsewhere.toFixed(2)} vs ${right.toFixed(2)})`);
    // The same rectangle of the stored (unturned) pixels would be another picture.
    const stored = await sharp(staged).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const unturned = meanDiff(out, { data: stored.data, width: stored.info.width }, 150, 700);
    assert.ok(unturned > right * 3, `not the unturned pixels (${unturned.toFixed(2)})`);
    assert.equal(sha(staged), before, 'the staged image is never changed');
  });

  it('kohya: the crop scaled to the size kohya resizes it to for its bucket; an uncropped image is copied as is', async () => {
    const ref = await upright(join(PHOTOS, 'Landscape_1.jpg'));
    const crop = { x: 120, y: 60, width: 1500, height: 1000 };
    dataset.setImageExtra('crop', 'c_0001.jpg', crop);
    const dest = join(dir, 'c_kohya');
    await writeForTarget(dataset, 'kohya', { path: dest });
    const rel = imageDir('kohya', {
      outputFolder: '',
      prefix: 'c',
      triggerWord: 'ohwx',
      captionStyle: 'tags',
      images: [],
    });
    const file = join(dest, rel, 'c_0001.jpg');
    const out = await upright(readFileSync(file));
    const want = selectBucket(1500, 1000).resized;
    assert.deepEqual([out.width, out.height], [...want]);
    assert.ok(want[0] < 1500, 'scaled down');
    const right = meanDiff(out, ref, crop.x, crop.y, 1500 / want[0]);
    assert.ok(right < 10, `the crop's pixels, scaled: mean difference ${right.toFixed(2)}`);
    dataset.setImageExtra('crop', 'c_0001.jpg', undefined);
    await writeForTarget(dataset, 'kohya', { path: dest });
    assert.equal(sha(join(dest, rel, 'c_0001.jpg')), sha(staged), 'without a crop, the file itself');
  });

  it("kohya, ai-toolkit, SimpleTuner, Hugging Face: each its own size for one crop, the crop's pixels in it", async () => {
    const ref = await upright(join(PHOTOS, 'Landscape_1.jpg'));
    const crop = { x: 120, y: 60, width: 1600, height: 1000 };
    dataset.setImageExtra('crop', 'c_0001.jpg', crop);
    const before = sha(staged);
    // For a 1600x1000 image kohya resizes to 1280x800 for its 1280x768 bucket (train_util.py), ai-toolkit to
    // 1344x840 for 1344x768 (toolkit/buckets.py, dataloader_mixins.py), SimpleTuner to 1331x832 for 1280x832
    // (multiaspect/image.py); the imagefolder keeps the crop's own size unless a resolution is given.
    const kohyaDir = imageDir('kohya', {
      outputFolder: '',
      prefix: 'c',
      triggerWord: 'ohwx',
      captionStyle: 'tags',
      images: [],
    });
    const cases = [
      ['kohya', kohyaDir, undefined, [1280, 800]],
      ['ai-toolkit', 'images', undefined, [1344, 840]],
      ['simpletuner', 'images', undefined, [1331, 832]],
      ['huggingface', 'train', undefined, [1600, 1000]],
      ['huggingface', 'train', 1024, [1024, 640]],
    ] as const;
    for (const [target, sub, resolution, want] of cases) {
      const dest = join(dir, `c_${target}_${resolution ?? 0}`);
      await writeForTarget(dataset, target, { path: dest, resolution });
      const out = await upright(readFileSync(join(dest, sub, 'c_0001.jpg')));
      assert.deepEqual([out.width, out.height], [...want], `${target} at ${resolution ?? 'no resolution'}`);
      const right = meanDiff(out, ref, crop.x, crop.y, 1600 / want[0]);
      const elsewhere = meanDiff(out, ref, 0, 0, 1600 / want[0]);
      assert.ok(right < 10, `${target}: the crop's pixels, scaled: mean difference ${right.toFixed(2)}`);
      assert.ok(elsewhere > right * 2, `${target}: another region differs more (${elsewhere.toFixed(2)})`);
    }
    assert.equal(sha(staged), before, 'the staged image is never changed');
  });

  it('a crop is kept in session.json; one read back that reaches outside is cut to fit, a broken one dropped', async () => {
    dataset.setImageExtra('crop', 'c_0001.jpg', { x: 10, y: 20, width: 300, height: 200 });
    await dataset.flush();
    const out = dataset.outputFolder;
    const file = join(out, 'session.json');
    const s = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(s.images[0].crop, { x: 10, y: 20, width: 300, height: 200 });
    await dataset.close();
    s.images[0].crop = { x: 1700, y: -5, width: 400, height: 400.4 };
    writeFileSync(file, JSON.stringify(s));
    let opened = await Dataset.open(out);
    dataset = opened.dataset;
    assert.deepEqual(dataset.session.images[0]!.crop, { x: 1700, y: 0, width: 100, height: 395 });
    assert.ok(
      opened.notices.some((n) => /c_0001\.jpg.*cut to 100x395/.test(n)),
      opened.notices.join('\n'),
    );
    await dataset.close();
    s.images[0].crop = { x: 'a', y: 0 };
    writeFileSync(file, JSON.stringify(s));
    opened = await Dataset.open(out);
    dataset = opened.dataset;
    assert.equal(dataset.session.images[0]!.crop, undefined);
    assert.ok(
      opened.notices.some((n) => /crop of c_0001\.jpg.*dropped/.test(n)),
      opened.notices.join('\n'),
    );
  });
});
