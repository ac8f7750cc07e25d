// Caption text, saving, navigation, outside changes, undo/redo and host keys.
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';
import { asMac, clearPosted, macKey, posted, send, waitPosted } from './harness.mjs';

const position = (p) => p.evaluate(() => window.loraTagger.store.index);
const captionValue = (p) => p.getByRole('textbox', { name: 'Caption text', exact: true }).inputValue();
/** The keys VS Code's frame heard (harness.mjs, ?vscodeKeys). */
const forwarded = (p) => p.evaluate(() => window.__forwarded);
/** The caption as the text area shows it and as the store holds it. */
const shown = async (p) => [await captionValue(p), await p.evaluate(() => window.loraTagger.store.current.caption)];
let marks = 0;
/** Waits until the page has handled every host message sent so far (in order: a status sent now shows after them). */
async function handled(p) {
  const message = `handled ${++marks}`;
  await send(p, { type: 'status', kind: 'info', message });
  await p.getByRole('status').filter({ hasText: message }).waitFor();
}

describe('caption text, saving and navigation', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('shows the exact caption text and saves natural prose byte for byte, debounced', async () => {
    p = await open(['', 'ohwx, x'], { captionStyle: 'natural' });
    const prose = 'ohwx woman standing on a pier at dusk, wind in her hair.  She smiles; the sea is calm, grey-blue.';
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.pressSequentially(prose, { delay: 5 });
    // The debounced save comes by itself once typing stops (no blur, no Ctrl+S); its delay is the bench's business.
    await waitPosted(p, 'caption/update', (m) => m.text === prose);
    // Saves per pause, not per keystroke: each one a longer part of the prose (a loaded machine pauses the typing
    // now and then, long enough for a save of what is there).
    const saves = (await posted(p, 'caption/update')).map((m) => m.text);
    assert.ok(saves.length < prose.length / 4, `${saves.length} saves for ${prose.length} keystrokes`);
    assert.ok(
      saves.every((t, i) => prose.startsWith(t) && (i === 0 || t.length > saves[i - 1].length)),
      saves.join(' | '),
    );
    // Chips still show; a palette click appends the tag after a comma, leaving the prose untouched.
    await p.getByRole('textbox', { name: 'Add tag', exact: true }).fill('pier');
    await p.getByRole('textbox', { name: 'Add tag', exact: true }).press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === `${prose}, pier`);
    // Sentences are not tags: the chips and the palette show only the parts that read as tags.
    const chips = await p
      .getByRole('list', { name: 'Caption tags', exact: true })
      .getByRole('listitem')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(chips, ['pier']);
    const palette = await p
      .getByRole('list', { name: 'Tag palette', exact: true })
      .evaluate((l) => [...l.querySelectorAll('button.tag')].map((b) => b.getAttribute('aria-label')));
    assert.ok(palette.includes('pier') && !palette.some((t) => t.includes('pier at dusk')), palette.join(' | '));
    assert.match(await p.locator('image-preview .info').innerText(), /1 \/ 2(?![\s\S]*untagged)/);
  });

  it('Enter and pasted line breaks never put a newline in the caption', async () => {
    p = await open(['ohwx, a'], { captionStyle: 'natural' });
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.press('Enter');
    await p.keyboard.insertText(' line one\nline two');
    const msg = await waitPosted(p, 'caption/update');
    assert.equal(msg.text, 'ohwx, a line one line two');
  });

  it('navigation sends the dirty caption before image/select, and Ctrl+S flushes', async () => {
    p = await open(['ohwx, a', 'ohwx, b', 'ohwx, c']);
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', typed');
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    // A loaded machine may pause the typing long enough for a debounced save of part of it; the whole text goes
    // out before the move, whatever was sent before it.
    const seq = (await posted(p)).filter((b) => b.type === 'caption/update' || b.type === 'image/select');
    assert.deepEqual(
      seq.slice(-2).map((b) => ({ type: b.type, file: b.file, ...(b.text === undefined ? {} : { text: b.text }) })),
      [
        { type: 'caption/update', file: 'test_0001.png', text: 'ohwx, a, typed' },
        { type: 'image/select', file: 'test_0002.png' },
      ],
    );
    assert.equal(await captionValue(p), 'ohwx, b');
    await clearPosted(p);
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type('!');
    await p.keyboard.press('Control+s');
    // (vocab/categories is the palette asking the host about the new tag "b!": not part of saving.)
    const after = (await posted(p)).map((b) => b.type).filter((t) => t !== 'vocab/categories');
    assert.deepEqual(after.slice(0, 2), ['caption/update', 'save/flush']);
    // Going back shows the text as saved (kept in memory, no round trip).
    await p.getByRole('button', { name: 'Previous image', exact: true }).click();
    assert.equal(await captionValue(p), 'ohwx, a, typed');
  });

  it('a hidden panel (visibilitychange) sends what was typed at once', async () => {
    p = await open(['ohwx, a']);
    await p.getByRole('textbox', { name: 'Caption text', exact: true }).focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', b');
    await p.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const sent = await posted(p, 'caption/update');
    assert.deepEqual(sent.at(-1)?.text, 'ohwx, a, b');
  });

  it('a dataset reload while typing sends the typed text first', async () => {
    p = await open(['ohwx, a']);
    await p.getByRole('textbox', { name: 'Caption text', exact: true }).focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', b');
    const ds = await p.evaluate(() => window.loraTagger.store.datasetView());
    await send(p, {
      type: 'dataset/load',
      dataset: { ...ds, images: ds.images.map((im) => ({ ...im, caption: 'ohwx, a' })) },
    });
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b');
  });

  // Issue 9, case 5.
  it('shows an outside change; one that meets typing is shown, the typed text kept one undo back', async () => {
    p = await open(['ohwx, a', 'ohwx, b']);
    await send(p, { type: 'caption/changed', file: 'test_0001.png', text: 'ohwx, from the editor', rev: 5 });
    await p.getByRole('listitem', { name: 'from the editor' }).waitFor();
    assert.equal(await captionValue(p), 'ohwx, from the editor');
    // Now the user is typing (not sent yet) when another outside change arrives: it is not written over unseen.
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', mine');
    await clearPosted(p);
    await send(p, { type: 'caption/changed', file: 'test_0001.png', text: 'ohwx, theirs', rev: 6 });
    await p.getByRole('status').filter({ hasText: 'changed outside the panel' }).filter({ hasText: 'Undo' }).waitFor();
    assert.equal(await captionValue(p), 'ohwx, theirs');
    assert.deepEqual(await posted(p, 'caption/update'), [], 'the typed text was not saved over the outside change');
    // The user's text is one undo step back; undo brings it back and saves it, made from the outside change.
    await area.focus();
    await p.keyboard.press('Control+z');
    const saved = await waitPosted(p, 'caption/update');
    assert.deepEqual({ text: saved.text, base: saved.base }, { text: 'ohwx, from the editor, mine', base: 6 });
    assert.equal(await captionValue(p), 'ohwx, from the editor, mine');
    // A change to another image updates its counts without moving anything here.
    await send(p, { type: 'caption/changed', file: 'test_0002.png', text: 'ohwx, b, zebra', rev: 2 });
    await p
      .getByRole('list', { name: 'Tag palette', exact: true })
      .getByRole('button', { name: 'zebra', exact: true })
      .waitFor();
  });

  it("a save the host refused (the file changed first) shows the file's text, the user's one undo back", async () => {
    p = await open(['ohwx, a']);
    // The host answers the next save as CaptionSync does when the file changed on disk since the panel's revision.
    await p.evaluate(() => (window.__refuseNext = { rev: 9, text: 'ohwx, written by a script' }));
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await input.fill('mine');
    await input.press('Enter');
    await p.getByRole('status').filter({ hasText: 'was not saved over that change' }).waitFor();
    assert.equal(await captionValue(p), 'ohwx, written by a script');
    await clearPosted(p);
    await p.getByRole('button', { name: 'Undo caption edit', exact: true }).click();
    const saved = await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, mine');
    assert.equal(saved.base, 9);
  });

  // Issue 9, case 2: revisions, not a time window.
  it('an older text arriving late never replaces a newer one, however late', async () => {
    p = await open(['ohwx']);
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    for (const t of tags) {
      await input.fill(t);
      await input.press('Enter');
    }
    const last = `ohwx, ${tags.join(', ')}`;
    await waitPosted(p, 'caption/update', (m) => m.text === last);
    // Every save answered (revisions 1-10), and then a message from long ago: the first save's text at its revision,
    // as a watcher or an editor might report it late. Ten saves later it is still older, and stays unseen.
    await p.waitForFunction(() => window.__hostRevs['test_0001.png'] === 10 && window.__savesAnswered === 10);
    await send(p, { type: 'caption/changed', file: 'test_0001.png', text: 'ohwx, a', rev: 1 });
    await send(p, { type: 'caption/changed', file: 'test_0001.png', text: 'ohwx, a, b, stale', rev: 4 });
    await handled(p);
    assert.equal(await captionValue(p), last);
    // A newer outside change still shows.
    await send(p, { type: 'caption/changed', file: 'test_0001.png', text: `${last}, k`, rev: 11 });
    await p.getByRole('listitem', { name: 'k', exact: true }).waitFor();
  });

  it('undo and redo caption edits with Ctrl+Z and Ctrl+Shift+Z', async () => {
    p = await open(['ohwx, a']);
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await input.fill('b');
    await input.press('Enter');
    await input.fill('c');
    await input.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b, c');
    await p.getByRole('listitem', { name: 'a' }).focus();
    await clearPosted(p);
    await p.keyboard.press('Control+z');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b');
    await p.keyboard.press('Control+z');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a');
    // Cleared before each step whose caption was posted before.
    await clearPosted(p);
    await p.keyboard.press('Control+Shift+z');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b');
    // In the caption text area, Ctrl+Z undoes typing as one step.
    await p.getByRole('textbox', { name: 'Caption text', exact: true }).focus();
    await p.keyboard.press('End');
    await p.keyboard.type(' more words');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b more words');
    await clearPosted(p);
    await p.keyboard.press('Control+z');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b');
    assert.equal(await captionValue(p), 'ohwx, a, b');
  });

  it('with VS Code forwarding undo/redo/save (default prevented, execCommand sent back), each runs once', async () => {
    p = await open(['ohwx, a'], {}, { vscodeKeys: true });
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', b');
    await p.keyboard.press('Control+s');
    await waitPosted(p, 'save/flush');
    assert.equal((await posted(p, 'caption/update')).at(-1).text, 'ohwx, a, b');
    // The end of the ', b' typing step, as a second's pause would make it (the store's test hook, not a wait).
    await p.evaluate(() => window.loraTagger.store.closeUndoGroup());
    await p.keyboard.type(', c');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b, c');
    // Cleared so that the redo below must post "ohwx, a, b, c" again.
    await clearPosted(p);
    // The keydown handlers have run when press() returns: the panel took one step back (the ', c' burst) and kept
    // the key from VS Code, so no late native undo is on its way.
    await p.keyboard.press('Control+z');
    assert.equal(await captionValue(p), 'ohwx, a, b');
    assert.ok(!(await forwarded(p)).includes('mod+z'), (await forwarded(p)).join(' '));
    // Undo from VS Code's Edit menu reaches the page as execCommand('undo'), whose input events have run when it
    // returns: nothing else changed, in the text area or in the store.
    await p.evaluate(() => window.__vscodeExec('undo'));
    assert.deepEqual(await shown(p), ['ohwx, a, b', 'ohwx, a, b']);
    await p.keyboard.press('Control+Shift+z');
    assert.equal(await captionValue(p), 'ohwx, a, b, c');
    assert.ok(!(await forwarded(p)).includes('mod+shift+z'), (await forwarded(p)).join(' '));
    await p.evaluate(() => window.__vscodeExec('redo'));
    assert.deepEqual(await shown(p), ['ohwx, a, b, c', 'ohwx, a, b, c']);
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b, c');
  });

  it('handles navigation keys itself when hostKeys is empty', async () => {
    p = await open(['ohwx, a', 'ohwx, b', '', 'ohwx, d']);
    await p.keyboard.press('Alt+ArrowRight');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    await p.keyboard.press('PageDown');
    assert.equal(await position(p), 2);
    await p.keyboard.press('PageUp');
    await p.keyboard.press('Alt+ArrowLeft');
    assert.equal(await position(p), 0);
    await p.keyboard.press('Alt+Shift+ArrowRight');
    assert.equal(await position(p), 2, 'next untagged');
    await p.getByRole('textbox', { name: 'Go to image number', exact: true }).fill('4');
    await p.getByRole('textbox', { name: 'Go to image number', exact: true }).press('Enter');
    assert.equal(await position(p), 3);
  });

  it('leaves the keys in hostKeys to VS Code, and runs the action message instead', async () => {
    p = await open(['ohwx, a', 'ohwx, b', 'ohwx, c'], {
      hostKeys: ['previousImage', 'nextImage', 'toggleFavourite', 'togglePinned1'],
      pinnedTags: ['a'],
    });
    await p.keyboard.press('Alt+ArrowRight');
    await p.keyboard.press('PageDown');
    await p.keyboard.press('Alt+Shift+f');
    await p.keyboard.press('Alt+1');
    // The keys' handlers ran before press() returned; a host message handled and drawn after them covers anything
    // they might have left to a microtask or a render.
    await handled(p);
    assert.equal(await position(p), 0);
    // (thumbs/want is the filmstrip asking for thumbnails, vocab/categories the palette asking about its tags:
    // neither is a key's doing.)
    const background = new Set(['reply', 'ready', 'thumbs/want', 'vocab/categories']);
    assert.deepEqual(
      (await posted(p)).filter((b) => !background.has(b.type)),
      [],
    );
    await send(p, { type: 'action', action: 'nextImage' });
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    await send(p, { type: 'action', action: 'toggleFavourite' });
    const flags = await waitPosted(p, 'image/flags');
    assert.deepEqual(flags, { type: 'image/flags', file: 'test_0002.png', favourite: true });
    // Keys not in hostKeys still work locally.
    await p.keyboard.press('Alt+Shift+n');
    await waitPosted(p, 'image/flags', (m) => m.nsfw === true);
  });

  it("on macOS, ⌥⇧F/N/K/A/T and ⌥1 in a text field act and type no Option character (⌥⇧F is Ï), VS Code's or not", async () => {
    // As in VS Code: it dispatches these keys (hostKeys) and hears every key of the page (vscodeKeys).
    const keys = ['toggleFavourite', 'toggleNsfw', 'toggleSkipped', 'focusAddTag', 'focusFilter', 'togglePinned1'];
    p = await open(['ohwx, a', 'ohwx, b'], { hostKeys: keys, pinnedTags: ['a'] }, { vscodeKeys: true });
    const cdp = await asMac(p);
    const caption = p.getByRole('textbox', { name: 'Caption text', exact: true });
    const addTag = p.getByRole('textbox', { name: 'Add tag', exact: true });
    // Each a Mac's event: the code of the key pressed, the key and text what Option makes of it.
    const F = { key: 'Ï', code: 'KeyF', vk: 70 };
    const N = { key: '˜', code: 'KeyN', vk: 78 };
    const K = { key: '\uf8ff', code: 'KeyK', vk: 75 };
    const A = { key: 'Å', code: 'KeyA', vk: 65 };
    const T = { key: 'ˇ', code: 'KeyT', vk: 84 };
    const one = { key: '¡', code: 'Digit1', vk: 49, shift: false };
    // An Option letter that is no panel key types its character, as on a Mac: typed after the others, it is the
    // marker that they have all been handled.
    const Q = { key: 'Œ', code: 'KeyQ', vk: 81 };
    await caption.click();
    await p.keyboard.press('End');
    await clearPosted(p);
    for (const k of [F, N, K, A, T, one]) await macKey(cdp, k);
    await caption.focus();
    await macKey(cdp, Q);
    await p.waitForFunction(() => window.loraTagger.store.current.caption.endsWith('Œ'));
    assert.equal(await caption.inputValue(), 'ohwx, aŒ');
    // VS Code heard each key (it runs the actions and sends them back); the panel ran none itself.
    const heard = await p.evaluate(() => window.__forwarded);
    for (const k of ['alt+shift+ï', 'alt+shift+˜', 'alt+shift+å', 'alt+shift+ˇ', 'alt+¡'])
      assert.ok(heard.includes(k), `${k} in ${heard.join(' ')}`);
    assert.deepEqual(await posted(p, 'image/flags'), []);
    // In the tag input too.
    await addTag.click();
    await macKey(cdp, F);
    await macKey(cdp, Q);
    await p.waitForFunction((el) => el.value.endsWith('Œ'), await addTag.elementHandle());
    assert.equal(await addTag.inputValue(), 'Œ');
    await addTag.fill('');
    // Where the panel runs them itself (not in hostKeys), they act from a text field, and type nothing either.
    await p.evaluate(() => window.loraTagger.store.hostKeys.clear());
    await caption.focus();
    await macKey(cdp, F);
    await waitPosted(p, 'image/flags', (m) => m.favourite === true);
    await macKey(cdp, one);
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, aŒ, a');
    await macKey(cdp, A);
    await p.waitForFunction((el) => el.matches(':focus'), await addTag.elementHandle());
    assert.equal(await caption.inputValue(), 'ohwx, aŒ, a');
    assert.equal(await addTag.inputValue(), '');
  });

  it('applies host messages: image/reveal, image/changed, tags/known, session/lists, status', async () => {
    p = await open(['ohwx, a', '', 'ohwx, c']);
    await send(p, { type: 'image/reveal', file: 'test_0003.png' });
    await p.waitForFunction(() => window.loraTagger.store.index === 2);
    await send(p, { type: 'image/changed', file: 'test_0003.png', status: 'skipped', favourite: true, nsfw: false });
    await p.getByRole('switch', { name: 'Favourite' }).and(p.locator('[aria-checked="true"]')).waitFor();
    await send(p, { type: 'tags/known', tags: ['brand new tag'] });
    await p
      .getByRole('list', { name: 'Tag palette', exact: true })
      .getByRole('button', { name: 'brand new tag', exact: true })
      .waitFor();
    await send(p, { type: 'session/lists', recentTags: ['c'], pinnedTags: ['a'], categories: [] });
    await p.getByRole('button', { name: 'Pinned 1: a' }).waitFor();
    await send(p, { type: 'status', kind: 'saved', message: 'Saved 14:02:11' });
    const live = p.getByRole('status').filter({ hasText: 'Saved 14:02:11' });
    await live.waitFor();
    assert.equal(await live.getAttribute('aria-live'), 'polite');
    const progress = await p
      .getByRole('progressbar', { name: 'Tagged images' })
      .evaluate((e) => [e.getAttribute('aria-valuenow'), e.getAttribute('aria-valuemax')]);
    assert.deepEqual(progress, ['1', '3']);
  });

  it('keeps only view state in setState, never captions', async () => {
    p = await open(['ohwx, secret caption words']);
    await p.getByRole('textbox', { name: 'Filter tags', exact: true }).fill('sec');
    await p.waitForFunction(() => sessionStorage.getItem('vscodeState')?.includes('"paletteFilter":"sec"'));
    const state = await p.evaluate(() => sessionStorage.getItem('vscodeState'));
    assert.match(state, /"paletteFilter":"sec"/);
    assert.doesNotMatch(state, /secret caption words|test_0001/);
  });
});
