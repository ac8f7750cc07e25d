// What issue 10 found on the panel, one test each: prose never cut into chips (item 3), no image action on the
// report page (2), the report's layout (6), the toolbar at narrow widths (7), token count, resizable split and
// thumbnails, pinning by keyboard (8), and no empty icon boxes while the codicon font loads (9).
import assert from 'node:assert/strict';
import { harness, open, checkAndClose } from './context.mjs';
import { datasetView, imageView, openPanel, posted, send, waitPosted, clearPosted } from './harness.mjs';
import { PROSE, openSized } from './layout.mjs';

describe('the panel (issue 10)', function () {
  this.timeout(60_000);
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('item 3: a 2,000-character prose caption makes no chip and no palette tag; tags added to it are its tail', async () => {
    const tail = `${PROSE}, film grain, soft light`;
    p = await open([PROSE, tail, 'ohwx, red hair, smile'], { captionStyle: 'natural', knownTags: ['smile'] });
    const chips = () =>
      p.locator('caption-chips .chip').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(await chips(), [], 'no fragment of the prose is a chip');
    const palette = () =>
      p
        .getByRole('list', { name: 'Tag palette', exact: true })
        .evaluate((l) =>
          [...l.querySelectorAll('button.tag')].map((b) => [
            b.getAttribute('aria-label'),
            b.querySelector('.count').textContent,
          ]),
        );
    const names = (await palette()).map(([t]) => t);
    assert.ok(!names.some((t) => /calm|coming from|covering/.test(t)), `prose in the palette: ${names.join(' | ')}`);
    assert.deepEqual(Object.fromEntries(await palette()), {
      smile: '1',
      'red hair': '1',
      'film grain': '1',
      'soft light': '1',
    });
    // Adding a tag appends it after the prose; its chip's × takes out that tag and nothing of the prose.
    await p.getByRole('textbox', { name: 'Add tag', exact: true }).fill('candid');
    await p.getByRole('textbox', { name: 'Add tag', exact: true }).press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === `${PROSE}, candid`);
    assert.deepEqual(await chips(), ['candid']);
    await p.getByRole('button', { name: 'Remove candid' }).click();
    await waitPosted(p, 'caption/update', (m) => m.text === PROSE);
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    assert.deepEqual(await chips(), ['film grain', 'soft light']);
    // The tail reorders; the prose stays byte for byte.
    await p.getByRole('listitem', { name: 'soft light' }).focus();
    await p.keyboard.press('Alt+ArrowUp');
    await waitPosted(p, 'caption/update', (m) => m.text === `${PROSE}, soft light, film grain`);
  });

  it('item 2: on the report page the image actions are gone, and their keys and host actions change nothing', async () => {
    p = await open(['ohwx, a', 'ohwx, b'], { hostKeys: ['nextImage'] });
    await p.getByRole('button', { name: 'Report', exact: true }).click();
    await p.getByRole('button', { name: 'Copy as Markdown', exact: true }).waitFor();
    const toolbar = p.getByRole('toolbar');
    const buttons = await toolbar
      .getByRole('button')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent.trim()));
    assert.deepEqual(
      buttons.filter((b) => /image|Favourite|NSFW|Skip|Undo|Redo|caption/i.test(b)),
      [],
      `image actions on the report page: ${buttons}`,
    );
    assert.equal(await p.getByRole('textbox', { name: 'Go to image number' }).count(), 0);
    await clearPosted(p);
    for (const key of [
      'Alt+ArrowLeft',
      'PageDown',
      'Alt+Shift+f',
      'Alt+Shift+n',
      'Alt+Shift+k',
      'Alt+1',
      'Control+z',
      'Control+Shift+z',
      'Alt+Shift+g',
    ])
      await p.keyboard.press(key);
    // A key VS Code dispatches arrives as an `action` message: refused too, with a word on the status line.
    await p.evaluate(() => window.__send({ type: 'action', action: 'nextImage' }));
    await p.evaluate(() => window.__send({ type: 'action', action: 'toggleFavourite' }));
    await p.getByText('The report is open: go back to tagging').waitFor();
    const sent = (await posted(p)).filter((b) =>
      ['image/select', 'image/flags', 'caption/update', 'tags/used'].includes(b.type),
    );
    assert.deepEqual(sent, [], 'nothing changed out of sight');
    assert.deepEqual(
      await p.evaluate(() => {
        const s = window.loraTagger.store;
        return [s.index, s.current.favourite, s.current.caption];
      }),
      [0, false, 'ohwx, a'],
    );
    assert.ok(
      await p.getByRole('button', { name: 'Copy as Markdown', exact: true }).isVisible(),
      'still on the report',
    );
  });

  it('item 6: the report header holds its buttons beside the title at 1400 px; chart text keeps its size at 360 px', async () => {
    const { browser, server } = harness();
    const ims = Array.from({ length: 12 }, (_, i) =>
      imageView(`r_${i}.png`, `/img/img_${(i % 6) + 1}.png`, `ohwx, tag ${i % 3}, long descriptive tag name ${i}`, {
        width: 300 + i * 200,
        height: 400,
      }),
    );
    for (const width of [1400, 360]) {
      p = await openPanel(browser, server, datasetView(ims), { viewport: { width, height: 800 } });
      // As Show Dataset Report does (at 360 px the Report button is in the … menu).
      await send(p, { type: 'view/show', view: 'report' });
      const back = await p.getByRole('button', { name: 'Back to tagging', exact: true }).boundingBox();
      const copy = await p.getByRole('button', { name: 'Copy as Markdown', exact: true }).boundingBox();
      const title = await p.getByRole('heading', { name: /Dataset report/ }).boundingBox();
      if (width === 1400) {
        assert.ok(
          back.x - (title.x + title.width) < 40,
          `Back to tagging sits beside the title (${title.x + title.width} -> ${back.x})`,
        );
        assert.ok(Math.abs(back.y - copy.y) < 4 && copy.x > back.x, 'Copy as Markdown follows it on the same row');
      }
      const sizes = await p
        .locator('dataset-report table.chart th, dataset-report table.chart td.count')
        .evaluateAll((els) =>
          els.map((e) => parseFloat(getComputedStyle(e).fontSize) * (e.getBoundingClientRect().height ? 1 : 0)),
        );
      assert.ok(
        sizes.length > 10 && sizes.every((s) => s >= 12),
        `chart text sizes at ${width} px: ${[...new Set(sizes)]}`,
      );
      // The header stays at the top as the page scrolls, Back to tagging in reach.
      await p.locator('.report').evaluate((el) => (el.scrollTop = el.scrollHeight));
      const after = await p.getByRole('button', { name: 'Back to tagging', exact: true }).boundingBox();
      assert.ok(after.y >= 0 && after.y < 120, `Back to tagging after scrolling: y=${after.y}`);
      await checkAndClose(p);
      p = undefined;
    }
  });

  it('item 7: at 600, 360 px and 200% zoom the toolbar is one row; groups move whole into the … menu, which runs them', async () => {
    for (const [viewport, scale] of [
      [{ width: 600, height: 600 }, 1],
      [{ width: 360, height: 700 }, 1],
      [{ width: 640, height: 400 }, 2],
      [{ width: 1400, height: 600 }, 1],
    ]) {
      p = await openSized('ohwx, smile', 'tags', viewport, scale);
      const bar = await p.evaluate(() => {
        const tb = document.querySelector('lora-tagger-app').shadowRoot.querySelector('panel-toolbar').shadowRoot;
        const items = [...tb.querySelectorAll('.tools > button, .goto, .title')].map((e) => {
          const r = e.getBoundingClientRect();
          return {
            id: e.dataset?.id ?? e.className,
            mid: Math.round(r.top + r.height / 2),
            right: r.right,
            w: r.width,
          };
        });
        const title = tb.querySelector('.title');
        return {
          items,
          cut: title.scrollWidth > title.clientWidth,
          free: tb.querySelector('.spacer').getBoundingClientRect().width,
          width: innerWidth,
        };
      });
      const mids = bar.items.map((i) => i.mid);
      assert.ok(
        Math.max(...mids) - Math.min(...mids) <= 3,
        `one row at ${viewport.width} px: ${JSON.stringify(bar.items)}`,
      );
      assert.ok(
        bar.items.every((i) => i.right <= bar.width + 1 && i.w > 0),
        `all inside the panel: ${JSON.stringify(bar.items)}`,
      );
      assert.ok(!(bar.cut && bar.free > 60), `the title is cut while ${bar.free} px are free`);
      const ids = bar.items.map((i) => i.id);
      for (const group of [
        ['favourite', 'nsfw', 'skip'],
        ['undo', 'redo'],
      ]) {
        const shown = group.filter((g) => ids.includes(g));
        assert.ok(shown.length === 0 || shown.length === group.length, `${group} split: ${ids}`);
      }
      if (viewport.width === 1400)
        assert.ok(ids.includes('keyboard') && ids.includes('favourite'), `everything fits at 1400 px: ${ids}`);
      if (viewport.width === 360) assert.ok(ids.includes('more'), `the … menu at 360 px: ${ids}`);
      if (ids.includes('more')) {
        // The menu lists what is not in the toolbar; ↓ opens it, Enter runs an entry, Escape closes it.
        await p.getByRole('button', { name: 'More actions' }).focus();
        await p.keyboard.press('ArrowDown');
        const menu = p.getByRole('menu', { name: 'More actions' });
        await menu.waitFor();
        const entries = await menu.locator('button').evaluateAll((els) => els.map((e) => e.textContent.trim()));
        const inBar = await p
          .getByRole('toolbar')
          .getByRole('button')
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent.trim()));
        assert.ok(entries.length > 0 && entries.every((e) => !inBar.includes(e)), `menu ${entries} / toolbar ${inBar}`);
        if (!ids.includes('favourite')) {
          assert.ok(
            entries.includes('Favourite') && entries.includes('NSFW') && entries.includes('Skip'),
            `flags in the menu: ${entries}`,
          );
          await menu.getByRole('menuitemcheckbox', { name: 'Favourite' }).click();
          await waitPosted(p, 'image/flags', (m) => m.favourite === true);
          await p.getByRole('button', { name: 'More actions' }).click();
          assert.equal(
            await menu.getByRole('menuitemcheckbox', { name: 'Favourite' }).getAttribute('aria-checked'),
            'true',
          );
          await p.keyboard.press('Escape');
        } else {
          const command = entries.find((e) => ['Check dataset', 'Export dataset'].includes(e));
          // Where everything else fits, the menu holds only "Caption this image with AI…" (always in the menu).
          const ai = !command && !entries.includes('Keyboard shortcuts');
          const name = command ?? (ai ? 'Caption this image with AI…' : 'Keyboard shortcuts');
          await menu.getByRole('menuitem', { name }).focus();
          await p.keyboard.press('Enter');
          if (command) await waitPosted(p, 'command/run');
          else if (ai) await waitPosted(p, 'captioning/start', (m) => m.files.length === 1);
          else {
            const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
            await dialog.waitFor();
            await p.keyboard.press('Escape');
            await dialog.waitFor({ state: 'hidden' });
          }
        }
        await menu.waitFor({ state: 'hidden' });
        const back = await p.evaluate(() =>
          document
            .querySelector('lora-tagger-app')
            .shadowRoot.querySelector('panel-toolbar')
            .shadowRoot.activeElement?.getAttribute('aria-label'),
        );
        assert.equal(back, 'More actions', 'focus returns to …');
      }
      await checkAndClose(p);
      p = undefined;
    }
  });

  it('item 8: a live CLIP and T5 token estimate under the caption, in the warning colour past the limit', async () => {
    p = await open(['ohwx, a'], { captionStyle: 'natural' });
    const tokens = p.locator('caption-text .tokens');
    assert.match(await tokens.innerText(), /^~\d+\/77 CLIP · ~\d+\/512 T5 tokens$/);
    const normal = await tokens.evaluate((e) => getComputedStyle(e).color);
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.fill(PROSE.slice(0, 400));
    const [clip, t5] = (await tokens.innerText())
      .match(/~(\d+)\/77 CLIP · ~(\d+)\/512/)
      .slice(1)
      .map(Number);
    assert.ok(clip > 77 && t5 < 512, `${clip} ${t5}`);
    assert.match(await tokens.innerText(), /longer than CLIP reads/);
    const warn = await tokens.evaluate((e) => getComputedStyle(e).color);
    assert.notEqual(warn, normal, 'the warning colour past the limit');
    // The same estimate as the report's (src/shared/report.ts): its "Cut by CLIP" row for this caption.
    await p.keyboard.press('Tab');
    await p.getByRole('button', { name: 'Report', exact: true }).click();
    const row = p.getByRole('table', { name: /Cut by CLIP/ }).getByRole('row', { name: /test_0001\.png/ });
    assert.deepEqual((await row.getByRole('cell').allInnerTexts()).slice(2), [String(clip), String(t5)]);
  });

  it('item 8: the split between image and side column and the thumbnail size follow the sashes and are remembered', async () => {
    p = await open(['ohwx, a', 'ohwx, b']);
    const side = p.getByRole('separator', { name: 'Resize the side column' });
    const aside = p.locator('lora-tagger-app aside');
    const w0 = (await aside.boundingBox()).width;
    const box = await side.boundingBox();
    await p.mouse.move(box.x + box.width / 2, box.y + 200);
    await p.mouse.down();
    await p.mouse.move(box.x - 150, box.y + 200, { steps: 5 });
    await p.mouse.up();
    const w1 = (await aside.boundingBox()).width;
    assert.ok(w1 > w0 + 100, `dragged wider: ${w0} -> ${w1}`);
    assert.equal(Number(await side.getAttribute('aria-valuenow')), Math.round(w1));
    // By keyboard too: ← widens the side column (the sash's value), Home is its narrowest.
    await side.focus();
    await p.keyboard.press('ArrowLeft');
    assert.ok((await aside.boundingBox()).width > w1 + 10);
    const thumbs = p.getByRole('separator', { name: 'Resize the filmstrip thumbnails' });
    const cell = () => p.locator('film-strip button.thumb').first().boundingBox();
    const h0 = (await cell()).height;
    await thumbs.focus();
    for (let i = 0; i < 4; i++) await p.keyboard.press('ArrowUp');
    const h1 = (await cell()).height;
    assert.equal(h1, h0 + 32, `thumbnails grow with ↑: ${h0} -> ${h1}`);
    // Remembered per window: the view state VS Code keeps for the panel, restored on a reload.
    const saved = await p.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState')));
    assert.equal(saved.thumbSize, h0 + 32);
    assert.ok(saved.sideWidth > w1);
    await p.reload();
    await p.waitForFunction(() => window.__posted.some((m) => m.body.type === 'ready'));
    await p.evaluate(
      (ds) => window.__send({ type: 'dataset/load', dataset: ds }),
      datasetView([imageView('a.png', '/img/img_1.png', 'ohwx'), imageView('b.png', '/img/img_2.png', 'ohwx')]),
    );
    await p.locator('film-strip button.thumb').first().waitFor();
    assert.equal((await cell()).height, h1);
    assert.ok(Math.abs((await aside.boundingBox()).width - saved.sideWidth) <= 1);
  });

  it('item 8: P pins and unpins the focused palette tag, and the shortcut list says so', async () => {
    p = await open(['ohwx, a'], { knownTags: ['a', 'b'] });
    await p.keyboard.press('Alt+Shift+t');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('p');
    await waitPosted(p, 'tags/pin', (m) => m.pinned === true);
    await p.getByRole('group', { name: 'Pinned tags' }).waitFor();
    await p.keyboard.press('p');
    await waitPosted(p, 'tags/pin', (m) => m.pinned === false);
    await p.keyboard.press('Shift+F1');
    const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
    assert.match(await dialog.innerText(), /Pin or unpin the focused palette tag[^\n]*\s+P/);
    assert.match(await dialog.innerText(), /Toggle pinned tag 1…9/);
  });

  it('item 9: no toolbar icon is drawn before the codicon font is there', async () => {
    const { browser, server } = harness();
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    p = await context.newPage();
    // Hold the font back, as a slow webview resource load does.
    let release;
    const held = new Promise((r) => (release = r));
    await p.route('**/codicon.ttf*', async (route) => {
      await held;
      await route.continue();
    });
    // Not until 'load': the page's load waits for the font.
    await p.goto(`${server.url}/?theme=dark`, { waitUntil: 'domcontentloaded' });
    await p.waitForFunction(() => window.__posted?.some((m) => m.body.type === 'ready'));
    await p.evaluate(
      (ds) => window.__send({ type: 'dataset/load', dataset: ds }),
      datasetView([imageView('a.png', '/img/img_1.png', 'ohwx')]),
    );
    await p.waitForFunction(() => window.loraTagger.store.loaded);
    await p.getByRole('status').filter({ hasText: 'Loading the dataset' }).waitFor();
    assert.equal(await p.locator('panel-toolbar').count(), 0, 'the toolbar waits for its icons');
    release();
    await p.getByRole('button', { name: 'Next image', exact: true }).waitFor();
    assert.equal(await p.evaluate(() => document.fonts.check('16px codicon')), true);
  });
});
