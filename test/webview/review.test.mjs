// Reviewing machine suggestions (issue 12) with the keyboard and the buttons: moving through the images that have a
// suggestion, accept, merge and reject, the "machine caption, not reviewed" note, and the shortcut list. The page's
// stand-in host answers each suggestion/answer as TaggingPanel does (the caption it wrote, as caption/changed, then
// the review state without that image); the real answers (merge keeping the user's order, the run's undo) run in
// the real extension host in test/integration/suite/captionReview.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAndClose, open } from './context.mjs';
import { clearPosted, repoRoot, send, waitPosted } from './harness.mjs';

const captionValue = (p) => p.getByRole('textbox', { name: 'Caption text', exact: true }).inputValue();

const SUGGESTIONS = [
  {
    file: 'test_0001.png',
    text: 'ohwx, red hair, smile, outdoors',
    tags: [
      { tag: 'red hair', score: 0.97 },
      { tag: 'smile', score: 0.9 },
      { tag: 'outdoors', score: 0.41, unknown: true },
    ],
    provider: 'wd-tagger',
    model: 'wd-test-tagger',
  },
  { file: 'test_0003.png', text: 'ohwx, blue eyes', provider: 'openai', model: 'qwen-vl' },
  { file: 'test_0004.png', text: 'ohwx, hat, scarf', provider: 'openai', model: 'qwen-vl' },
];
// What the host writes for each answer (its merge keeps the caption's tags first, then the new ones).
const WRITTEN = {
  'test_0001.png': { merge: 'ohwx, red hair, freckles, smile, outdoors' },
  'test_0003.png': { reject: '' },
  'test_0004.png': { accept: 'ohwx, hat, scarf' },
};

/** Opens the panel with three suggestions waiting and image 2's caption machine-written and unreviewed. */
async function openReview(theme = 'dark', viewport) {
  const p = await open(
    ['ohwx, red hair, freckles', 'ohwx, smile', '', 'ohwx', ''],
    {},
    { theme, ...(viewport ? { viewport } : {}) },
  );
  await p.evaluate(
    ({ suggestions, written }) => {
      const waiting = [...suggestions];
      let rev = 100;
      window.__replies = {
        'suggestion/answer': (b) => {
          const caption = written[b.file][b.answer];
          window.__send({ type: 'caption/changed', file: b.file, text: caption, rev: ++rev });
          waiting.splice(
            waiting.findIndex((s) => s.file === b.file),
            1,
          );
          window.__send({ type: 'review/state', suggestions: [...waiting], unreviewed: ['test_0002.png'] });
          return { caption };
        },
      };
      window.__send({ type: 'review/state', suggestions, unreviewed: ['test_0002.png'] });
    },
    { suggestions: SUGGESTIONS, written: WRITTEN },
  );
  const region = p.getByRole('region', { name: 'Machine suggestion' });
  await region.waitFor();
  return { p, region };
}

describe('suggestion review', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('moves through the suggestions and merges, rejects and accepts with the keyboard and the buttons', async () => {
    let region;
    ({ p, region } = await openReview());
    assert.match(await region.innerText(), /1 of 3/);
    assert.match(await region.innerText(), /smile\s*90%/);
    assert.match(await region.innerText(), /outdoors\s*41%/);
    assert.match(await region.innerText(), /adds the suggested tags you do not have yet/);

    await p.keyboard.press('Alt+Shift+j');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0003.png');
    assert.match(await region.innerText(), /2 of 3[\s\S]*qwen-vl/);
    assert.match(await region.getByLabel('Suggested caption').innerText(), /ohwx, blue eyes/);
    await p.keyboard.press('Alt+Shift+u');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0001.png');

    // Merge on image 1: the caption becomes what the host wrote, and the panel goes on to the next suggestion.
    await clearPosted(p);
    await p.keyboard.press('Alt+Shift+m');
    await waitPosted(p, 'suggestion/answer', (m) => m.file === 'test_0001.png' && m.answer === 'merge');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0003.png');
    assert.match(await region.innerText(), /1 of 2/);
    await p.keyboard.press('Alt+ArrowLeft');
    await p.keyboard.press('Alt+ArrowLeft');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0001.png');
    assert.equal(await captionValue(p), 'ohwx, red hair, freckles, smile, outdoors');
    // Image 1 has no suggestion now: the line says how many wait elsewhere, and the next-suggestion key goes there.
    await p.getByText('2 machine suggestions waiting').waitFor();
    await p.keyboard.press('Alt+Shift+j');
    await p.waitForFunction(() => window.loraTagger.store.current.file === 'test_0003.png');

    await clearPosted(p);
    await p.keyboard.press('Alt+Shift+x');
    await waitPosted(p, 'suggestion/answer', (m) => m.file === 'test_0003.png' && m.answer === 'reject');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0004.png');
    assert.match(await region.innerText(), /1 of 1/);

    await clearPosted(p);
    await region.getByRole('button', { name: 'Accept' }).click();
    await waitPosted(p, 'suggestion/answer', (m) => m.file === 'test_0004.png' && m.answer === 'accept');
    await p.getByText('Accepted the suggestion for test_0004.png. No suggestions left.').waitFor();
    await region.waitFor({ state: 'detached' });
    assert.equal(await captionValue(p), 'ohwx, hat, scarf');
    // Nothing left: the keys say so instead of moving.
    await p.keyboard.press('Alt+Shift+y');
    await p.getByText('This image has no machine suggestion').waitFor();
    await p.keyboard.press('Alt+Shift+j');
    await p.getByText('No suggestions waiting.').waitFor();
    assert.equal(await p.evaluate(() => window.loraTagger.store.current.file), 'test_0004.png');
  });

  it('marks a machine caption nobody has reviewed, until the user edits it', async () => {
    ({ p } = await openReview());
    await p.keyboard.press('Alt+ArrowRight');
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    const note = p.getByRole('note').filter({ hasText: 'Machine caption, not reviewed yet' });
    await note.waitFor();
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.click();
    await p.keyboard.press('End');
    await p.keyboard.type(', hat');
    await note.waitFor({ state: 'detached' });
    assert.equal(await p.evaluate(() => window.loraTagger.store.model.images[1].machine), false);
    // The host's next review state no longer lists it (its edit marked it reviewed): the note stays away.
    await send(p, { type: 'review/state', suggestions: [], unreviewed: [] });
    await waitPosted(p, 'caption/update', (m) => m.file === 'test_0002.png' && m.text === 'ohwx, smile, hat');
    assert.equal(await note.count(), 0);
  });

  it('lists its keys in the shortcut list', async () => {
    ({ p } = await openReview());
    await p.getByRole('button', { name: 'Next suggestion' }).focus();
    await p.keyboard.press('?');
    const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    for (const re of [
      /Accept the suggestion[^\n]*\s*Alt\+Shift\+Y/,
      /Merge the suggestion[^\n]*\s*Alt\+Shift\+M/,
      /Reject the suggestion\s*Alt\+Shift\+X/,
      /Next image with a machine suggestion\s*Alt\+Shift\+J/,
      /Previous image with a machine suggestion\s*Alt\+Shift\+U/,
    ])
      assert.match(text, re);
  });

  it('marks each image of a captioning run in the filmstrip, with the error of a failed one, and shows the progress', async () => {
    ({ p } = await openReview());
    const run = (active, done, items, etaMs) =>
      send(p, {
        type: 'captioning/run',
        run: { active, paused: false, done, total: 4, ...(etaMs ? { etaMs } : {}), items },
      });
    await run(
      true,
      1,
      [
        { file: 'test_0002.png', state: 'done' },
        { file: 'test_0003.png', state: 'running' },
        { file: 'test_0004.png', state: 'queued' },
        { file: 'test_0005.png', state: 'queued' },
      ],
      30_000,
    );
    const strip = p.getByRole('list', { name: 'Filmstrip' });
    await strip.getByRole('button', { name: '3: test_0003.png, untagged, being captioned by AI' }).waitFor();
    await strip.getByRole('button', { name: '4: test_0004.png, queued for AI captioning' }).waitFor();
    const line = p.getByRole('status', { name: 'AI captioning' });
    assert.match(await line.innerText(), /AI captions 1\/4 · 3 suggestions to review · about 30 s left/);
    await run(false, 4, [
      { file: 'test_0003.png', state: 'suggested' },
      { file: 'test_0004.png', state: 'failed', error: 'the server answered 500 Internal Server Error' },
      { file: 'test_0005.png', state: 'done' },
    ]);
    const failed = strip.getByRole('button', {
      name: '4: test_0004.png, AI captioning failed: the server answered 500 Internal Server Error',
    });
    await failed.waitFor();
    assert.match(await failed.getAttribute('title'), /\nAI captioning failed: the server answered 500/);
    assert.equal(await failed.locator('run-mark').getAttribute('state'), 'failed');
    await strip.getByRole('button', { name: '2: test_0002.png, captioned by AI' }).waitFor();
    assert.match(await line.innerText(), /AI captioning finished: 4\/4 · 3 suggestions to review\s*· 1 failed/);
    // A new run starts from nothing: the marks of the last one go.
    await run(true, 0, [{ file: 'test_0005.png', state: 'queued' }]);
    await strip.getByRole('button', { name: '4: test_0004.png', exact: true }).waitFor();
  });

  it('captions the current, the selected or the filtered images with AI from the … menu', async () => {
    ({ p } = await openReview());
    const menuEntry = async (name) => {
      await p.getByRole('button', { name: 'More actions' }).click();
      const entry = p.getByRole('menu', { name: 'More actions' }).getByRole('menuitem', { name });
      await entry.click();
    };
    await menuEntry('Caption this image with AI…');
    await waitPosted(p, 'captioning/start', (m) => m.files.join() === 'test_0001.png');
    await clearPosted(p);
    await p.evaluate(() => window.loraTagger.store.selection.selectAll([1, 2, 4]));
    await menuEntry('Caption the 3 selected images with AI…');
    await waitPosted(p, 'captioning/start', (m) => m.files.join() === 'test_0002.png,test_0003.png,test_0005.png');
    await clearPosted(p);
    await p.evaluate(() => window.loraTagger.store.setImageFilter('untagged', ''));
    await menuEntry('Caption the 2 filtered images with AI…');
    await waitPosted(p, 'captioning/start', (m) => m.files.join() === 'test_0003.png,test_0005.png');
  });

  for (const theme of ['light', 'dark']) {
    it(`screenshot of the review in the ${theme} theme`, async () => {
      let region;
      ({ p, region } = await openReview(theme, { width: 1100, height: 700 }));
      await region.waitFor();
      const items = [
        { file: 'test_0002.png', state: 'done' },
        { file: 'test_0003.png', state: 'suggested' },
        { file: 'test_0004.png', state: 'failed', error: 'the server answered 500' },
        { file: 'test_0005.png', state: 'running' },
      ];
      await send(p, {
        type: 'captioning/run',
        run: { active: true, paused: false, done: 3, total: 4, etaMs: 4000, items },
      });
      await p.getByRole('status', { name: 'AI captioning' }).waitFor();
      // The host's thumbnails, so the filmstrip shows images under the run's marks, as in VS Code.
      const files = SUGGESTIONS.map((x) => x.file).concat(['test_0002.png', 'test_0005.png']);
      await send(p, {
        type: 'thumbs/ready',
        thumbs: files.map((file) => ({ file, uri: `/img/img_${Number(file.slice(5, 9))}.png?thumb` })),
      });
      await p.waitForFunction(() => {
        const strip = document.querySelector('lora-tagger-app').shadowRoot.querySelector('film-strip');
        const imgs = [...strip.shadowRoot.querySelectorAll('img')];
        return imgs.length === 5 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      });
      const path = join(repoRoot, '.test-artifacts', 'screenshots', `review-${theme}.png`);
      await p.screenshot({ path });
      // The README's screenshots, retaken every run so they show the panel as it is.
      await p.screenshot({ path: join(repoRoot, 'docs', 'screenshots', `review-${theme}.png`) });
      // A button in every theme: visible, named, and enabled.
      assert.ok(await region.getByRole('button', { name: 'Merge' }).isEnabled());
    });
  }
});
