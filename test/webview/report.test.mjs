// The report view switch, the dataset commands, and copy-as-Markdown through the host clipboard.
import assert from 'node:assert/strict';
import { open, checkAndClose } from './context.mjs';
import { join } from 'node:path';
import { waitPosted, send, repoRoot } from './harness.mjs';

describe('report view and commands', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('the buttons run the dataset commands on the host', async () => {
    p = await open(['ohwx, a']);
    for (const [name, command] of [
      ['Open caption beside', 'openCaptionBeside'],
      ['Check dataset', 'checkDataset'],
      ['Export dataset', 'exportDataset'],
    ]) {
      await p.getByRole('button', { name, exact: true }).click();
      await waitPosted(p, 'command/run', (m) => m.command === command);
    }
  });

  it('Report shows <dataset-report> with the current dataset; its copy-markdown event reaches the clipboard', async () => {
    p = await open(['ohwx, a', 'ohwx, b']);
    await p.getByRole('button', { name: 'Report', exact: true }).click();
    // <dataset-report> is part of the bundle: the page must never fall back to the "not part of this build" text.
    assert.equal(await p.evaluate(() => !!customElements.get('dataset-report')), true, '<dataset-report> is defined');
    const report = p.locator('dataset-report');
    await report.waitFor({ state: 'attached' });
    const ds = await report.evaluate((el) => ({
      n: el.dataset?.images?.length,
      caption: el.dataset?.images?.[1]?.caption,
    }));
    assert.deepEqual(ds, { n: 2, caption: 'ohwx, b' });
    await report.evaluate((el) =>
      el.dispatchEvent(
        new CustomEvent('copy-markdown', { detail: { text: '# Report' }, bubbles: true, composed: true }),
      ),
    );
    const clip = await waitPosted(p, 'clipboard/write');
    assert.equal(clip.text, '# Report');
    await p.getByRole('button', { name: 'Copy as Markdown', exact: true }).click();
    const md = await waitPosted(p, 'clipboard/write', (m) => m.text !== '# Report');
    assert.match(md.text, /\|/, 'the report as Markdown (with a table)');
    await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', 'webview-report-dark.png') });
    await p.getByRole('button', { name: 'Back to tagging', exact: true }).click();
    await p.getByRole('textbox', { name: 'Caption text', exact: true }).waitFor();
    await p.getByRole('button', { name: 'Report', exact: true }).click();
    await p.getByRole('button', { name: 'Tagging', exact: true }).click();
    await p.getByRole('textbox', { name: 'Caption text', exact: true }).waitFor();
    await send(p, { type: 'view/show', view: 'report' });
    await report.waitFor({ state: 'attached' });
  });
});
