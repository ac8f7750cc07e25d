// Workbench UI test: the filmstrip shows thumbnails the extension host made (256 px WebP files in the extension's
// storage, made in a decode worker by the image library), not the full-size staged images; the dataset folder gets
// none of them.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DARK_THEME, openWorkbench } from './workbench.mjs';
import { makeTempFolder, waitFor, writeImages } from './files.mjs';

const addTag = (f) => f.getByRole('textbox', { name: 'Add tag' });
const IMAGES = 24;

describe('workbench: the filmstrip shows the host’s thumbnails', function () {
  let wb;
  let out;

  before(async function () {
    const folder = makeTempFolder('lora-ui-thumbs-');
    const shoot = join(folder, 'thumbs');
    writeImages(shoot, IMAGES, { width: 800, height: 600, jpgEvery: 2 });
    out = join(shoot, 'output');
    wb = await openWorkbench({ folder, theme: DARK_THEME });
  });
  after(async () => wb?.close());

  it('starts on a folder and fills the filmstrip with thumbnails from the extension’s storage', async () => {
    await wb.chooseFromContextMenu('thumbs', 'Start LoRA Tagging');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => (await input.inputValue()) === 'thumbs', { what: 'the prefix prompt' });
    await wb.page.keyboard.press('Enter');
    await waitFor(async () => (await wb.page.locator('.quick-input-widget').textContent())?.includes('trigger word'), {
      what: 'the trigger-word prompt',
    });
    await input.fill('ohwx');
    await wb.page.keyboard.press('Enter');
    await waitFor(async () => (await wb.page.locator('.quick-input-widget').textContent())?.includes('caption style'), {
      what: 'the caption-style pick',
    });
    await wb.page.keyboard.press('Enter');
    const frame = await wb.webviewFrame(addTag, { timeout: 60_000 });

    // What a person sees: thumbnails in the strip, decoded, each from the host's thumbnail cache.
    const strip = () =>
      frame.locator('film-strip img').evaluateAll((imgs) =>
        imgs.map((i) => ({
          src: decodeURIComponent(i.src),
          shown: i.complete && i.naturalWidth > 0,
          w: i.naturalWidth,
          h: i.naturalHeight,
        })),
      );
    const shown = await waitFor(
      async () => {
        const s = await strip();
        return s.filter((i) => i.shown).length >= 8 ? s : undefined;
      },
      { timeout: 90_000, what: 'at least 8 thumbnails shown in the filmstrip' },
    );
    for (const t of shown.filter((i) => i.shown)) {
      assert.match(
        t.src,
        /images\/thumbs\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp/,
        `a host thumbnail, not the staged file: ${t.src}`,
      );
      assert.ok(!t.src.includes('/output/'), `not read from the dataset: ${t.src}`);
      assert.equal(Math.max(t.w, t.h), 256, `256 px on its long side: ${t.w}x${t.h}`);
    }
    await wb.screenshot('filmstrip-thumbnails');
    // The output folder holds the dataset and nothing the thumbnails need.
    const extra = readdirSync(out).filter(
      (n) => !/^thumbs_\d{4}\.(png|jpg|txt)$/.test(n) && !/^(session\.json(\.bak)?|tags\.txt)$/.test(n),
    );
    assert.deepEqual(extra, [], 'no thumbnail or cache file in the dataset folder');
  });

  it('shows every image’s thumbnail as the strip is scrolled to the end', async () => {
    const frame = await wb.webviewFrame(addTag);
    await frame.locator('film-strip .viewport').evaluate((v) => (v.scrollLeft = v.scrollWidth));
    await waitFor(
      async () => {
        const labels = await frame
          .locator('film-strip button.thumb')
          .evaluateAll((bs) => bs.map((b) => [b.getAttribute('aria-label'), !!b.querySelector('img')]));
        const last = labels.find(([l]) => l?.startsWith(`${IMAGES}:`));
        return last?.[1] ? true : undefined;
      },
      { timeout: 90_000, what: `the thumbnail of image ${IMAGES} at the end of the strip` },
    );
  });
});
