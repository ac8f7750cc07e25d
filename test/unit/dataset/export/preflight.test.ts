import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { imageSize } from 'image-size';
import type { PreflightImage } from '../../../../src/extension/dataset/export/checkRules';
import { checkDataset, type Finding } from '../../../../src/extension/dataset/export/preflight';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { tempDir, cleanup } from './helpers';
import { animatedWebp, corruptWebpPayload, motionPhoto, photo, variant } from '../images/testImages';

const rec = (file: string, o: Partial<PreflightImage> = {}): PreflightImage => ({
  file,
  width: 512,
  height: 512,
  format: file.split('.').pop()!,
  status: 'tagged',
  caption: 'ohwx, a cat',
  ...o,
});
const base = { triggerWord: 'ohwx', captionStyle: 'tags' as const, flux: false };
const rules = (fs: Finding[], file?: string) =>
  fs
    .filter((f) => file === undefined || f.file === file)
    .map((f) => f.rule)
    .sort();

/** Records for every image in a fixture folder, as the engine would stage them (image-size's header read). */
function fixtureRecords(folder: string): PreflightImage[] {
  return readdirSync(folder)
    .filter((f) => f !== 'LICENSE' && !f.endsWith('.md'))
    .sort()
    .map((file) => {
      let size: { width?: number; height?: number; type?: string; orientation?: number } = {};
      try {
        size = imageSize(readFileSync(join(folder, file)));
      } catch {
        // Not readable by image-size (the garbage file): the record keeps the extension as format.
      }
      const r = rec(file, {
        width: size.width ?? 0,
        height: size.height ?? 0,
        format: size.type ?? file.split('.').pop()!,
      });
      if (size.orientation !== undefined) r.orientation = size.orientation;
      return r;
    });
}

describe('checkDataset', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('lora-preflight-')));
  afterEach(() => cleanup(dir));

  it('flags more than 1,000 images to export, not 1,000, and not when the extra one is skipped', async () => {
    const imgs = Array.from({ length: 1001 }, (_, i) => rec(`x_${String(i).padStart(4, '0')}.png`));
    const over = await checkDataset({ outputFolder: dir, images: imgs, ...base }, { decode: false });
    const cap = over.filter((f) => f.rule === 'too-many-images');
    assert.equal(cap.length, 1);
    assert.equal(cap[0]!.severity, 'error');
    assert.equal(cap[0]!.file, '');
    assert.match(cap[0]!.message, /1001 images.*1000 at most/);
    assert.equal(over[0]!.rule, 'too-many-images', 'dataset-wide findings come first');
    const skipped = imgs.map((r, i) => (i === 0 ? { ...r, status: 'skipped' as const } : r));
    assert.ok(
      !(await checkDataset({ outputFolder: dir, images: skipped, ...base }, { decode: false })).some(
        (f) => f.rule === 'too-many-images',
      ),
    );
  });

  it('checks captions: empty, trigger missing / not first / twice, line breaks; skipped images not at all', async () => {
    const imgs = [
      rec('a.png', { caption: '' }),
      rec('b.png', { caption: 'a cat, sitting' }),
      rec('c.png', { caption: 'a cat, ohwx' }),
      rec('d.png', { caption: 'ohwx, a cat, ohwx' }),
      rec('e.png', { caption: 'ohwx, a cat\nsitting' }),
      rec('f.png', { caption: 'ohwx, fine' }),
      rec('g.png', { caption: '', status: 'skipped', format: 'bmp', width: 10, height: 10 }),
    ];
    imgs.forEach((i, n) => writeFileSync(join(dir, i.file), pngBuffer(8, 8, n + 1)));
    const fs = await checkDataset({ outputFolder: dir, images: imgs, ...base }, { decode: false });
    assert.deepEqual(rules(fs, 'a.png'), ['empty-caption']);
    assert.deepEqual(rules(fs, 'b.png'), ['trigger-missing']);
    assert.deepEqual(rules(fs, 'c.png'), ['trigger-not-first']);
    assert.deepEqual(rules(fs, 'd.png'), ['trigger-repeated']);
    assert.deepEqual(rules(fs, 'e.png'), ['line-breaks']);
    assert.deepEqual(rules(fs, 'f.png'), []);
    assert.deepEqual(rules(fs, 'g.png'), []);
    for (const f of fs.filter((x) => x.file)) assert.ok(f.message.includes(f.file), `"${f.message}" names its file`);
    // The record's sizes were 512x512 and the files are real, so nothing else is reported but decode being off.
    assert.deepEqual(rules(fs, ''), ['not-decoded']);
  });

  it('warns about tag-style captions on Flux, once for a tag dataset, per caption in a natural one', async () => {
    const prose =
      'ohwx woman standing in a sunlit wheat field at golden hour, wearing a linen dress and smiling softly at the camera';
    const tags = 'ohwx, woman, field, dress, smile';
    const tagSet = [rec('a.png', { caption: tags }), rec('b.png', { caption: tags })];
    const flux = { ...base, flux: true };
    let fs = await checkDataset({ outputFolder: dir, images: tagSet, ...flux }, { decode: false });
    assert.deepEqual(
      fs.filter((f) => f.rule.startsWith('flux')).map((f) => [f.file, f.rule, f.severity]),
      [['', 'flux-tag-captions', 'warning']],
    );
    fs = await checkDataset(
      {
        outputFolder: dir,
        images: [rec('a.png', { caption: prose }), rec('b.png', { caption: prose }), rec('c.png', { caption: tags })],
        ...flux,
        captionStyle: 'natural',
      },
      { decode: false },
    );
    assert.deepEqual(
      fs.filter((f) => f.rule.startsWith('flux')).map((f) => [f.file, f.rule, f.severity]),
      [['c.png', 'flux-tag-caption', 'info']],
    );
    fs = await checkDataset({ outputFolder: dir, images: tagSet, ...base, flux: false }, { decode: false });
    assert.ok(!fs.some((f) => f.rule.startsWith('flux')));
    // Flux is the default.
    fs = await checkDataset(
      { outputFolder: dir, images: tagSet, triggerWord: '', captionStyle: 'tags' },
      { decode: false },
    );
    assert.ok(fs.some((f) => f.rule === 'flux-tag-captions'));
  });

  it('finds an exact duplicate and a re-encoded near-duplicate of one generated image, and leaves a different one alone', async () => {
    writeFileSync(join(dir, 'g_0001.jpg'), jpegBuffer(640, 480, 3, 90));
    copyFileSync(join(dir, 'g_0001.jpg'), join(dir, 'g_0002.jpg'));
    writeFileSync(join(dir, 'g_0003.jpg'), jpegBuffer(640, 480, 3, 35));
    writeFileSync(join(dir, 'g_0004.png'), pngBuffer(640, 480, 3));
    writeFileSync(join(dir, 'g_0005.png'), pngBuffer(640, 480, 11));
    const imgs = ['g_0001.jpg', 'g_0002.jpg', 'g_0003.jpg', 'g_0004.png', 'g_0005.png'].map((f) =>
      rec(f, { width: 640, height: 480 }),
    );
    const fs = await checkDataset({ outputFolder: dir, images: imgs, ...base });
    assert.deepEqual(
      fs.map((f) => [f.file, f.rule]),
      [
        ['g_0002.jpg', 'duplicate'],
        ['g_0003.jpg', 'near-duplicate'],
        ['g_0004.png', 'near-duplicate'],
      ],
    );
    assert.match(fs[0]!.message, /same image as g_0001\.jpg/);
    assert.match(fs[1]!.message, /g_0001\.jpg/);
  });

  it('finds a duplicate and a re-encoded near-duplicate of a real photo', async function () {
    this.timeout(60_000);
    needRealImages(this);
    const photo = join(REAL_IMAGES, 'photos', 'Landscape_1.jpg');
    copyFileSync(photo, join(dir, 'p_0001.jpg'));
    copyFileSync(photo, join(dir, 'p_0002.jpg'));
    const d = jpeg.decode(readFileSync(photo), { useTArray: true });
    writeFileSync(
      join(dir, 'p_0003.jpg'),
      jpeg.encode({ data: Buffer.from(d.data), width: d.width, height: d.height }, 45).data,
    );
    copyFileSync(join(REAL_IMAGES, 'photos', 'Portrait_1.jpg'), join(dir, 'p_0004.jpg'));
    const imgs = ['p_0001.jpg', 'p_0002.jpg', 'p_0003.jpg', 'p_0004.jpg'].map((f) =>
      rec(f, { width: 1800, height: 1200, orientation: 1 }),
    );
    const fs = await checkDataset({ outputFolder: dir, images: imgs, ...base });
    assert.deepEqual(
      fs.map((f) => [f.file, f.rule]),
      [
        ['p_0002.jpg', 'duplicate'],
        ['p_0003.jpg', 'near-duplicate'],
      ],
    );
  });

  it('finds truncated JPEG, PNG and WebP files, and says nothing when decoding is off', async () => {
    const j = jpegBuffer(300, 300, 2);
    const p = pngBuffer(300, 300, 2);
    writeFileSync(join(dir, 't.jpg'), j.subarray(0, j.length >> 1));
    writeFileSync(join(dir, 't.png'), p.subarray(0, p.length >> 1));
    const imgs = [rec('t.jpg', { width: 300, height: 300 }), rec('t.png', { width: 300, height: 300 })];
    if (haveRealImagesQuiet()) {
      const w = readFileSync(join(REAL_IMAGES, 'formats', 'webp-lossy.webp'));
      writeFileSync(join(dir, 't.webp'), w.subarray(0, w.length - 100));
      imgs.push(rec('t.webp', { width: 300, height: 300 }));
    }
    const fs = await checkDataset({ outputFolder: dir, images: imgs, ...base });
    assert.deepEqual(
      fs.filter((f) => f.rule === 'does-not-decode').map((f) => f.file),
      imgs.map((i) => i.file),
    );
    assert.match(fs.find((f) => f.file === 't.jpg')!.message, /cut short/);
    const off = await checkDataset({ outputFolder: dir, images: imgs, ...base }, { decode: false });
    assert.ok(!off.some((f) => f.rule === 'does-not-decode'), 'nothing is read without decoding');
  });

  it("decodes WebP too: a corrupt payload is reported with the library's reason, an animation gets a warning", async function () {
    needRealImages(this);
    const webp = await variant(photo(), 'lossy-webp');
    writeFileSync(join(dir, 'bad.webp'), corruptWebpPayload(webp));
    writeFileSync(join(dir, 'anim.webp'), await animatedWebp(photo('Portrait_1.jpg')));
    writeFileSync(join(dir, 'fine.webp'), webp);
    const imgs = ['bad.webp', 'anim.webp', 'fine.webp'].map((f) => rec(f, { width: 600, height: 400 }));
    const fs = await checkDataset({ outputFolder: dir, images: imgs, ...base });
    assert.deepEqual(
      fs.map((f) => [f.file, f.rule]),
      [
        ['bad.webp', 'does-not-decode'],
        ['anim.webp', 'animated'],
      ],
    );
    assert.match(fs[0]!.message, /bad\.webp does not decode as WebP: .*webp2vips: unable to read pixels/);
    assert.match(fs[1]!.message, /animated WebP \(3 frames\); trainers read only its first frame/);
  });

  it('sees a CMYK copy, a WebP re-encode and a downscaled PNG of a real photo as near-duplicates of it', async function () {
    needRealImages(this);
    writeFileSync(join(dir, 'a.jpg'), photo());
    writeFileSync(join(dir, 'b.jpg'), await variant(photo(), 'cmyk-jpeg'));
    writeFileSync(join(dir, 'c.webp'), await variant(photo(), 'lossless-webp', 900));
    writeFileSync(join(dir, 'd.png'), await variant(photo(), 'png16', 400));
    writeFileSync(join(dir, 'e.jpg'), photo('Portrait_1.jpg'));
    const imgs = ['a.jpg', 'b.jpg', 'c.webp', 'd.png', 'e.jpg'].map((f) => rec(f, { width: 1800, height: 1200 }));
    const fs = await checkDataset({ outputFolder: dir, images: imgs, ...base });
    assert.deepEqual(
      fs.map((f) => [f.file, f.rule]),
      [
        ['b.jpg', 'near-duplicate'],
        ['c.webp', 'near-duplicate'],
        ['d.png', 'near-duplicate'],
      ],
    );
  });

  it('applies the staging truncation rule: a Motion Photo passes, one whose picture is cut does not', async function () {
    needRealImages(this);
    writeFileSync(join(dir, 'm.jpg'), motionPhoto(photo(), 400_000, { padding: 100_000 }));
    writeFileSync(join(dir, 'c.jpg'), motionPhoto(photo().subarray(0, 200_000)));
    const fs = await checkDataset({ outputFolder: dir, images: [rec('m.jpg'), rec('c.jpg')], ...base });
    assert.deepEqual(
      fs.map((f) => [f.file, f.rule]),
      [['c.jpg', 'does-not-decode']],
    );
    assert.match(fs[0]!.message, /Motion Photo has no JPEG end marker before its video/);
  });

  it(
    'reports an image or caption that is a link or a folder, by rule and with what to do, and never ' +
      'reads through it',
    async () => {
      const elsewhere = tempDir('lora-elsewhere-');
      writeFileSync(join(elsewhere, 'me.png'), pngBuffer(300, 300, 4));
      writeFileSync(join(elsewhere, 'notes.txt'), 'private');
      for (const f of ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'])
        writeFileSync(join(dir, f), pngBuffer(300, 300, f.charCodeAt(0)));
      rmSync(join(dir, 'b.png'));
      symlinkSync(join(elsewhere, 'me.png'), join(dir, 'b.png'));
      symlinkSync(join(elsewhere, 'notes.txt'), join(dir, 'c.txt'));
      mkdirSync(join(dir, 'd.txt'));
      rmSync(join(dir, 'e.png'));
      mkdirSync(join(dir, 'e.png'));
      const imgs = ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'].map((f) => rec(f, { width: 300, height: 300 }));
      try {
        const found = await checkDataset({ outputFolder: dir, images: imgs, ...base });
        assert.deepEqual(
          ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'].map((f) => rules(found, f)),
          [[], ['linked-file'], ['linked-file'], ['not-a-file'], ['not-a-file']],
        );
        const b = found.find((f) => f.file === 'b.png')!;
        assert.equal(b.severity, 'error');
        assert.ok(
          b.message.includes(join(elsewhere, 'me.png')) &&
            /never follows links, so b\.png and its caption are left out of the zip\. Replace the link with a copy/.test(
              b.message,
            ),
          b.message,
        );
        assert.match(
          found.find((f) => f.file === 'd.png')!.message,
          /d\.txt is a folder, so d\.png and its caption are left out of the zip\. Move it away and put the caption itself there/,
        );
        assert.ok(
          !found.some((f) => f.rule === 'duplicate' || f.rule === 'near-duplicate'),
          'the linked ' + 'image was not read and compared',
        );
      } finally {
        cleanup(elsewhere);
      }
    },
  );

  it('stops when cancelled', async () => {
    writeFileSync(join(dir, 'a.png'), pngBuffer(300, 300, 2));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(checkDataset({ outputFolder: dir, images: [rec('a.png')], ...base }, { signal: ac.signal }), {
      name: 'AbortError',
    });
  });

  describe('on the real fixture images', function () {
    this.timeout(60_000);

    it('flags the formats CivitAI refuses, the 1x2 JPEG, the CgBI PNG, the 4800x3600 JPEG and the garbage file', async function () {
      needRealImages(this);
      const formats = join(REAL_IMAGES, 'formats');
      const fs = await checkDataset({ outputFolder: formats, images: fixtureRecords(formats), ...base });
      const byFile = new Map<string, string[]>();
      for (const f of fs) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f.rule]);
      for (const f of [
        'bmp-sample.bmp',
        'gif-sample.gif',
        'heif-sample.avif',
        'heif-sample.heic',
        'psd-sample.psd',
        'svg-width-height.svg',
        'tiff-little-endian.tiff',
      ]) {
        assert.deepEqual(byFile.get(f), ['unsupported-format'], f);
      }
      assert.deepEqual(byFile.get('jpg-1x2-flipped-big-endian.jpg')?.sort(), ['exif-orientation', 'too-small']);
      assert.deepEqual(byFile.get('png-sample_fried.png'), ['will-upscale', 'does-not-decode']);
      assert.match(fs.find((f) => f.file === 'png-sample_fried.png' && f.rule === 'does-not-decode')!.message, /CgBI/);
      assert.deepEqual(byFile.get('jpg-very-large.jpg'), ['will-downscale']);
      // The same 123x456 picture saved as baseline, progressive and optimised JPEG, as PNG and as lossy, lossless
      // and extended WebP (all decoded by the image library now): one image.
      for (const f of [
        'jpg-progressive.jpg',
        'jpg-sample.jpg',
        'png-sample.png',
        'webp-extended.webp',
        'webp-lossless.webp',
        'webp-lossy.webp',
      ]) {
        assert.deepEqual(byFile.get(f), ['near-duplicate'], f);
        assert.match(fs.find((x) => x.file === f)!.message, /same picture as jpg-optimized\.jpg/);
      }
      for (const ok of ['jpg-optimized.jpg', 'jpg-large.jpg']) {
        assert.equal(byFile.get(ok), undefined, `${ok}: ${byFile.get(ok)}`);
      }
      assert.equal(byFile.get(''), undefined, 'every image was decoded and compared');

      const invalid = join(REAL_IMAGES, 'invalid');
      const bad = await checkDataset({ outputFolder: invalid, images: fixtureRecords(invalid), ...base });
      assert.deepEqual(
        bad.map((f) => [f.file, f.rule, f.severity]),
        [['truncated-or-garbage.png', 'does-not-decode', 'error']],
      );
    });

    it('flags every EXIF orientation but normal, and sees each scene shown upright as one picture', async function () {
      needRealImages(this);
      const photos = join(REAL_IMAGES, 'photos');
      const fs = await checkDataset({ outputFolder: photos, images: fixtureRecords(photos), ...base });
      const oriented = fs.filter((f) => f.rule === 'exif-orientation').map((f) => f.file);
      const expected = ['Landscape', 'Portrait'].flatMap((s) => [2, 3, 4, 5, 6, 7, 8].map((o) => `${s}_${o}.jpg`));
      assert.deepEqual(oriented, expected);
      // The 9 files of a scene hold one picture stored in 9 orientations: once turned upright they are one image.
      const near = fs.filter((f) => f.rule === 'near-duplicate');
      assert.deepEqual(
        near.map((f) => f.file),
        ['Landscape', 'Portrait'].flatMap((s) => [1, 2, 3, 4, 5, 6, 7, 8].map((o) => `${s}_${o}.jpg`)),
      );
      assert.ok(near.filter((f) => f.file.startsWith('Landscape')).every((f) => f.message.includes('Landscape_0.jpg')));
      assert.ok(near.filter((f) => f.file.startsWith('Portrait')).every((f) => f.message.includes('Portrait_0.jpg')));
    });
  });
});

function haveRealImagesQuiet(): boolean {
  try {
    readdirSync(REAL_IMAGES);
    return true;
  } catch {
    return false;
  }
}
