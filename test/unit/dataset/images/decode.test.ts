import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { decodeJpegDc, decodeToThumb, grayThumb, webpProblem } from '../../../../src/extension/dataset/images/decode';
import { pHash, hammingDistance, orientThumb, groupNearDuplicates } from '../../../../src/extension/dataset/images/perceptualHash';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { needRealImages, REAL_IMAGES } from '../../fixtures';

describe('image decoding and perceptual hash', () => {
  it('hashes a baseline JPEG from its DC coefficients as a full decode would (within 2 of 64 bits)', () => {
    const buf = jpegBuffer(1024, 800, 9, 85);
    const fast = decodeJpegDc(buf);
    assert.ok(fast);
    assert.deepEqual([fast.width, fast.height, fast.dcWidth, fast.dcHeight], [1024, 800, 128, 100]);
    const full = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false });
    const d = hammingDistance(pHash(grayThumb(fast.dc, fast.dcWidth, fast.dcHeight, 1)), pHash(grayThumb(full.data, full.width, full.height, 3)));
    assert.ok(d <= 2, `distance ${d}`);
    // And the DC means are real brightness: the thumbnail's average matches the full decode's within a few levels.
    const mean = (t: Float32Array) => t.reduce((a, b) => a + b, 0) / t.length;
    assert.ok(Math.abs(mean(grayThumb(fast.dc, fast.dcWidth, fast.dcHeight, 1)) - mean(grayThumb(full.data, full.width, full.height, 3))) < 3);
  });

  it('notices a JPEG damaged in the middle or cut short; defers to jpeg-js (like libjpeg, lenient) on damage it can decode', () => {
    const buf = Buffer.from(jpegBuffer(1024, 800, 4, 90));
    const bad = Buffer.from(buf);
    for (let i = 0; i < 400; i++) bad[(bad.length >> 1) + i] = (i * 37) & 0xfe;
    // The fast path sees the blocks go out of step; jpeg-js, like libjpeg in trainers, still decodes it, so it is no error.
    assert.throws(() => decodeJpegDc(bad), /left over|corrupt|ends before/);
    assert.equal(decodeToThumb(bad, 'jpg').ok, true);
    const cut = Buffer.concat([buf.subarray(0, buf.length >> 1), Buffer.from([0xff, 0xd9])]);
    assert.throws(() => decodeJpegDc(cut), /ends before the last block|cut short/);
    assert.equal(decodeToThumb(cut, 'jpg').ok, false, 'cut short but with an end marker glued on');
    const marker = Buffer.from(buf);
    marker.set([0xff, 0xc8, 0x00, 0x10], buf.length >> 1);
    assert.equal(decodeToThumb(marker, 'jpg').ok, false, 'a stray marker in the image data');
  });

  it('sees the same picture as PNG, as JPEG and EXIF-rotated as one', () => {
    const png = decodeToThumb(pngBuffer(900, 600, 5), 'png');
    const jpg = decodeToThumb(jpegBuffer(900, 600, 5, 60), 'jpg');
    assert.ok(png.ok && jpg.ok);
    const a = pHash(png.thumb);
    assert.ok(hammingDistance(a, pHash(jpg.thumb)) <= 2);
    // Stored rotated 90° clockwise pixels with EXIF 8 ("rotate 270° to show") read as the original.
    const rotated = new Float32Array(png.thumb.length);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) rotated[x * 32 + (31 - y)] = png.thumb[y * 32 + x]!;
    assert.notEqual(pHash(rotated), a);
    assert.equal(pHash(orientThumb(rotated, 8)), a);
    const other = decodeToThumb(pngBuffer(900, 600, 23), 'png');
    assert.ok(other.ok);
    const groups = groupNearDuplicates([{ file: 'a', hash: a }, { file: 'b', hash: pHash(other.thumb) }, { file: 'c', hash: pHash(jpg.thumb) }]);
    assert.deepEqual(groups.map((g) => g.map((x) => x.file)), [['a', 'c']]);
  });

  it('checks WebP containers: whole, cut short, not WebP', function () {
    needRealImages(this);
    const w = readFileSync(join(REAL_IMAGES, 'formats', 'webp-lossless.webp'));
    assert.equal(webpProblem(w.subarray(0, 30), w.length), undefined);
    assert.match(webpProblem(w.subarray(0, 30), w.length - 10)!, /cut short/);
    assert.match(webpProblem(Buffer.alloc(30), 100)!, /RIFF/);
  });
});
