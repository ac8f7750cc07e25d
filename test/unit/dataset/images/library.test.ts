import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseImage, convertImage, library, type Analysis } from '../../../../src/extension/dataset/images/library';
import {
  groupNearDuplicates,
  hammingDistance,
  NEAR_DUPLICATE_DISTANCE,
} from '../../../../src/extension/dataset/images/perceptualHash';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { animatedWebp, blockMean, corruptWebpPayload, motionPhoto, photo, restartJpeg, variant } from './testImages';

const fixture = (p: string) => readFileSync(join(REAL_IMAGES, p));
const ok = (r: Analysis, what: string) => {
  assert.ok(r.ok, `${what} decodes (${r.ok ? '' : r.reason})`);
  return r.facts;
};
const failure = (r: Analysis, what: string) => {
  assert.ok(!r.ok, `${what} is refused`);
  return r.reason;
};

describe('the image library', function () {
  this.timeout(60_000);
  before(function () {
    needRealImages(this);
  });

  it('decodes every JPEG the checks accept: baseline 4:2:0 with EXIF, progressive, optimised, CMYK, restart markers', async () => {
    const src = photo();
    const { hash, ...facts } = ok(await analyseImage(src), 'the baseline photo');
    assert.deepEqual(facts, { format: 'jpg', width: 1800, height: 1200, orientation: 1, frames: 1 });
    assert.match(hash, /^[0-9a-f]{16}$/);
    for (const f of ['formats/jpg-progressive.jpg', 'formats/jpg-optimized.jpg', 'formats/jpg-large.jpg'])
      ok(await analyseImage(fixture(f)), f);
    const cmyk = await variant(src, 'cmyk-jpeg');
    assert.equal((await (await library())(cmyk).metadata()).space, 'cmyk', 'the test file really is CMYK');
    assert.equal(ok(await analyseImage(cmyk), 'CMYK').width, 600);
    ok(await analyseImage(await variant(src, 'progressive-jpeg')), 'progressive');
    // Restart markers: every block lands where it belongs, so the markers were honoured, not skipped over.
    const rst = restartJpeg();
    const r = ok(await analyseImage(rst), 'restart markers');
    assert.deepEqual([r.format, r.width, r.height, r.frames], ['jpg', 64, 64, 1]);
    const { data, info } = await (await library())(rst).raw().toBuffer({ resolveWithObject: true });
    for (let b = 0; b < 64; b++) {
      const px = data[((Math.floor(b / 8) * 8 + 4) * 64 + (b % 8) * 8 + 4) * info.channels]!;
      assert.ok(Math.abs(px - blockMean(b)) <= 1, `block ${b}: ${px}, expected ${blockMean(b)}`);
    }
  });

  it('decodes every PNG: 8- and 16-bit, palette, interlaced, alpha, grey; and every WebP: lossy, lossless, alpha, extended', async () => {
    const src = photo();
    for (const kind of [
      'png16',
      'palette-png',
      'interlaced-png',
      'alpha-png',
      'grey-png',
      'lossy-webp',
      'lossless-webp',
      'alpha-webp',
    ] as const) {
      const f = ok(await analyseImage(await variant(src, kind)), kind);
      assert.deepEqual(
        [f.format, f.width, f.height, f.frames],
        [kind.endsWith('webp') ? 'webp' : 'png', 600, 400, 1],
        kind,
      );
    }
    for (const f of [
      'formats/png-sample.png',
      'formats/webp-lossy.webp',
      'formats/webp-lossless.webp',
      'formats/webp-extended.webp',
    ]) {
      const facts = ok(await analyseImage(fixture(f)), f);
      assert.deepEqual([facts.width, facts.height], [123, 456], f);
    }
  });

  it('counts the frames of an animated WebP (trainers read only the first)', async () => {
    const f = ok(await analyseImage(await animatedWebp(photo())), 'the animated WebP');
    assert.deepEqual([f.format, f.frames, f.width], ['webp', 3, 300]);
  });

  it('refuses damaged files with the reason: a corrupt WebP payload, cut-short JPEG, PNG and WebP, garbage, CgBI', async () => {
    const webp = await variant(photo(), 'lossy-webp');
    assert.match(
      failure(await analyseImage(corruptWebpPayload(webp)), 'the corrupt WebP'),
      /image library could not decode it: webp2vips: unable to read pixels/,
    );
    const jpg = photo();
    assert.match(
      failure(await analyseImage(jpg.subarray(0, jpg.length >> 1)), 'a JPEG cut in half'),
      /truncated: the JPEG has no end marker/,
    );
    const png = await variant(photo(), 'interlaced-png');
    assert.match(
      failure(await analyseImage(png.subarray(0, png.length - 100)), 'a cut PNG'),
      /truncated: the PNG has no end chunk/,
    );
    assert.match(
      failure(await analyseImage(webp.subarray(0, webp.length - 100)), 'a cut WebP'),
      /truncated: the WebP header promises/,
    );
    assert.match(
      failure(await analyseImage(fixture('invalid/truncated-or-garbage.png')), 'the garbage file'),
      /truncated: the PNG|header is damaged/,
    );
    assert.match(failure(await analyseImage(fixture('formats/png-sample_fried.png')), 'CgBI'), /CgBI/);
    assert.match(
      failure(await analyseImage(Buffer.from('not a picture at all, just text')), 'text'),
      /does not read this format|header is damaged/,
    );
  });

  it('reads a Motion Photo (a video after the JPEG) as its picture, also with its XMP past the first 16 KB', async () => {
    const jpg = photo();
    const plain = ok(await analyseImage(jpg), 'the photo');
    for (const m of [
      motionPhoto(jpg),
      motionPhoto(jpg, 500_000, { padding: 120_000 }),
      motionPhoto(jpg, 40_000, { declareLength: false }),
    ]) {
      assert.deepEqual(ok(await analyseImage(m), 'the Motion Photo'), plain);
    }
    // Its picture cut short: the video's declared start no longer follows an end marker.
    const cut = motionPhoto(jpg.subarray(0, jpg.length - 5000));
    assert.match(
      failure(await analyseImage(cut), 'a Motion Photo with its picture cut'),
      /Motion Photo has no JPEG end marker/,
    );
  });

  it('reads the formats it converts: BMP, GIF, TIFF, AVIF; says why it cannot read this HEIC', async () => {
    for (const f of [
      'formats/bmp-sample.bmp',
      'formats/gif-sample.gif',
      'formats/tiff-little-endian.tiff',
      'formats/heif-sample.avif',
    ]) {
      const facts = ok(await analyseImage(fixture(f)), f);
      assert.deepEqual([facts.width, facts.height], [123, 456], f);
    }
    assert.equal(ok(await analyseImage(fixture('formats/heif-sample.avif')), 'AVIF').format, 'avif');
    assert.match(failure(await analyseImage(fixture('formats/heif-sample.heic')), 'HEIC'), /HEVC/);
    const png = await convertImage(fixture('formats/bmp-sample.bmp'), 'png');
    const jpg = await convertImage(fixture('formats/tiff-little-endian.tiff'), 'jpeg');
    const sharp = await library();
    assert.deepEqual([(await sharp(png).metadata()).format, (await sharp(jpg).metadata()).format], ['png', 'jpeg']);
    const bmpHash = ok(await analyseImage(fixture('formats/bmp-sample.bmp')), 'BMP').hash;
    assert.equal(ok(await analyseImage(png), 'the converted BMP').hash, bmpHash, 'PNG conversion is lossless');
    await assert.rejects(convertImage(fixture('formats/heif-sample.heic'), 'png'), /HEVC/);
  });

  it('makes an upright 256 px WebP thumbnail', async () => {
    const r = await analyseImage(fixture('photos/Portrait_6.jpg'), { thumbnail: true });
    assert.ok(r.ok && r.thumb);
    const meta = await (await library())(r.thumb).metadata();
    // Stored 1800x1200 with orientation 6: shown upright it is portrait.
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 171, 256]);
  });

  it('puts re-encodes, resizes, CMYK and 16-bit copies of a real photo within the near-duplicate distance, other photos far', async () => {
    const src = photo();
    const base = ok(await analyseImage(src), 'photo').hash;
    const distances: Record<string, number> = {};
    const kinds = [
      'cmyk-jpeg',
      'progressive-jpeg',
      'png16',
      'interlaced-png',
      'palette-png',
      'grey-png',
      'lossy-webp',
      'lossless-webp',
    ] as const;
    for (const kind of kinds)
      distances[kind] = hammingDistance(base, ok(await analyseImage(await variant(src, kind)), kind).hash);
    distances['256 px PNG'] = hammingDistance(
      base,
      ok(await analyseImage(await variant(src, 'palette-png', 256)), '256').hash,
    );
    // Every EXIF orientation of the same scene, shown upright, is the same picture.
    for (const o of [2, 3, 4, 5, 6, 7, 8])
      distances[`orientation ${o}`] = hammingDistance(
        base,
        ok(await analyseImage(photo(`Landscape_${o}.jpg`)), `${o}`).hash,
      );
    const others: Record<string, number> = {};
    for (const f of [
      'photos/Portrait_1.jpg',
      'formats/jpg-sample.jpg',
      'formats/jpg-large.jpg',
      'formats/jpg-very-large.jpg',
    ]) {
      others[f] = hammingDistance(base, ok(await analyseImage(fixture(f)), f).hash);
    }
    const plasma = hammingDistance(
      ok(await analyseImage(fixture('formats/jpg-large.jpg')), 'a').hash,
      ok(await analyseImage(fixture('formats/jpg-very-large.jpg')), 'b').hash,
    );
    console.log(
      `      same picture: ${Object.entries(distances)
        .map(([k, d]) => `${k} ${d}`)
        .join(', ')}`,
    );
    console.log(
      `      other pictures: ${Object.entries(others)
        .map(([k, d]) => `${k.split('/')[1]} ${d}`)
        .join(', ')}; the two plasma fixtures ${plasma}`,
    );
    for (const [k, d] of Object.entries(distances)) assert.ok(d <= NEAR_DUPLICATE_DISTANCE, `${k}: ${d} bits`);
    for (const [k, d] of Object.entries(others)) assert.ok(d > NEAR_DUPLICATE_DISTANCE, `${k}: ${d} bits`);
    assert.ok(plasma > NEAR_DUPLICATE_DISTANCE, `two different noise images: ${plasma} bits`);
    const other = ok(await analyseImage(photo('Portrait_1.jpg')), 'other').hash;
    const cmyk = ok(await analyseImage(await variant(src, 'cmyk-jpeg')), 'cmyk').hash;
    const groups = groupNearDuplicates([
      { file: 'a', hash: base },
      { file: 'b', hash: other },
      { file: 'c', hash: cmyk },
    ]);
    assert.deepEqual(
      groups.map((g) => g.map((x) => x.file)),
      [['a', 'c']],
    );
  });
});
