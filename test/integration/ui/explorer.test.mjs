// Workbench UI smoke test: a person opens a folder of images in VS Code, right-clicks a subfolder in the
// Explorer and finds "Start LoRA Tagging"; the command palette offers "LoRA Tagging: Resume Session".
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DARK_THEME, LIGHT_THEME, openWorkbench } from './workbench.mjs';
import { makeTempFolder, waitFor, writeImages } from './files.mjs';

describe('workbench: the extension as a person finds it', function () {
  let wb;
  before(async function () {
    const folder = makeTempFolder('lora-ui-explorer-');
    writeImages(join(folder, 'my-dataset'), 3, { jpgEvery: 3 });
    writeFileSync(join(folder, 'notes.md'), '# Dataset notes\n\nShot on a **grey** day.\n');
    wb = await openWorkbench({ folder, theme: LIGHT_THEME });
  });
  after(async () => wb?.close());

  it('shows "Start LoRA Tagging" when right-clicking a folder in the Explorer', async () => {
    // chooseFromContextMenu-style retry: the menu lists what was registered when it opened.
    let items = [];
    const deadline = Date.now() + 30000;
    while (!items.includes('Start LoRA Tagging') && Date.now() < deadline) {
      items = await wb.contextMenuItems('my-dataset');
      if (!items.includes('Start LoRA Tagging')) await new Promise((r) => setTimeout(r, 500));
    }
    await wb.screenshot('explorer-context-menu-checked');
    assert.ok(items.includes('Start LoRA Tagging'), `context menu of a folder shows: ${items.join(' | ')}`);
  });

  it('does not offer it on an image file', async () => {
    const items = await wb.contextMenuItems('my-dataset/img_01.png');
    assert.ok(items.length > 0, 'the context menu of a file opened');
    assert.ok(!items.includes('Start LoRA Tagging'), `a file's context menu should not offer it: ${items.join(' | ')}`);
  });

  it('chooses a context-menu entry the way a person clicks it (Find in Folder... opens Search)', async () => {
    // Guards chooseFromContextMenu, which the tagging tests use for "Start LoRA Tagging".
    await wb.chooseFromContextMenu('my-dataset', 'Find in Folder...');
    await wb.page.locator('.search-view').waitFor({ state: 'visible', timeout: 10000 });
    // The Search view moves focus into its box a moment later; a palette opened before that is dismissed by it.
    await waitFor(() => wb.page.evaluate(() => !!document.activeElement?.closest('.search-view')), {
      what: 'focus in the Search box',
    });
    await wb.runCommand('View: Show Explorer');
    await wb.explorerItem('my-dataset');
  });

  it('lists "LoRA Tagging: Resume Session" in the command palette', async () => {
    const items = await wb.paletteItems('Resume Session');
    assert.ok(items.includes('LoRA Tagging: Resume Session'), `palette shows: ${items.join(' | ')}`);
  });

  it('follows a colour theme switch (the helper the panel screenshots rely on)', async () => {
    const isDark = () =>
      wb.page.evaluate(() => document.querySelector('.monaco-workbench').classList.contains('vs-dark'));
    await wb.setTheme(DARK_THEME);
    assert.equal(await isDark(), true);
    await wb.screenshot('explorer-dark');
    await wb.setTheme(LIGHT_THEME);
    assert.equal(await isDark(), false);
  });

  it('finds content two iframes deep in a webview, repainted with the theme (Markdown preview)', async () => {
    // The tagging panel is a webview too: this proves findInWebview and setTheme on one that exists today.
    await (await wb.explorerItem('notes.md')).click();
    await wb.runCommand('Markdown: Open Preview');
    // Found afresh each time: a theme switch can re-create the webview's frames.
    const heading = () => wb.findInWebview((f) => f.getByRole('heading', { name: 'Dataset notes' }));
    const ink = async () => (await heading()).evaluate((el) => getComputedStyle(el).color);
    const light = await ink();
    await wb.setTheme(DARK_THEME);
    // Retried: the webview's frames are re-created around a theme switch ("Frame was detached" in between).
    const dark = await waitFor(
      async () => {
        const c = await ink();
        return c !== light && c;
      },
      { timeout: 15000, what: `the webview heading to change from ${light}` },
    );
    assert.notEqual(dark, light);
    await wb.screenshot('markdown-preview-dark');
    await wb.setTheme(LIGHT_THEME);
  });
});
