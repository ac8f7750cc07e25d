// Issue 9, case 3: the three-way merge of session.json between two writers.
import { strict as assert } from 'node:assert';
import { migrateSession, type Session } from '../../../../src/extension/dataset/session/schema';
import { mergeSession } from '../../../../src/extension/dataset/session/sessionMerge';
import { sampleSession } from '../helpers';

const session = (): Session => migrateSession(sampleSession(3));

describe('session.json three-way merge (issue 9, case 3)', () => {
  it('keeps what each side changed: flags per image, pins and recent tags from both, ours where both did', () => {
    const base = session();
    const ours = session();
    const theirs = session();
    ours.images[0]!.favourite = true;
    ours.pinnedTags = ['a'];
    ours.recentTags = ['x'];
    ours.currentFile = 'cat_0002.png';
    theirs.images[2]!.nsfw = true;
    theirs.images[0]!.status = 'skipped';
    theirs.pinnedTags = ['b'];
    theirs.recentTags = ['y'];
    theirs.currentFile = 'cat_0003.png';
    const record = ours.images[0];
    const r = mergeSession(base, ours, theirs);
    assert.deepEqual(r, { added: [], removed: [] });
    assert.equal(ours.images[0], record, 'the record objects stay (an open dataset holds them)');
    assert.deepEqual(
      ours.images.map((i) => [i.favourite, i.nsfw, i.status]),
      [
        [true, false, 'skipped'],
        [false, false, 'untagged'],
        [false, true, 'untagged'],
      ],
    );
    assert.deepEqual([ours.pinnedTags, ours.recentTags, ours.currentFile], [['a', 'b'], ['x', 'y'], 'cat_0002.png']);
  });

  it('takes images the other side added, drops what it removed, and keeps a removal that met a change', () => {
    const base = session();
    const ours = session();
    const theirs = session();
    theirs.images.push({ ...theirs.images[0]!, file: 'cat_0004.png', source: 'p3.png' });
    theirs.images.splice(1, 1);
    theirs.pinnedTags = [];
    base.pinnedTags = ['gone', 'kept'];
    ours.pinnedTags = ['gone', 'kept', 'new'];
    theirs.pinnedTags = ['kept'];
    // Removed on their side while we changed it: our change stays.
    theirs.images = theirs.images.filter((i) => i.file !== 'cat_0003.png');
    ours.images[2]!.favourite = true;
    const r = mergeSession(base, ours, theirs);
    assert.deepEqual(r, { added: ['cat_0004.png'], removed: ['cat_0002.png'] });
    assert.deepEqual(
      ours.images.map((i) => i.file),
      ['cat_0001.png', 'cat_0003.png', 'cat_0004.png'],
    );
    assert.deepEqual(ours.pinnedTags, ['kept', 'new']);
  });
});
