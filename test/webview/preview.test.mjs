// The preview: EXIF orientation (real photos), zoom, and the name / size / position line.
import assert from 'node:assert/strict';
import { harness, checkAndClose } from './context.mjs';
import { join } from 'node:path';
import { datasetView, imageView, openPanel, repoRoot } from './harness.mjs';
import { realImagesPath, skipWithoutRealImages } from '../fixtures.mjs';

const box = (p) =>
  p.evaluate(async () => {
    const img = document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview').image;
    await img.decode();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const r = img.getBoundingClientRect();
    return { nw: img.naturalWidth, nh: img.naturalHeight, w: r.width, h: r.height };
  });

describe('image preview', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('respects EXIF orientation (real photos: Landscape_6.jpg is stored portrait, shown landscape)', async function () {
    skipWithoutRealImages(this, repoRoot);
    const { browser, server } = harness();
    // Header sizes as the host reads them: the stored pixels, plus the EXIF orientation.
    const ims = [
      imageView('Landscape_6.jpg', '/real/photos/Landscape_6.jpg', 'ohwx', {
        width: 1200,
        height: 1800,
        orientation: 6,
      }),
      imageView('Portrait_6.jpg', '/real/photos/Portrait_6.jpg', 'ohwx', { width: 1800, height: 1200, orientation: 6 }),
      imageView('Landscape_1.jpg', '/real/photos/Landscape_1.jpg', 'ohwx', {
        width: 1800,
        height: 1200,
        orientation: 1,
      }),
    ];
    p = await openPanel(browser, server, datasetView(ims));
    const l6 = await box(p);
    assert.deepEqual([l6.nw, l6.nh], [1800, 1200], 'naturalWidth/Height after orientation');
    assert.ok(l6.w > l6.h * 1.3, `Landscape_6 is drawn landscape (${l6.w}x${l6.h})`);
    assert.match(await p.locator('image-preview .info').innerText(), /1800 × 1200/);
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    await p.waitForFunction(() =>
      document
        .querySelector('lora-tagger-app')
        .shadowRoot.querySelector('image-preview')
        .image.src.includes('Portrait_6'),
    );
    const p6 = await box(p);
    assert.ok(p6.h > p6.w * 1.3, `Portrait_6 is drawn portrait (${p6.w}x${p6.h})`);
  });

  it('fits, zooms with +/- and the wheel, and toggles 100%', async () => {
    const { browser, server } = harness();
    p = await openPanel(
      browser,
      server,
      datasetView([imageView('big.jpg', '/img/big.jpg', 'ohwx', { width: 1600, height: 1200 })]),
    );
    const fit = await box(p);
    assert.ok(fit.w < 1600 && fit.w > 300, `fit: ${fit.w}px wide`);
    await p.locator('body').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('0');
    const actual = await box(p);
    assert.equal(Math.round(actual.w), 1600);
    await p.keyboard.press('-');
    assert.equal(Math.round((await box(p)).w), 1280);
    await p.getByRole('button', { name: 'Fit to panel' }).click();
    assert.equal(Math.round((await box(p)).w), Math.round(fit.w));
    await p.locator('image-preview .stage').hover();
    await p.mouse.wheel(0, -100);
    const zoomed = await box(p);
    assert.ok(zoomed.w > fit.w * 1.2, 'the wheel zooms in');
    assert.match(await p.locator('image-preview .info').innerText(), /big\.jpg[\s\S]*1600 × 1200[\s\S]*1 \/ 1/);
  });

  it("shows a far jump at once from the host's thumbnail, then the full image over it once it is decoded", async function () {
    skipWithoutRealImages(this, repoRoot);
    const { browser, server } = harness();
    // The thumbnail the host would make: 256 px long side, upright.
    const sharp = (await import('sharp')).default;
    await sharp(join(realImagesPath(repoRoot), 'photos', 'Landscape_1.jpg'))
      .resize(256)
      .webp()
      .toFile(join(server.imgDir, 'thumb.webp'));
    const ims = Array.from({ length: 40 }, (_, i) =>
      imageView(`far_${i + 1}.png`, `/img/img_${(i % 6) + 1}.png`, 'ohwx', { width: 352, height: 240 }),
    );
    ims[29] = imageView('far_30.jpg', '/real/photos/Landscape_1.jpg', 'ohwx', {
      width: 1800,
      height: 1200,
      thumb: '/img/thumb.webp',
    });
    p = await openPanel(browser, server, datasetView(ims));
    // (Each predicate spells out the query: the page's CSP forbids evaluating strings.)
    // The mean colour in the middle of the preview, as a person sees it (a screenshot).
    const onScreen = async () => {
      const r = await p.evaluate(() => {
        const b = document
          .querySelector('lora-tagger-app')
          .shadowRoot.querySelector('image-preview')
          .shadowRoot.querySelector('.stage')
          .getBoundingClientRect();
        return { x: b.x + b.width * 0.4, y: b.y + b.height * 0.4, width: b.width * 0.2, height: b.height * 0.2 };
      });
      return (await sharp(await p.screenshot({ clip: r })).stats()).channels.slice(0, 3).map((c) => c.mean);
    };
    await p.waitForFunction(() => {
      const pv = document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview');
      return pv.image?.complete && pv.image.naturalWidth > 0;
    });
    const before = await onScreen();
    // Hold the full image back until the thumbnail has been seen, as a slow decode of a large photo would.
    let release;
    const held = new Promise((r) => (release = r));
    await p.context().route('**/real/photos/Landscape_1.jpg', async (route) => {
      await held;
      await route.continue();
    });
    await p.evaluate(() => window.loraTagger.store.go(29));
    await p.waitForFunction(() => {
      const pv = document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview');
      return pv.early?.complete && pv.early.naturalWidth === 256 && !pv.image.complete;
    });
    const early = await onScreen();
    await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', 'far-jump-thumbnail.png') });
    release();
    await p.waitForFunction(() => {
      const pv = document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview');
      return pv.image.complete && pv.image.naturalWidth === 1800 && !pv.early;
    });
    const full = await onScreen();
    const dist = (a, b) => Math.hypot(...a.map((v, i) => v - b[i]));
    const rgb = (c) => c.map(Math.round).join(',');
    assert.ok(
      dist(early, full) < dist(early, before) / 3,
      `before the full image decoded, the preview showed its thumbnail (mean RGB ${rgb(early)}; the full image ${rgb(full)}, the image before ${rgb(before)})`,
    );
  });
});
