import { strict as assert } from 'node:assert';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { parseSession } from '../../../../src/extension/dataset/session/sessionFile';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, snapshot, tempDir, text } from '../helpers';

/** Captions and images only: session.json and tags.txt are expected to change on open. */
const captionsAndImages = (rel: string) => rel.startsWith('session') || rel === 'tags.txt';

describe('a session restored from session.json.bak that still holds the staging plan', () => {
  const cases = [
    { name: 'after staging, session.json deleted', damage: 'delete', add: false },
    { name: 'after staging, session.json truncated', damage: 'truncate', add: false },
    { name: 'after "Add new images", session.json deleted', damage: 'delete', add: true },
  ] as const;
  for (const c of cases) {
    it(`${c.name}: no caption written meanwhile is reset, and the notice says what happened`, async () => {
      const src = tempDir('src');
      for (let i = 1; i <= 4; i++) img(src, `i${i}.png`, i);
      text(src, 'i1.txt', 'ohwx, from the source');
      const o = opts({ prefix: 'd', triggerWord: 'ohwx', captionStyle: 'tags' });
      let r = await stageDataset(src, o);
      if (c.add) {
        img(src, 'i5.png', 5);
        img(src, 'i6.png', 6);
        r = await stageDataset(src, { ...o, onExisting: 'add' });
      }
      const out = r.outputFolder;
      assert.ok(parseSession(read(join(out, 'session.json.bak'))).staging, 'the backup still holds the plan');
      // Written meanwhile by the batch API, the CLI or another tool.
      const touched = c.add ? ['d_0005.txt', 'd_0006.txt'] : ['d_0001.txt', 'd_0002.txt'];
      for (const f of touched) text(out, f, `ohwx, written meanwhile into ${f}`);
      const before = snapshot(out, captionsAndImages);
      if (c.damage === 'delete') unlinkSync(join(out, 'session.json'));
      else writeFileSync(join(out, 'session.json'), read(join(out, 'session.json')).slice(0, 40));

      const { dataset, notices } = await Dataset.open(out);
      await dataset.close();
      assert.deepEqual(snapshot(out, captionsAndImages), before, 'no image or caption was rewritten');
      for (const f of touched)
        assert.equal(dataset.caption(f.replace('.txt', '.png')), `ohwx, written meanwhile into ${f}`);
      assert.equal(dataset.session.staging, undefined);
      assert.ok(
        notices.some((n) => /restored from session\.json\.bak/.test(n)),
        notices.join('\n'),
      );
      assert.ok(
        notices.some((n) =>
          /plan .*had already been carried out: nothing was copied, and no caption was rewritten/.test(n),
        ),
        notices.join('\n'),
      );
      assert.ok(
        !notices.some((n) => /interrupted staging run was finished/.test(n)),
        'it does not ' + 'claim to have finished a run',
      );
      assert.ok(
        read(join(out, 'tags.txt')).includes(`written meanwhile into ${touched[1]}`),
        'their tags are known tags',
      );
    });
  }

  it('an interrupted run re-run by Start keeps a caption already on disk and says how many it kept', async () => {
    const src = tempDir('src');
    for (let i = 1; i <= 3; i++) img(src, `i${i}.png`, i);
    const o = opts({ prefix: 'd', triggerWord: 'ohwx' });
    const r = await stageDataset(src, o);
    const out = r.outputFolder;
    text(out, 'd_0003.txt', 'ohwx, typed meanwhile');
    unlinkSync(join(out, 'd_0002.png'));
    unlinkSync(join(out, 'd_0002.txt'));
    unlinkSync(join(out, 'session.json'));
    const again = await stageDataset(src, o);
    assert.equal(read(join(out, 'd_0003.txt')), 'ohwx, typed meanwhile');
    assert.equal(read(join(out, 'd_0002.txt')), 'ohwx');
    assert.equal(again.staged, 1);
    assert.ok(
      again.notices.some((n) =>
        /finished: 1 of 3 images staged now, 2 were already in place; 2 caption\(s\) already on disk were kept as they are/.test(
          n,
        ),
      ),
      again.notices.join('\n'),
    );
  });
});
