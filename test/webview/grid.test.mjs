// The review grid (issue 13, item 2): virtualized over 10,000 images, the keyboard (arrows by row, Enter edits in
// place, Escape leaves, Alt+G back to the single view on the focused image), in-place edits saved through the host
// link with the caption's base revision (and a refused save handled as in the main editor), the selection and the
// filter shared with the filmstrip, machine-written and untagged images marked. Screenshots in light and dark.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { harness, open, checkAndClose } from './context.mjs';
import { skipWithoutRealImages } from '../fixtures.mjs';
import { SIZES, focusInfo, openSized, tabStops } from './layout.mjs';
import { clearPosted, datasetView, imageView, openPanel, repoRoot, send, waitPosted } from './harness.mjs';

const GRID = 'lora-tagger-app >> review-grid';
/** The aria-labels of the grid's cells in the DOM, in order. */
const cells = (p) =>
  p.locator(GRID).evaluate((g) => [...g.shadowRoot.querySelectorAll('button.pick')].map((b) => b.ariaLabel));
/** The accessible name of the focused element, through the shadow roots. */
const focused = (p) =>
  p.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a?.getAttribute('aria-label') ?? a?.tagName;
  });
/** How many cells the first row holds (the column count at this width). */
// The grid marks its list with data-columns once it has measured its width; count the cells after that.
const columns = async (p) => {
  await p.locator(`${GRID} .canvas[data-columns]`).waitFor();
  return p.locator(GRID).evaluate((g) => {
    const tops = [...g.shadowRoot.querySelectorAll('.cell')].map((c) => c.getBoundingClientRect().top);
    return tops.filter((t) => t === tops[0]).length;
  });
};

/** Scrolls the grid to `row` as the wheel or the scroll bar does (no key), and waits for that row's first cell. */
async function scrollToRow(p, row, cols) {
  await p
    .locator(GRID)
    .locator('.viewport')
    .evaluate((v, top) => (v.scrollTop = top), row * 236 + 10);
  await p
    .locator(GRID)
    .getByRole('button', { name: new RegExp(`^${row * cols + 1}: `) })
    .waitFor();
}

/** A panel of `n` tag captions at 1000 x 800 in the grid, the focus on the first image's cell. */
async function gridOfTags(n) {
  const page = await open(
    Array.from({ length: n }, (_, i) => `ohwx, tag ${i + 1}`),
    {},
    { viewport: { width: 1000, height: 800 } },
  );
  await openGrid(page);
  assert.match(await focused(page), /^1: test_0001\.png/);
  return page;
}

async function openGrid(p) {
  await p.keyboard.press('Alt+g');
  await p.getByRole('list', { name: 'Review grid' }).waitFor();
  // What a person waits for: the cells drawn in their columns.
  await p.locator(`${GRID} .canvas[data-columns]`).waitFor();
}

describe('review grid', function () {
  // 10,000 images and a dozen sizes on a 2-core machine shared with other work.
  this.timeout(60_000);
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('keeps the DOM bounded at 10,000 images, scrolled to the end too, and asks only for the thumbnails in view', async () => {
    const { browser, server } = harness();
    const ims = Array.from({ length: 10_000 }, (_, i) =>
      imageView(`big_${String(i + 1).padStart(5, '0')}.png`, `/img/img_${(i % 6) + 1}.png`, i % 3 ? `ohwx, t${i}` : ''),
    );
    p = await openPanel(browser, server, datasetView(ims));
    // The filmstrip asks for the thumbnails it draws first; the grid asks only for the ones nobody asked for yet
    // (one helper for both views): every file drawn is asked for, and none twice.
    await waitPosted(p, 'thumbs/want', (m) => m.files.includes('big_00001.png'));
    await openGrid(p);
    const first = await cells(p);
    assert.ok(first.length >= 6 && first.length <= 60, `${first.length} cells in the DOM`);
    assert.match(first[0], /^1: big_00001\.png, untagged$/);
    assert.equal(await p.locator(GRID).locator('img').count(), 0, 'placeholders until the thumbnails exist');
    const drawn = first.map((l) => l.split(/: |,/)[1]);
    await waitPosted(p, 'thumbs/want', (m) => m.files.includes(drawn[drawn.length - 1]));
    const asked = await p.evaluate(() =>
      window.__posted.filter((m) => m.body.type === 'thumbs/want').flatMap((m) => m.body.files),
    );
    assert.deepEqual(
      asked.filter((f, k) => asked.indexOf(f) !== k),
      [],
      'no thumbnail asked for twice',
    );
    assert.deepEqual(
      drawn.filter((f) => !asked.includes(f)),
      [],
      'every cell drawn has its thumbnail asked for',
    );
    assert.ok(asked.length <= 60 + 30, `${asked.length} thumbnails asked for by the strip and the grid together`);
    await send(p, { type: 'thumbs/ready', thumbs: asked.map((file) => ({ file, uri: `/img/img_2.png?thumb` })) });
    await p.locator(GRID).locator('img').first().waitFor();
    await p
      .locator(GRID)
      .locator('.viewport')
      .evaluate((v) => (v.scrollTop = v.scrollHeight));
    await p
      .locator(GRID)
      .getByRole('button', { name: /^10000: big_10000\.png/ })
      .waitFor();
    const last = await cells(p);
    assert.ok(last.length <= 60, `${last.length} cells in the DOM at the end`);
    assert.ok(!last.some((l) => l.startsWith('1: ')), 'the first row left the DOM');
    await waitPosted(p, 'thumbs/want', (m) => m.files.includes('big_10000.png'));
    // The whole panel stays small: the filmstrip and the grid each draw only their window.
    const nodes = await p.evaluate(() => {
      const count = (root) =>
        [...root.querySelectorAll('*')].reduce((n, el) => n + 1 + (el.shadowRoot ? count(el.shadowRoot) : 0), 0);
      return count(document);
    });
    assert.ok(nodes < 3000, `${nodes} DOM nodes in the page`);
  });

  it('scrolls by lending the cells of the rows leaving to the rows arriving, read in the order on screen', async () => {
    const { browser, server } = harness();
    const ims = Array.from({ length: 10_000 }, (_, i) =>
      imageView(
        `big_${String(i + 1).padStart(5, '0')}.png`,
        `/img/img_${(i % 6) + 1}.png`,
        i % 3 ? `ohwx, t${i}` : '',
        {
          thumb: `/img/img_${(i % 6) + 1}.png?thumb`,
        },
      ),
    );
    p = await openPanel(browser, server, datasetView(ims), { viewport: { width: 1280, height: 800 } });
    await openGrid(p);
    const cols = await columns(p);
    const scrollTo = (row) => scrollToRow(p, row, cols);
    await scrollTo(40);
    // Every cell element drawn now is marked; three rows further down, the same elements draw the new rows.
    const before = await p.locator(GRID).evaluate((g) => {
      for (const c of g.shadowRoot.querySelectorAll('.cell')) c.__seen = true;
      return g.shadowRoot.querySelectorAll('.cell').length;
    });
    await scrollTo(43);
    const after = await p.locator(GRID).evaluate((g) => {
      const all = [...g.shadowRoot.querySelectorAll('.cell')];
      const canvas = g.shadowRoot.querySelector('.canvas');
      // The order assistive technology reads: the list's aria-owns, which must name every cell once.
      const owned = canvas
        .getAttribute('aria-owns')
        ?.split(' ')
        .map((id) => g.shadowRoot.getElementById(id));
      return {
        count: all.length,
        made: all.filter((c) => !c.__seen).length,
        owned: owned?.length,
        read: owned?.map((c) => Number.parseInt(c.querySelector('.pick').getAttribute('aria-label'), 10)),
        srcs: owned?.map((c) => c.querySelector('img')?.getAttribute('src') ?? ''),
      };
    });
    assert.equal(after.count, before, 'as many cells as before');
    assert.equal(after.made, 0, 'no cell element made while scrolling');
    assert.equal(after.owned, after.count);
    const firstDrawn = (43 - 2) * cols + 1;
    assert.deepEqual(
      after.read,
      Array.from({ length: after.count }, (_, k) => firstDrawn + k),
      'read in the order on screen',
    );
    // Each recycled cell shows its new image's thumbnail.
    assert.deepEqual(
      after.srcs,
      after.read.map((n) => `/img/img_${((n - 1) % 6) + 1}.png?thumb`),
    );
  });

  it('never leaves the focus on a cell refilled with another image: scrolled out, the list holds it, the keys still act', async () => {
    p = await gridOfTags(300);
    const cols = await columns(p);
    const vp = p.locator(GRID).locator('.viewport');
    const scrollTo = (row) => scrollToRow(p, row, cols);
    await scrollTo(40);
    // The focused cell's element now draws another image: the focus is on the list, not on that image.
    assert.equal(await focused(p), 'DIV', 'the scrolling list holds the focus');
    assert.equal(
      await vp.evaluate((v) => v.getRootNode().activeElement === v),
      true,
      'the focus is on the grid, still in the panel',
    );
    await scrollTo(0);
    assert.match(await focused(p), /^1: test_0001\.png/, 'back on the current image when its cell is drawn again');
    await scrollTo(40);
    await p.keyboard.press('ArrowRight');
    assert.match(await focused(p), /^2: test_0002\.png/, 'the arrows act on the current image and bring it into view');
  });

  it('moves by cell and by row with the arrows, and Alt+G goes back to the single view on the focused image', async () => {
    p = await gridOfTags(14);
    const cols = await columns(p);
    assert.ok(cols >= 3 && cols <= 5, `${cols} columns at 1000 px`);
    await p.keyboard.press('ArrowRight');
    assert.match(await focused(p), /^2: test_0002\.png/);
    await p.keyboard.press('ArrowDown');
    assert.match(await focused(p), new RegExp(`^${2 + cols}: `));
    await waitPosted(p, 'image/select', (m) => m.file === `test_${String(2 + cols).padStart(4, '0')}.png`);
    await p.keyboard.press('ArrowUp');
    assert.match(await focused(p), /^2: /);
    await p.keyboard.press('End');
    assert.match(await focused(p), /^14: /);
    await p.keyboard.press('Home');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    const at = 1 + 2 * cols;
    assert.match(await focused(p), new RegExp(`^${at}: `));
    await p.keyboard.press('Alt+g');
    await p.locator('lora-tagger-app >> image-preview').waitFor();
    assert.equal(await p.locator(GRID).count(), 0);
    assert.match(await p.locator('image-preview .info').innerText(), new RegExp(`${at} / 14`));
    assert.equal(await focused(p), 'Add tag', 'the single view opens ready to tag');
    // The toolbar's switch opens it too, and says it is on.
    const sw = p.getByRole('switch', { name: 'Review grid' });
    await sw.click();
    await p.getByRole('list', { name: 'Review grid' }).waitFor();
    assert.equal(await sw.getAttribute('aria-checked'), 'true');
  });

  it("edits a caption in place through the store's save path, with the caption's base revision", async () => {
    const ims = ['ohwx, a', 'ohwx, b', 'ohwx, c'].map((c, i) =>
      imageView(`test_000${i + 1}.png`, `/img/img_${i + 1}.png`, c, { rev: 10 + i }),
    );
    const { browser, server } = harness();
    p = await openPanel(browser, server, datasetView(ims, { captionStyle: 'natural' }));
    await openGrid(p);
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('Enter');
    const area = p.getByRole('textbox', { name: 'Caption of test_0002.png' });
    assert.equal(await focused(p), 'Caption of test_0002.png');
    await p.keyboard.press('End');
    await p.keyboard.type(', smile');
    // Enter never types a line break: it ends the edit, as Escape does, and the focus goes back to the cell.
    await p.keyboard.press('Enter');
    const saved = await waitPosted(p, 'caption/update', (m) => m.file === 'test_0002.png');
    assert.equal(saved.text, 'ohwx, b, smile');
    assert.equal(saved.base, 11);
    assert.equal(await area.count(), 0);
    assert.match(await focused(p), /^2: test_0002\.png/);
    assert.equal(await p.locator(GRID).locator('.cap').nth(1).innerText(), 'ohwx, b, smile');
    // A click on a caption edits it; the host refuses the save (the file changed on disk first): the grid shows
    // the file's text, and the main editor's status line and undo keep the user's.
    await clearPosted(p);
    await p.evaluate(() => (window.__refuseNext = { rev: 30, text: 'ohwx, written by a script' }));
    await p.locator(GRID).locator('.cap').nth(2).click();
    await p.getByRole('textbox', { name: 'Caption of test_0003.png' }).pressSequentially(' x');
    await p.keyboard.press('Escape');
    const refused = await waitPosted(p, 'caption/update', (m) => m.file === 'test_0003.png');
    assert.equal(refused.base, 12);
    await p.getByRole('status').filter({ hasText: 'was not saved over that change' }).waitFor();
    await p.locator(GRID).locator('.cap', { hasText: 'written by a script' }).waitFor();
    await clearPosted(p);
    await p.getByRole('button', { name: 'Undo caption edit', exact: true }).click();
    const back = await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, c x');
    assert.equal(back.base, 30);
  });

  it('shares the selection and the filter with the filmstrip', async () => {
    p = await open(['ohwx, a', '', 'ohwx, b', '', 'ohwx, c', '']);
    await openGrid(p);
    const grid = p.locator(GRID);
    await grid.getByRole('button', { name: /^2: / }).click();
    await grid.getByRole('button', { name: /^4: / }).click({ modifiers: ['Shift'] });
    const sel = () => p.evaluate(() => window.loraTagger.store.selection.indices);
    assert.deepEqual(await sel(), [1, 2, 3]);
    assert.match(await grid.getByRole('button', { name: /^3: / }).getAttribute('aria-label'), /, selected$/);
    await grid.getByRole('button', { name: /^6: / }).click({ modifiers: ['Control'] });
    assert.deepEqual(await sel(), [1, 2, 3, 5]);
    // A filmstrip click moves the grid's current image; the filmstrip's filter is the grid's.
    await p.getByRole('list', { name: 'Filmstrip' }).getByRole('button', { name: /^5: / }).click();
    assert.equal(await grid.getByRole('button', { name: /^5: / }).getAttribute('aria-current'), 'true');
    await p.getByRole('combobox', { name: 'Show images' }).click();
    await p.getByRole('option', { name: 'Untagged' }).click();
    await grid.getByText('3 of 6 images').waitFor();
    assert.deepEqual(
      (await cells(p)).map((l) => l.split(':')[0]),
      ['2', '4', '6'],
    );
    await grid.getByRole('button', { name: /^2: / }).click();
    await p.keyboard.press('Control+a');
    assert.deepEqual(await sel(), [1, 3, 5], 'Ctrl+A selects what the filter shows');
    await p.keyboard.press('ArrowRight');
    assert.match(await focused(p), /^4: /, 'the arrows move within the filter');
    await p.keyboard.press('Shift+ArrowRight');
    assert.deepEqual(await sel(), [3, 5]);
  });

  it('marks machine-written and untagged captions, in text as well as colour', async () => {
    const ims = [
      imageView('m_1.png', '/img/img_1.png', 'ohwx, a woman on a pier', { machine: true }),
      imageView('m_2.png', '/img/img_2.png', ''),
      imageView('m_3.png', '/img/img_3.png', 'ohwx, reviewed'),
    ];
    const { browser, server } = harness();
    p = await openPanel(browser, server, datasetView(ims));
    await openGrid(p);
    assert.deepEqual(await cells(p), [
      '1: m_1.png, machine-written, not reviewed',
      '2: m_2.png, untagged',
      '3: m_3.png',
    ]);
    const marks = await p
      .locator(GRID)
      .evaluate((g) =>
        [...g.shadowRoot.querySelectorAll('.cell')].map((c) =>
          [...c.querySelectorAll('.mark')].map((m) => m.textContent),
        ),
      );
    assert.deepEqual(marks, [['AI'], ['Untagged'], []]);
    assert.equal(await p.locator(GRID).locator('.cap').nth(1).innerText(), 'No caption');
  });

  // The layout test's sizes (issue 10): Tab reaches the grid's focused cell and every other control on screen, and
  // an in-place edit is seen where it is typed.
  for (const [size, viewport, scale] of SIZES) {
    it(`${size}: every control reached with Tab is on screen, the edited caption too`, async () => {
      p = await openSized('ohwx, red hair, smile', 'tags', viewport, scale);
      await openGrid(p);
      const stops = await tabStops(p);
      const hidden = stops.filter((st) => !st.inView || !st.onTop);
      assert.deepEqual(
        hidden.map((st) => `${st.id} at ${JSON.stringify(st.box)}`),
        [],
        'controls focused out of sight',
      );
      assert.ok(
        stops.some((st) => st.id.startsWith('REVIEW-GRID>BUTTON:1: ohwx_0001')),
        stops.map((st) => st.id).join('\n'),
      );
      await p.locator(GRID).getByRole('button', { name: /^1: / }).focus();
      await p.keyboard.press('ArrowRight');
      await p.keyboard.press('Enter');
      const edit = await focusInfo(p);
      assert.equal(edit.name, 'Caption of ohwx_0002.png');
      assert.ok(edit.inView && edit.onTop && edit.box.h >= 30, `the caption edited is seen: ${JSON.stringify(edit)}`);
    });
  }

  for (const theme of ['light', 'dark']) {
    for (const [w, h] of [
      [1400, 900],
      [360, 800],
    ]) {
      it(`looks right at ${w} px in the ${theme} theme (screenshot)`, async function () {
        const { browser, server } = harness();
        const caps = [
          'ohwx woman standing on a pier at dusk, wind in her hair, looking over her shoulder., film grain',
          '',
          'ohwx, red hair, freckles, smile, outdoors, sunlight',
          'ohwx woman reading in a cafe, warm light from the window.',
        ];
        // The real photos (EXIF orientations 0-8; the grid shows them upright, as the host's thumbnails are).
        skipWithoutRealImages(this, repoRoot);
        const photo = (i) => `/real/photos/${i % 2 ? 'Portrait' : 'Landscape'}_${i % 9}.jpg`;
        const ims = Array.from({ length: 40 }, (_, i) =>
          imageView(`ohwx_${String(i + 1).padStart(4, '0')}.jpg`, photo(i), caps[i % 4], {
            machine: i % 4 === 3,
            thumb: photo(i),
          }),
        );
        p = await openPanel(browser, server, datasetView(ims, { title: 'ohwx woman: 40 images' }), {
          theme,
          viewport: { width: w, height: h },
        });
        await openGrid(p);
        await p.keyboard.press('ArrowRight');
        await p.keyboard.press('Shift+ArrowRight');
        const cols = await columns(p);
        assert.equal(cols, w === 360 ? 1 : 7, `${cols} columns at ${w} px`);
        // Nothing spills sideways at any width.
        const spill = await p.locator(GRID).evaluate((g) => {
          const v = g.shadowRoot.querySelector('.viewport');
          return v.scrollWidth - v.clientWidth;
        });
        assert.ok(spill <= 0, `the grid overflows sideways by ${spill} px`);
        await p.evaluate(async () => {
          await document.fonts.ready;
          const g = document.querySelector('lora-tagger-app').shadowRoot.querySelector('review-grid');
          await Promise.all([...g.shadowRoot.querySelectorAll('img')].map((i) => i.decode().catch(() => undefined)));
        });
        await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', `grid-${w}-${theme}.png`) });
        if (w === 1400) await p.screenshot({ path: join(repoRoot, 'docs', 'screenshots', `grid-${theme}.png`) });
      });
    }
  }
});
