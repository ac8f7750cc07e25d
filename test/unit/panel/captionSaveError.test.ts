// The panel's message for a failed caption save says what is true for its cause (captionSaveError.ts): the real
// Dataset refusing a caption file that is a folder or not UTF-8, and a full disk simulated through an injected fs.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../src/extension/dataset/staging/stage';
import { captionSaveError } from '../../../src/extension/panel/captionSaveError';
import { img, opts, sysError, tempDir, text, trapFs } from '../dataset/helpers';

async function staged(): Promise<string> {
  const src = tempDir('saveerr');
  for (let i = 1; i <= 2; i++) img(src, `i${i}.png`, i);
  return (await stageDataset(src, opts({ prefix: 'e', triggerWord: 'ohwx', captionStyle: 'tags' }))).outputFolder;
}

/** The message the panel shows for a save of `e_0001.png`'s caption in `ds`. */
async function messageOf(ds: Dataset): Promise<string> {
  const err = await ds.setCaption('e_0001.png', 'ohwx, typed').then(
    () => assert.fail('the save should have failed'),
    (e: unknown) => e,
  );
  return captionSaveError('e_0001.png', err);
}

const SPACE_OR_PERMISSIONS = /free some space|permission/i;

describe("the panel's message for a caption it could not save", () => {
  it('a caption that is a folder: says to move the folder away, then Ctrl+S; not disk space or permissions', async () => {
    const out = await staged();
    rmSync(join(out, 'e_0001.txt'));
    mkdirSync(join(out, 'e_0001.txt'));
    const { dataset } = await Dataset.open(out);
    const m = await messageOf(dataset);
    assert.match(m, /^Could not save the caption of e_0001\.png: .*e_0001\.txt is a folder/);
    assert.match(m, /Rename or move that folder away/);
    assert.match(m, /Nothing was saved\. Your text is still in the panel; once that is done, press Ctrl\+S/);
    assert.doesNotMatch(m, SPACE_OR_PERMISSIONS);
    await dataset.close();
  });

  it('a caption that is not UTF-8: says it is never rewritten and how to re-save it; not disk space', async () => {
    const out = await staged();
    text(out, 'e_0001.txt', Buffer.from('ohwx, caf\xe9', 'latin1'));
    const { dataset } = await Dataset.open(out);
    const m = await messageOf(dataset);
    assert.match(m, /e_0001\.txt is not valid UTF-8 text/);
    assert.match(m, /copy it if you want to keep it, then re-save the file as UTF-8\.$/);
    assert.doesNotMatch(m, SPACE_OR_PERMISSIONS);
    await dataset.close();
  });

  it('a full disk: the write failure with its own advice (free some space), and Ctrl+S to save again', async () => {
    const out = await staged();
    let full = true;
    const t = trapFs((m, a) =>
      full && m === 'handle.writeFile' && String(a[0]).includes('e_0001.txt')
        ? sysError('ENOSPC', 'write', String(a[0]))
        : undefined,
    );
    const { dataset } = await Dataset.open(out, { fs: t.fs });
    const m = await messageOf(dataset);
    assert.match(m, /disk is full: free some space/);
    assert.match(m, /press Ctrl\+S to save it again\.$/);
    assert.doesNotMatch(m, /\.\./);
    full = false;
    await dataset.setCaption('e_0001.png', 'ohwx, saved now');
    await dataset.close();
  });
});
