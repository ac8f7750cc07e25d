// Issue 9, case 3: session.json edited by another program (an editor, a script: they take no lock) in the instant
// between a save's read of the file and its write. Through the fs seam the outside write lands exactly there, just
// before the save's first link or rename of session.json: the outside change is merged, never written over.
import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFs, type FsLike } from '../../../../src/extension/dataset/io/fsLike';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, tempDir } from '../helpers';

/** The real fs, calling `outside` (once, when armed) just before the first rename or link onto `path`. */
function outsideBefore(path: string) {
  const hook: { armed?: () => void } = {};
  const before = (from: unknown, to: unknown) => {
    if ((from === path || to === path) && hook.armed) {
      const f = hook.armed;
      hook.armed = undefined;
      f();
    }
  };
  const fs: FsLike = {
    ...nodeFs,
    rename: (async (from: string, to: string) => {
      before(from, to);
      await nodeFs.rename(from, to);
    }) as FsLike['rename'],
    link: (async (from: string, to: string) => {
      before(from, to);
      await nodeFs.link(from, to);
    }) as FsLike['link'],
  };
  return { fs, hook };
}

/** A hand edit of session.json: the first image marked favourite, written in place or as a copy renamed over. */
const edits: Record<string, (path: string) => void> = {
  'in place': (path) => writeFileSync(path, markFirst(readFileSync(path, 'utf8'))),
  'as a copy renamed over': (path) => {
    writeFileSync(`${path}.copy`, markFirst(readFileSync(path, 'utf8')));
    renameSync(`${path}.copy`, path);
  },
};

function markFirst(text: string): string {
  const s = JSON.parse(text);
  s.images[0].favourite = true;
  return JSON.stringify(s, null, 2);
}

describe('session.json edited outside in the instant of a save (issue 9, case 3)', () => {
  for (const [how, edit] of Object.entries(edits)) {
    it(`a hand edit made ${how} between the save's read and its write is merged, not written over`, async () => {
      const src = tempDir('seswin');
      img(src, 'a.png', 1);
      img(src, 'b.png', 2);
      const out = (await stageDataset(src, opts({ prefix: 's', triggerWord: 'ohwx' }))).outputFolder;
      const path = join(out, 'session.json');
      const { fs, hook } = outsideBefore(path);
      const { dataset } = await Dataset.open(out, { fs, saveDelayMs: 10 });
      let fired = false;
      hook.armed = () => {
        fired = true;
        edit(path);
      };
      dataset.setFlags('s_0002.png', { nsfw: true });
      await dataset.flush();
      assert.ok(fired, 'the outside edit landed inside the save');
      const onDisk = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(onDisk.images[0].favourite, true, 'the hand edit is kept');
      assert.equal(onDisk.images[1].nsfw, true, "the save's own change is there too");
      await dataset.close();
    });
  }
});
