/** Removing byte-order marks and line breaks from captions (the check's BOM and CRLF findings), as one undo step. */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { checkTarget } from '../../../../src/extension/dataset/export/targets';
import {
  applyTagOperation,
  cleanCaptionText,
  planForDataset,
  undoLastTagOperation,
} from '../../../../src/extension/dataset/tags/tagOperations';
import { img, opts, tempDir } from '../helpers';

describe('Remove byte-order marks and line breaks', () => {
  it('leaves a clean caption exactly as it is, spaces and all', () => {
    assert.equal(cleanCaptionText('ohwx,  red hair '), 'ohwx,  red hair ');
    assert.equal(cleanCaptionText('\uFEFFohwx, red hair'), 'ohwx, red hair');
    assert.equal(cleanCaptionText('ohwx, a woman.\r\n\r\nfilm grain\r'), 'ohwx, a woman. film grain');
  });

  it('fixes what the check reports in one step, which undo takes back (the mark restored)', async () => {
    const src = tempDir('clean');
    for (let i = 1; i <= 3; i++) img(src, `i${i}.png`, i);
    const { outputFolder: out } = await stageDataset(
      src,
      opts({ prefix: 'k', triggerWord: 'ohwx', captionStyle: 'tags' }),
    );
    const bytes = ['\uFEFFohwx, red hair', 'ohwx, smile\r\nfreckles', 'ohwx, blue eyes'];
    bytes.forEach((b, i) => writeFileSync(join(out, `k_000${i + 1}.txt`), b));
    let { dataset } = await Dataset.open(out);
    const images = () => dataset.session.images.map((i) => ({ file: i.file, caption: dataset.caption(i.file) }));
    const rules = () =>
      checkTarget('kohya', { triggerWord: 'ohwx', captionStyle: 'tags', images: images() })
        .map((f) => f.rule)
        .filter((r) => r === 'kohya-bom' || r === 'kohya-multi-line')
        .sort();
    assert.deepEqual(rules(), ['kohya-bom', 'kohya-multi-line']);
    const op = { kind: 'clean' } as const;
    const changes = planForDataset(dataset, op);
    assert.deepEqual(
      changes.map((c) => c.file),
      ['k_0001.png', 'k_0002.png'],
    );
    const applied = await applyTagOperation(dataset, op, changes);
    assert.equal(applied.label, 'Remove byte-order marks and line breaks');
    assert.equal(readFileSync(join(out, 'k_0001.txt'), 'utf8'), 'ohwx, red hair');
    assert.equal(readFileSync(join(out, 'k_0002.txt'), 'utf8'), 'ohwx, smile freckles');
    assert.equal(readFileSync(join(out, 'k_0003.txt'), 'utf8'), 'ohwx, blue eyes', 'a clean caption is not written');
    assert.deepEqual(rules(), []);
    await dataset.close();
    ({ dataset } = await Dataset.open(out));
    const undone = await undoLastTagOperation(dataset);
    assert.equal(undone.label, 'Remove byte-order marks and line breaks');
    assert.deepEqual(undone.restored.sort(), ['k_0001.png', 'k_0002.png']);
    assert.equal(readFileSync(join(out, 'k_0001.txt'), 'utf8'), '\uFEFFohwx, red hair');
    // Every caption write puts a caption on one line (Dataset.setCaption), undo's too: the text comes back, the break
    // as a space.
    assert.equal(readFileSync(join(out, 'k_0002.txt'), 'utf8'), 'ohwx, smile freckles');
    await dataset.close();
  });
});
