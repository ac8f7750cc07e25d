// Issue 9, case 2: the edit keys of the panel's text fields (select all, copy, cut, paste, undo, redo) are done in
// the panel at once and never reach VS Code, whose select-all comes back late and ate the first characters typed.
// The page runs with ?vscodeKeys: the harness's stand-in for VS Code's frame forwards keys and answers Ctrl/Cmd+A
// with execCommand('selectAll') right after the next character lands, as the real workbench does.
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';
import { posted, waitPosted, clearPosted } from './harness.mjs';

const forwarded = (p) => p.evaluate(() => window.__forwarded.slice());
const clearForwarded = (p) => p.evaluate(() => (window.__forwarded.length = 0));

describe('edit keys in text fields', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('Ctrl+A then typing at full speed: the caption is exactly what was typed, every time', async () => {
    p = await open(['ohwx, old words', 'ohwx, more old words'], { captionStyle: 'natural' }, { vscodeKeys: true });
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    const prose = 'ohwx woman on a pier at dusk, wind in her hair.';
    for (let i = 0; i < 4; i++) {
      await clearPosted(p);
      await area.focus();
      await p.keyboard.press('Control+a');
      // No delay between keys: as fast as a person pasting with the keyboard, faster than any typist.
      await p.keyboard.type(`${prose} ${i}`);
      // Sent now rather than after the typing pause, which a loaded machine can put in the middle of the typing.
      await p.evaluate(() => window.loraTagger.store.flush());
      assert.equal((await posted(p, 'caption/update')).at(-1)?.text, `${prose} ${i}`);
      assert.equal(await area.inputValue(), `${prose} ${i}`);
    }
    assert.deepEqual(
      (await forwarded(p)).filter((k) => k === 'mod+a'),
      [],
      'Ctrl+A never reached VS Code',
    );
  });

  it('Ctrl+A then typing in Add tag and in the tag filter replaces their text, nothing lost', async () => {
    p = await open(['ohwx, a', 'ohwx, smile'], {}, { vscodeKeys: true });
    const add = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await add.fill('old text');
    await add.focus();
    await p.keyboard.press('Control+a');
    await p.keyboard.type('red hair');
    assert.equal(await add.inputValue(), 'red hair');
    await p.keyboard.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, red hair');
    const filter = p.getByRole('textbox', { name: 'Filter tags', exact: true });
    await filter.fill('zzz');
    await filter.focus();
    await p.keyboard.press('Control+a');
    await p.keyboard.type('smi');
    assert.equal(await filter.inputValue(), 'smi');
  });

  it('select all, copy, cut, paste, undo and redo in a text field stay in the panel; other keys still reach VS Code', async () => {
    p = await open(['ohwx, a', 'ohwx, b'], { captionStyle: 'natural', hostKeys: ['nextImage'] }, { vscodeKeys: true });
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type(' typed');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a typed');
    await clearForwarded(p);
    for (const key of [
      'Control+a',
      'Control+c',
      'Control+x',
      'Control+v',
      'Control+z',
      'Control+Shift+z',
      'Control+y',
      'Shift+Insert',
    ]) {
      await p.keyboard.press(key);
    }
    // Alt+Right is a host key: VS Code must still see it (it sends `action` back).
    await p.keyboard.press('Alt+ArrowRight');
    assert.deepEqual(await forwarded(p), ['alt+arrowright']);
    // The same keys in Add tag: the browser's own undo, at once.
    const add = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await add.focus();
    await p.keyboard.insertText('abc');
    await clearForwarded(p);
    await p.keyboard.press('Control+z');
    assert.equal(await add.inputValue(), '');
    await p.keyboard.press('Control+Shift+z');
    assert.equal(await add.inputValue(), 'abc');
    await p.keyboard.press('Control+a');
    await p.keyboard.press('Control+x');
    assert.equal(await add.inputValue(), '');
    await p.keyboard.press('Control+v');
    assert.equal(await add.inputValue(), 'abc');
    assert.deepEqual(await forwarded(p), []);
  });
});
