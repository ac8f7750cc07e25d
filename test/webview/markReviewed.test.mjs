// Mark reviewed (issue 12): a machine caption nobody has reviewed is marked reviewed without editing it, for the
// current image or the selected ones, with the button and with Alt+Shift+V; the `machine` filter term and the
// report's count drop. And the review keys inside text fields with macOS's events: Option+Shift+letter types a
// character there (⌥⇧Y is Á), and the panel acts on the key without typing it. The page's stand-in host answers
// review/markReviewed as TaggingPanel does (the count, then the review state without those images); the real
// engine's markReviewed runs in the real extension host in test/integration/suite/captionRunControls.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAndClose, open } from './context.mjs';
import { asMac, clearPosted, macKey, repoRoot, send, waitPosted } from './harness.mjs';

const store = (p, fn) => p.evaluate(fn);

/** Opens the panel with images 1-4 machine-captioned and not reviewed (and one suggestion, on image 5). */
async function openMachine(opts = {}) {
  const p = await open(['ohwx, a', 'ohwx, b', 'ohwx, c', 'ohwx, d', 'ohwx'], {}, opts);
  await p.evaluate(() => {
    const suggestions = [{ file: 'test_0005.png', text: 'ohwx, hat', provider: 'openai', model: 'qwen-vl' }];
    let unreviewed = ['test_0001.png', 'test_0002.png', 'test_0003.png', 'test_0004.png'];
    window.__replies = {
      'review/markReviewed': (b) => {
        const marked = b.files.filter((f) => unreviewed.includes(f)).length;
        unreviewed = unreviewed.filter((f) => !b.files.includes(f));
        window.__send({ type: 'review/state', suggestions, unreviewed: [...unreviewed] });
        return { marked };
      },
      'suggestion/answer': () => ({ caption: 'ohwx, hat' }),
    };
    window.__send({ type: 'review/state', suggestions, unreviewed: [...unreviewed] });
  });
  const note = p.getByRole('note').filter({ hasText: 'not reviewed yet' });
  await note.waitFor();
  return { p, note };
}

describe('mark reviewed and the review keys in text fields', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('marks the current machine caption reviewed with the button and the key, then a selection, unchanged', async () => {
    let note;
    ({ p, note } = await openMachine());
    await store(p, () => window.loraTagger.store.setImageFilter('query', 'machine'));
    assert.equal(await store(p, () => window.loraTagger.store.filtered.length), 4);
    await store(p, () => window.loraTagger.store.setImageFilter('all', ''));
    const caption = p.getByRole('textbox', { name: 'Caption text', exact: true });

    await p.getByRole('button', { name: 'Mark reviewed', exact: true }).click();
    await waitPosted(p, 'review/markReviewed', (m) => m.files.join() === 'test_0001.png');
    await note.waitFor({ state: 'detached' });
    await p.getByText('Marked the machine caption of test_0001.png reviewed.').waitFor();
    assert.equal(await caption.inputValue(), 'ohwx, a');
    assert.equal(await store(p, () => window.loraTagger.store.model.images[0].machine), false);

    // The key, with the focus in the caption text: nothing is typed, the caption stays as it is.
    await p.keyboard.press('Alt+ArrowRight');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    await note.waitFor();
    await caption.click();
    await clearPosted(p);
    await p.keyboard.press('Alt+Shift+v');
    await waitPosted(p, 'review/markReviewed', (m) => m.files.join() === 'test_0002.png');
    await note.waitFor({ state: 'detached' });
    assert.equal(await caption.inputValue(), 'ohwx, b');
    assert.equal((await store(p, () => window.__posted.filter((m) => m.body.type === 'caption/update'))).length, 0);

    // Several selected: the note counts those of them not reviewed, and the key marks just those.
    await store(p, () => window.loraTagger.store.selection.selectAll([1, 2, 3]));
    await p.getByRole('note').filter({ hasText: '2 of the 3 selected: machine captions, not reviewed yet' }).waitFor();
    const markTwo = p.getByRole('button', { name: 'Mark 2 reviewed', exact: true });
    assert.match(
      await markTwo.getAttribute('title'),
      /selected machine captions reviewed, unchanged \(Alt\+Shift\+V\)/,
    );
    await p.getByRole('button', { name: '3: test_0003.png', exact: false }).focus();
    await clearPosted(p);
    await p.keyboard.press('Alt+Shift+v');
    await waitPosted(p, 'review/markReviewed', (m) => m.files.join() === 'test_0003.png,test_0004.png');
    await p.getByText('Marked the machine captions of 2 images reviewed.').waitFor();
    await markTwo.waitFor({ state: 'detached' });
    // Nothing left to mark here: the key says so and asks nothing of the host.
    await clearPosted(p);
    await p.keyboard.press('Alt+Shift+v');
    await p.getByText('None of the selected images has machine caption waiting for review.').waitFor();
    assert.equal(
      (await store(p, () => window.__posted.filter((m) => m.body.type === 'review/markReviewed'))).length,
      0,
    );

    // The filter term and the report count them no more.
    await store(p, () => window.loraTagger.store.setImageFilter('query', 'machine'));
    assert.equal(await store(p, () => window.loraTagger.store.filtered.length), 0);
    await store(p, () => window.loraTagger.store.setView('report'));
    assert.equal((await p.locator('dt:has-text("AI, not reviewed") + dd').innerText()).trim(), '0');
  });

  for (const theme of ['light', 'dark']) {
    it(`Mark reviewed at 360 px in the ${theme} theme (screenshot)`, async () => {
      ({ p } = await openMachine({ theme, viewport: { width: 360, height: 640 } }));
      const mark = p.getByRole('button', { name: 'Mark reviewed', exact: true });
      const box = await mark.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360, JSON.stringify(box));
      await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', `mark-reviewed-360-${theme}.png`) });
    });
  }

  it('lists Alt+Shift+V in the shortcut list', async () => {
    ({ p } = await openMachine());
    await p.getByRole('button', { name: 'Mark reviewed', exact: true }).focus();
    await p.keyboard.press('?');
    const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Mark the machine caption reviewed[^\n]*\s*Alt\+Shift\+V/);
  });

  it('on macOS, ⌥⇧ review keys act in the caption text and the tag input and type no character (⌥⇧Y is Á)', async () => {
    ({ p } = await openMachine());
    // Chromium on Linux stands in for Chrome on macOS: the page reads the platform as a Mac's, and each key event
    // is the one macOS sends (code KeyY, key Á, and Á as the text it would type).
    const cdp = await asMac(p);
    const caption = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await caption.click();
    await p.keyboard.press('End');
    // ⌥⇧V marks the caption reviewed; its Option character (◊) is not typed.
    await clearPosted(p);
    await macKey(cdp, { key: '◊', code: 'KeyV', vk: 86 });
    await waitPosted(p, 'review/markReviewed', (m) => m.files.join() === 'test_0001.png');
    assert.equal(await caption.inputValue(), 'ohwx, a');
    // The same event path types the character of a ⌥⇧ letter that is no panel key, as on a Mac.
    await macKey(cdp, { key: 'Œ', code: 'KeyQ', vk: 81 });
    await p.waitForFunction(() => window.loraTagger.store.current.caption === 'ohwx, aŒ');
    assert.equal(await caption.inputValue(), 'ohwx, aŒ');
    // ⌥⇧J (Ô) goes to the image with a suggestion, ⌥⇧Y (Á) accepts it, from the tag input.
    const addTag = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await addTag.click();
    await macKey(cdp, { key: 'Ô', code: 'KeyJ', vk: 74 });
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0005.png');
    await addTag.click();
    await clearPosted(p);
    await macKey(cdp, { key: 'Á', code: 'KeyY', vk: 89 });
    await waitPosted(p, 'suggestion/answer', (m) => m.file === 'test_0005.png' && m.answer === 'accept');
    assert.equal(await addTag.inputValue(), '');
    assert.equal(await store(p, () => window.loraTagger.store.model.images[4].caption.includes('Á')), false);
    // Tooltips name the keys as a Mac does.
    await send(p, { type: 'review/state', suggestions: [], unreviewed: ['test_0005.png'] });
    const mark = p.getByRole('button', { name: 'Mark reviewed', exact: true });
    assert.match(await mark.getAttribute('title'), /\(⌥⇧V\)$/);
  });
});
