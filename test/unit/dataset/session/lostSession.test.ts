import { strict as assert } from 'node:assert';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { findSessions } from '../../../../src/extension/dataset/session/findSessions';
import { lostSessionImages } from '../../../../src/extension/dataset/session/rebuild';
import { NoSessionError } from '../../../../src/extension/dataset/session/sessionFile';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, ls, opts, read, tempDir, text } from '../helpers';

/** A staged dataset of three images, one captioned by hand, whose session.json and .bak are then both deleted. */
async function lost() {
  const src = tempDir('src');
  for (let i = 1; i <= 3; i++) img(src, `i${i}.png`, i);
  const o = opts({ prefix: 'd', triggerWord: 'ohwx', captionStyle: 'tags' });
  const out = (await stageDataset(src, o)).outputFolder;
  text(out, 'd_0002.txt', 'ohwx, typed by hand');
  unlinkSync(join(out, 'session.json'));
  unlinkSync(join(out, 'session.json.bak'));
  return { src, out, o };
}

describe('a dataset whose session.json and .bak are both gone can be rebuilt from its files', () => {
  it('opening says so and how (NoSessionError), and with rebuild opens it from the images and captions', async () => {
    const { out } = await lost();
    assert.equal(await lostSessionImages(out), 3);
    await assert.rejects(
      Dataset.open(out),
      (e: unknown) =>
        e instanceof NoSessionError &&
        e.stagedImages === 3 &&
        /neither session\.json nor session\.json\.bak.*3 staged image\(s\).*rebuilt.*rebuild: true/.test(e.message),
    );
    assert.ok(!existsSync(join(out, 'session.json')), 'refusing wrote nothing');
    const { dataset, notices } = await Dataset.open(out, { rebuild: true });
    assert.deepEqual(
      dataset.session.images.map((i) => i.file),
      ['d_0001.png', 'd_0002.png', 'd_0003.png'],
    );
    assert.equal(dataset.caption('d_0002.png'), 'ohwx, typed by hand');
    assert.equal(dataset.session.triggerWord, 'ohwx');
    assert.ok(
      notices.some((n) =>
        /There was neither session\.json nor session\.json\.bak, so the session was rebuilt from the 3 images/.test(n),
      ),
      notices.join('\n'),
    );
    await dataset.close();
    assert.ok(existsSync(join(out, 'session.json')));
  });

  it('Resume lists it as a lost session to rebuild', async () => {
    const { src } = await lost();
    const found = await findSessions([src]);
    assert.deepEqual(
      found.map((s) => [s.outputFolder, s.total, s.lostSession]),
      [[join(src, 'output'), 3, true]],
    );
  });

  it(
    'Start refuses it with what to do, rebuilds it when asked (then resumes or adds), and Start ' +
      'over sets it aside',
    async () => {
      const { src, out, o } = await lost();
      await assert.rejects(
        stageDataset(src, o),
        /holds a dataset of 3 staged image\(s\) whose session\.json and session\.json\.bak are both gone\. Nothing was written\. Rebuild.*rebuild: true.*restart/,
      );
      assert.ok(!existsSync(join(out, 'session.json')));
      img(src, 'i4.png', 4);
      const r = await stageDataset(src, { ...o, onExisting: 'add', rebuild: true });
      assert.equal(r.staged, 1);
      assert.equal(r.total, 4);
      assert.ok(r.notices.some((n) => /rebuilt from the 3 images/.test(n)));
      assert.equal(read(join(out, 'd_0002.txt')), 'ohwx, typed by hand');
      assert.ok(ls(out).includes('d_0004.png'));
      unlinkSync(join(out, 'session.json'));
      unlinkSync(join(out, 'session.json.bak'));
      const again = await stageDataset(src, { ...o, onExisting: 'restart' });
      assert.ok(
        again.backupFolder && ls(again.backupFolder).includes('d_0002.txt'),
        'the old folder is ' + 'kept aside, nothing deleted',
      );
      assert.equal(again.staged, 4);
    },
  );
});
