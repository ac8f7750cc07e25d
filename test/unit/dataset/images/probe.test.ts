import { strict as assert } from 'node:assert';
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { probeImage } from '../../../../src/extension/dataset/images/probe';
import { analyseImage } from '../../../../src/extension/dataset/images/library';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { tempDir, text } from '../helpers';
import { motionPhoto, photo } from './testImages';

describe('image header probe', () => {
  it('reads format and size of generated PNG and JPEG', async () => {
    const d = tempDir();
    const p = await probeImage(text(d, 'a.png', pngBuffer(33, 21)));
    assert.ok(p.ok);
    assert.deepEqual([p.format, p.width, p.height], ['png', 33, 21]);
    const j = await probeImage(text(d, 'b.jpg', jpegBuffer(40, 30)));
    assert.ok(j.ok && j.format === 'jpg' && j.width === 40 && j.height === 30);
  });
  it('says why a file is not stageable: empty, garbage, truncated PNG / JPEG / WebP, CgBI', async () => {
    const d = tempDir();
    const reason = async (name: string, bytes: Uint8Array) => {
      const r = await probeImage(text(d, name, bytes));
      assert.ok(!r.ok, `${name} should be refused`);
      return r.reason;
    };
    assert.match(await reason('empty.png', new Uint8Array()), /empty/);
    assert.match(await reason('garbage.png', Buffer.from('hello, I am not a picture at all')), /not an image/);
    const png = pngBuffer(64, 64, 3);
    assert.match(await reason('cut.png', png.subarray(0, png.length - 20)), /truncated/);
    const jpg = jpegBuffer(64, 64, 3);
    assert.match(await reason('cut.jpg', jpg.subarray(0, Math.floor(jpg.length * 0.7))), /truncated/);
    const webp = Buffer.alloc(40);
    webp.write('RIFF', 0, 'latin1');
    webp.writeUInt32LE(5000, 4);
    webp.write('WEBPVP8L', 8, 'latin1');
    webp.writeUInt32LE(20, 16);
    webp[20] = 0x2f;
    webp.writeUInt32LE(((10 - 1) | ((10 - 1) << 14)) >>> 0, 21);
    assert.match(await reason('cut.webp', webp), /truncated: the WebP/);
  });
  it('reads only the head and tail of a big file: a 120 MB JPEG cut short is refused as truncated', async () => {
    const d = tempDir();
    const p = text(d, 'big.jpg', jpegBuffer(20, 20));
    truncateSync(p, 120 * 2 ** 20);
    assert.equal(statSync(p).size, 120 * 2 ** 20);
    const r = await probeImage(p);
    // No end marker at the end of the zero padding: refused as truncated without reading 120 MB.
    assert.ok(!r.ok && /truncated/.test(r.reason));
  });
  it('reads the real fixtures: orientation of the EXIF photos, and refuses the invalid one and the CgBI PNG', async function () {
    needRealImages(this);
    for (const f of readdirSync(join(REAL_IMAGES, 'photos')).filter((n) => n.endsWith('.jpg'))) {
      const r = await probeImage(join(REAL_IMAGES, 'photos', f));
      assert.ok(r.ok, f);
      const o = Number(/_(\d)\./.exec(f)![1]);
      assert.equal(r.orientation, o === 0 ? undefined : o, f);
    }
    const large = await probeImage(join(REAL_IMAGES, 'formats/jpg-large.jpg'));
    assert.ok(large.ok && large.width === 1600 && large.height === 1200, 'needs more than the first 64 KB of header');
    for (const f of [
      'webp-lossy.webp',
      'webp-lossless.webp',
      'webp-extended.webp',
      'png-sample.png',
      'jpg-progressive.jpg',
    ]) {
      assert.ok((await probeImage(join(REAL_IMAGES, 'formats', f))).ok, f);
    }
    const bad = await probeImage(join(REAL_IMAGES, 'invalid/truncated-or-garbage.png'));
    assert.ok(!bad.ok && /header is damaged|cut short/.test(bad.reason));
    const fried = await probeImage(join(REAL_IMAGES, 'formats/png-sample_fried.png'));
    assert.ok(!fried.ok && /CgBI/.test(fried.reason));
  });
  it('stages Motion Photos and refuses cut ones by the same rule Check Dataset applies', async function () {
    needRealImages(this);
    const d = tempDir();
    const jpg = photo();
    const cases: Array<[string, Buffer, boolean]> = [
      ['motion.jpg', motionPhoto(jpg), true],
      // The XMP after 100 KB of other segments: past the 16 KB a header read takes.
      ['motion-late-xmp.jpg', motionPhoto(jpg, 300_000, { padding: 100_000 }), true],
      ['motion-no-length.jpg', motionPhoto(jpg, 50_000, { declareLength: false }), true],
      ['motion-cut.jpg', motionPhoto(jpg.subarray(0, jpg.length - 4000)), false],
      ['cut.jpg', jpg.subarray(0, jpg.length - 4000), false],
      ['whole.jpg', jpg, true],
    ];
    for (const [name, bytes, whole] of cases) {
      const staged = await probeImage(text(d, name, bytes));
      const checked = await analyseImage(bytes);
      assert.equal(staged.ok, whole, `${name} at staging: ${staged.ok ? 'accepted' : staged.reason}`);
      assert.equal(checked.ok, whole, `${name} in the check: ${checked.ok ? 'accepted' : checked.reason}`);
      if (!staged.ok && !checked.ok) assert.equal(staged.reason, checked.reason, `${name}: one rule, one reason`);
    }
  });
});
