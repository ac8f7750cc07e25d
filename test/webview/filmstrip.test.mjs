// The filmstrip: virtualized over 10,000 images, click to navigate, filter by untagged / favourite / tag / text.
import assert from 'node:assert/strict';
import { harness, open, checkAndClose } from './context.mjs';
import { datasetView, imageView, openPanel, send, waitPosted } from './harness.mjs';

const thumbs = (p) =>
  p
    .getByRole('list', { name: 'Filmstrip' })
    .evaluate((l) => [...l.querySelectorAll('button.thumb')].map((b) => b.getAttribute('aria-label')));

describe('filmstrip', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('renders only a bounded window of thumbnails for 10,000 images, also when scrolled to the end', async () => {
    const { browser, server } = harness();
    const ims = Array.from({ length: 10_000 }, (_, i) =>
      imageView(
        `big_${String(i + 1).padStart(5, '0')}.png`,
        `/img/img_${(i % 6) + 1}.png`,
        i % 3 ? `ohwx, tag ${i % 50}` : '',
      ),
    );
    p = await openPanel(browser, server, datasetView(ims));
    const first = await thumbs(p);
    assert.ok(first.length > 5 && first.length < 60, `${first.length} thumbnails in the DOM`);
    assert.match(first[0], /^1: big_00001\.png, untagged/);
    // The strip never loads a full-size image: until the host sends thumbnails it shows placeholders and asks for
    // the ones in view; the thumbnails it is sent are the images it shows.
    const imgs = () =>
      p
        .getByRole('list', { name: 'Filmstrip' })
        .evaluate((l) => [...l.querySelectorAll('img')].map((i) => i.getAttribute('src')));
    assert.deepEqual(await imgs(), [], 'no image in the strip before its thumbnails exist');
    const want = await waitPosted(p, 'thumbs/want', (m) => m.files.includes('big_00001.png'));
    assert.ok(want.files.length > 5 && want.files.length < 60, `asked for the ${want.files.length} thumbnails in view`);
    await send(p, {
      type: 'thumbs/ready',
      thumbs: want.files.map((file, i) => ({ file, uri: `/img/img_${(i % 6) + 1}.png?thumb` })),
    });
    await p.waitForFunction(
      () =>
        document
          .querySelector('lora-tagger-app')
          .shadowRoot.querySelector('film-strip')
          .shadowRoot.querySelectorAll('img').length > 5,
    );
    assert.ok(
      (await imgs()).every((src) => src.endsWith('?thumb')),
      "the strip shows the host's thumbnails",
    );
    await p.locator('film-strip .viewport').evaluate((v) => (v.scrollLeft = v.scrollWidth));
    await p.waitForFunction(() => {
      const fs = document.querySelector('lora-tagger-app').shadowRoot.querySelector('film-strip');
      return [...fs.shadowRoot.querySelectorAll('button.thumb')].some((b) =>
        b.getAttribute('aria-label').startsWith('10000:'),
      );
    });
    const last = await thumbs(p);
    assert.ok(last.length < 60, `${last.length} thumbnails in the DOM at the end`);
    await waitPosted(p, 'thumbs/want', (m) => m.files.includes('big_10000.png'));
    await p.getByRole('button', { name: /^9999: big_09999\.png/ }).click();
    await waitPosted(p, 'image/select', (m) => m.file === 'big_09999.png');
    assert.match(await p.locator('image-preview .info').innerText(), /9999 \/ 10000/);
  });

  it('filters the images (untagged, text) and navigation follows the filter', async () => {
    p = await open(['ohwx, a', '', 'ohwx, b', '', 'ohwx, beach at dusk']);
    const select = p.getByRole('combobox', { name: 'Show images' });
    await select.click();
    await p.getByRole('option', { name: 'Untagged' }).click();
    assert.deepEqual(
      (await thumbs(p)).map((t) => t.split(':')[0]),
      ['2', '4'],
    );
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0004.png');
    await select.click();
    await p.getByRole('option', { name: 'Caption contains…' }).click();
    const box = p.getByRole('textbox', { name: 'Image filter query', exact: true });
    assert.equal(await box.inputValue(), 'caption:');
    await box.fill('caption:DUSK');
    assert.deepEqual(
      (await thumbs(p)).map((t) => t.split(':')[0]),
      ['5'],
    );
  });

  it('marks favourite, NSFW and skipped images, and the toggles post image/flags', async () => {
    p = await open(['ohwx, a', 'ohwx, b']);
    await p.getByRole('switch', { name: 'Favourite' }).click();
    await waitPosted(p, 'image/flags', (m) => m.favourite === true && m.file === 'test_0001.png');
    await p.getByRole('switch', { name: 'NSFW' }).click();
    await waitPosted(p, 'image/flags', (m) => m.nsfw === true);
    await p.getByRole('switch', { name: 'Skip' }).click();
    await waitPosted(p, 'image/flags', (m) => m.skipped === true);
    const label = (await thumbs(p))[0];
    assert.equal(label, '1: test_0001.png, skipped, favourite, NSFW');
    // Both images are tagged; the skipped one counts as skipped, not as untagged.
    assert.equal(await p.locator('progress-status .nums.muted').innerText(), '0 untagged · 1 skipped');
  });
});
