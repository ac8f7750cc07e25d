// A whole tagging pass with the keyboard only, the shortcut overlay, and every control reachable with Tab.
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';
import { clearPosted, waitPosted, posted } from './harness.mjs';

/** The accessible name (or role) of the deepest focused element. */
const focused = (p) =>
  p.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const text = el?.tagName === 'BUTTON' ? el.textContent.trim() : '';
    return (
      el?.getAttribute('aria-label') ??
      (text || el?.closest?.('[aria-label]')?.getAttribute('aria-label')) ??
      el?.tagName
    );
  });

describe('keyboard only', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('tags, navigates and flags images without a mouse', async () => {
    p = await open(['ohwx', 'ohwx, smile', '', 'ohwx'], { knownTags: ['smile', 'red hair', 'blue eyes'] });
    await p.keyboard.press('Alt+Shift+a');
    assert.equal(await focused(p), 'Add tag');
    await p.keyboard.type('red hair, freckles');
    await p.keyboard.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, freckles');
    await p.keyboard.press('Alt+Shift+t');
    assert.equal(await focused(p), 'Filter tags');
    await p.keyboard.type('smi');
    await p.keyboard.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, freckles, smile');
    // Into the palette with ↓, toggle the focused entry with Space, pin it with P.
    await p.keyboard.press('Escape');
    await p.keyboard.press('ArrowDown');
    const tag = await focused(p);
    assert.equal(tag, 'smile', 'the most used tag is first');
    // Cleared: "ohwx, red hair, freckles" (smile toggled off) was posted before smile was added.
    await clearPosted(p);
    await p.keyboard.press('Space');
    await waitPosted(p, 'caption/update', (m) => m.file === 'test_0001.png' && m.text === 'ohwx, red hair, freckles');
    await p.keyboard.press('p');
    await waitPosted(p, 'tags/pin', (m) => m.tag === tag && m.pinned);
    await p.keyboard.press('Alt+Shift+f');
    await waitPosted(p, 'image/flags', (m) => m.favourite === true && m.file === 'test_0001.png');
    await p.keyboard.press('Alt+ArrowRight');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    await p.keyboard.press('Alt+Shift+ArrowRight');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0003.png');
    await p.keyboard.press('Alt+1');
    await waitPosted(p, 'caption/update', (m) => m.file === 'test_0003.png' && m.text === `ohwx, ${tag}`);
    await p.keyboard.press('Alt+Shift+k');
    await waitPosted(p, 'image/flags', (m) => m.skipped === true && m.file === 'test_0003.png');
    await p.keyboard.press('Alt+Shift+g');
    assert.equal(await focused(p), 'Go to image number');
    await p.keyboard.type('4');
    await p.keyboard.press('Enter');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0004.png');
    // Chips: focus the list, remove the trigger-less last chip with Delete.
    await p.getByRole('listitem', { name: 'ohwx' }).focus();
    await p.keyboard.press('Delete');
    await waitPosted(p, 'caption/update', (m) => m.file === 'test_0004.png' && m.text === '');
    const kinds = new Set((await posted(p)).map((b) => b.type));
    assert.ok(['caption/update', 'image/select', 'image/flags', 'tags/pin', 'tags/used'].every((k) => kinds.has(k)));
  });

  it('? and Shift+F1 open the shortcut list; Escape closes it and focus returns', async () => {
    p = await open(['ohwx, a']);
    await p.getByRole('button', { name: 'Next image', exact: true }).focus();
    await p.keyboard.press('?');
    const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Next image[\s\S]*Alt\+→/);
    // Tab and Shift+Tab go round the dialog's controls (its Close button is the only one), never out of it.
    assert.equal(await focused(p), 'Close (Esc)');
    await p.keyboard.press('Tab');
    assert.equal(await focused(p), 'Close (Esc)');
    await p.keyboard.press('Shift+Tab');
    assert.equal(await focused(p), 'Close (Esc)');
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focused(p), 'Next image');
    // In a text field, ? is text.
    await p.getByRole('textbox', { name: 'Add tag', exact: true }).focus();
    await p.keyboard.press('?');
    assert.equal(await dialog.isVisible(), false);
    await p.keyboard.press('Shift+F1');
    await dialog.waitFor();
  });

  it('reaches every named control with Tab; the toolbar is one Tab stop, its buttons reached with the arrow keys', async () => {
    p = await open(['ohwx, a, b'], { knownTags: ['a', 'b', 'c'] });
    await p.locator('body').click({ position: { x: 2, y: 2 } });
    const seen = [];
    for (let i = 0; i < 60; i++) {
      await p.keyboard.press('Tab');
      seen.push(await focused(p));
    }
    for (const name of [
      'Go to image number',
      'Previous image',
      'Caption text',
      'Add tag',
      'Filter tags',
      'Sort tags',
      'ohwx',
    ]) {
      assert.ok(seen.includes(name), `${name} not reached; reached: ${[...new Set(seen)].join(', ')}`);
    }
    assert.ok(
      seen.some((n) => /^1: test_0001/.test(n)),
      'the current filmstrip thumbnail is reachable',
    );
    for (const name of ['Next image', 'Favourite', 'Undo caption edit', 'Check dataset']) {
      assert.ok(!seen.includes(name), `${name} is a Tab stop of its own: the toolbar should be one`);
    }
    // Into the toolbar, then along it with → (Home/End to its ends), wrapping round.
    await p.getByRole('button', { name: 'Previous image', exact: true }).focus();
    const along = [];
    // 14 buttons and the … menu ("Caption this image with AI…" is always in it).
    for (let i = 0; i < 16; i++) {
      along.push(await focused(p));
      await p.keyboard.press('ArrowRight');
    }
    for (const name of [
      'Next image',
      'Next untagged image',
      'Review grid',
      'Favourite',
      'NSFW',
      'Skip',
      'Undo caption edit',
      'Redo caption edit',
      'Open caption beside',
      'Check dataset',
      'Export dataset',
      'Report',
      'Keyboard shortcuts',
      'More actions',
    ]) {
      assert.ok(along.includes(name), `${name} not reached with →: ${along.join(', ')}`);
    }
    assert.equal(along[15], along[0], '→ wraps round');
    await p.keyboard.press('End');
    assert.equal(await focused(p), 'More actions');
    await p.keyboard.press('ArrowLeft');
    await p.keyboard.press('Home');
    assert.equal(await focused(p), 'Previous image');
    // The Tab stop stays where the arrows left it.
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Shift+Tab');
    assert.equal(await focused(p), 'Next image');
  });

  it('tooltips name the shortcut', async () => {
    p = await open(['ohwx']);
    const title = await p.getByRole('button', { name: 'Next image', exact: true }).getAttribute('title');
    assert.equal(title, 'Next image (Alt+→)');
  });
});
