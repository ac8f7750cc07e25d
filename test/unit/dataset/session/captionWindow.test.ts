// Issue 9, case 5: a caption changed by another program in the instant between the save's look at the file and
// its write. Through the fs seam, the outside write lands exactly there (after the stamp check, before the file is
// replaced), and late, through a handle the other program opened before: the outside edit stays on disk, the save
// is refused with what the file holds, and a save made from that text then goes in.
import { strict as assert } from 'node:assert';
import { appendFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeFs, type FsLike } from '../../../../src/extension/dataset/io/fsLike';
import { CaptionConflictError } from '../../../../src/extension/dataset/session/captionRevisions';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, tempDir } from '../helpers';

/** The real fs, calling `outside` (once, when armed) just before the first rename or link that touches `path`. */
function outsideBefore(path: string) {
  const hook: { armed?: () => Promise<void> | void } = {};
  const before = async (from: unknown, to: unknown) => {
    if ((from === path || to === path) && hook.armed) {
      const f = hook.armed;
      hook.armed = undefined;
      await f();
    }
  };
  const fs: FsLike = {
    ...nodeFs,
    readBytesSync: undefined,
    rename: (async (from: string, to: string) => {
      await before(from, to);
      await nodeFs.rename(from, to);
    }) as FsLike['rename'],
    link: (async (from: string, to: string) => {
      await before(from, to);
      await nodeFs.link(from, to);
    }) as FsLike['link'],
  };
  return { fs, hook };
}

async function staged() {
  const src = tempDir('capwin');
  img(src, 'a.png', 1);
  const out = (await stageDataset(src, opts({ prefix: 'c', triggerWord: 'ohwx', captionStyle: 'tags' }))).outputFolder;
  return { out, path: join(out, 'c_0001.txt') };
}

const writers: Record<string, (path: string) => void> = {
  append: (path) => appendFileSync(path, ', by hand'),
  'truncate and write': (path) => writeFileSync(path, 'ohwx, by hand', { flag: 'w' }),
  'write a copy and rename it over': (path) => {
    writeFileSync(`${path}.copy`, 'ohwx, by hand');
    renameSync(`${path}.copy`, path);
  },
};

describe('a caption changed outside in the instant of a save (issue 9, case 5)', () => {
  for (const [how, write] of Object.entries(writers)) {
    it(`"${how}" between the check and the write: the outside edit stays and the save is refused`, async () => {
      const { out, path } = await staged();
      const { fs, hook } = outsideBefore(path);
      const { dataset } = await Dataset.open(out, { fs });
      const outside = () => {
        write(path);
        return read(path);
      };
      let written = '';
      hook.armed = () => void (written = outside());
      const refused = await dataset.setCaption('c_0001.png', 'ohwx, typed in the panel').then(
        () => assert.fail('the save should have been refused'),
        (err: unknown) => err,
      );
      assert.ok(refused instanceof CaptionConflictError, String(refused));
      assert.equal(read(path), written, 'the outside edit is on disk');
      assert.equal(refused.text, written);
      assert.equal(dataset.caption('c_0001.png'), written);
      // Made from the outside change, the save goes in.
      await dataset.setCaption('c_0001.png', 'ohwx, typed in the panel', { base: refused.rev });
      assert.equal(read(path), 'ohwx, typed in the panel');
      await dataset.close();
      assert.deepEqual(
        readdirSync(out).filter((n) => /\.lora-(tmp|aside)$|\.copy$/.test(n)),
        [],
      );
    });
  }

  it('late: a write through a handle opened before the save, landing as the new file goes in, is put back', async () => {
    const { out, path } = await staged();
    let editor: FileHandle | undefined;
    const { fs, hook } = outsideBefore(path);
    // The other program opens the file just before the save looks at it, and writes just as ours replaces it.
    hook.armed = async () => {
      editor = await openFile(path, 'r+');
      hook.armed = async () => {
        await editor!.write('ohwx, held up', 0);
        await editor!.truncate('ohwx, held up'.length);
        await editor!.close();
      };
    };
    const { dataset } = await Dataset.open(out, { fs });
    const refused = await dataset.setCaption('c_0001.png', 'ohwx, typed in the panel').then(
      () => assert.fail('the save should have been refused'),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof CaptionConflictError, String(refused));
    assert.equal(read(path), 'ohwx, held up');
    assert.equal(dataset.caption('c_0001.png'), 'ohwx, held up');
    await dataset.close();
  });
});
