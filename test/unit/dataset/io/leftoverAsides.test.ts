// A caption save killed half-way (replaceIfSame, the fault suite's "rapid caption saves") leaves the caption's second
// name behind, `.<caption>.<pid>_<hex>.lora-aside`. Opening the dataset settles it on real files: where the caption
// is there, the copy goes; where it is gone (renamed aside, on a drive without links), it comes back; a copy of a
// save still running in another process is left alone.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, tempDir } from '../helpers';

/** The id of a process that has ended (a save killed with it). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;
const asides = (out: string) => readdirSync(out).filter((n) => n.endsWith('.lora-aside'));

describe('copies a killed caption save left aside', () => {
  it('are removed beside their caption, put back where the caption is gone, and left alone while their save runs', async () => {
    const src = tempDir('aside');
    for (let i = 1; i <= 3; i++) img(src, `i${i}.png`, i);
    const out = (await stageDataset(src, opts({ prefix: 'd', triggerWord: 'ohwx', captionStyle: 'tags' })))
      .outputFolder;
    for (let i = 1; i <= 3; i++) writeFileSync(join(out, `d_000${i}.txt`), `ohwx, caption ${i}`);
    // 1: killed after the second name was made (a hard link): the caption is there too.
    linkSync(join(out, 'd_0001.txt'), join(out, `.d_0001.txt.${deadPid()}_0a1b2c3d.lora-aside`));
    // 2: killed on a drive without links, after the caption was renamed aside and before a file took its place.
    renameSync(join(out, 'd_0002.txt'), join(out, `.d_0002.txt.${deadPid()}_4e5f6a7b.lora-aside`));
    // 3: a save in flight in another process that is still running (this test's parent, say).
    const running = `.d_0003.txt.${process.ppid}_8c9d0e1f.lora-aside`;
    linkSync(join(out, 'd_0003.txt'), join(out, running));
    // 3b: one of this very process's saves, in flight while the same dataset is opened again here (a run writing).
    const mine = `.d_0003.txt.${process.pid}_2a3b4c5d.lora-aside`;
    linkSync(join(out, 'd_0003.txt'), join(out, mine));

    const { dataset, notices } = await Dataset.open(out);
    try {
      assert.deepEqual(
        [1, 2, 3]
          .map((i) => dataset.session.images[i - 1]!.file)
          .map((f) => [f, read(join(out, f.replace('.png', '.txt')))]),
        [
          ['d_0001.png', 'ohwx, caption 1'],
          ['d_0002.png', 'ohwx, caption 2'],
          ['d_0003.png', 'ohwx, caption 3'],
        ],
      );
      assert.equal(dataset.caption('d_0002.png'), 'ohwx, caption 2');
      assert.ok(
        notices.some((n) => /d_0002\.txt: put back from the copy that a stopped save had set aside/.test(n)),
        notices.join(' | '),
      );
      assert.ok(existsSync(join(out, 'd_0002.txt')));
    } finally {
      await dataset.close();
    }
    // (tags.txt keeps a second name of its own while the dataset is open, read again by its next write: gone on close.)
    assert.deepEqual(asides(out).sort(), [running, mine].sort());
  });
});
