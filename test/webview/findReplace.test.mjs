// Find and replace across captions in the panel (issue 13, item 4): Ctrl/Cmd+H outside text fields or the `…` menu
// opens the dialog; the preview lists each caption that would change with the changes marked and the count; an
// invalid pattern says where and why and the previous preview stays; the scope counts follow the filter and the
// selection; Replace all sends exactly the previewed request and is enabled only while the preview is current;
// Undo replace asks for the dataset-wide undo; Escape closes and focus returns. The page's host answers as
// findReplaceHandlers.ts does: a plan per preview (plain text over the captions it was sent); for apply, the changed
// captions in a captions/changed batch, then the reply.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { open, checkAndClose } from './context.mjs';
import { clearPosted, posted, repoRoot, send, waitPosted } from './harness.mjs';
import { THEME_LABELS } from './themes.mjs';
import { FIND_REPLACE_CAPTIONS, findReplaceQuery } from '../fixtures.mjs';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const CAPTIONS = FIND_REPLACE_CAPTIONS;
const dialog = (p) => p.getByRole('dialog', { name: 'Find and replace in captions' });
const summary = (p) => dialog(p).locator('.summary').innerText();
const replaceAll = (p) => dialog(p).getByRole('button', { name: 'Replace all' });
const items = (p) =>
  dialog(p)
    .getByRole('list', { name: 'Captions that would change' })
    .evaluate((l) => [...l.querySelectorAll('li')].map((li) => li.getAttribute('aria-label')));

/**
 * The page's host: previews plain text over the captions of the scope (`window.__badPattern`: that pattern is refused
 * with the engine's message), with revision 7 for every caption; records nothing, the tests read window.__posted.
 */
async function fakeHost(p) {
  await p.evaluate(() => {
    window.__replies = {
      'findReplace/preview': ({ query }) => {
        if (query.regex && query.find === window.__badPattern)
          return {
            ok: false,
            error: `Find and replace: the pattern ${query.find} cannot be used: invalid regular expression: Unterminated group.`,
          };
        const ims = window.loraTagger.store.model.images.filter((im) => !query.files || query.files.includes(im.file));
        const changes = [];
        let replacements = 0;
        for (const im of ims) {
          const parts = im.caption.split(query.find);
          if (parts.length < 2) continue;
          replacements += parts.length - 1;
          const at = parts[0].length;
          changes.push({
            file: im.file,
            before: im.caption,
            after: parts.join(query.replace),
            beforeMarks: [[at, at + query.find.length]],
            afterMarks: [[at, at + query.replace.length]],
          });
        }
        return {
          ok: true,
          label: `Replace "${query.find}" with "${query.replace}" in tags`,
          scanned: ims.length,
          replacements,
          changes,
          revs: changes.map((c) => ({ file: c.file, rev: 7 })),
        };
      },
    };
  });
}

/** Answers the apply the page sent: the changed captions in one batch, each at a new revision, then the reply. */
async function answerApply(p, captions) {
  const msg = await waitPosted(p, 'findReplace/apply');
  // Read before the captions change (which asks for a new preview a moment later).
  const previews = (await posted(p, 'findReplace/preview')).length;
  const id = await p.evaluate(() => window.__posted.find((x) => x.body.type === 'findReplace/apply').id);
  let rev = 50;
  const changes = Object.entries(captions).map(([file, text]) => ({ file, text, rev: ++rev }));
  await send(p, { type: 'captions/changed', changes });
  await p.evaluate(
    ([r, i]) => window.__send({ type: 'reply', ok: true, result: r }, i),
    [{ ok: true, label: 'Replace "red hair" with "auburn hair" in tags', changed: Object.keys(captions).length }, id],
  );
  return { msg, previews };
}

/** The focused control's name: a button's text, a labelled input's label. */
const focusedName = (p) =>
  p.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.tagName === 'BUTTON' ? el.textContent.trim() : (el?.closest('label')?.textContent.trim() ?? el?.tagName);
  });

async function openDialog(p) {
  await p.getByRole('button', { name: 'Previous image', exact: true }).focus();
  await p.keyboard.press(`${mod}+h`);
  await dialog(p).waitFor();
}

describe('find and replace in captions', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('previews with the keyboard, replaces exactly the preview, undoes it, and Escape returns focus', async () => {
    p = await open(CAPTIONS, {}, { vscodeKeys: true });
    await fakeHost(p);
    await openDialog(p);
    // Ctrl/Cmd+H stays in the panel: VS Code would open its own replace widget in an editor.
    assert.equal((await p.evaluate(() => window.__forwarded)).filter((k) => k.endsWith('h')).length, 0);
    await p.keyboard.type('red hair');
    await p.keyboard.press('Tab');
    await p.keyboard.type('auburn hair');
    await p.waitForFunction(() =>
      /3 replacement\(s\) in 3 of 5 caption\(s\)\.$/.test(
        document
          .querySelector('lora-tagger-app')
          .shadowRoot.querySelector('find-replace-dialog')
          .shadowRoot.querySelector('.summary').textContent,
      ),
    );
    assert.deepEqual(await items(p), ['test_0001.png', 'test_0003.png', 'test_0004.png']);
    const first = dialog(p).getByRole('listitem', { name: 'test_0001.png' });
    assert.equal(await first.locator('del').innerText(), 'red hair');
    assert.equal(await first.locator('ins').innerText(), 'auburn hair');
    assert.match(await first.innerText(), /Before:\s*ohwx, red hair, smile\s*→\s*After:\s*ohwx, auburn hair, smile/);
    // The defaults: whole tags in a tags dataset, the trigger word protected, all images.
    for (const [name, on] of [
      ['Regex', false],
      ['Whole tags', true],
      ['Match case', false],
      ['Protect trigger word "ohwx"', true],
    ])
      assert.equal(
        await dialog(p)
          .getByRole('checkbox', { name })
          .evaluate((c) => c.checked),
        on,
        name,
      );
    assert.equal(await dialog(p).getByRole('radio', { name: 'All (5)' }).isChecked(), true);
    await clearPosted(p);
    await p.keyboard.press(`${mod}+Alt+Enter`);
    const { msg, previews } = await answerApply(p, {
      'test_0001.png': 'ohwx, auburn hair, smile',
      'test_0003.png': 'ohwx, auburn hair',
      'test_0004.png': 'ohwx, auburn hair, hat',
    });
    assert.deepEqual(msg, {
      type: 'findReplace/apply',
      query: findReplaceQuery(),
      revs: ['test_0001.png', 'test_0003.png', 'test_0004.png'].map((file) => ({ file, rev: 7 })),
    });
    assert.equal(previews, 0, 'no preview was asked for between the shown one and the apply');
    await dialog(p)
      .getByText(/: 3 caption\(s\) changed, one undo step\.$/)
      .waitFor();
    // The captions changed, so the preview is asked for again, and finds nothing left to change.
    await dialog(p).getByText('No caption of the 5 would change.').waitFor();
    assert.equal(await replaceAll(p).isDisabled(), true);
    assert.equal(await p.evaluate(() => window.loraTagger.store.model.images[0].caption), 'ohwx, auburn hair, smile');
    // Undo replace is focused after the apply: Enter takes it back through the dataset-wide undo.
    await p.keyboard.press('Enter');
    await waitPosted(p, 'selection/undo');
    await p.keyboard.press('Escape');
    await dialog(p).waitFor({ state: 'hidden' });
    assert.equal(await p.evaluate(() => window.loraTagger.app.shadowRoot.activeElement?.localName), 'panel-toolbar');
  });

  it('says where and why a pattern is wrong, keeps the previous preview, and will not replace with it', async () => {
    p = await open(CAPTIONS);
    await fakeHost(p);
    await p.evaluate(() => (window.__badPattern = 'red('));
    await openDialog(p);
    await dialog(p).getByRole('checkbox', { name: 'Regex' }).focus();
    await p.keyboard.press('Space');
    await dialog(p).getByRole('textbox', { name: 'Find' }).fill('red');
    await dialog(p).getByRole('textbox', { name: 'Replace' }).fill('ginger');
    await dialog(p).getByText('3 replacement(s) in 3 of 5 caption(s).').waitFor();
    assert.equal(await replaceAll(p).isDisabled(), false);
    await dialog(p).getByRole('textbox', { name: 'Find' }).press('End');
    await p.keyboard.type('(');
    await p.keyboard.press('Enter');
    const alert = dialog(p).getByRole('alert');
    await alert.getByText(/red\( cannot be used: invalid regular expression: Unterminated group\./).waitFor();
    assert.deepEqual(await items(p), ['test_0001.png', 'test_0003.png', 'test_0004.png']);
    assert.match(await summary(p), /for the previous search/);
    assert.equal(await replaceAll(p).isDisabled(), true);
    await replaceAll(p).click({ force: true });
    assert.equal((await posted(p, 'findReplace/apply')).length, 0);
  });

  it('counts the filtered and selected images, and sends exactly their files', async () => {
    p = await open(CAPTIONS);
    await fakeHost(p);
    await p.evaluate(() => window.loraTagger.store.setImageFilter('query', 'tag:"red hair"'));
    await p.getByRole('button', { name: /^1: test_0001\.png/ }).click();
    await p.getByRole('button', { name: /^3: test_0003\.png/ }).click({ modifiers: ['Shift'] });
    // From the toolbar's … menu.
    await p.getByRole('button', { name: 'More actions' }).click();
    await p.getByRole('menuitem', { name: 'Find and replace in captions…' }).click();
    await dialog(p).waitFor();
    assert.equal(await dialog(p).getByRole('radio', { name: 'Filtered (3)' }).isEnabled(), true);
    await dialog(p).getByRole('textbox', { name: 'Find' }).fill('red hair');
    await dialog(p).getByRole('radio', { name: 'Selection (2)' }).check();
    await dialog(p).getByText('2 replacement(s) in 2 of 2 caption(s).').waitFor();
    let last = (await posted(p, 'findReplace/preview')).at(-1);
    assert.deepEqual([last.query.scope, last.query.files], ['selection', ['test_0001.png', 'test_0003.png']]);
    await dialog(p).getByRole('radio', { name: 'Filtered (3)' }).check();
    await dialog(p).getByText('3 replacement(s) in 3 of 3 caption(s).').waitFor();
    last = (await posted(p, 'findReplace/preview')).at(-1);
    assert.deepEqual(last.query.files, ['test_0001.png', 'test_0003.png', 'test_0004.png']);
    // Without a filter, Filtered cannot be picked.
    await p.keyboard.press('Escape');
    await p.evaluate(() => window.loraTagger.store.setImageFilter('query', ''));
    await openDialog(p);
    assert.equal(await dialog(p).getByRole('radio', { name: 'Filtered (no filter)' }).isDisabled(), true);
  });

  it('opens with Ctrl/Cmd+H only outside text fields, and lists its keys in the ? overlay', async () => {
    p = await open(CAPTIONS);
    await p.getByRole('textbox', { name: 'Add tag', exact: true }).focus();
    await p.keyboard.press(`${mod}+h`);
    await p.keyboard.press(`${mod}+Alt+f`);
    assert.equal(await dialog(p).isVisible(), false);
    await p.getByRole('button', { name: 'Previous image', exact: true }).focus();
    await p.keyboard.press(`${mod}+Alt+f`);
    await dialog(p).waitFor();
    // Keys behind the modal dialog change nothing: Alt+→ does not move to the next image.
    await dialog(p).getByRole('checkbox', { name: 'Regex' }).focus();
    await p.keyboard.press('Alt+ArrowRight');
    assert.equal(await p.evaluate(() => window.loraTagger.store.index), 0);
    // Tab goes round the dialog's controls: from the first (Close) back to the last (the checked scope, Replace all
    // being disabled with nothing to find) and on to the first again.
    await dialog(p).getByRole('button', { name: 'Close (Esc)' }).focus();
    await p.keyboard.press('Shift+Tab');
    assert.equal(await focusedName(p), 'All (5)');
    await p.keyboard.press('Tab');
    assert.equal(await focusedName(p), 'Close (Esc)');
    await p.keyboard.press('Escape');
    await p.keyboard.press('?');
    const rows = await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).locator('tr').allInnerTexts();
    const key = process.platform === 'darwin' ? /⌘H\s*⌘⌥F/ : /Ctrl\+H\s*Ctrl\+Alt\+F/;
    assert.ok(
      rows.some((r) => /^Find and replace in captions/.test(r) && key.test(r)),
      `a find and replace row in ${rows.join(' | ')}`,
    );
  });

  describe('in the four themes', function () {
    this.timeout(60_000);
    const AXE = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    for (const theme of Object.keys(THEME_LABELS))
      it(`${THEME_LABELS[theme]}: no serious axe violation in the dialog, and a screenshot at 1280 and 360 px`, async () => {
        for (const width of [1280, 360]) {
          p = await open(CAPTIONS, {}, { theme, viewport: { width, height: 800 } });
          await fakeHost(p);
          await p.evaluate(() => window.loraTagger.store.setImageFilter('query', 'tag:"red hair"'));
          await openDialog(p);
          await p.keyboard.type('red hair');
          await p.keyboard.press('Tab');
          await p.keyboard.type('auburn hair');
          await dialog(p).getByText('3 replacement(s) in 3 of 5 caption(s).').waitFor();
          await p.evaluate(AXE);
          const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
          // axe's own <style> elements break the CSP; only the panel's violations count.
          await p.evaluate(() => (window.__csp = window.__csp.filter((v) => !/ at :\d+:\d+$/.test(v))));
          const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          assert.deepEqual(
            bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' > ')).join(', ')}`),
            [],
            `${theme} at ${width} px`,
          );
          // At 360 px nothing of the dialog is cut off sideways.
          const box = await dialog(p).boundingBox();
          assert.ok(box.x >= 0 && box.x + box.width <= width, `the dialog fits ${width} px: ${JSON.stringify(box)}`);
          await p.screenshot({
            path: join(repoRoot, '.test-artifacts', 'screenshots', `find-replace-${theme}-${width}.png`),
          });
          await checkAndClose(p);
          p = undefined;
        }
      });
  });
});
