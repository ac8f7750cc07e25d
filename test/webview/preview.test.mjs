// The preview: EXIF orientation (real photos), zoom, and the name / size / position line.
import assert from 'node:assert/strict';
import { harness, checkAndClose } from './context.mjs';
import { datasetView, imageView, openPanel, repoRoot } from './harness.mjs';
import { skipWithoutRealImages } from '../fixtures.mjs';

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
      imageView('Landscape_6.jpg', '/real/photos/Landscape_6.jpg', 'ohwx', { width: 1200, height: 1800, orientation: 6 }),
      imageView('Portrait_6.jpg', '/real/photos/Portrait_6.jpg', 'ohwx', { width: 1800, height: 1200, orientation: 6 }),
      imageView('Landscape_1.jpg', '/real/photos/Landscape_1.jpg', 'ohwx', { width: 1800, height: 1200, orientation: 1 }),
    ];
    p = await openPanel(browser, server, datasetView(ims));
    const l6 = await box(p);
    assert.deepEqual([l6.nw, l6.nh], [1800, 1200], 'naturalWidth/Height after orientation');
    assert.ok(l6.w > l6.h * 1.3, `Landscape_6 is drawn landscape (${l6.w}x${l6.h})`);
    assert.match(await p.locator('image-preview .info').innerText(), /1800 × 1200/);
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    await p.waitForFunction(() => document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview').image.src.includes('Portrait_6'));
    const p6 = await box(p);
    assert.ok(p6.h > p6.w * 1.3, `Portrait_6 is drawn portrait (${p6.w}x${p6.h})`);
  });

  it('fits, zooms with +/- and the wheel, and toggles 100%', async () => {
    const { browser, server } = harness();
    p = await openPanel(browser, server, datasetView([imageView('big.jpg', '/img/big.jpg', 'ohwx', { width: 1600, height: 1200 })]));
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
});
