// Workbench UI test (issue 13, item 2): the review grid in the real VS Code panel. Its toolbar switch opens it on
// the image shown; the arrows move between cells (down by a row); Enter edits the focused caption in place, typing
// goes into it, Escape leaves, and the text is in that image's .txt; Shift+→ selects two cells, and a tag added
// through the selection (the switch again, back to the single view, whose Add tag the selection shares) lands in
// both files and no other.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DARK_THEME, openWorkbench } from './workbench.mjs';
import { makeTempFolder, realImagesDir, waitFor, writeImages } from './files.mjs';

const addTag = (f) => f.getByRole('textbox', { name: 'Add tag' });
const COUNT = 8;

describe('workbench: the review grid', function () {
  let wb;
  let out;
  const read = (n) => readFileSync(join(out, `grid_000${n}.txt`), 'utf8');
  const all = () => Array.from({ length: COUNT }, (_, i) => read(i + 1));

  before(async function () {
    const folder = makeTempFolder('lora-ui-grid-');
    const shoot = join(folder, 'grid');
    const real = realImagesDir();
    if (real) {
      mkdirSync(shoot, { recursive: true });
      for (let i = 1; i <= COUNT; i++)
        copyFileSync(join(real, 'photos', `Landscape_${i}.jpg`), join(shoot, `Landscape_${i}.jpg`));
    } else writeImages(shoot, COUNT, { width: 640, height: 480, jpgEvery: 1 });
    out = join(shoot, 'output');
    wb = await openWorkbench({ folder, theme: DARK_THEME });
  });
  after(async () => wb?.close());

  it('moves with the arrows, edits a caption in place, and tags two cells selected with Shift+→', async () => {
    await wb.chooseFromContextMenu('grid', 'Start LoRA Tagging');
    const quick = wb.page.locator('.quick-input-widget');
    const input = quick.locator('input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => (await input.inputValue()) === 'grid', { what: 'the prefix prompt' });
    await wb.pressKey('Enter');
    await waitFor(async () => (await quick.textContent())?.includes('trigger word'), { what: 'the trigger prompt' });
    await input.fill('ohwx');
    await wb.pressKey('Enter');
    await waitFor(async () => (await quick.textContent())?.includes('caption style'), { what: 'the style pick' });
    await wb.pressKey('ArrowDown'); // Tags
    await wb.pressKey('Enter');
    const frame = await wb.webviewFrame(addTag, { timeout: 60_000 });
    assert.deepEqual(all(), Array(COUNT).fill('ohwx'));

    // A click on the first thumbnail puts the focus in the panel; from there on, only keys.
    // Alt+G, the grid's key. The panel keeps it from VS Code, which would otherwise open its Go menu (the menu bar's
    // mnemonic) and take the focus out of the panel; the grid focuses the cell of the image shown.
    await frame.getByRole('button', { name: /^1: grid_0001\.jpg/ }).click();
    const gridSwitch = frame.getByRole('switch', { name: 'Review grid' });
    await wb.pressKey('Alt+g');
    await waitFor(async () => (await gridSwitch.getAttribute('aria-checked')) === 'true', {
      what: 'the grid switch on',
    });
    const grid = frame.locator('review-grid');
    const columns = Number(
      await waitFor(() => grid.locator('.canvas[data-columns]').getAttribute('data-columns'), {
        what: 'the grid to lay out its columns',
      }),
    );
    assert.ok(columns >= 2 && columns < COUNT, `${columns} columns: the test needs two rows`);
    /** The image (1-based) whose cell has the focus, once it is also the current one. */
    const focused = () =>
      grid.evaluate((el) => {
        const cell = el.shadowRoot.activeElement;
        return cell?.getAttribute('aria-current') === 'true' ? Number(cell.dataset.i) + 1 : 0;
      });
    const focusOn = (n) =>
      waitFor(async () => (await focused()) === n, { what: `the focus on image ${n}'s cell` }).catch(async (e) => {
        const dbg = await frame.evaluate(() => {
          const chain = [];
          let a = document.activeElement;
          while (a) {
            chain.push(`${a.tagName}.${a.className}[${a.getAttribute?.('aria-label') ?? ''}]`);
            a = a.shadowRoot?.activeElement;
          }
          return `${document.hasFocus()} ${chain.join(' > ')}`;
        });
        await wb.screenshot('grid-debug');
        throw new Error(`${e.message}; focus: ${dbg}`);
      });
    await focusOn(1);
    await wb.pressKey('ArrowRight');
    await focusOn(2);
    await wb.pressKey('ArrowDown'); // a row down
    await focusOn(2 + columns);
    await wb.pressKey('ArrowLeft');
    await focusOn(1 + columns);
    const edited = 1 + columns;

    await wb.pressKey('Enter');
    const area = grid.getByRole('textbox', { name: `Caption of grid_000${edited}.jpg` });
    await area.waitFor();
    await wb.page.keyboard.type(', red scarf');
    await wb.pressKey('Escape');
    await area.waitFor({ state: 'detached' });
    await focusOn(edited);
    await waitFor(() => read(edited) === 'ohwx, red scarf', {
      what: `grid_000${edited}.txt to be "ohwx, red scarf" (is "${read(edited)}")`,
    });
    await grid
      .locator(`.cell[data-pos="${edited - 1}"] .cap`)
      .getByText('ohwx, red scarf')
      .waitFor();

    await wb.pressKey('Shift+ArrowRight');
    await focusOn(edited + 1);
    await grid.locator('.head').getByText('2 selected', { exact: false }).waitFor();
    assert.equal(await grid.locator('.cell.sel').count(), 2);
    const thumbs = () =>
      grid
        .locator('.cell img')
        .evaluateAll((l, n) => l.filter((i) => i.complete && i.naturalWidth).length === n, COUNT);
    await waitFor(thumbs, { timeout: 90_000, what: `the ${COUNT} thumbnails in the grid` });
    await wb.screenshot('grid-workbench-dark');

    // Back to the single view with Alt+G (the focus is on a grid cell, in the panel), and Add tag (Alt+Shift+A) adds to
    // both selected.
    await wb.pressKey('Alt+g');
    await waitFor(async () => (await gridSwitch.getAttribute('aria-checked')) === 'false', {
      what: 'the grid switch off',
    });
    await waitFor(
      async () => (await frame.locator('progress-status .selected').textContent())?.includes('2 selected'),
      {
        what: 'the status line to say 2 selected',
      },
    );
    await wb.pressKey('Alt+Shift+A');
    await waitFor(() => addTag(frame).evaluate((el) => el.matches(':focus')), { what: 'the focus in Add tag' });
    await wb.page.keyboard.type('film grain');
    await wb.pressKey('Enter');
    const want = Array(COUNT).fill('ohwx');
    want[edited - 1] = 'ohwx, red scarf, film grain';
    want[edited] = 'ohwx, film grain';
    await waitFor(() => all().join('|') === want.join('|'), {
      what: `the tag in the two selected captions only (are ${JSON.stringify(all())})`,
    });
  });
});
