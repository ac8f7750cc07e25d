import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { planForDataset } from '../../../../src/extension/dataset/tags/tagOperations';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, tempDir, text } from '../helpers';

/** A staged dataset of four images in tags style, the first with a caption. */
async function staged(): Promise<string> {
  const src = tempDir('dsrc');
  for (let i = 1; i <= 4; i++) img(src, `i${i}.png`, i);
  text(src, 'i1.txt', 'ohwx, red hair');
  return (await stageDataset(src, opts({ prefix: 'd', triggerWord: 'ohwx', captionStyle: 'tags' }))).outputFolder;
}

const LATIN1 = Buffer.from('ohwx, red hair, caf\xe9 au lait', 'latin1');

describe('files on disk are untrusted: one bad file is reported, the rest of the dataset opens', () => {
  it('a caption that is a folder: named with what to do, never saved over; the others open and save', async () => {
    const out = await staged();
    unlinkSync(join(out, 'd_0002.txt'));
    mkdirSync(join(out, 'd_0002.txt'));
    const { dataset, notices } = await Dataset.open(out);
    assert.equal(dataset.session.images.length, 4);
    assert.equal(dataset.caption('d_0001.png'), 'ohwx, red hair');
    assert.ok(
      notices.some(
        (n) =>
          n.includes(join(out, 'd_0002.txt')) &&
          /is a folder, not a caption file.*Rename or move that folder away/.test(n),
      ),
      notices.join('\n'),
    );
    assert.match(dataset.captionProblem('d_0002.png') ?? '', /is a folder/);
    await assert.rejects(dataset.setCaption('d_0002.png', 'ohwx, hat'), /is a folder.*Nothing was saved/);
    await dataset.setCaption('d_0003.png', 'ohwx, hat');
    assert.equal(read(join(out, 'd_0003.txt')), 'ohwx, hat');
    await dataset.close();
  });

  it(
    'tags.txt that is a folder: the dataset opens, the message names it and says what to do, ' + 'captions still save',
    async () => {
      const out = await staged();
      rmSync(join(out, 'tags.txt'));
      mkdirSync(join(out, 'tags.txt'));
      const { dataset, notices } = await Dataset.open(out);
      assert.ok(
        notices.some(
          (n) =>
            n.startsWith(`${join(out, 'tags.txt')} is a folder, not a text ` + `file`) &&
            /Rename or move it away/.test(n),
        ),
        notices.join('\n'),
      );
      assert.ok(!notices.some((n) => /EISDIR/.test(n)), 'not a bare system error');
      assert.deepEqual(dataset.knownTags(), ['ohwx', 'red hair'], 'the known tags come from the captions');
      await dataset.setCaption('d_0002.png', 'ohwx, hat');
      assert.ok(dataset.knownTags().includes('hat'));
      await dataset.close();
      rmSync(join(out, 'tags.txt'), { recursive: true });
      const again = await Dataset.open(out);
      await again.dataset.close();
      assert.equal(
        read(join(out, 'tags.txt')),
        'ohwx\nred hair\nhat\n',
        'once the folder is ' + 'gone, tags.txt is written again',
      );
    },
  );

  it(
    'a caption that is a link out of the dataset is never read; saving replaces the link, ' + 'never its target',
    async () => {
      const out = await staged();
      const secret = text(tempDir('home'), '.ssh/id_ed25519', 'PRIVATE KEY');
      unlinkSync(join(out, 'd_0002.txt'));
      symlinkSync(secret, join(out, 'd_0002.txt'));
      const { dataset, notices } = await Dataset.open(out);
      assert.equal(dataset.caption('d_0002.png'), '');
      assert.ok(!dataset.knownTags().includes('PRIVATE KEY'));
      assert.ok(
        notices.some(
          (n) => n.includes(join(out, 'd_0002.txt')) && n.includes(secret) && /Replace the link with a copy/.test(n),
        ),
        notices.join('\n'),
      );
      await dataset.setCaption('d_0002.png', 'ohwx, hat');
      assert.equal(read(secret), 'PRIVATE KEY');
      assert.equal(read(join(out, 'd_0002.txt')), 'ohwx, hat');
      assert.equal(dataset.captionProblem('d_0002.png'), undefined);
      await dataset.close();
    },
  );

  it('a staged image that is a link out of the dataset is reported and marked, never read', async () => {
    const out = await staged();
    const mine = img(tempDir('pictures'), 'me.png', 9);
    unlinkSync(join(out, 'd_0003.png'));
    symlinkSync(mine, join(out, 'd_0003.png'));
    const { dataset, notices } = await Dataset.open(out);
    assert.ok(
      notices.some(
        (n) =>
          n.includes(join(out, 'd_0003.png')) &&
          n.includes(mine) &&
          /the export never reads it and leaves it out of the zip/.test(n),
      ),
      notices.join('\n'),
    );
    assert.match(dataset.imageProblem('d_0003.png') ?? '', /symbolic link/);
    assert.equal(dataset.imageProblem('d_0001.png'), undefined);
    await dataset.close();
  });

  it(
    'a caption that is not UTF-8 is shown, but never rewritten: not by a save, not by a tag operation, ' +
      'not into tags.txt',
    async () => {
      const out = await staged();
      text(out, 'd_0002.txt', LATIN1);
      const { dataset, notices } = await Dataset.open(out);
      assert.ok(
        notices.some((n) => n.includes(join(out, 'd_0002.txt')) && /not valid UTF-8/.test(n)),
        notices.join('\n'),
      );
      assert.ok(dataset.caption('d_0002.png').startsWith('ohwx, red hair, caf'), 'shown as read');
      assert.ok(!dataset.knownTags().some((t) => t.includes('\uFFFD')));
      assert.ok(!read(join(out, 'tags.txt')).includes('\uFFFD'));
      await assert.rejects(
        dataset.setCaption('d_0002.png', 'ohwx, red hair'),
        /d_0002\.txt is not valid UTF-8.*Nothing was saved/,
      );
      assert.throws(
        () => planForDataset(dataset, { kind: 'rename', from: 'red hair', to: 'auburn hair' }),
        (e: Error) =>
          e.message.includes(join(out, 'd_0002.txt')) &&
          /Rename "red hair" to "auburn hair" would rewrite 1 caption\(s\) that cannot be rewritten/.test(e.message) &&
          /Nothing was changed/.test(e.message),
      );
      assert.throws(() => planForDataset(dataset, { kind: 'add', tag: 'hdr' }), /d_0002\.txt is not valid UTF-8/);
      assert.deepEqual(
        planForDataset(dataset, { kind: 'remove', tag: 'hat' }),
        [],
        'an operation that ' + 'leaves it alone still plans',
      );
      await dataset.setCaption('d_0003.png', 'ohwx, caf\xe9 au lait');
      await dataset.close();
      assert.deepEqual(readFileSync(join(out, 'd_0002.txt')), LATIN1, 'its bytes are untouched');
      assert.ok(!read(join(out, 'tags.txt')).includes('\uFFFD'));
    },
  );

  it('staging carries a caption that is not UTF-8 over byte for byte and lists none of its tags', async () => {
    const src = tempDir('dsrc');
    img(src, 'a.png', 1);
    text(src, 'a.txt', LATIN1);
    const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx', captionStyle: 'tags' }));
    assert.deepEqual(readFileSync(join(r.outputFolder, 'p_0001.txt')), LATIN1);
    assert.equal(read(join(r.outputFolder, 'tags.txt')), '');
    assert.ok(
      r.notices.some((n) => /a\.txt is not valid UTF-8 text: it was carried over byte for byte/.test(n)),
      r.notices.join('\n'),
    );
  });

  it(
    'a tags.txt that is not UTF-8 keeps its bytes: new tags are appended after them, its broken lines are ' +
      'not known tags',
    async () => {
      const out = await staged();
      const mine = Buffer.from('ohwx\nred hair\ncaf\xe9\n', 'latin1');
      text(out, 'tags.txt', mine);
      const { dataset, notices } = await Dataset.open(out);
      assert.ok(notices.some((n) => /tags\.txt is not valid UTF-8 text/.test(n)));
      assert.deepEqual(dataset.knownTags(), ['ohwx', 'red hair']);
      await dataset.setCaption('d_0002.png', 'ohwx, hat');
      await dataset.close();
      assert.deepEqual(readFileSync(join(out, 'tags.txt')), Buffer.concat([mine, Buffer.from('hat\n')]));
    },
  );
});
