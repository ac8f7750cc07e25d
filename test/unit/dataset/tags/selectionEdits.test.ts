import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { applySelectionEdit, planSelectionEdit } from '../../../../src/extension/dataset/tags/selectionEdits';
import { undoLastTagOperation } from '../../../../src/extension/dataset/tags/tagOperations';
import { readUndoHistory } from '../../../../src/extension/dataset/tags/tagUndo';
import { img, opts, read, tempDir } from '../helpers';

async function staged(style: 'tags' | 'natural' = 'tags'): Promise<Dataset> {
  const src = tempDir('sel');
  for (let i = 1; i <= 4; i++) img(src, `i${i}.png`, i);
  const out = (await stageDataset(src, opts({ prefix: 's', triggerWord: 'ohwx', captionStyle: style }))).outputFolder;
  return (await Dataset.open(out)).dataset;
}

describe('selection edits (the panel applies one edit to the selected images)', () => {
  it('adds a tag to the chosen images only, as one undo step that undo takes back', async () => {
    const ds = await staged();
    try {
      const files = ['s_0001.png', 's_0003.png', 's_0004.png'];
      const r = await applySelectionEdit(ds, { kind: 'add', tag: 'red hair' }, files);
      assert.equal(r.label, 'Add "red hair"');
      assert.deepEqual(
        r.changes.map((c) => c.file),
        files,
      );
      for (const f of files) assert.equal(read(join(ds.outputFolder, f.replace('.png', '.txt'))), 'ohwx, red hair');
      assert.equal(read(join(ds.outputFolder, 's_0002.txt')), 'ohwx');
      assert.equal((await readUndoHistory(ds.outputFolder)).length, 1);
      const u = await undoLastTagOperation(ds);
      assert.deepEqual(u.restored, files);
      for (const f of files) assert.equal(read(join(ds.outputFolder, f.replace('.png', '.txt'))), 'ohwx');
    } finally {
      await ds.close();
    }
  });

  it('never undoes a caption edited after the step', async () => {
    const ds = await staged();
    try {
      await applySelectionEdit(ds, { kind: 'addMany', tags: ['a', 'b', 'ohwx'] }, ['s_0001.png', 's_0002.png']);
      assert.equal(read(join(ds.outputFolder, 's_0001.txt')), 'ohwx, a, b');
      await ds.setCaption('s_0002.png', 'ohwx, a, b, mine');
      const u = await undoLastTagOperation(ds);
      assert.deepEqual(u.restored, ['s_0001.png']);
      assert.deepEqual(u.skipped, ['s_0002.png']);
      assert.equal(read(join(ds.outputFolder, 's_0002.txt')), 'ohwx, a, b, mine');
    } finally {
      await ds.close();
    }
  });

  it('renames and removes within the selection, and applies another image caption', async () => {
    const ds = await staged();
    try {
      await applySelectionEdit(ds, { kind: 'add', tag: 'x' }, ['s_0001.png', 's_0002.png', 's_0003.png']);
      await applySelectionEdit(ds, { kind: 'rename', from: 'x', to: 'y' }, ['s_0001.png', 's_0002.png']);
      await applySelectionEdit(ds, { kind: 'remove', tag: 'x' }, ['s_0003.png']);
      assert.equal(read(join(ds.outputFolder, 's_0001.txt')), 'ohwx, y');
      assert.equal(read(join(ds.outputFolder, 's_0003.txt')), 'ohwx');
      const c = await applySelectionEdit(ds, { kind: 'copyCaption', from: 's_0001.png' }, ['s_0003.png', 's_0004.png']);
      assert.equal(c.label, 'Apply the caption of s_0001.png');
      assert.equal(read(join(ds.outputFolder, 's_0004.txt')), 'ohwx, y');
      assert.equal((await readUndoHistory(ds.outputFolder)).length, 4);
    } finally {
      await ds.close();
    }
  });

  it('appends to the tag tail of prose captions', async () => {
    const ds = await staged('natural');
    try {
      await ds.setCaption('s_0001.png', 'ohwx woman stands in a quiet field at dusk');
      await applySelectionEdit(ds, { kind: 'add', tag: 'film grain' }, ['s_0001.png']);
      assert.equal(
        read(join(ds.outputFolder, 's_0001.txt')),
        'ohwx woman stands in a quiet field at dusk., film grain',
      );
    } finally {
      await ds.close();
    }
  });

  it('refuses a file outside the dataset and the trigger word, writing nothing', async () => {
    const ds = await staged();
    try {
      assert.throws(
        () => planSelectionEdit(ds, { kind: 'add', tag: 'a' }, ['s_0001.png', 's_0099.png']),
        /s_0099\.png is not an image/,
      );
      assert.throws(() => planSelectionEdit(ds, { kind: 'remove', tag: 'ohwx' }, ['s_0001.png']), /trigger word/);
      assert.deepEqual(await readUndoHistory(ds.outputFolder), []);
      assert.equal(read(join(ds.outputFolder, 's_0001.txt')), 'ohwx');
    } finally {
      await ds.close();
    }
  });
});
