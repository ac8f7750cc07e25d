// The host's `captions/changed` batches (a dataset-wide operation's captions, many at once): each caption by the
// same revision rules as one `caption/changed`, and the whole batch taken in with one change event (one render).
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';
import { posted, clearPosted, send } from './harness.mjs';

const captionValue = (p) => p.getByRole('textbox', { name: 'Caption text', exact: true }).inputValue();
const captions = (p) => p.evaluate(() => window.loraTagger.store.model.images.map((im) => im.caption));
/** Counts the store's change events from now on (each is one render of the panel). */
const countChanges = (p) =>
  p.evaluate(() => {
    window.__changes = 0;
    window.loraTagger.store.addEventListener('change', () => window.__changes++);
  });
let marks = 0;
/** Waits until the page has handled every host message sent so far. */
async function handled(p) {
  const message = `handled ${++marks}`;
  await send(p, { type: 'status', kind: 'info', message });
  await p.getByRole('status').filter({ hasText: message }).waitFor();
}

describe('caption changes in batches', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('takes a batch of captions with one change event, a stale entry never replacing a newer text', async () => {
    p = await open(['ohwx, a', 'ohwx, b', 'ohwx, c', 'ohwx, d', 'ohwx, e', 'ohwx, f']);
    await send(p, { type: 'caption/changed', file: 'test_0003.png', text: 'ohwx, c, newer', rev: 20 });
    await handled(p);
    await countChanges(p);
    await send(p, {
      type: 'captions/changed',
      changes: [
        { file: 'test_0001.png', text: 'ohwx, a, zebra', rev: 5 },
        { file: 'test_0002.png', text: 'ohwx, b, zebra', rev: 5 },
        // Older than what the panel has (rev 20): left unseen.
        { file: 'test_0003.png', text: 'ohwx, c, stale', rev: 4 },
        { file: 'test_0005.png', text: 'ohwx, e, zebra', rev: 5 },
        { file: 'test_0006.png', text: 'ohwx, f, zebra', rev: 5 },
        // Not an image of this dataset (any more): ignored.
        { file: 'test_0099.png', text: 'ohwx, gone', rev: 5 },
      ],
    });
    await p
      .getByRole('list', { name: 'Tag palette', exact: true })
      .getByRole('button', { name: 'zebra', exact: true })
      .waitFor();
    assert.equal(await p.evaluate(() => window.__changes), 1, 'one change event for the whole batch');
    assert.deepEqual(await captions(p), [
      'ohwx, a, zebra',
      'ohwx, b, zebra',
      'ohwx, c, newer',
      'ohwx, d',
      'ohwx, e, zebra',
      'ohwx, f, zebra',
    ]);
    assert.equal(await captionValue(p), 'ohwx, a, zebra');
    // The same revision again (a batch re-sent) changes nothing.
    await send(p, { type: 'captions/changed', changes: [{ file: 'test_0001.png', text: 'ohwx, other', rev: 5 }] });
    await handled(p);
    assert.equal(await captionValue(p), 'ohwx, a, zebra');
  });

  it("keeps the current image's typing one undo step back when a batch changes it, and saves nothing over it", async () => {
    p = await open(['ohwx, a', 'ohwx, b', 'ohwx, c']);
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', mine');
    await clearPosted(p);
    await send(p, {
      type: 'captions/changed',
      changes: [
        { file: 'test_0002.png', text: 'ohwx, b, all', rev: 3 },
        { file: 'test_0001.png', text: 'ohwx, a, all', rev: 3 },
        { file: 'test_0003.png', text: 'ohwx, c, all', rev: 3 },
      ],
    });
    await p.getByRole('status').filter({ hasText: 'changed outside the panel' }).filter({ hasText: 'Undo' }).waitFor();
    assert.equal(await captionValue(p), 'ohwx, a, all');
    assert.deepEqual(await posted(p, 'caption/update'), [], 'the typed text was not saved over the batch');
    await area.focus();
    await p.keyboard.press('Control+z');
    assert.equal(await captionValue(p), 'ohwx, a, mine');
    assert.deepEqual((await captions(p)).slice(1), ['ohwx, b, all', 'ohwx, c, all']);
  });
});
