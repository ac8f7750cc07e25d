// Screenshots of the panel in VS Code's four themes (Dark Modern, Light Modern, High Contrast Dark and Light), at every
// size of issue 10 (360, 600, 900, 1400 px, docked 1280x400, 200% zoom) and with 30, 150 tags and prose, for review
// and the README. They land in .test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { harness, assertNoCspViolations } from './context.mjs';
import { datasetView, imageView, openPanel, repoRoot } from './harness.mjs';
import { THEME_LABELS } from './themes.mjs';
import { CAPTIONS, SIZES, openSized } from './layout.mjs';

const captions = [
  'ohwx, woman, red hair, freckles, smile, looking at viewer, outdoors, sunlight',
  'ohwx, woman, red hair, green dress, standing, beach, dusk',
  '',
  'ohwx, woman, close-up, portrait, blue eyes, soft lighting',
  'ohwx, woman, red hair, sitting, cafe, coffee cup, window light',
  '',
  'ohwx, woman, full body, walking, city street, night, neon lights',
  'ohwx, woman, red hair, smile, looking at viewer',
];

describe('screenshots', function () {
  for (const theme of Object.keys(THEME_LABELS)) {
    it(`saves the panel in the ${theme} theme`, async () => {
      const { browser, server } = harness();
      const ims = [];
      for (let i = 0; i < 40; i++) {
        ims.push(
          imageView(
            `ohwx_${String(i + 1).padStart(4, '0')}.png`,
            i === 0 ? '/img/big.jpg' : `/img/img_${(i % 6) + 1}.png`,
            captions[i % captions.length],
            {
              width: i === 0 ? 1600 : 336,
              height: i === 0 ? 1200 : 240,
              favourite: i === 4,
              nsfw: false,
              thumb: `/img/img_${(i % 6) + 1}.png`,
            },
          ),
        );
      }
      const known = [...new Set(captions.flatMap((c) => c.split(', ').filter(Boolean)))].filter((t) => t !== 'ohwx');
      const p = await openPanel(
        browser,
        server,
        datasetView(ims, {
          title: 'ohwx woman — 40 images',
          knownTags: [...known, 'long hair', 'short hair', 'glasses', 'hat', 'jacket'],
          pinnedTags: ['smile', 'looking at viewer', 'red hair'],
          recentTags: ['freckles', 'sunlight', 'outdoors', 'woman'],
        }),
        { theme, viewport: { width: 1280, height: 800 } },
      );
      try {
        await p.evaluate(() =>
          window.__send({ type: 'status', kind: 'saved', message: 'Saved ohwx_0001.txt at 14:02:11' }),
        );
        await p.getByRole('textbox', { name: 'Filter tags', exact: true }).fill('hai');
        await p.waitForFunction(
          () =>
            document
              .querySelector('lora-tagger-app')
              .shadowRoot.querySelector('film-strip')
              .shadowRoot.querySelectorAll('img').length > 10,
        );
        await settled(p);
        const file = join(repoRoot, '.test-artifacts', 'screenshots', `webview-${theme}.png`);
        await p.screenshot({ path: file });
        assert.ok(existsSync(file) && statSync(file).size > 10_000);
        console.log(`      ${file}`);
        await assertNoCspViolations(p);
      } finally {
        await p.context().close();
      }
    });
  }
});

/** Waits until what a person would see is drawn: fonts, the preview and the filmstrip's thumbnails decoded. */
async function settled(p) {
  await p.evaluate(async () => {
    await document.fonts.ready;
    const app = document.querySelector('lora-tagger-app').shadowRoot;
    const imgs = [
      app.querySelector('image-preview')?.image,
      ...(app.querySelector('film-strip')?.shadowRoot.querySelectorAll('img') ?? []),
    ];
    await Promise.all(imgs.filter(Boolean).map((i) => i.decode().catch(() => undefined)));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

describe('screenshots at every size and theme', function () {
  this.timeout(120_000);
  const shot = (name) => join(repoRoot, '.test-artifacts', 'screenshots', `${name}.png`);
  for (const theme of Object.keys(THEME_LABELS)) {
    it(`${THEME_LABELS[theme]}: each size with 30 tags, and the report`, async () => {
      for (const [size, viewport, scale] of SIZES) {
        const p = await openSized(CAPTIONS[1][1], 'tags', viewport, scale, theme);
        try {
          await settled(p);
          await p.screenshot({ path: shot(`size-${size}-30-tags-${theme}`) });
          if (size === '1400') {
            await p.getByRole('button', { name: 'Report', exact: true }).click();
            await p.getByRole('button', { name: 'Copy as Markdown', exact: true }).waitFor();
            await settled(p);
            await p.screenshot({ path: shot(`report-1400-${theme}`) });
          }
          await assertNoCspViolations(p);
        } finally {
          await p.context().close();
        }
      }
      assert.ok(existsSync(shot(`size-360-30-tags-${theme}`)));
    });
  }
  it('150 tags and the 2,000-character prose, at 1400 px, docked and at 360 px (Dark Modern)', async () => {
    for (const [name, caption, style] of CAPTIONS.slice(2)) {
      for (const [size, viewport, scale] of SIZES.filter(([s]) => ['360', '1400', 'docked-1280x400'].includes(s))) {
        const p = await openSized(caption, style, viewport, scale);
        try {
          await settled(p);
          await p.screenshot({ path: shot(`size-${size}-${name}-dark`) });
        } finally {
          await p.context().close();
        }
      }
    }
  });
});
