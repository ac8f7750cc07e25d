// Issue 9, cases 2 and 5: caption revisions, not clocks. A save made before an outside change is refused, never
// written over it, whether the watcher saw the change or not; our own writes read back as no change, however late
// the watcher reports them; editor text forwarded before it is saved is not a second change when it lands.
import { strict as assert } from 'node:assert';
import { openSync, closeSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptionConflictError, type CaptionChanged } from '../../../../src/extension/dataset/session/captionRevisions';
import { nodeFs } from '../../../../src/extension/dataset/io/fsLike';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { PanelSaves } from '../../../../src/extension/dataset/session/panelSaves';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, tempDir, text } from '../helpers';

async function open(): Promise<{ out: string; dataset: Dataset; changes: CaptionChanged[] }> {
  const src = tempDir('rev');
  for (let i = 1; i <= 3; i++) img(src, `i${i}.png`, i);
  text(src, 'i1.txt', 'ohwx, red hair');
  const out = (await stageDataset(src, opts({ prefix: 'r', triggerWord: 'ohwx', captionStyle: 'tags' }))).outputFolder;
  const { dataset } = await Dataset.open(out, { saveDelayMs: 20 });
  const changes: CaptionChanged[] = [];
  dataset.onDidChangeCaption((e) => changes.push(e));
  return { out, dataset, changes };
}

describe('caption revisions (issue 9, cases 2 and 5)', () => {
  it('a caption another program changed is never written over by a save made before it, watcher or not', async () => {
    const { out, dataset, changes } = await open();
    const base = dataset.captionRev('r_0001.png');
    // Another program rewrites the file; no watcher event reaches the dataset (a slow link, a dropped event).
    writeFileSync(join(out, 'r_0001.txt'), 'ohwx, red hair, written by a script');
    const refused = await dataset.setCaption('r_0001.png', 'ohwx, red hair, typed in the panel', { base }).then(
      () => assert.fail('the save should have been refused'),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof CaptionConflictError, String(refused));
    assert.equal(refused.text, 'ohwx, red hair, written by a script');
    assert.match(refused.message, /r_0001\.txt was changed outside .* not saved over/);
    assert.equal(read(join(out, 'r_0001.txt')), 'ohwx, red hair, written by a script', 'the outside edit is kept');
    assert.equal(dataset.caption('r_0001.png'), 'ohwx, red hair, written by a script');
    assert.deepEqual(changes, [{ file: 'r_0001.png', text: 'ohwx, red hair, written by a script', rev: refused.rev }]);
    // Made from the outside change (its revision), the same text saves.
    await dataset.setCaption('r_0001.png', 'ohwx, red hair, typed in the panel', { base: refused.rev });
    assert.equal(read(join(out, 'r_0001.txt')), 'ohwx, red hair, typed in the panel');
    await dataset.close();
  });

  it('an edit in place of the same size is found too (by its stamp), and so is one the watcher reports', async () => {
    const { out, dataset } = await open();
    const base = dataset.captionRev('r_0002.png');
    await dataset.setCaption('r_0002.png', 'ohwx, aaaa', { base });
    const mine = dataset.captionRev('r_0002.png');
    // Same length, same inode: only the times and the content tell.
    const fd = openSync(join(out, 'r_0002.txt'), 'r+');
    writeSync(fd, 'ohwx, bbbb', 0);
    closeSync(fd);
    await assert.rejects(dataset.setCaption('r_0002.png', 'ohwx, aaaa, more', { base: mine }), CaptionConflictError);
    assert.equal(read(join(out, 'r_0002.txt')), 'ohwx, bbbb');
    // The watcher's path: reloadCaption takes the change with a new revision, and a save made before it is refused.
    writeFileSync(join(out, 'r_0003.txt'), 'ohwx, from the editor');
    const before = dataset.captionRev('r_0003.png');
    assert.equal(await dataset.reloadCaption('r_0003.png'), 'ohwx, from the editor');
    assert.ok(dataset.captionRev('r_0003.png') > before);
    await assert.rejects(dataset.setCaption('r_0003.png', 'ohwx, old', { base: before }), CaptionConflictError);
    // An engine write (a tag operation) made from a caption that changed on disk since is refused the same way.
    writeFileSync(join(out, 'r_0003.txt'), 'ohwx, changed again');
    await assert.rejects(dataset.setCaption('r_0003.png', 'ohwx, from the editor, tagged'), CaptionConflictError);
    assert.equal(read(join(out, 'r_0003.txt')), 'ohwx, changed again');
    await dataset.close();
  });

  it('the first save after opening looks at the stamp the open read, and still refuses an outside edit', async () => {
    const { out, dataset } = await open();
    const path = join(out, 'r_0001.txt');
    const reads: string[] = [];
    const real = nodeFs.readBytesSync!;
    nodeFs.readBytesSync = (p, flags, onStat) => (reads.push(p), real(p, flags, onStat));
    try {
      await dataset.setCaption('r_0001.png', 'ohwx, red hair, saved');
      assert.deepEqual(
        reads.filter((p) => p === path),
        [],
        'the caption itself is not read again (the kept copy is)',
      );
      // An edit of the same size in place: the stamp's times differ, or (in the same clock tick) the kept copy does.
      assert.equal(read(join(out, 'r_0002.txt')), 'ohwx');
      const base = dataset.captionRev('r_0002.png');
      const fd = openSync(join(out, 'r_0002.txt'), 'r+');
      writeSync(fd, 'OHWX', 0);
      closeSync(fd);
      await assert.rejects(dataset.setCaption('r_0002.png', 'ohwx, mine', { base }), CaptionConflictError);
      assert.equal(read(join(out, 'r_0002.txt')), 'OHWX');
    } finally {
      nodeFs.readBytesSync = real;
      await dataset.close();
    }
  });

  it('our own writes read back as no change, however late the watcher reports them', async () => {
    const { out, dataset, changes } = await open();
    const file = 'r_0002.png';
    let base = dataset.captionRev(file);
    const texts = ['ohwx, a', 'ohwx, a, b', 'ohwx, a, b, c'];
    const saves = texts.map((t) => dataset.setCaption(file, t, { base }));
    // Watcher events for each write, some before the writes are done, some after.
    const early = dataset.reloadCaption(file);
    base = (await Promise.all(saves)).at(-1)!.rev;
    const late = await Promise.all([early, dataset.reloadCaption(file), dataset.reloadCaption(file)]);
    assert.deepEqual(late, [undefined, undefined, undefined]);
    assert.deepEqual(changes, [], 'no outside change was seen');
    assert.equal(read(join(out, 'r_0002.txt')), 'ohwx, a, b, c');
    assert.equal(dataset.captionRev(file), base);
    await dataset.close();
  });

  it('editor text forwarded before its save: the save is no new change; an edit made from it saves', async () => {
    const { out, dataset, changes } = await open();
    const file = 'r_0002.png';
    const rev = dataset.forwardEditorText(file, 'ohwx, typed in the editor');
    writeFileSync(join(out, 'r_0002.txt'), 'ohwx, typed in the editor');
    assert.equal(await dataset.reloadCaption(file), 'ohwx, typed in the editor');
    assert.deepEqual(changes, [], 'the panel already has this text, at its revision');
    assert.equal(dataset.captionRev(file), rev);
    await dataset.setCaption(file, 'ohwx, typed in the editor, then the panel', { base: rev });
    assert.equal(read(join(out, 'r_0002.txt')), 'ohwx, typed in the editor, then the panel');
    await dataset.close();
  });

  it("the panel's saves out of order: the newest text stays; a refused one says what the file holds", async () => {
    const { out, dataset } = await open();
    const saves = new PanelSaves(dataset);
    const base = dataset.captionRev('r_0002.png');
    // seq 2 (the newer text) arrives before seq 1.
    const newer = saves.save('r_0002.png', 'ohwx, a, b', base, 2);
    const older = saves.save('r_0002.png', 'ohwx, a', base, 1);
    const [n, o] = await Promise.all([newer, older]);
    assert.ok(n.saved && o.saved);
    assert.equal(read(join(out, 'r_0002.txt')), 'ohwx, a, b');
    writeFileSync(join(out, 'r_0002.txt'), 'ohwx, outside');
    const refused = await saves.save('r_0002.png', 'ohwx, a, b, c', n.rev, 3);
    const what = refused.saved ? refused : { saved: refused.saved, text: refused.text };
    assert.deepEqual(what, { saved: false, text: 'ohwx, outside' });
    assert.equal(read(join(out, 'r_0002.txt')), 'ohwx, outside');
    await dataset.close();
  });
});
