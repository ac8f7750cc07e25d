// A selection with hundreds of tags (issue 13, "Speed"): Ctrl/Cmd+A over 600 images whose captions hold 301 tags.
// Every tag arrives with its "n of m" count and its three buttons, drawn without a shadow root per icon (900
// `<vscode-icon>`s made Ctrl/Cmd+A over 5,000 images one task of 300-800 ms); the chips are drawn a few dozen a
// frame, and End in the list still lands on the last tag at once.
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const N = 600;
const captions = Array.from({ length: N }, (_, i) => `ohwx, woman, tag ${i % 300}`);
const tags = (p) => p.locator('selection-tags');

describe('a selection with hundreds of tags', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('Ctrl/Cmd+A over 600 images: all 301 tags arrive with their counts and buttons, and no icon has a shadow root of its own', async () => {
    p = await open(captions);
    await p.getByRole('button', { name: /^1: test_0001\.png/ }).focus();
    await p.keyboard.press(`${mod}+a`);
    const list = p.getByRole('list', { name: 'Tags of the selected images' });
    await list.getByRole('listitem', { name: `tag 299, 2 of ${N}` }).waitFor();
    const chips = await list.evaluate((l) => [...l.querySelectorAll('[role=listitem]')].map((c) => c.ariaLabel));
    assert.equal(chips.length, 301);
    assert.equal(chips[0], `woman, ${N} of ${N}`);
    assert.equal(new Set(chips).size, 301);
    for (const name of ['Add tag 0 to all selected', 'Rename tag 0 in the selected', 'Remove tag 0 from all selected'])
      assert.equal(await list.getByRole('button', { name, exact: true }).count(), 1, name);
    assert.equal(await list.getByRole('button', { name: 'Add woman to all selected' }).count(), 0);
    assert.equal(await tags(p).evaluate((e) => e.shadowRoot.querySelectorAll('vscode-icon').length), 0);
    // The icons are the codicon font's glyphs, drawn (not empty boxes).
    const glyph = await list
      .getByRole('button', { name: 'Remove tag 0 from all selected' })
      .evaluate((b) => getComputedStyle(b.querySelector('.codicon'), '::before').content);
    assert.notEqual(glyph, 'none');
  });

  it('End right after Ctrl/Cmd+A focuses the last tag, even before any frame has drawn it', async () => {
    p = await open(captions);
    await p.getByRole('button', { name: /^1: test_0001\.png/ }).focus();
    // All in one task (its microtasks included): no frame can draw more chips between the keys.
    const r = await p.evaluate(
      async (ctrl) => {
        const app = document.querySelector('lora-tagger-app');
        document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', code: 'KeyA', [ctrl]: true, bubbles: true }));
        // The store tells its components in a microtask; the app then draws the list (in microtasks too).
        await new Promise((r) => queueMicrotask(r));
        await app.updateComplete;
        const st = app.shadowRoot.querySelector('selection-tags');
        await st.updateComplete;
        const drawn = st.shadowRoot.querySelectorAll('[role=listitem]').length;
        st.focus();
        st.shadowRoot
          .querySelector('.chips')
          .dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
        await st.updateComplete;
        return { drawn, focused: st.shadowRoot.activeElement?.getAttribute('aria-label') };
      },
      mod === 'Meta' ? 'metaKey' : 'ctrlKey',
    );
    assert.ok(r.drawn < 301, `${r.drawn} chips drawn in the first frame`);
    assert.equal(r.focused, `tag 299, 2 of ${N}`);
  });
});
