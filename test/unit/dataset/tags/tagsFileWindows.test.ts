// Issue 9, case 3: a program that takes no lock (an editor, a script) writing tags.txt at the worst instant of a
// save. Each test puts the outside write exactly in one window of the replace, through the fs seam: just before
// the file is replaced (after it was read and the new one written: the old "compare the stamp, then rename"
// window), right after the new one is in, and late, through a handle the other program opened before the replace. Every line it wrote and every new tag must be in tags.txt after.
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeFs, type FsLike } from '../../../../src/extension/dataset/io/fsLike';
import { ASIDE_SUFFIX } from '../../../../src/extension/dataset/io/swapReplace';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { appendTags, parseTagsFile, settleTagsFile } from '../../../../src/extension/dataset/tags/tagsFile';
import { img, opts, read, tempDir, text } from '../helpers';

type Phase = 'before-replace' | 'after-replace';

/**
 * The real fs, calling `outside` once: just before the first rename or link that moves tags.txt or puts a file at
 * its path ('before-replace'), or just after the call that puts the new file at its path ('after-replace').
 */
function outsideAt(phase: Phase, path: string, outside: () => Promise<void> | void): FsLike {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    await outside();
  };
  const touches = (from: unknown, to: unknown) => from === path || to === path;
  return {
    ...nodeFs,
    readBytesSync: undefined,
    rename: (async (from: string, to: string) => {
      if (phase === 'before-replace' && touches(from, to)) await once();
      await nodeFs.rename(from, to);
      if (phase === 'after-replace' && to === path) await once();
    }) as FsLike['rename'],
    link: (async (from: string, to: string) => {
      if (phase === 'before-replace' && touches(from, to)) await once();
      await nodeFs.link(from, to);
      if (phase === 'after-replace' && to === path) await once();
    }) as FsLike['link'],
  };
}

/** The `before` fs until the new file goes in at `path`, which goes through `after` (so both hooks fire). */
function both(path: string, before: FsLike, after: FsLike): FsLike {
  return {
    ...before,
    rename: (async (from: string, to: string) =>
      to === path ? after.rename(from, to) : before.rename(from, to)) as FsLike['rename'],
    link: (async (from: string, to: string) =>
      to === path ? after.link(from, to) : before.link(from, to)) as FsLike['link'],
  };
}

/** The ways other programs write a file: append in place, truncate and write in place, write a copy and rename it. */
const writers: Record<string, (path: string, line: string) => void> = {
  append: (path, line) => appendFileSync(path, `${line}\n`),
  'truncate and write': (path, line) =>
    writeFileSync(path, `${existsSync(path) ? read(path) : ''}${line}\n`, { flag: 'w' }),
  'write a copy and rename it over': (path, line) => {
    const copy = `${path}.editor-copy`;
    writeFileSync(copy, `${existsSync(path) ? read(path) : ''}${line}\n`);
    renameSync(copy, path);
  },
};

const leftovers = (d: string) => readdirSync(d).filter((n) => /\.lora-(tmp|lock|aside)$|editor-copy/.test(n));

describe('tags.txt: an outside write in any window of a save is kept (issue 9, case 3)', function () {
  this.timeout(20_000);
  for (const phase of ['before-replace', 'after-replace'] as const) {
    for (const [how, write] of Object.entries(writers)) {
      it(`${phase}: a line written by "${how}" stays, and so does every new tag`, async () => {
        const d = tempDir('win');
        const path = text(d, 'tags.txt', 'first\nsecond\n');
        const fs = outsideAt(phase, path, () => write(path, 'by hand'));
        const result = await appendTags(d, ['new one', 'new two'], fs);
        const tags = parseTagsFile(read(path));
        assert.deepEqual(
          ['first', 'second', 'by hand', 'new one', 'new two'].filter((t) => !tags.includes(t)),
          [],
          read(path),
        );
        assert.equal(
          read(path)
            .split('\n')
            .filter((l) => l === 'by hand').length,
          1,
          'the line once',
        );
        await settleTagsFile(d);
        assert.deepEqual(leftovers(d), []);
        // What it returns is what the file lists, for the panel's known tags.
        assert.deepEqual(new Set(result), new Set(tags.filter((t) => t !== 'by hand' || phase === 'before-replace')));
      });
    }
  }

  it('a reader never finds tags.txt missing while it is replaced, even when an outside write makes it merge', async () => {
    const d = tempDir('win');
    const path = text(d, 'tags.txt', 'first\n');
    const seen: boolean[] = [];
    let wrote = false;
    const look = () => seen.push(existsSync(path));
    const fs: FsLike = {
      ...nodeFs,
      readBytesSync: undefined,
      rename: (async (from: string, to: string) => {
        look();
        await nodeFs.rename(from, to);
        look();
      }) as FsLike['rename'],
      link: (async (from: string, to: string) => {
        look();
        await nodeFs.link(from, to);
        look();
        // Once, right after the file was kept: an append that the replace must merge in another round.
        if (!wrote && from === path) appendFileSync(path, 'meanwhile\n');
        wrote = true;
      }) as FsLike['link'],
    };
    await appendTags(d, ['new', 'newer'], fs);
    assert.ok(seen.length >= 8, `${seen.length} looks`);
    assert.deepEqual(
      seen.filter((there) => !there),
      [],
    );
    assert.deepEqual(parseTagsFile(read(path)), ['first', 'new', 'newer', 'meanwhile']);
    await settleTagsFile(d);
    assert.deepEqual(leftovers(d), []);
  });

  it('late: a line written through a handle opened before the save, landing after the new file is in, is kept', async () => {
    const d = tempDir('win');
    const path = text(d, 'tags.txt', 'first\n');
    let editor: FileHandle | undefined;
    const fs = outsideAt('before-replace', path, async () => {
      editor = await open(path, 'a');
    });
    const late = outsideAt('after-replace', path, async () => {
      // The other program's write goes into the file it opened, which is no longer at the path.
      await editor!.write('late line\n');
      await editor!.close();
    });
    await appendTags(d, ['new'], both(path, fs, late));
    assert.deepEqual(parseTagsFile(read(path)), ['first', 'new', 'late line']);
    await settleTagsFile(d);
    assert.deepEqual(leftovers(d), []);
  });

  it('later still: a line written through a handle opened before a save, after it returned, is merged by the next save and by close', async () => {
    for (const settle of ['next save', 'close'] as const) {
      const d = tempDir('win');
      const path = text(d, 'tags.txt', 'first\n');
      let editor: FileHandle | undefined;
      const fs = outsideAt('before-replace', path, async () => {
        editor = await open(path, 'a');
      });
      await appendTags(d, ['new'], fs);
      // The other program, held up between its open and its write, writes into the file it opened.
      await editor!.write('held up\n');
      await editor!.close();
      if (settle === 'next save') await appendTags(d, ['newer']);
      await settleTagsFile(d);
      const want = settle === 'next save' ? ['first', 'new', 'held up', 'newer'] : ['first', 'new', 'held up'];
      assert.deepEqual(new Set(parseTagsFile(read(path))), new Set(want), settle);
      assert.deepEqual(leftovers(d), [], settle);
    }
  });

  it('held up longer: a write into the file an earlier save kept, landing during the next save, is merged', async () => {
    const d = tempDir('win');
    const path = text(d, 'tags.txt', 'first\n');
    let editor: FileHandle | undefined;
    await appendTags(
      d,
      ['new'],
      outsideAt('before-replace', path, async () => {
        editor = await open(path, 'a');
      }),
    );
    // The second save has read the kept file again by the time it replaces tags.txt: the write lands then.
    await appendTags(
      d,
      ['newer'],
      outsideAt('before-replace', path, async () => {
        await editor!.write('held up\n');
        await editor!.close();
      }),
    );
    await appendTags(d, ['newest']);
    await settleTagsFile(d);
    assert.deepEqual(new Set(parseTagsFile(read(path))), new Set(['first', 'new', 'newer', 'held up', 'newest']));
    assert.deepEqual(leftovers(d), []);
  });

  it('a run of saves keeps at most the old files of the last two, and close removes them', async () => {
    const d = tempDir('win');
    const path = text(d, 'tags.txt', 'first\n');
    const counts: number[] = [];
    const reads: number[] = [];
    let n = 0;
    const fs: FsLike = {
      ...nodeFs,
      readBytesSync: undefined,
      readFile: ((...a: Parameters<FsLike['readFile']>) => (n++, nodeFs.readFile(...a))) as FsLike['readFile'],
    };
    for (let i = 0; i < 12; i++) {
      n = 0;
      await appendTags(d, [`tag ${i}`], fs);
      counts.push(leftovers(d).length);
      reads.push(n);
    }
    assert.ok(Math.max(...counts) <= 2, String(counts));
    // tags.txt itself, the file just kept (twice), and the two kept before (twice each): no more, however many saves.
    assert.ok(Math.max(...reads) <= 7, `reads per save: ${reads}`);
    await settleTagsFile(d);
    assert.deepEqual(leftovers(d), []);
    assert.equal(parseTagsFile(read(path)).length, 13);
  });

  it('two outside appends, one just before the replace and one just after it: both lines stay', async () => {
    const d = tempDir('win');
    const path = text(d, 'tags.txt', 'first\n');
    const before = outsideAt('before-replace', path, () => appendFileSync(path, 'one\n'));
    const after = outsideAt('after-replace', path, () => appendFileSync(path, 'two\n'));
    await appendTags(d, ['new'], both(path, before, after));
    const tags = parseTagsFile(read(path));
    assert.deepEqual(
      ['first', 'one', 'two', 'new'].filter((t) => !tags.includes(t)),
      [],
      read(path),
    );
    await settleTagsFile(d);
    assert.deepEqual(leftovers(d), []);
  });

  it('a save killed while the old file was out of the way: the next open puts every line back', async () => {
    const src = tempDir('win-src');
    img(src, 'a.png', 1);
    const r = await stageDataset(src, opts({ prefix: 'k', triggerWord: 'ohwx', captionStyle: 'tags' }));
    const path = join(r.outputFolder, 'tags.txt');
    const old = read(path);
    // What a writer killed between moving tags.txt aside and putting the new one in leaves: no tags.txt, and the
    // old one under the aside name (with the id of a process that no longer runs).
    renameSync(path, join(r.outputFolder, `.tags.txt.4194999_0badf00d${ASIDE_SUFFIX}`));
    writeFileSync(join(r.outputFolder, 'k_0001.txt'), 'ohwx, since the kill');
    const { dataset } = await Dataset.open(r.outputFolder);
    await dataset.close();
    const tags = parseTagsFile(read(path));
    assert.deepEqual(
      parseTagsFile(old).filter((t) => !tags.includes(t)),
      [],
    );
    assert.ok(tags.includes('since the kill'));
    assert.deepEqual(leftovers(r.outputFolder), []);
  });
});
