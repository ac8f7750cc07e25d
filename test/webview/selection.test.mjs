// Several images at once (issue 13): click, Shift+click, Ctrl/Cmd+click and Shift+arrows in the filmstrip, Ctrl/Cmd+A
// over what the filter shows, Escape back to one; the selection's tags with "n of m"; adding, removing, renaming and
// the palette's toggle sent to the host as one selection edit; Ctrl/Cmd+Z as the dataset-wide undo; copy and paste.
// This page's host answers the edit the way the panel does: the changed captions in one captions/changed, then the reply.
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';
import { clearPosted, send, waitPosted } from './harness.mjs';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const thumb = (p, n) => p.getByRole('button', { name: new RegExp(`^${n}: test_000${n}\\.png`) });
const selected = (p) =>
  p
    .getByRole('list', { name: 'Filmstrip' })
    .evaluate((l) => [...l.querySelectorAll('button.thumb.selected')].map((b) => Number(b.dataset.i) + 1));
const chips = (p) =>
  p
    .getByRole('list', { name: 'Tags of the selected images' })
    .evaluate((l) => [...l.querySelectorAll('[role=listitem]')].map((c) => c.getAttribute('aria-label')));
const statusText = (p) => p.locator('progress-status').evaluate((e) => e.shadowRoot.textContent.replace(/\s+/g, ' '));
let rev = 100;

/** Answers the selection/edit the page sent, as the host does: the changed captions at new revisions, then the reply. */
async function answer(p, pred, captions, label = 'edit') {
  const msg = await waitPosted(p, 'selection/edit', pred);
  const id = await p.evaluate(
    (m) =>
      window.__posted.find((x) => x.body.type === 'selection/edit' && JSON.stringify(x.body) === JSON.stringify(m)).id,
    msg,
  );
  const changes = Object.entries(captions).map(([file, text]) => ({ file, text, rev: ++rev }));
  if (changes.length) await send(p, { type: 'captions/changed', changes });
  await p.evaluate(
    ([r, i]) => window.__send({ type: 'reply', ok: true, result: r }, i),
    [{ label, changed: Object.keys(captions).length }, id],
  );
  return msg;
}

describe('multi-image selection', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('selects with click, Shift+click and Ctrl/Cmd+click, counts it in the status line, and Escape goes back to one', async () => {
    p = await open(['ohwx, a, b', 'ohwx, a', 'ohwx, a, c', 'ohwx', 'ohwx, d']);
    await thumb(p, 2).click();
    await thumb(p, 4).click({ modifiers: ['Shift'] });
    assert.deepEqual(await selected(p), [2, 3, 4]);
    await thumb(p, 1).click({ modifiers: [mod] });
    assert.deepEqual(await selected(p), [1, 2, 3, 4]);
    await thumb(p, 3).click({ modifiers: [mod] });
    assert.deepEqual(await selected(p), [1, 2, 4]);
    assert.match(await statusText(p), /3 selected/);
    // The trigger word is left out; "a" is on all three, "b" on one.
    assert.deepEqual(await chips(p), ['a, 2 of 3', 'b, 1 of 3']);
    assert.match(
      await p.locator('selection-tags .group').innerText(),
      /3 images selected: 0 tag\(s\) on all, 2 on some/,
    );
    await thumb(p, 1).focus();
    await p.keyboard.press('Escape');
    assert.deepEqual(await selected(p), []);
    assert.doesNotMatch(await statusText(p), /selected/);
    assert.equal(await p.locator('selection-tags').count(), 0);
    assert.equal(await p.getByRole('list', { name: 'Caption tags' }).count(), 1);
    // The `?` overlay lists the selection's keys.
    await p.keyboard.press('?');
    const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const rows = await dialog.locator('tr').allInnerTexts();
    const ctrl = process.platform === 'darwin' ? '⌘' : 'Ctrl+';
    for (const want of [
      /^Select a range of images \(filmstrip\)\s+Shift\+←\s*Shift\+→\s*Shift\+Click$/,
      /^Select every image the filter shows/,
      new RegExp(`^Copy / paste tags.*${ctrl.replace('+', '\\+')}Shift\\+C`),
      /^Apply the previous image's caption.*Alt\+Shift\+P$/,
    ])
      assert.ok(
        rows.some((r) => want.test(r.replace(/\s+/g, ' ').trim()) || want.test(r.trim())),
        `${want} in ${rows.join(' | ')}`,
      );
  });

  it('adds a tag to three images picked with Shift+arrows, as one edit, and Ctrl/Cmd+Z asks the host to undo it', async () => {
    p = await open(['ohwx, a', 'ohwx', 'ohwx, b', 'ohwx']);
    await thumb(p, 1).click();
    await p.keyboard.press('Shift+ArrowRight');
    await p.keyboard.press('Shift+ArrowRight');
    assert.deepEqual(await selected(p), [1, 2, 3]);
    await p.keyboard.press('Shift+ArrowLeft');
    assert.deepEqual(await selected(p), [1, 2]);
    await p.keyboard.press('Shift+ArrowRight');
    await p.keyboard.press('Alt+Shift+A');
    await p.keyboard.type('red hair');
    await p.keyboard.press('Enter');
    const edit = await answer(
      p,
      (m) => m.edit.kind === 'add',
      { 'test_0001.png': 'ohwx, a, red hair', 'test_0002.png': 'ohwx, red hair', 'test_0003.png': 'ohwx, b, red hair' },
      'Add "red hair"',
    );
    assert.deepEqual(edit, {
      type: 'selection/edit',
      edit: { kind: 'add', tag: 'red hair' },
      files: ['test_0001.png', 'test_0002.png', 'test_0003.png'],
    });
    await p.waitForFunction(() => window.loraTagger.store.status.message.startsWith('Added "red hair" to 3 of 3'));
    assert.deepEqual(await chips(p), ['red hair, 3 of 3', 'a, 1 of 3', 'b, 1 of 3']);
    // No local caption save: the host wrote the three files.
    assert.equal((await p.evaluate(() => window.__posted.filter((m) => m.body.type === 'caption/update'))).length, 0);
    await thumb(p, 3).focus();
    await p.keyboard.press(`${mod}+z`);
    await waitPosted(p, 'selection/undo');
  });

  it('removes, renames and toggles from the palette for the whole selection', async () => {
    p = await open(['ohwx, a, b', 'ohwx, a', 'ohwx, c']);
    await thumb(p, 1).click();
    await thumb(p, 2).click({ modifiers: ['Shift'] });
    const list = p.getByRole('list', { name: 'Tags of the selected images' });
    await list.getByRole('listitem', { name: 'a, 2 of 2' }).focus();
    await p.keyboard.press('Delete');
    await answer(p, (m) => m.edit.kind === 'remove', { 'test_0001.png': 'ohwx, b', 'test_0002.png': 'ohwx' });
    await list.getByRole('listitem', { name: 'b, 1 of 2' }).focus();
    await p.keyboard.press('F2');
    const field = p.getByRole('textbox', { name: 'Rename b in the 2 selected images to' });
    await field.fill('bee');
    await field.press('Enter');
    await answer(p, (m) => m.edit.kind === 'rename' && m.edit.to === 'bee', { 'test_0001.png': 'ohwx, bee' });
    // The palette's click: not all have "c", so it is added to all; then all have it, so it is removed from all.
    const palette = p.getByRole('list', { name: 'Tag palette', exact: true });
    await palette.getByRole('button', { name: /^c\b/ }).first().click();
    await answer(p, (m) => m.edit.kind === 'add' && m.edit.tag === 'c', {
      'test_0001.png': 'ohwx, bee, c',
      'test_0002.png': 'ohwx, c',
    });
    await p.waitForFunction(() => window.loraTagger.store.status.message.startsWith('Added "c"'));
    await palette.getByRole('button', { name: /^c\b/ }).first().click();
    await answer(p, (m) => m.edit.kind === 'remove' && m.edit.tag === 'c', {});
  });

  it('Ctrl/Cmd+A selects what the filter shows; tags copy and paste between selections; the previous caption applies', async () => {
    p = await open(['ohwx, a, b', '', 'ohwx, a, c', '', 'ohwx, d']);
    const select = p.getByRole('combobox', { name: 'Show images' });
    await select.click();
    await p.getByRole('option', { name: 'Untagged' }).click();
    await thumb(p, 2).click();
    await p.keyboard.press(`${mod}+a`);
    assert.deepEqual(await selected(p), [2, 4]);
    await select.click();
    await p.getByRole('option', { name: 'All images' }).click();
    // Copy the tags images 1 and 3 share, paste them into 2 and 4.
    await thumb(p, 1).click();
    await thumb(p, 3).click({ modifiers: [mod] });
    await p.keyboard.press(`${mod}+Shift+c`);
    assert.match(await statusText(p), /Copied 1 tag\(s\) the 2 selected images have in common/);
    await thumb(p, 2).click();
    await thumb(p, 4).click({ modifiers: [mod] });
    await clearPosted(p);
    await p.keyboard.press(`${mod}+Shift+v`);
    await answer(p, (m) => m.edit.kind === 'add' && m.edit.tag === 'a', {}, 'Add "a"');
    // One image: the panel's own caption edit.
    await thumb(p, 5).click();
    await p.keyboard.press(`${mod}+Shift+v`);
    await waitPosted(p, 'caption/update', (m) => m.file === 'test_0005.png' && m.text === 'ohwx, d, a');
    // Alt+Shift+P: image 5 takes the caption of image 4, through the host.
    await p.keyboard.press('Alt+Shift+P');
    const m = await answer(p, (x) => x.edit.kind === 'copyCaption', { 'test_0005.png': '' });
    assert.deepEqual(m.edit, { kind: 'copyCaption', from: 'test_0004.png' });
    assert.deepEqual(m.files, ['test_0005.png']);
  });
});
