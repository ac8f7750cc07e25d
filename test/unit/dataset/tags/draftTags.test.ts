// A tag joins tags.txt when it is committed, not at each pause while it is typed (draftTags.ts): the panel's saves
// at typing pauses through the real PanelSaves and Dataset, in both caption styles, read back from tags.txt on disk.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { PanelSaves } from '../../../../src/extension/dataset/session/panelSaves';
import { parseTagsFile } from '../../../../src/extension/dataset/tags/tagsFile';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import type { CaptionStyle } from '../../../../src/shared/model';
import { img, opts, read, tempDir } from '../helpers';

async function open(style: CaptionStyle) {
  const src = tempDir('draft');
  for (let i = 1; i <= 2; i++) img(src, `i${i}.png`, i);
  const out = (await stageDataset(src, opts({ prefix: 'd', triggerWord: 'ohwx', captionStyle: style }))).outputFolder;
  const { dataset } = await Dataset.open(out, { saveDelayMs: 5 });
  const saves = new PanelSaves(dataset);
  let seq = 0;
  /** Saves as the panel does: at a pause in typing (`typing`), or committed (a chip, Ctrl+S, leaving the image). */
  const save = async (text: string, typing: boolean) => {
    const r = await saves.save('d_0001.png', text, dataset.captionRev('d_0001.png'), ++seq, undefined, typing);
    assert.ok(r.saved);
  };
  const tags = () => parseTagsFile(read(join(out, 'tags.txt')));
  return { dataset, save, tags };
}

describe('tags.txt and half-typed tags', function () {
  // Each test stages a dataset (sharp) and saves through the real engine: seconds on a loaded machine, more than
  // mocha's default 2 s when the file runs without the unit config (--no-config).
  this.timeout(20_000);
  it('tags style: a tag typed with pauses joins tags.txt once a comma follows it or the caption is saved', async () => {
    const { dataset, save, tags } = await open('tags');
    for (const t of ['ohwx, r', 'ohwx, red h', 'ohwx, red hai']) await save(t, true);
    assert.deepEqual(tags(), ['ohwx'], 'no half-typed tag in tags.txt');
    await save('ohwx, red hair, ', true);
    await save('ohwx, red hair, smi', true);
    assert.deepEqual(tags(), ['ohwx', 'red hair'], 'a tag followed by a comma is complete');
    await save('ohwx, red hair, smile', false);
    assert.deepEqual(tags(), ['ohwx', 'red hair', 'smile'], 'a committed save lists its last tag');
    await dataset.close();
  });

  it('natural style: the tag tail being typed waits, and moving to another image commits it', async () => {
    const { dataset, save, tags } = await open('natural');
    await save('ohwx A woman reading in a park., soft light, film gr', true);
    assert.deepEqual(tags(), ['ohwx', 'soft light']);
    await save('ohwx A woman reading in a park., soft light, film grain', true);
    dataset.select('d_0002.png');
    while (!tags().includes('film grain')) await new Promise((r) => setImmediate(r));
    assert.deepEqual(tags(), ['ohwx', 'soft light', 'film grain']);
    await dataset.close();
  });

  it('a half-typed tag left half-typed, then deleted, never reaches tags.txt; closing commits what is left', async () => {
    const { dataset, save, tags } = await open('tags');
    await save('ohwx, blu', true);
    await save('ohwx, ', true);
    await save('ohwx, smile', true);
    await dataset.close();
    assert.deepEqual(tags(), ['ohwx', 'smile']);
  });
});
