import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { loadSession } from '../../../../src/extension/dataset/session/sessionFile';
import { checkDataset } from '../../../../src/extension/dataset/export/preflight';
import { library } from '../../../../src/extension/dataset/images/library';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { img, opts, snapshot, tempDir } from '../helpers';

const CONVERTIBLE = [
  'bmp-sample.bmp',
  'gif-sample.gif',
  'tiff-little-endian.tiff',
  'heif-sample.avif',
  'heif-sample.heic',
];

/** A folder with one JPEG and the fixtures' BMP, GIF, TIFF, AVIF and HEIC. */
function folder(): string {
  const d = tempDir('convert');
  img(d, 'a.jpg', 1, 320, 240);
  for (const f of CONVERTIBLE) copyFileSync(join(REAL_IMAGES, 'formats', f), join(d, f));
  return d;
}

describe('staging with conversion (BMP, GIF, TIFF, AVIF, HEIC where decodable)', function () {
  this.timeout(60_000);
  before(function () {
    needRealImages(this);
  });

  it('is off by default: those files are skipped, and the reason offers the conversion', async () => {
    const d = folder();
    const r = await stageDataset(d, opts());
    assert.equal(r.total, 1);
    const reasons = new Map(r.skipped.map((s) => [s.file, s.reason]));
    for (const f of CONVERTIBLE) assert.match(reasons.get(f) ?? '', /let Start convert it to PNG or JPEG/, f);
  });

  it('stages them as PNG, records each conversion in the session, leaves the originals untouched, says why HEIC cannot', async () => {
    const d = folder();
    const before = snapshot(d);
    const r = await stageDataset(d, opts({ convert: 'png', mode: 'move' }));
    assert.equal(r.total, 5, 'the JPEG and four conversions');
    assert.deepEqual(
      r.skipped.map((s) => s.file),
      ['heif-sample.heic'],
    );
    assert.match(r.skipped[0]!.reason, /could not be converted from HEIC to PNG: .*HEVC/);
    // Numbered when planned (set_0005), it leaves its number unused, like any image that fails while staging.
    // Move mode moved the JPEG; a conversion's source is only read.
    const after = snapshot(d, (rel) => rel.startsWith('output/'));
    for (const f of CONVERTIBLE) assert.ok(after.get(f)?.equals(before.get(f)!), `${f} is untouched`);
    const { session } = await loadSession(r.outputFolder);
    const converted = session.images.filter((i) => i.convertedFrom);
    assert.deepEqual(
      converted.map((i) => [i.source, i.file, i.format, i.convertedFrom!.format]),
      [
        ['bmp-sample.bmp', 'set_0002.png', 'png', 'bmp'],
        ['gif-sample.gif', 'set_0003.png', 'png', 'gif'],
        ['heif-sample.avif', 'set_0004.png', 'png', 'avif'],
        ['tiff-little-endian.tiff', 'set_0006.png', 'png', 'tiff'],
      ],
    );
    const sharp = await library();
    for (const i of converted) {
      const bytes = readFileSync(join(r.outputFolder, i.file));
      const m = await sharp(bytes).metadata();
      assert.deepEqual([m.format, m.width, m.height, bytes.length], ['png', 123, 456, i.size], i.file);
      assert.equal(i.convertedFrom!.size, before.get(i.source)!.length);
    }
    assert.ok(
      r.notices.some((n) =>
        /bmp-sample\.bmp \(BMP\) was converted to PNG as set_0002\.png; the original is unchanged/.test(n),
      ),
    );
    // The staged dataset is what the trainer accepts: the check finds nothing wrong with the files.
    const images = session.images.map((i) => ({ ...i, caption: 'ohwx, a picture' }));
    const findings = await checkDataset({
      outputFolder: r.outputFolder,
      images,
      triggerWord: 'ohwx',
      captionStyle: 'tags',
      flux: false,
    });
    assert.deepEqual(
      findings.filter((f) => ['unsupported-format', 'does-not-decode'].includes(f.rule)),
      [],
    );
  });

  it('stages them as high-quality JPEG when asked', async () => {
    const d = folder();
    const r = await stageDataset(d, opts({ convert: 'jpeg' }));
    const { session } = await loadSession(r.outputFolder);
    const converted = session.images.filter((i) => i.convertedFrom);
    assert.deepEqual(
      converted.map((i) => i.file),
      ['set_0002.jpg', 'set_0003.jpg', 'set_0004.jpg', 'set_0006.jpg'],
    );
    const m = await (await library())(readFileSync(join(r.outputFolder, 'set_0002.jpg'))).metadata();
    assert.deepEqual([m.format, m.chromaSubsampling], ['jpeg', '4:4:4']);
  });
});
