// The panel at every size with every caption length (issue 10, item 1 and the done-when): at 360, 600, 900 and
// 1400 px wide, docked at the bottom (1280x400) and at 200% zoom, with 0, 30 and 150 tags and a 2,000-character
// prose caption, every control is reached with Tab and, when it has the focus, is on screen and not covered
// (asserted on its bounding box and on what is drawn at its centre). Screenshots of each size in the four themes
// land in .test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkAndClose } from './context.mjs';
import { repoRoot } from './harness.mjs';
import { CAPTIONS, SIZES, focusInfo, openSized, tabStops } from './layout.mjs';

const ESSENTIAL = [
  'PANEL-TOOLBAR>BUTTON',
  'Go to image number',
  'Caption text',
  'Add tag',
  'Filter tags',
  'Sort tags',
  'Resize the side column|Resize the image',
  'Resize the filmstrip thumbnails',
];

describe('layout: every control reachable and on screen at every size', function () {
  this.timeout(120_000);
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  for (const [size, viewport, scale] of SIZES) {
    for (const [name, caption, style] of CAPTIONS) {
      it(`${size}, ${name}: Tab reaches every control, each seen when focused`, async () => {
        p = await openSized(caption, style, viewport, scale);
        const stops = await tabStops(p);
        const hidden = stops.filter((s) => !s.inView || !s.onTop);
        assert.deepEqual(
          hidden.map((s) => `${s.id} at ${JSON.stringify(s.box)} inView=${s.inView} onTop=${s.onTop}`),
          [],
          'controls focused out of sight',
        );
        const names = stops.map((s) => s.id).join('\n');
        for (const want of ESSENTIAL) assert.match(names, new RegExp(want), `${want} not reached by Tab:\n${names}`);
        if (name !== 'prose' && name !== '0-tags')
          assert.match(names, /CAPTION-CHIPS>SPAN:ohwx/, 'the chips are reached');
        assert.match(names, /TAG-PALETTE>BUTTON/, 'a palette tag is reached');
        assert.match(names, /FILM-STRIP>BUTTON:1: ohwx_0001/, 'the current thumbnail is reached');
        // The shortcut that had a box nobody could see (at 200% zoom the side column was 0-15 px wide).
        await p.keyboard.press('Alt+Shift+a');
        const add = await focusInfo(p);
        assert.equal(add.name, 'Add tag');
        assert.ok(
          add.inView && add.onTop && add.box.w >= 120,
          `Add tag is seen when Alt+Shift+A focuses it: ${JSON.stringify(add)}`,
        );
        await p.keyboard.press('Alt+Shift+t');
        const filter = await focusInfo(p);
        assert.ok(filter.inView && filter.onTop, `the tag filter is seen: ${JSON.stringify(filter)}`);
        // The palette shows at least four rows of tags wherever it is (it showed 1.5 under 720 px, none docked).
        const rows = await p.evaluate(() => {
          const pal = document.querySelector('lora-tagger-app').shadowRoot.querySelector('tag-palette').shadowRoot;
          return pal.querySelector('.viewport').getBoundingClientRect().height / 24;
        });
        assert.ok(rows >= 4, `the palette shows ${rows.toFixed(1)} rows`);
        if (name === '30-tags') {
          await p.evaluate(() => document.fonts.ready);
          await p.screenshot({
            path: join(repoRoot, '.test-artifacts', 'screenshots', `layout-${size}-${name}-dark.png`),
          });
        }
      });
    }
  }

  it('Shift+Tab walks the same stops in exactly the reverse order (no trap anywhere)', async () => {
    p = await openSized(CAPTIONS[1][1], 'tags', { width: 1280, height: 800 }, 1);
    const forward = (await tabStops(p)).map((s) => s.id);
    assert.ok(forward.length > 15, forward.join('\n'));
    const back = [];
    for (let i = 0; i < forward.length; i++) {
      await p.keyboard.press('Shift+Tab');
      back.push((await focusInfo(p))?.id);
    }
    // From the first stop, Shift+Tab leaves the page once, then comes in at the last stop and walks back.
    const walked = back.filter(Boolean);
    assert.deepEqual(walked, [...forward].reverse().slice(0, walked.length));
    assert.ok(walked.length >= forward.length - 1, `${walked.length} of ${forward.length} stops walked back`);
  });
});
