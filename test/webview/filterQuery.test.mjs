// The image filter's query language in the panel: typed queries, presets that write a query, an invalid query
// that says where and why while the last valid result stays, and `duplicate` from the last Check Dataset.
import assert from 'node:assert/strict';
import { harness, images, checkAndClose } from './context.mjs';
import { datasetView, openPanel, send, waitPosted } from './harness.mjs';

/** The image numbers the filmstrip shows, once they equal `want` (fails with what it shows otherwise). */
async function shows(p, want) {
  const read = () =>
    p
      .getByRole('list', { name: 'Filmstrip' })
      .evaluate((l) =>
        [...l.querySelectorAll('button.thumb')].map((b) => Number(b.getAttribute('aria-label').split(':')[0])),
      );
  try {
    await p.waitForFunction(
      (w) => {
        const fs = document.querySelector('lora-tagger-app').shadowRoot.querySelector('film-strip');
        const got = [...fs.shadowRoot.querySelectorAll('button.thumb')].map(
          (b) => b.getAttribute('aria-label').split(':')[0],
        );
        return got.join(',') === w.join(',');
      },
      want,
      { timeout: 3000 },
    );
  } catch {
    assert.deepEqual(await read(), want);
  }
}

const captions = [
  'ohwx, red hair, smiling, beach',
  'ohwx, red hair, sitting',
  'ohwx, blue hair, smiling',
  '',
  'ohwx, dusk (sunset), long shadows',
];

describe('filter query language in the panel', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('filters by a typed query; an invalid one says where and why and the last result stays', async () => {
    const { browser, server } = harness();
    const ims = images(captions);
    ims[1].favourite = true;
    ims[2].machine = true;
    p = await openPanel(browser, server, datasetView(ims));
    const box = p.getByRole('textbox', { name: 'Image filter query', exact: true });
    await box.fill('tag:"red hair" -tag:smiling');
    await shows(p, [2]);
    await box.fill('tag:*hair (favourite OR machine)');
    await shows(p, [2, 3]);
    const error = p.locator('image-query .err');
    await box.fill('tag:*hair (favourite OR');
    await p.waitForFunction(() =>
      document
        .querySelector('lora-tagger-app')
        .shadowRoot.querySelector('film-strip')
        .shadowRoot.querySelector('image-query')
        .shadowRoot.querySelector('.err')
        .textContent.includes('Column'),
    );
    assert.match(await error.innerText(), /^Column 24: OR needs a term after it\. The images shown are still/);
    await shows(p, [2, 3]);
    // Navigation follows the last valid result too.
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    await waitPosted(p, 'image/select', (m) => m.file === 'test_0002.png');
    await box.fill('caption:~"^ohwx, (red|blue) hair, s" NOT name:*3.png');
    await shows(p, [1, 2]);
    assert.equal(await error.innerText(), '');
    await box.fill('caption:~(a+)+');
    await p.waitForFunction(() =>
      document
        .querySelector('lora-tagger-app')
        .shadowRoot.querySelector('film-strip')
        .shadowRoot.querySelector('image-query')
        .shadowRoot.querySelector('.err')
        .textContent.includes('exponential'),
    );
    await shows(p, [1, 2]);
  });

  it('the presets write a query into the box, and the box shows which preset a query is', async () => {
    p = await (async () => {
      const { browser, server } = harness();
      const ims = images(captions);
      ims[1].favourite = true;
      ims[4].favourite = true;
      return openPanel(browser, server, datasetView(ims));
    })();
    const select = p.getByRole('combobox', { name: 'Show images' });
    const box = p.getByRole('textbox', { name: 'Image filter query', exact: true });
    await select.click();
    await p.getByRole('option', { name: 'Favourites' }).click();
    await shows(p, [2, 5]);
    assert.equal(await box.inputValue(), 'favourite');
    await select.click();
    await p.getByRole('option', { name: 'With tag…' }).click();
    assert.equal(await box.inputValue(), 'tag:');
    // The caret is in the box, after the colon: typing the tag is the next key press.
    await p.keyboard.type('smiling');
    await shows(p, [1, 3]);
    await box.fill('untagged OR tag:smiling');
    await p.waitForFunction(
      () =>
        document
          .querySelector('lora-tagger-app')
          .shadowRoot.querySelector('film-strip')
          .shadowRoot.querySelector('image-query')
          .shadowRoot.querySelector('vscode-single-select').value === 'query',
    );
    await shows(p, [1, 3, 4]);
  });

  it('duplicate lets through the images the last Check Dataset found duplicated', async () => {
    const { browser, server } = harness();
    p = await openPanel(browser, server, datasetView(images(captions)));
    const box = p.getByRole('textbox', { name: 'Image filter query', exact: true });
    await box.fill('duplicate');
    await shows(p, []);
    await send(p, { type: 'check/duplicates', files: ['test_0002.png', 'test_0005.png'] });
    await shows(p, [2, 5]);
  });
});
