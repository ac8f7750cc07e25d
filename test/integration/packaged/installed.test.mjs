// The packaged extension, as a user gets it: the release .vsix (built by `runInCodeServer.mjs --packaged`, path in
// $LORA_VSIX) is installed with `code-server --install-extension` into a fresh extensions dir and code-server runs
// without extensionDevelopmentPath. One flow through the workbench: start on a folder from the Explorer, tag an
// image, find the tag in the .txt, export for CivitAI and read the zip back. The panel's script must come from
// the installed copy, so the test cannot pass by running the development build.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yauzl from 'yauzl';
import { openWorkbench, REPO_ROOT } from '../ui/workbench.mjs';
import { makeTempFolder, waitFor, writeImages } from '../ui/files.mjs';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`.toLowerCase();
const addTag = (f) => f.getByRole('textbox', { name: 'Add tag' });

/** Every entry of a zip, name -> contents (yauzl checks each CRC as it streams). */
function readZip(path) {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map();
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2) return reject(e2);
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

const inside = (dir, p) => {
  const rel = relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
};

describe('packaged: the installed .vsix, driven through the workbench', function () {
  const vsix = process.env.LORA_VSIX;
  let wb;
  let shoot;
  let out;
  const readCaption = (n) => readFileSync(join(out, `shoot_${String(n).padStart(4, '0')}.txt`), 'utf8');

  before(async function () {
    if (!vsix) {
      const how = 'node test/integration/runInCodeServer.mjs --packaged';
      throw new Error(`$LORA_VSIX is not set, so there is no .vsix to install: run these tests with \`${how}\`.`);
    }
    const folder = makeTempFolder('lora-packaged-');
    shoot = join(folder, 'shoot');
    writeImages(shoot, 2, { width: 320, height: 240 });
    out = join(shoot, 'output');
    wb = await openWorkbench({ folder, vsix });
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    const shot = await wb.screenshot('packaged-failure').catch(() => undefined);
    console.log(`      (the screen at the failure: ${shot ?? 'no screenshot could be taken'})`);
  });
  after(async () => wb?.close());

  it('holds the release bundles, and no sources, source maps or the command line', async () => {
    const entries = await readZip(vsix);
    const names = [...entries.keys()]
      .filter((n) => n.startsWith('extension/'))
      .map((n) => n.slice(10))
      .sort();
    const needed = ['package.json', 'dist/extension.js', 'dist/decodeWorker.js', 'dist/webview.js'];
    needed.push('dist/codicons/codicon.css', 'dist/codicons/codicon.ttf');
    // The vocabulary's worker (autocomplete from the tag CSVs, off the host's thread).
    needed.push('dist/vocabWorker.js');
    // The WD tagger's worker and ONNX Runtime's WebAssembly build beside it (machine captioning).
    needed.push(
      'dist/wdWorker.js',
      ...['ort.node.min.js', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'].map(
        (f) => `dist/onnxruntime-web/${f}`,
      ),
    );
    assert.deepEqual(
      needed.filter((f) => !names.includes(f)),
      [],
      `the .vsix holds: ${names.join(', ')}`,
    );
    const stray = names.filter((n) => /\.(map|ts)$|^(src|test|out|node_modules)\/|^dist\/cli\.js$/.test(n));
    assert.deepEqual(stray, [], 'nothing in the .vsix that VS Code does not run');
    for (const f of ['extension.js', 'webview.js', 'decodeWorker.js']) {
      // A development build carries its source map inline; the release build links to one that is not shipped.
      const text = entries.get(`extension/dist/${f}`).toString('utf8');
      assert.ok(!text.includes('sourceMappingURL=data:'), `dist/${f} in the .vsix is a release build, not a dev one`);
    }
  });

  it('is installed into the throwaway extensions dir, and no development build is loaded', () => {
    const exts = wb.server.extensionsDir;
    const list = JSON.parse(readFileSync(join(exts, 'extensions.json'), 'utf8'));
    const mine = list.find((e) => e.identifier?.id?.toLowerCase() === EXTENSION_ID);
    const ids = list.map((e) => e.identifier?.id).join(', ');
    assert.ok(mine, `${EXTENSION_ID} is listed in ${exts}/extensions.json (it lists ${ids || 'nothing'})`);
    assert.ok(inside(exts, mine.location.path), `installed at ${mine.location.path}, inside ${exts}`);
    const url = wb.server.url;
    assert.ok(!url.includes('extensionDevelopmentPath'), `the workbench URL loads no development build: ${url}`);
  });

  it('starts on a folder from the Explorer, answering the prompts, and the panel runs the installed copy', async () => {
    await wb.chooseFromContextMenu('shoot', 'Start LoRA Tagging');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => (await input.inputValue()) === 'shoot', {
      what: 'the prefix prompt offering the folder name',
    });
    await wb.page.keyboard.press('Enter');
    const prompt = () => wb.page.locator('.quick-input-widget').textContent();
    await waitFor(async () => (await prompt())?.includes('trigger word'), { what: 'the trigger-word prompt' });
    await input.fill('ohwx');
    await wb.page.keyboard.press('Enter');
    await waitFor(async () => (await prompt())?.includes('caption style'), { what: 'the caption-style pick' });
    await wb.page.keyboard.press('Enter'); // Natural language is offered first

    const frame = await wb.webviewFrame(addTag, { timeout: 60_000 });
    assert.ok(existsSync(join(out, 'session.json')), 'session.json was written');
    assert.equal(readCaption(1), 'ohwx', 'the first caption starts as the trigger word');
    // The panel's module script is resolved from the running extension's own folder.
    const src = await frame.evaluate(() => document.querySelector('script[type="module"]')?.src ?? '');
    const scriptPath = decodeURIComponent(src);
    const installed = join(wb.server.extensionsDir, `${EXTENSION_ID}-${pkg.version}`, 'dist', 'webview.js');
    assert.ok(scriptPath.includes(installed), `the panel's script ${src} is ${installed}`);
    assert.ok(!scriptPath.includes(join(REPO_ROOT, 'dist')), `the panel's script is not the development build: ${src}`);
    await wb.screenshot('packaged-panel');
  });

  it('adds a tag and finds it in the .txt', async () => {
    const box = await wb.findInWebview(addTag);
    await box.click();
    await box.pressSequentially('red scarf');
    await box.press('Enter');
    await waitFor(() => readCaption(1) === 'ohwx, red scarf', {
      what: `shoot_0001.txt to be "ohwx, red scarf" (is "${readCaption(1)}")`,
    });
  });

  it('exports for CivitAI from the Explorer: the zip holds each image with its caption', async () => {
    const zipPath = join(shoot, 'shoot_civitai.zip');
    await wb.chooseFromContextMenu('shoot/output', 'LoRA Tagging: Export for CivitAI');
    // The web workbench's save dialog is a quick input holding the proposed path.
    const input = wb.page.locator('.quick-input-widget input');
    // A preflight error (an image the packaged image library cannot decode) asks first, in a modal dialog.
    const modal = wb.page.locator('.monaco-dialog-box');
    const proposed = async () => (await input.isVisible()) && (await input.inputValue()).endsWith('shoot_civitai.zip');
    await waitFor(async () => (await proposed()) || (await modal.isVisible()), {
      what: 'the save dialog proposing shoot_civitai.zip',
    });
    if (await modal.isVisible()) assert.fail(`the export stopped at a dialog instead: ${await modal.innerText()}`);
    await input.press('Enter');
    // The zip is renamed into place only when complete, so its row in the Explorer means it is all there.
    await wb.explorerItem('shoot/shoot_civitai.zip', { timeout: 30_000 });
    assert.ok(existsSync(zipPath), `${zipPath} exists`);
    const said = await waitFor(async () => (await wb.notificationCenter()).find((t) => t.startsWith('Exported ')), {
      what: "the export's notification",
    });
    assert.match(said, /^Exported 2 images with their captions .* to shoot_civitai\.zip\./);
    // The finished export's progress is gone once its result is told (it stood beside it, issue 10).
    assert.deepEqual(
      (await wb.notificationCenter()).filter((t) => t.startsWith('Exporting')),
      [],
    );
    await wb.hideNotificationCenter();
    const entries = await readZip(zipPath);
    const names = [...entries.keys()].sort();
    assert.deepEqual(names, ['shoot_0001.png', 'shoot_0001.txt', 'shoot_0002.png', 'shoot_0002.txt']);
    // The .txt holds what the panel wrote; the zip holds it in the form CivitAI's intake reads as "trigger first"
    // for a natural-language dataset (its regex is ^ohwx( |$), so "ohwx, red scarf" would get a second ohwx).
    assert.equal(readFileSync(join(out, 'shoot_0001.txt'), 'utf8'), 'ohwx, red scarf');
    assert.equal(entries.get('shoot_0001.txt').toString('utf8'), 'ohwx red scarf');
    const image = readFileSync(join(out, 'shoot_0001.png'));
    assert.ok(entries.get('shoot_0001.png').equals(image), 'the image is in the zip byte for byte');
  });
});
