// Workbench UI test: Export Dataset… for a trainer as a person does it, from the panel's toolbar and from the
// Explorer's menu of the output folder: pick the trainer in the quick pick, accept the proposed folder in the save
// dialog, find the trainer's folder written. The panel follows the session's export target: its report then shows
// that trainer's buckets.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DARK_THEME, openWorkbench } from './workbench.mjs';
import { makeTempFolder, waitFor, writeImages } from './files.mjs';

describe('workbench: Export Dataset for a trainer', function () {
  let wb;
  let shoot;
  let out;
  const quick = () => wb.page.locator('.quick-input-widget');
  const input = () => wb.page.locator('.quick-input-widget input');

  /** Picks `trainer` in Export Dataset's quick pick, then accepts the folder the save dialog proposes. */
  async function pickTrainerAndSave(trainer, folderName) {
    await waitFor(async () => (await quick().textContent())?.includes('which trainer'), {
      what: "Export Dataset's trainer pick",
    });
    await input().fill(trainer);
    await wb.page.keyboard.press('Enter');
    // The web workbench's save dialog is a quick input holding the proposed path; a modal would be a check error.
    const modal = wb.page.locator('.monaco-dialog-box');
    const proposed = async () => (await input().isVisible()) && (await input().inputValue()).endsWith(folderName);
    await waitFor(async () => (await proposed()) || (await modal.isVisible()), {
      what: `the save dialog proposing ${folderName}`,
    });
    if (await modal.isVisible()) assert.fail(`the export stopped at a dialog instead: ${await modal.innerText()}`);
    await input().press('Enter');
  }

  before(async function () {
    const folder = makeTempFolder('lora-ui-export-');
    shoot = join(folder, 'shoot');
    writeImages(shoot, 2, { width: 640, height: 480 });
    out = join(shoot, 'output');
    wb = await openWorkbench({ folder, theme: DARK_THEME });
  });
  after(async () => wb?.close());

  it("exports for ai-toolkit from the panel's toolbar; the panel's report then shows ai-toolkit's buckets", async () => {
    await wb.chooseFromContextMenu('shoot', 'Start LoRA Tagging');
    await waitFor(async () => (await input().inputValue()) === 'shoot', { what: 'the prefix prompt' });
    await wb.page.keyboard.press('Enter');
    await waitFor(async () => (await quick().textContent())?.includes('trigger word'), { what: 'the trigger prompt' });
    await input().fill('ohwx');
    await wb.page.keyboard.press('Enter');
    await waitFor(async () => (await quick().textContent())?.includes('caption style'), { what: 'the style pick' });
    await wb.page.keyboard.press('Enter');

    const exportButton = await wb.findInWebview((f) => f.getByRole('button', { name: 'Export dataset', exact: true }), {
      timeout: 60_000,
    });
    await exportButton.click();
    await pickTrainerAndSave('ai-toolkit', 'shoot_ai-toolkit');
    const yaml = join(shoot, 'shoot_ai-toolkit', 'ai-toolkit.yaml');
    await waitFor(() => existsSync(yaml), { timeout: 60_000, what: 'shoot_ai-toolkit/ai-toolkit.yaml' });
    assert.match(readFileSync(yaml, 'utf8'), /trigger_word: "ohwx"/);
    assert.equal(readFileSync(join(shoot, 'shoot_ai-toolkit', 'images', 'shoot_0001.txt'), 'utf8'), 'ohwx');
    await waitFor(() => JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')).exportTarget === 'ai-toolkit', {
      what: 'session.json to remember the export target',
    });
    const report = await wb.findInWebview((f) => f.getByRole('button', { name: 'Report', exact: true }));
    await report.click();
    await (await wb.findInWebview((f) => f.getByRole('table', { name: 'Images by ai-toolkit bucket' }))).waitFor();
  });

  it("exports for SimpleTuner from the output folder's Explorer menu", async () => {
    await wb.chooseFromContextMenu('shoot/output', 'LoRA Tagging: Export Dataset…');
    await pickTrainerAndSave('SimpleTuner', 'shoot_simpletuner');
    const config = join(shoot, 'shoot_simpletuner', 'multidatabackend.json');
    await waitFor(() => existsSync(config), { timeout: 60_000, what: 'shoot_simpletuner/multidatabackend.json' });
    assert.equal(JSON.parse(readFileSync(config, 'utf8'))[0].caption_strategy, 'textfile');
    const said = await waitFor(
      async () => (await wb.notificationCenter()).find((t) => t.startsWith('Exported ') && t.includes('simpletuner')),
      { what: "the export's notification" },
    );
    assert.match(said, /^Exported 2 images with their captions .* for simpletuner to shoot_simpletuner\./);
    await wb.hideNotificationCenter();
  });
});
