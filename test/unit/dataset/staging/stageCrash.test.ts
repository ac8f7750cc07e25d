import { strict as assert } from 'node:assert';
import { existsSync, lstatSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset, type StageResult } from '../../../../src/extension/dataset/staging/stage';
import { parseSession } from '../../../../src/extension/dataset/session/sessionFile';
import { img, ls, opts, read, snapshot, sysError, tempDir, text, trapFs } from '../helpers';

/** The same source folder every time: 12 images (mixed formats, some with captions) in a fresh temp folder. */
function source(): string {
  const d = tempDir('src');
  for (let i = 1; i <= 12; i++) img(d, `pic ${i}.${i % 3 === 0 ? 'jpg' : 'png'}`, i, 20 + i, 10 + i);
  text(d, 'pic 2.txt', 'ohwx, red hair');
  text(d, 'pic 7.caption', 'blue sky, red hair');
  return d;
}

const isSessionFile = (rel: string) => rel.startsWith('session.json');
const images = (r: StageResult) => parseSession(read(r.sessionFile)).images;

/** An uninterrupted run on an identical source, for comparison. */
async function reference(o = opts({ prefix: 'p', triggerWord: 'ohwx' })) {
  const r = await stageDataset(source(), o);
  return { files: snapshot(r.outputFolder, isSessionFile), images: images(r) };
}

const isTemp = (p: unknown) => String(p).endsWith('.lora-tmp');
const isImageTemp = (p: unknown) =>
  isTemp(p) && !/\.txt\.\w+\.lora-tmp$/.test(String(p)) && !/session|tags/.test(String(p));

describe('staging is crash-safe', () => {
  it('a kill between a copy and its rename: the re-run finishes with the same numbering, no duplicate, missing or partial file', async () => {
    const ref = await reference();
    const src = source();
    let renames = 0;
    const t = trapFs((m, a) => (m === 'rename' && isImageTemp(a[0]) && ++renames === 6 ? 'kill' : undefined));
    const run = stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx' }), { fs: t.fs });
    await Promise.race([t.killed, run.then(() => assert.fail('the run should have been killed'))]);
    const out = join(src, 'output');
    assert.ok(
      ls(out).some((n) => n.endsWith('.lora-tmp')),
      'the kill left a temp file',
    );
    assert.ok(parseSession(read(join(out, 'session.json'))).staging, 'the plan was recorded before copying');
    // A half-written temp from an even earlier kill.
    writeFileSync(join(out, '.p_0009.png.dead.lora-tmp'), pngBuffer(20, 20).subarray(0, 50));

    const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx' }));
    assert.ok(r.notices.some((n) => /interrupted staging/.test(n)));
    assert.deepEqual(snapshot(out, isSessionFile), ref.files);
    assert.deepEqual(images(r), ref.images);
    assert.equal(parseSession(read(r.sessionFile)).staging, undefined);
  });

  it('a kill is also finished by opening the dataset (Resume)', async () => {
    const ref = await reference();
    const src = source();
    let copies = 0;
    const t = trapFs((m) => (m === 'copyFile' && ++copies === 4 ? 'kill' : undefined));
    void stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx' }), { fs: t.fs });
    await t.killed;
    const { dataset, notices } = await Dataset.open(join(src, 'output'));
    await dataset.close();
    assert.ok(notices.some((n) => /interrupted staging run was finished/.test(n)));
    assert.deepEqual(snapshot(join(src, 'output'), isSessionFile), ref.files);
    assert.deepEqual(dataset.session.images, ref.images);
  });

  it('a full disk while copying: a clear error naming the file, sources untouched, no temp left, and the re-run completes', async () => {
    const ref = await reference();
    const src = source();
    const before = snapshot(src);
    let copies = 0;
    const t = trapFs((m, a) =>
      m === 'copyFile' && ++copies === 5 ? sysError('ENOSPC', 'copyfile', String(a[0])) : undefined,
    );
    await assert.rejects(
      stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx' }), { fs: t.fs }),
      (e: Error) =>
        /Staging stopped at "pic \d+\.(png|jpg)"/.test(e.message) &&
        /disk is full/.test(e.message) &&
        /Nothing was lost/.test(e.message) &&
        /again/.test(e.message),
    );
    const out = join(src, 'output');
    assert.ok(!ls(out).some((n) => n.endsWith('.lora-tmp')), 'no temp file left');
    assert.deepEqual(
      snapshot(src, (rel) => rel.startsWith('output/')),
      before,
    );
    const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx' }));
    assert.deepEqual(snapshot(out, isSessionFile), ref.files);
    assert.deepEqual(images(r), ref.images);
  });

  it('a kill while the plan is written leaves a temp file, which a fresh re-run removes', async () => {
    const ref = await reference(opts({ prefix: 'p' }));
    const src = source();
    const t = trapFs((m, a) =>
      m === 'handle.writeFile' && String(a[0]).includes('session.json') ? 'kill' : undefined,
    );
    void stageDataset(src, opts({ prefix: 'p' }), { fs: t.fs });
    await t.killed;
    const out = join(src, 'output');
    assert.ok(ls(out).some((n) => /^\.session\.json\..+\.lora-tmp$/.test(n)) && !existsSync(join(out, 'session.json')));
    const r = await stageDataset(src, opts({ prefix: 'p' }));
    assert.deepEqual(snapshot(out, isSessionFile), ref.files);
    assert.ok(!r.notices.some((n) => /other file/.test(n)), r.notices.join(' '));
  });

  it('a full disk while recording the plan: nothing is copied and the error says so', async () => {
    const src = source();
    const t = trapFs((m, a) =>
      m === 'handle.writeFile' && String(a[0]).includes('session.json')
        ? sysError('ENOSPC', 'write', String(a[0]))
        : undefined,
    );
    await assert.rejects(
      stageDataset(src, opts({ prefix: 'p' }), { fs: t.fs }),
      /Could not write the staging plan .*session\.json.*disk is full.*Nothing was copied/,
    );
    assert.deepEqual(ls(join(src, 'output')), []);
  });

  it('a read-only folder: a clear error about the output folder and what to do', async () => {
    const src = source();
    const t = trapFs((m, a) => (m === 'mkdir' ? sysError('EROFS', 'mkdir', String(a[0])) : undefined));
    await assert.rejects(
      stageDataset(src, opts({ prefix: 'p' }), { fs: t.fs }),
      (e: Error) =>
        e.message.includes(join(src, 'output')) &&
        /read-only/.test(e.message) &&
        /output folder to a place you can write/.test(e.message),
    );
    assert.ok(!existsSync(join(src, 'output')));
  });

  it('a file deleted while staging is skipped with a reason; the others keep their planned numbers', async () => {
    const src = source();
    const t = trapFs((m, a) => {
      if (m === 'copyFile' && basename(String(a[0])) === 'pic 2.png') unlinkSync(String(a[0]));
      return undefined;
    });
    const r = await stageDataset(src, opts({ prefix: 'p' }), { fs: t.fs });
    assert.deepEqual(r.skipped, [
      { file: 'pic 2.png', reason: 'deleted while staging (it was in the plan but is gone now)' },
    ]);
    assert.equal(r.total, 11);
    assert.ok(!images(r).some((i) => i.file === 'p_0002.png'));
    assert.equal(images(r).find((i) => i.source === 'pic 3.jpg')?.file, 'p_0003.jpg');
    assert.ok(!existsSync(join(src, 'output', 'p_0002.png')) && !existsSync(join(src, 'output', 'p_0002.txt')));
  });

  it('a file changed while being copied is copied again, and its record follows the new content', async () => {
    const src = source();
    const newer = pngBuffer(77, 55, 99);
    let once = false;
    const t = trapFs((m, a) => {
      if (m === 'copyFile' && basename(String(a[0])) === 'pic 4.png' && !once) {
        once = true;
        writeFileSync(String(a[0]), newer);
      }
      return undefined;
    });
    const r = await stageDataset(src, opts({ prefix: 'p' }), { fs: t.fs });
    const rec = images(r).find((i) => i.source === 'pic 4.png')!;
    assert.deepEqual([rec.width, rec.height, rec.size], [77, 55, newer.length]);
    assert.deepEqual(snapshot(join(src, 'output')).get(rec.file), newer);
  });

  it('cancelling stops early with a message; the next run finishes the same plan', async () => {
    const ref = await reference(opts({ prefix: 'p' }));
    const src = source();
    const ac = new AbortController();
    await assert.rejects(
      stageDataset(src, opts({ prefix: 'p' }), { signal: ac.signal, onProgress: (done) => done === 3 && ac.abort() }),
      (e: Error) => e.name === 'AbortError' && /cancelled after \d+ of 12/.test(e.message),
    );
    const r = await stageDataset(src, opts({ prefix: 'p' }));
    assert.deepEqual(snapshot(r.outputFolder, isSessionFile), ref.files);
  });
});

describe('staging in move mode', () => {
  it('moves every image (renamed within the disk), keeps caption files at the source, same output as a copy', async () => {
    const ref = await reference();
    const src = source();
    const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx', mode: 'move' }));
    assert.deepEqual(snapshot(r.outputFolder, isSessionFile), ref.files);
    assert.deepEqual(ls(src), ['output', 'pic 2.txt', 'pic 7.caption']);
  });

  it('copies (never moves) an image reached through a symbolic link, leaving the link and its target alone', async () => {
    const src = tempDir('src');
    img(src, 'real/a.png', 1);
    symlinkSync(join(src, 'real', 'a.png'), join(src, 'link.png'));
    img(src, 'b.png', 2);
    const r = await stageDataset(src, opts({ prefix: 'm', mode: 'move' }));
    assert.deepEqual(
      images(r).map((i) => i.source),
      ['b.png', 'link.png'],
    );
    assert.ok(lstatSync(join(src, 'link.png')).isSymbolicLink() && existsSync(join(src, 'real', 'a.png')));
    assert.ok(!existsSync(join(src, 'b.png')), 'the plain file was moved');
    assert.ok(!lstatSync(join(r.outputFolder, 'm_0002.png')).isSymbolicLink(), 'the staged image is a real file');
  });

  it('across disks (EXDEV) copies, verifies, then removes each source; a kill before a removal is finished by the re-run', async () => {
    const ref = await reference();
    const src = source();
    const exdev = (m: string, a: unknown[]) =>
      m === 'rename' && !isTemp(a[0]) && String(a[0]).startsWith(src) && !String(a[0]).includes('/output/');
    let unlinks = 0;
    const t = trapFs((m, a) => {
      if (exdev(m, a)) return sysError('EXDEV', 'rename', String(a[0]));
      if (m === 'unlink' && !String(a[0]).includes('/output/') && ++unlinks === 3) return 'kill';
      return undefined;
    });
    void stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx', mode: 'move' }), { fs: t.fs });
    await t.killed;
    await t.idle(); // the calls already in the kernel have landed
    const left = ls(src).filter((n) => /^pic \d+\.(png|jpg)$/.test(n)).length;
    assert.ok(left > 0 && left < 12, `killed half-way (${left} sources left)`);
    const t2 = trapFs((m, a) => (exdev(m, a) ? sysError('EXDEV', 'rename', String(a[0])) : undefined));
    const r = await stageDataset(src, opts({ prefix: 'p', mode: 'move' }), { fs: t2.fs });
    assert.deepEqual(snapshot(r.outputFolder, isSessionFile), ref.files);
    assert.deepEqual(ls(src), ['output', 'pic 2.txt', 'pic 7.caption'], 'every verified source removed');
  });
});

describe('staging over an existing session', () => {
  it('resume stages nothing and keeps the captions; add stages only new or changed sources, numbered after the last', async () => {
    const src = source();
    const first = await stageDataset(src, opts({ prefix: 'p' }));
    text(first.outputFolder, 'p_0001.txt', 'edited by hand');
    const resumed = await stageDataset(src, opts({ prefix: 'p', onExisting: 'resume' }));
    assert.deepEqual([resumed.staged, resumed.total], [0, 12]);
    assert.equal(read(join(first.outputFolder, 'p_0001.txt')), 'edited by hand');
    img(src, 'pic 0.png', 50);
    img(src, 'pic 5.png', 51, 40, 40); // same path, new content and size: staged as new
    const added = await stageDataset(src, opts({ prefix: 'p', onExisting: 'add' }));
    assert.equal(added.staged, 2);
    assert.deepEqual(
      images(added)
        .slice(12)
        .map((i) => [i.file, i.source]),
      [
        ['p_0013.png', 'pic 0.png'],
        ['p_0014.png', 'pic 5.png'],
      ],
    );
    assert.equal(read(join(first.outputFolder, 'p_0001.txt')), 'edited by hand');
    const again = await stageDataset(src, opts({ prefix: 'p', onExisting: 'add' }));
    assert.equal(again.staged, 0);
    assert.ok(again.notices.some((n) => /No new images/.test(n)));
  });

  it('restart sets the old output folder aside untouched and stages afresh', async () => {
    const src = source();
    const first = await stageDataset(src, opts({ prefix: 'p' }));
    text(first.outputFolder, 'p_0001.txt', 'keep me');
    const old = snapshot(first.outputFolder);
    const r = await stageDataset(src, opts({ prefix: 'q', onExisting: 'restart' }));
    assert.ok(r.backupFolder && /output\.backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/.test(r.backupFolder), r.backupFolder);
    assert.deepEqual(snapshot(r.backupFolder!), old);
    assert.equal(r.staged, 12);
    assert.ok(ls(r.outputFolder).includes('q_0001.png'));
  });
});
