// The captioning run's Pause, Resume and Cancel run buttons on the panel's progress line (issue 12), with the
// keyboard, at 360 px wide. The page's stand-in host answers captioning/control as the real one does (an
// acknowledgement, then the run's next captioning/run report); the real run is paused, resumed and cancelled from
// these messages in the real extension host in test/integration/suite/captionRunControls.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAndClose, open } from './context.mjs';
import { clearPosted, repoRoot, send, waitPosted } from './harness.mjs';

const ITEMS = [
  { file: 'test_0001.png', state: 'done' },
  { file: 'test_0002.png', state: 'running' },
  { file: 'test_0003.png', state: 'queued' },
  { file: 'test_0004.png', state: 'queued' },
];

/** Opens the panel with a run going (1 of 4 done); the stand-in host reports the run paused, resumed or ended. */
async function openRun(opts) {
  const p = await open(['ohwx, a', '', '', '', ''], {}, opts);
  await p.evaluate((items) => {
    const run = (over) => ({ active: true, paused: false, done: 1, total: 4, items, ...over });
    window.__replies = {
      'captioning/control': (b) => {
        if (b.action === 'pause') window.__send({ type: 'captioning/run', run: run({ paused: true }) });
        if (b.action === 'resume') window.__send({ type: 'captioning/run', run: run({ etaMs: 20_000 }) });
        if (b.action === 'cancel')
          window.__send({
            type: 'captioning/run',
            run: run({ active: false, done: 2, items: [{ file: 'test_0002.png', state: 'done' }] }),
          });
        return undefined;
      },
    };
    window.__send({ type: 'captioning/run', run: run({ etaMs: 30_000 }) });
  }, ITEMS);
  const line = p.getByRole('status', { name: 'AI captioning' });
  await line.waitFor();
  return { p, line, group: p.getByRole('group', { name: 'AI captioning run' }) };
}

describe('captioning run controls', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('pauses, resumes and cancels the run from its progress line with the keyboard, at 360 px', async () => {
    let line, group;
    ({ p, line, group } = await openRun({ viewport: { width: 360, height: 700 } }));
    assert.match(await line.innerText(), /AI captions 1\/4 · about 30 s left/);
    const pause = group.getByRole('button', { name: 'Pause', exact: true });
    const cancel = group.getByRole('button', { name: 'Cancel run', exact: true });
    // Both fit the 360 px panel beside the line.
    for (const b of [pause, cancel]) {
      const box = await b.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${await b.innerText()} at ${JSON.stringify(box)}`);
    }
    // Tab reaches them: from the filmstrip's last control onwards, focus comes to Pause.
    await p.getByRole('button', { name: /^5: test_0005\.png/ }).focus();
    for (let i = 0; i < 20 && !(await pause.evaluate((b) => b.matches(':focus'))); i++) await p.keyboard.press('Tab');
    assert.ok(await pause.evaluate((b) => b.matches(':focus')), 'Tab reaches Pause');
    await p.keyboard.press('Enter');
    await waitPosted(p, 'captioning/control', (m) => m.action === 'pause');
    // Paused: the line says so and that the image being captioned finishes; the same button now resumes.
    await p.waitForFunction(() => window.loraTagger.store.captionRun.run.paused);
    assert.match(await line.innerText(), /^\s*Paused: AI captions 1\/4 · 1 image finishing\s*$/);
    const resume = group.getByRole('button', { name: 'Resume', exact: true });
    await resume.waitFor();
    assert.ok(await resume.evaluate((b) => b.matches(':focus')), 'focus stays on the button');
    await p.getByText('Paused AI captioning: the images being captioned finish, no new one starts.').waitFor();
    await clearPosted(p);
    await p.keyboard.press('Enter');
    await waitPosted(p, 'captioning/control', (m) => m.action === 'resume');
    await pause.waitFor();
    assert.match(await line.innerText(), /AI captions 1\/4 · about 20 s left/);
    await clearPosted(p);
    await cancel.focus();
    await p.keyboard.press('Space');
    await waitPosted(p, 'captioning/control', (m) => m.action === 'cancel');
    // Ended: the buttons go, the line says it was cancelled, and no image stays marked as queued or running.
    await group.waitFor({ state: 'detached' });
    assert.match(await line.innerText(), /AI captioning cancelled: 2\/4/);
    await p.getByText(/^Cancelled AI captioning: the captions it wrote stay/).waitFor();
    const strip = p.getByRole('list', { name: 'Filmstrip' });
    await strip.getByRole('button', { name: '2: test_0002.png, untagged, captioned by AI' }).waitFor();
    await strip.getByRole('button', { name: '3: test_0003.png, untagged', exact: true }).waitFor();
    assert.equal(await strip.locator('run-mark').count(), 2);
  });

  it("says why when the host has no run to pause (it ended meanwhile), and the line's buttons stay usable", async () => {
    let group;
    ({ p, group } = await openRun());
    await p.evaluate(() => (window.__replies = {}));
    await group.getByRole('button', { name: 'Pause', exact: true }).click();
    const req = await waitPosted(p, 'captioning/control', (m) => m.action === 'pause');
    assert.ok(req);
    // The stand-in host fails the request as TaggingPanel does when CaptionRuns has no run on the dataset.
    const error = 'Could not pause AI captioning: no run is going on /data/output (it may have just ended).';
    await p.evaluate((error) => {
      const m = window.__posted.find((x) => x.body.type === 'captioning/control');
      window.__send({ type: 'reply', ok: false, error }, m.id);
    }, error);
    await p.getByText(error).waitFor();
    assert.equal(
      await group.getByRole('button', { name: 'Pause', exact: true }).getAttribute('aria-disabled'),
      'false',
    );
  });

  for (const theme of ['light', 'dark']) {
    it(`screenshot of a paused run at 360 px in the ${theme} theme`, async () => {
      let group;
      ({ p, group } = await openRun({ theme, viewport: { width: 360, height: 640 } }));
      await send(p, {
        type: 'captioning/run',
        run: { active: true, paused: true, done: 1, total: 4, items: ITEMS },
      });
      await group.getByRole('button', { name: 'Resume', exact: true }).waitFor();
      await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', `run-paused-360-${theme}.png`) });
    });
  }
});
