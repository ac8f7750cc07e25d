// The crop tool on the preview: drawn with the mouse or the keys, in pixels of the upright image, sent to the host.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { harness, checkAndClose } from './context.mjs';
import { datasetView, imageView, openPanel, posted, repoRoot, send, waitPosted } from './harness.mjs';
import { skipWithoutRealImages } from '../fixtures.mjs';

// Landscape_6 is stored 1200x1800 and shown 1800x1200 through its EXIF orientation: crops are upright pixels.
const photo = (extra = {}) =>
  imageView('Landscape_6.jpg', '/real/photos/Landscape_6.jpg', 'ohwx', {
    width: 1200,
    height: 1800,
    orientation: 6,
    ...extra,
  });
const near = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} is not within ${tol} of ${b}`);

describe('crop tool', function () {
  let p;
  beforeEach(function () {
    skipWithoutRealImages(this, repoRoot);
  });
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  const openTool = async (ims) => {
    const { browser, server } = harness();
    p = await openPanel(browser, server, datasetView(ims));
    await p.getByRole('button', { name: 'Crop for export', exact: true }).click();
    const frame = p.locator('crop-tool .frame');
    await frame.waitFor();
    await p.waitForFunction(() => {
      const t = document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview').shadowRoot;
      const img = t.querySelector('crop-tool').shadowRoot.querySelector('img');
      return img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 50;
    });
    return frame;
  };

  it('a rectangle dragged with the mouse is the crop in upright pixels; the filmstrip and the info line show it', async () => {
    const frame = await openTool([photo(), imageView('b.png', '/img/img_2.png', 'ohwx, b')]);
    const b = await frame.boundingBox();
    assert.ok(b.width > b.height * 1.3, `the photo is drawn upright, landscape (${b.width}x${b.height})`);
    await p.mouse.move(b.x + b.width * 0.1, b.y + b.height * 0.2);
    await p.mouse.down();
    await p.mouse.move(b.x + b.width * 0.35, b.y + b.height * 0.5, { steps: 4 });
    await p.mouse.move(b.x + b.width * 0.6, b.y + b.height * 0.8, { steps: 4 });
    await p.mouse.up();
    await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', 'webview-crop-dark.png') });
    await p.getByRole('button', { name: 'Apply crop', exact: true }).click();
    const m = await waitPosted(p, 'image/crop');
    assert.equal(m.file, 'Landscape_6.jpg');
    const tol = 1800 / b.width + 2; // one screen pixel, in image pixels
    near(m.crop.x, 180, tol, 'x');
    near(m.crop.y, 240, tol, 'y');
    near(m.crop.width, 900, 2 * tol, 'width');
    near(m.crop.height, 720, 2 * tol, 'height');
    await p.locator('crop-tool').waitFor({ state: 'detached' });
    await p
      .getByRole('listitem')
      .getByRole('button', { name: /^1: Landscape_6\.jpg.*, cropped$/ })
      .waitFor();
    const mark = p
      .locator('image-preview .info')
      .getByLabel(`Cropped to ${m.crop.width} by ${m.crop.height} for export`);
    assert.equal(await mark.innerText(), 'cropped');
    await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', 'webview-cropped-dark.png') });
  });

  it('keyboard: C opens it, a preset keeps the shape, arrows move, Shift moves further, Ctrl resizes, Enter applies', async () => {
    const { browser, server } = harness();
    p = await openPanel(browser, server, datasetView([photo()]));
    await p.locator('body').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('c');
    const area = p.getByRole('group', { name: /^Crop rectangle of Landscape_6\.jpg/ });
    await area.waitFor();
    assert.equal(await area.evaluate((el) => el.getRootNode().activeElement === el), true, 'the crop area has focus');
    await p.getByRole('combobox', { name: 'Crop aspect' }).selectOption('1:1');
    await area.focus();
    // 1:1 in the whole 1800x1200 image: 1200x1200, centred. A step is 1% of the long side (18 px), Shift 10 steps.
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('Shift+ArrowLeft');
    await p.keyboard.press('Control+ArrowLeft');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('Enter');
    const m = await waitPosted(p, 'image/crop');
    assert.deepEqual(m.crop, { x: 138, y: 18, width: 1182, height: 1182 });
    await p.locator('crop-tool').waitFor({ state: 'detached' });
    assert.equal(
      await p.evaluate(() => {
        const pr = document.querySelector('lora-tagger-app').shadowRoot.querySelector('image-preview');
        return pr.shadowRoot.activeElement?.classList.contains('stage');
      }),
      true,
      'focus returns to the preview',
    );
  });

  it('Escape cancels and sends nothing; Remove crop clears a crop the image has', async () => {
    await openTool([photo({ crop: { x: 100, y: 100, width: 400, height: 300 } })]);
    const area = p.getByRole('group', { name: /^Crop rectangle/ });
    await area.focus();
    assert.match(await p.locator('crop-tool .bar').innerText(), /400 × 300 at 100, 100/);
    await p.keyboard.press('ArrowDown');
    assert.match(await p.locator('crop-tool .bar').innerText(), /400 × 300 at 100, 118/);
    await p.keyboard.press('Escape');
    await p.locator('crop-tool').waitFor({ state: 'detached' });
    assert.deepEqual(await posted(p, 'image/crop'), []);
    await p.getByRole('button', { name: 'Crop for export', exact: true }).click();
    await p.getByRole('button', { name: 'Remove crop', exact: true }).click();
    const m = await waitPosted(p, 'image/crop');
    assert.equal(m.crop, null);
    await p
      .getByRole('listitem')
      .getByRole('button', { name: /^1: Landscape_6\.jpg$/ })
      .waitFor();
  });

  for (const theme of ['light', 'dark', 'hc-dark', 'hc-light']) {
    it(`${theme}, 360 px wide: the crop tool's controls all fit and the thumbnail shows the crop mark`, async () => {
      const { browser, server } = harness();
      const ims = [photo({ crop: { x: 300, y: 0, width: 1200, height: 1200 } })];
      p = await openPanel(browser, server, datasetView(ims), { theme, viewport: { width: 360, height: 800 } });
      await p.getByRole('button', { name: 'Crop for export', exact: true }).click();
      for (const name of ['Apply crop', 'Cancel', 'Remove crop']) {
        const b = await p.getByRole('button', { name, exact: true }).boundingBox();
        assert.ok(b && b.x >= 0 && b.x + b.width <= 360, `${name} is inside the 360 px panel: ${JSON.stringify(b)}`);
      }
      const shade = await p.locator('crop-tool .rect').boundingBox();
      assert.ok(shade && shade.width > 50, 'the crop rectangle is drawn');
      await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', `webview-crop-360-${theme}.png`) });
      assert.ok(await p.locator('film-strip vscode-icon.cropped').count(), 'the crop mark on the thumbnail');
    });
  }

  // 1600x1000 lands in kohya's 1280x768 bucket (exported 1280x800), ai-toolkit's 1344x768 (1344x840), SimpleTuner's
  // 1280x832 (1331x832); an imagefolder has no buckets and keeps the crop's size (shared/buckets/).
  const perTarget = [
    ['kohya', true, "kohya's bucket 1280 × 768, exported 1280 × 800", ['1216x832 1', '1280x768 1']],
    ['ai-toolkit', false, "ai-toolkit's bucket 1344 × 768, exported 1344 × 840", ['1216x832 1', '1344x768 1']],
    ['simpletuner', false, "SimpleTuner's bucket 1280 × 832, exported 1331 × 832", ['1280x832 2']],
    ['huggingface', false, 'exported 1600 × 1000', undefined],
  ];
  for (const [target, presets, says, chartRows] of perTarget) {
    it(`export target ${target}: the crop tool's bucket presets and bucket, and the report's buckets, are its own`, async () => {
      const { browser, server } = harness();
      const ims = [photo({ crop: { x: 100, y: 100, width: 1600, height: 1000 } }), photo({ file: 'Landscape_6b.jpg' })];
      p = await openPanel(browser, server, datasetView(ims, { exportTarget: target }));
      await p.getByRole('button', { name: 'Crop for export', exact: true }).click();
      await p.locator('crop-tool .bucket').getByText(says, { exact: true }).waitFor();
      const options = await p.getByRole('combobox', { name: 'Crop aspect' }).locator('option').allInnerTexts();
      assert.equal(options.includes('1216×832'), presets, `kohya's bucket presets offered: ${presets}`);
      assert.ok(options.includes('16:9'), 'the aspect presets stay');
      await p.getByRole('button', { name: 'Cancel', exact: true }).click();
      await p.getByRole('button', { name: 'Report', exact: true }).click();
      await p.getByText('Bucket of each image (2)').click();
      const each = await p.getByRole('table', { name: 'Bucket of each image' }).innerText();
      const [, ew, eh] = /exported (\d+) × (\d+)/.exec(says);
      assert.match(each, new RegExp(`Landscape_6\\.jpg\\s+${ew} × ${eh} \\(cropped\\)`), 'the exported size');
      if (chartRows) {
        const name = `Images by ${target === 'simpletuner' ? 'SimpleTuner' : target} bucket`;
        const rows = await p.getByRole('table', { name }).getByRole('row').allInnerTexts();
        assert.deepEqual(rows.map((r) => r.replace(/\s+/g, ' ').trim()).sort(), chartRows);
      } else {
        await p.getByText(/A Hugging Face imagefolder has no buckets/).waitFor();
        assert.ok(!/\d+x\d+/.test(each), `no bucket column: ${each}`);
      }
    });
  }

  it('a new export target from the host changes the buckets and keeps the undo history, the selection and the typing', async () => {
    const { browser, server } = harness();
    const ims = [photo({ crop: { x: 100, y: 100, width: 1600, height: 1000 } }), photo({ file: 'Landscape_6b.jpg' })];
    p = await openPanel(browser, server, datasetView(ims, { exportTarget: 'kohya' }));
    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    await area.focus();
    await p.keyboard.press('End');
    await p.keyboard.type(', mine');
    await p.evaluate(() => window.loraTagger.store.closeUndoGroup());
    const thumbs = p.getByRole('list', { name: 'Filmstrip' }).getByRole('button');
    await thumbs.nth(1).click({ modifiers: ['Shift'] });
    // Exported from the report page: the report open at the time follows the new target in place.
    await p.getByRole('button', { name: 'Report', exact: true }).click();
    await p.getByRole('table', { name: 'Images by kohya bucket' }).waitFor();
    await send(p, { type: 'dataset/target', exportTarget: 'ai-toolkit' });
    await p.getByRole('table', { name: 'Images by ai-toolkit bucket' }).waitFor();
    await p.getByRole('button', { name: 'Tagging', exact: true }).click();
    assert.equal(await p.evaluate(() => window.loraTagger.store.selection.size), 2, 'the selection stays');
    await thumbs.first().click();
    await area.focus();
    assert.equal(await area.inputValue(), 'ohwx, mine', 'the typed text stays');
    await p.keyboard.press('Control+z');
    assert.equal(await area.inputValue(), 'ohwx', 'and is still one undo step back');
  });

  for (const theme of ['light', 'dark']) {
    it(`${theme}: the report shows the kohya bucket of each image, after its EXIF orientation and its crop`, async () => {
      const { browser, server } = harness();
      const ims = [photo({ crop: { x: 300, y: 0, width: 1200, height: 1200 } }), photo({ file: 'Landscape_6b.jpg' })];
      p = await openPanel(browser, server, datasetView(ims), { theme });
      await p.getByRole('button', { name: 'Report', exact: true }).click();
      const chart = p.getByRole('table', { name: 'Images by kohya bucket' });
      await chart.waitFor();
      const rows = await chart.getByRole('row').allInnerTexts();
      assert.deepEqual(rows.map((r) => r.replace(/\s+/g, ' ').trim()).sort(), ['1024x1024 1', '1216x832 1']);
      await p.getByText('Bucket of each image (2)').click();
      const each = p.getByRole('table', { name: 'Bucket of each image' });
      assert.match(await each.innerText(), /Landscape_6\.jpg\s+1200 × 1200 \(cropped\)\s+1024x1024/);
      assert.match(await each.innerText(), /Landscape_6b\.jpg\s+1800 × 1200\s+1216x832/);
      await each.scrollIntoViewIfNeeded();
      await p.screenshot({
        path: join(repoRoot, '.test-artifacts', 'screenshots', `webview-report-buckets-${theme}.png`),
      });
    });
  }
});
