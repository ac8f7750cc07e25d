import { strict as assert } from 'node:assert';
import { existsSync, openSync, readFileSync, symlinkSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { jpegBuffer, pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { parseSession } from '../../../../src/extension/dataset/session/sessionFile';
import { needRealImages, REAL_IMAGES } from '../../fixtures';
import { img, ls, opts, read, snapshot, tempDir, text } from '../helpers';

describe('stageDataset', () => {
  it('stages in natural order as <prefix>_<NNNN>.<ext> with a .txt each, and leaves the sources byte-identical', async () => {
    const src = tempDir();
    for (const [i, n] of ['img10.png', 'img2.png', 'img1.JPG', 'photo.jpeg'].entries()) img(src, n, i + 1);
    const before = snapshot(src);
    const r = await stageDataset(src, opts({ prefix: 'cat' }));
    assert.equal(r.outputFolder, join(src, 'output'));
    assert.deepEqual([r.total, r.staged, r.skipped.length], [4, 4, 0]);
    assert.deepEqual(ls(r.outputFolder), [
      'cat_0001.jpg',
      'cat_0001.txt',
      'cat_0002.png',
      'cat_0002.txt',
      'cat_0003.png',
      'cat_0003.txt',
      'cat_0004.jpeg',
      'cat_0004.txt',
      'session.json',
      'session.json.bak',
      'tags.txt',
    ]);
    assert.deepEqual(readFileSync(join(r.outputFolder, 'cat_0003.png')), readFileSync(join(src, 'img10.png')));
    assert.deepEqual(
      snapshot(src, (rel) => rel.startsWith('output/')),
      before,
    );
    const s = parseSession(read(r.sessionFile));
    assert.deepEqual(
      s.images.map((i) => [i.file, i.source, i.width, i.height, i.status]),
      [
        ['cat_0001.jpg', 'img1.JPG', 16, 12, 'untagged'],
        ['cat_0002.png', 'img2.png', 16, 12, 'untagged'],
        ['cat_0003.png', 'img10.png', 16, 12, 'untagged'],
        ['cat_0004.jpeg', 'photo.jpeg', 16, 12, 'untagged'],
      ],
    );
    assert.equal(s.sourceFolder, '..');
    assert.equal(s.staging, undefined, 'the plan is cleared once complete');
    assert.equal(read(join(r.outputFolder, 'cat_0001.txt')), '');
  });

  it('copies existing captions (.txt, else .caption), writes the trigger word alone otherwise, and lists tags in first-use order', async () => {
    const src = tempDir();
    img(src, 'a.png', 1);
    text(src, 'a.txt', 'ohwx, red hair, smile\n');
    img(src, 'b.png', 2);
    text(src, 'b.caption', 'blue eyes, red hair');
    img(src, 'c.png', 3);
    text(src, 'c.caption', 'ignored, the txt wins');
    text(src, 'c.txt', 'hat');
    img(src, 'd.png', 4);
    const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx' }));
    const out = r.outputFolder;
    assert.equal(read(join(out, 'p_0001.txt')), 'ohwx, red hair, smile\n', 'copied byte for byte');
    assert.equal(read(join(out, 'p_0002.txt')), 'blue eyes, red hair');
    assert.equal(read(join(out, 'p_0003.txt')), 'hat');
    assert.equal(read(join(out, 'p_0004.txt')), 'ohwx');
    assert.equal(read(join(out, 'tags.txt')), 'ohwx\nred hair\nsmile\nblue eyes\nhat\n');
    const s = parseSession(read(r.sessionFile));
    assert.deepEqual(
      s.images.map((i) => i.status),
      ['tagged', 'tagged', 'tagged', 'untagged'],
    );
    assert.equal(s.triggerWord, 'ohwx');
  });

  it('handles names with spaces, unicode, emoji and a leading dash', async () => {
    const src = tempDir();
    const names = ['-rf.png', 'my photo 2.png', 'my photo 10.png', 'café ☕.png', '🐱 cat.jpg', '日本語.png'];
    names.forEach((n, i) => img(src, n, i + 1));
    text(src, '-rf.txt', 'dash caption');
    text(src, '🐱 cat.txt', 'emoji caption');
    const r = await stageDataset(src, opts({ prefix: 'odd' }));
    assert.equal(r.staged, 6);
    const s = parseSession(read(r.sessionFile));
    const bySource = new Map(s.images.map((i) => [i.source, i.file]));
    for (const n of names)
      assert.deepEqual(readFileSync(join(r.outputFolder, bySource.get(n)!)), readFileSync(join(src, n)), n);
    assert.equal(read(join(r.outputFolder, bySource.get('-rf.png')!.replace(/\.\w+$/, '.txt'))), 'dash caption');
    assert.equal(read(join(r.outputFolder, bySource.get('🐱 cat.jpg')!.replace(/\.\w+$/, '.txt'))), 'emoji caption');
    assert.ok(
      s.images.findIndex((i) => i.source === 'my photo 2.png') <
        s.images.findIndex((i) => i.source === 'my photo 10.png'),
    );
  });

  it('skips with a reason: empty, garbage, truncated, unsupported format, a GIF named .png; stages a JPEG named .png as .jpg', async () => {
    const src = tempDir();
    img(src, 'good.png', 1);
    text(src, 'empty.png', '');
    text(src, 'garbage.jpg', 'not a jpeg');
    const png = pngBuffer(30, 30, 2);
    text(src, 'cut.png', png.subarray(0, png.length - 30));
    text(src, 'anim.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    text(src, 'fake.png', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    text(src, 'really-jpeg.png', jpegBuffer(10, 10));
    text(src, 'notes.md', '# not an image, ignored');
    const r = await stageDataset(src, opts({ prefix: 'x' }));
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.file, s.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['anim.gif', 'cut.png', 'empty.png', 'fake.png', 'garbage.jpg']);
    assert.match(reasons['empty.png']!, /empty/);
    assert.match(reasons['garbage.jpg']!, /not an image/);
    assert.match(reasons['cut.png']!, /truncated/);
    assert.match(reasons['anim.gif']!, /not a format the trainer accepts/);
    assert.match(reasons['fake.png']!, /really a GIF/);
    assert.deepEqual(
      ls(r.outputFolder).filter((n) => /^x_/.test(n)),
      ['x_0001.png', 'x_0001.txt', 'x_0002.jpg', 'x_0002.txt'],
    );
    assert.ok(r.notices.some((n) => /really-jpeg\.png is really a JPEG/.test(n)));
  });

  it('includes subfolders only when asked, and never scans the output folder, its backups or another dataset', async () => {
    const src = tempDir();
    img(src, 'top.png', 1);
    img(src, 'sub/inner.png', 2);
    img(src, 'sub/deeper/deep.png', 3);
    img(src, 'output.backup-2020-01-01T00-00-00/old_0001.png', 4);
    img(src, 'other/ds_0001.png', 5);
    text(src, 'other/session.json', '{}');
    img(src, '.thumbnails/t.png', 6);
    const flat = await stageDataset(src, opts({ prefix: 'f', outputFolder: 'flat' }));
    assert.equal(flat.total, 1);
    const out = await stageDataset(src, opts({ prefix: 'f', includeSubfolders: true }));
    assert.deepEqual(
      parseSession(read(out.sessionFile)).images.map((i) => i.source),
      ['sub/deeper/deep.png', 'sub/inner.png', 'top.png'],
    );
    // Staged again into another folder: the earlier output folders are datasets (they hold a session.json), never input.
    const again = await stageDataset(src, opts({ prefix: 'f', includeSubfolders: true, outputFolder: 'again' }));
    assert.deepEqual(
      parseSession(read(again.sessionFile)).images.map((i) => i.source),
      ['sub/deeper/deep.png', 'sub/inner.png', 'top.png'],
    );
  });

  it('follows symbolic links only inside the folder, stages a linked file once, and does not hang on a loop', async () => {
    const src = tempDir();
    const outside = tempDir('outside');
    img(src, 'a.png', 1);
    img(src, 'sub/b.png', 2);
    img(outside, 'secret.png', 3);
    symlinkSync(join(src, 'a.png'), join(src, 'link-to-a.png'));
    symlinkSync(join(outside, 'secret.png'), join(src, 'escape.png'));
    symlinkSync(outside, join(src, 'outdir'));
    symlinkSync(src, join(src, 'sub', 'loop'));
    symlinkSync(join(src, 'sub'), join(src, 'sublink'));
    symlinkSync(join(src, 'missing.png'), join(src, 'broken.png'));
    const r = await stageDataset(src, opts({ prefix: 'l', includeSubfolders: true }));
    const s = parseSession(read(r.sessionFile));
    assert.deepEqual(
      s.images.map((i) => i.source),
      ['a.png', 'sub/b.png'],
    );
    const reasons = Object.fromEntries(r.skipped.map((x) => [x.file, x.reason]));
    assert.match(reasons['escape.png']!, /outside the folder/);
    assert.match(reasons['outdir']!, /outside the folder/);
    assert.match(reasons['link-to-a.png']!, /same file as a\.png/);
    assert.match(reasons['broken.png']!, /broken symbolic link/);
  });

  it('refuses an empty folder, and a folder without supported images, with a clear message and nothing written', async () => {
    const empty = tempDir();
    await assert.rejects(stageDataset(empty, opts()), /is empty/);
    const noImages = tempDir();
    text(noImages, 'readme.md', 'hi');
    text(noImages, 'pic.bmp', 'BM');
    img(noImages, 'sub/hidden.png', 1);
    await assert.rejects(
      stageDataset(noImages, opts()),
      (e: Error) => /No supported images/.test(e.message) && /subfolders/.test(e.message) && /pic\.bmp/.test(e.message),
    );
    assert.ok(!existsSync(join(noImages, 'output')) && !existsSync(join(empty, 'output')));
    const allBad = tempDir();
    text(allBad, 'a.png', 'junk');
    await assert.rejects(stageDataset(allBad, opts()), /None of the 1 images .* a\.png: not a/);
  });

  it('stages alongside unrelated files in an existing output folder without touching them, adopts its tags.txt, and refuses name clashes', async () => {
    const src = tempDir();
    img(src, 'a.png', 1);
    text(src, 'a.txt', 'new tag');
    text(src, 'output/notes.md', 'mine');
    text(src, 'output/tags.txt', 'my tag\r\n');
    const r = await stageDataset(src, opts({ prefix: 'a' }));
    assert.equal(read(join(r.outputFolder, 'notes.md')), 'mine');
    assert.equal(read(join(r.outputFolder, 'tags.txt')), 'my tag\r\nnew tag\r\n');
    assert.ok(r.notices.some((n) => /left untouched/.test(n)));
    const src2 = tempDir();
    img(src2, 'a.png', 1);
    text(src2, 'output/b_0001.txt', 'someone else');
    await assert.rejects(
      stageDataset(src2, opts({ prefix: 'b' })),
      /already holds files with the names.*b_0001\.txt.*Nothing was written/,
    );
    assert.deepEqual(ls(join(src2, 'output')), ['b_0001.txt']);
  });

  it('resolves the output folder: a name under the source, or an absolute path; never the source itself', async () => {
    const src = tempDir();
    img(src, 'a.png', 1);
    const abs = join(tempDir('abs'), 'ds');
    const r = await stageDataset(src, opts({ prefix: 'a', outputFolder: abs }));
    assert.equal(r.outputFolder, abs);
    const s = parseSession(read(r.sessionFile));
    assert.ok(s.sourceFolder.startsWith('../'), s.sourceFolder);
    await assert.rejects(stageDataset(src, opts({ outputFolder: '.' })), /is the source folder or contains it/);
    await assert.rejects(stageDataset(join(src, 'a.png'), opts()), /is not a folder/);
  });

  it('stages an image over 100 MB with a notice, without reading it into memory', async function () {
    this.timeout(60000);
    const src = tempDir();
    const p = join(src, 'huge.jpg');
    const jpg = jpegBuffer(32, 32, 5);
    const fd = openSync(p, 'w');
    writeSync(fd, jpg, 0, jpg.length - 2, 0);
    ftruncateSync(fd, 101 * 2 ** 20);
    writeSync(fd, Buffer.from([0xff, 0xd9]), 0, 2, 101 * 2 ** 20 - 2);
    closeSync(fd);
    const heapBefore = process.memoryUsage().arrayBuffers;
    const r = await stageDataset(src, opts({ prefix: 'h' }));
    assert.equal(r.staged, 1);
    assert.ok(r.notices.some((n) => /huge\.jpg is 101 MB/.test(n)));
    assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 50 * 2 ** 20, 'the file was not loaded whole');
  });

  it('stages the real fixtures in place (read-only folder, output elsewhere): photos with EXIF orientation, foreign formats and broken files skipped', async function () {
    needRealImages(this);
    const out = join(tempDir('real'), 'out');
    const before = snapshot(REAL_IMAGES);
    const r = await stageDataset(REAL_IMAGES, opts({ prefix: 'real', includeSubfolders: true, outputFolder: out }));
    const s = parseSession(read(r.sessionFile));
    const bySource = new Map(s.images.map((i) => [i.source, i]));
    for (let o = 1; o <= 8; o++) assert.equal(bySource.get(`photos/Portrait_${o}.jpg`)?.orientation, o);
    assert.equal(bySource.get('photos/Landscape_0.jpg')?.orientation, undefined);
    assert.ok(bySource.has('formats/webp-lossless.webp') && bySource.has('formats/jpg-large.jpg'));
    const skipped = new Map(r.skipped.map((x) => [x.file, x.reason]));
    for (const f of [
      'bmp-sample.bmp',
      'gif-sample.gif',
      'heif-sample.heic',
      'heif-sample.avif',
      'psd-sample.psd',
      'svg-width-height.svg',
      'tiff-little-endian.tiff',
    ]) {
      assert.match(skipped.get(`formats/${f}`) ?? '', /not a format the trainer accepts/, f);
    }
    assert.match(skipped.get('invalid/truncated-or-garbage.png') ?? '', /damaged|cut short/);
    assert.match(skipped.get('formats/png-sample_fried.png') ?? '', /CgBI/);
    assert.equal(r.total, 18 + 10, 'the 18 photos, 6 JPEGs, 1 PNG and 3 WebPs of formats/');
    for (const i of s.images) assert.deepEqual(readFileSync(join(out, i.file)), before.get(i.source), i.source);
    assert.deepEqual(snapshot(REAL_IMAGES), before, 'the fixtures are untouched');
  });
});
