// Workbench UI test (issue 12, its Tests section): machine captioning as a person does it in the real VS Code.
// Select three of four images in the panel with the keyboard, run "Caption Images with AI…" from the panel's `…`
// menu answering the real quick picks (provider, prompt, images, write mode: suggest), review the suggestions with
// the keyboard (Alt+Shift+J/U move, Alt+Shift+Y accept, Alt+Shift+M merge, Alt+Shift+X reject), find the answers
// in the .txt files and their provenance in session.json, then undo the run with "Undo Last Dataset-Wide Tag
// Operation" and find the captions back.
// What stands in for what: the OpenAI-compatible server is a local HTTP server in this test (../chatServer.mjs,
// standing in for Ollama, LM Studio or vLLM: no model can run here); it names the colour of the JPEG it is sent, so
// each suggestion is seen to belong to its own image. Its URL and model name are in the server's remote (Machine)
// settings before start, as a user puts them in their settings.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { colourChatServer } from '../chatServer.mjs';
import { DARK_THEME, openWorkbench } from './workbench.mjs';
import { makeTempFolder, waitFor } from './files.mjs';

const COLOURS = [
  ['red', [230, 20, 20]],
  ['green', [20, 230, 20]],
  ['blue', [20, 20, 230]],
  ['yellow', [230, 230, 20]],
];
const MODEL = 'vision-test';
const addTag = (f) => f.getByRole('textbox', { name: 'Add tag' });

function solidPng(file, rgb) {
  const png = new PNG({ width: 160, height: 120 });
  for (let i = 0; i < 160 * 120; i++) png.data.set([...rgb, 255], i * 4);
  writeFileSync(file, PNG.sync.write(png));
}

describe('workbench: captioning images with AI and reviewing the suggestions', function () {
  let wb;
  let out;
  let chat;
  const read = (n) => readFileSync(join(out, `cap_000${n}.txt`), 'utf8');
  const all = () => [1, 2, 3, 4].map(read);
  const session = () => JSON.parse(readFileSync(join(out, 'session.json'), 'utf8'));
  const quick = () => wb.page.locator('.quick-input-widget');

  /** Waits for the quick pick titled `title` and chooses the entry `label`, typing to filter as a person does. */
  async function choose(title, label) {
    await waitFor(async () => (await quick().locator('.quick-input-title').textContent())?.includes(title), {
      what: `the quick pick "${title}"`,
    });
    await quick().locator('.quick-input-box input').fill(label);
    const first = quick().locator('.quick-input-list .monaco-list-row .label-name').first();
    await waitFor(async () => (await first.textContent())?.trim() === label, {
      what: `"${label}" first in the quick pick "${title}"`,
    });
    await wb.pressKey('Enter');
  }

  before(async function () {
    const folder = makeTempFolder('lora-ui-caption-');
    const shoot = join(folder, 'cap');
    mkdirSync(shoot, { recursive: true });
    COLOURS.forEach(([, rgb], i) => solidPng(join(shoot, `${i + 1}.png`), rgb));
    out = join(shoot, 'output');
    chat = await colourChatServer({ colours: COLOURS, answer: (c) => `${c}, solid colour` });
    wb = await openWorkbench({
      folder,
      theme: DARK_THEME,
      machineSettings: {
        'loraTagger.captioning.openai.baseUrls': [chat.url],
        'loraTagger.captioning.openai.model': MODEL,
      },
      settings: { 'loraTagger.captioning.openai.concurrency': 2 },
    });
  });
  after(async () => {
    chat?.server.close();
    await wb?.close();
  });

  it('suggests for the three selected images, takes the keyboard answers, and undoes the run', async () => {
    await wb.chooseFromContextMenu('cap', 'Start LoRA Tagging');
    const input = quick().locator('input');
    await input.waitFor({ state: 'visible' });
    await waitFor(async () => (await input.inputValue()) === 'cap', { what: 'the prefix prompt' });
    await wb.pressKey('Enter');
    await waitFor(async () => (await quick().textContent())?.includes('trigger word'), { what: 'the trigger prompt' });
    await input.fill('ohwx');
    await wb.pressKey('Enter');
    await waitFor(async () => (await quick().textContent())?.includes('caption style'), { what: 'the style pick' });
    await wb.pressKey('ArrowDown'); // Tags
    await wb.pressKey('Enter');
    const frame = await wb.webviewFrame(addTag, { timeout: 60_000 });
    const counter = (text) => frame.getByText(text, { exact: true }).waitFor();
    await counter('1 / 4');

    // A caption of a person's own on image 2, so a merge has something to keep.
    await wb.pressKey('Alt+ArrowRight');
    await counter('2 / 4');
    await addTag(frame).click();
    await wb.page.keyboard.type('mine');
    await wb.pressKey('Enter');
    await waitFor(() => read(2) === 'ohwx, mine', { what: `cap_0002.txt to be "ohwx, mine" (is "${read(2)}")` });

    // The first image, then Shift+→ twice: three selected (image 4 stays out of the run).
    await frame.getByRole('button', { name: /^1: cap_0001\.png/ }).click();
    await wb.pressKey('Shift+ArrowRight');
    await wb.pressKey('Shift+ArrowRight');
    await waitFor(
      async () => (await frame.locator('progress-status .selected').textContent())?.includes('3 selected'),
      {
        what: 'the status line to say 3 selected',
      },
    );

    // The panel's `…` menu: its entry runs the command on the selection, which asks the rest.
    await frame.getByRole('button', { name: 'More actions' }).click();
    await frame.getByRole('menuitem', { name: 'Caption the 3 selected images with AI…' }).click();
    // The images are the three selected: the command asks provider, prompt and write mode, not which images again.
    await choose('Caption Images with AI (1/2): provider', 'OpenAI-compatible server');
    await choose('Caption Images with AI: prompt', 'Booru tags');
    await choose('Caption Images with AI (2/2): write mode', 'Suggest: review each result beside the caption');

    const review = frame.locator('suggestion-review section');
    const position = async () => (await review.locator('.head .muted').textContent())?.trim();
    await waitFor(async () => (await position())?.startsWith('3 of 3'), {
      timeout: 60_000,
      what: 'the suggestion of image 3 (the current one), "3 of 3"',
    });
    assert.deepEqual(all(), ['ohwx', 'ohwx, mine', 'ohwx', 'ohwx'], 'suggest mode writes no caption');
    assert.deepEqual([...chat.seen].sort(), ['blue', 'green', 'red'], 'each selected image was sent once, not image 4');
    const suggested = await review.getByLabel('Suggested tags').locator('.label').allTextContents();
    assert.deepEqual(suggested, ['blue', 'solid colour'], "image 3's own suggestion is shown");
    assert.match(await position(), new RegExp(`3 of 3 · ${MODEL}`));
    await wb.screenshot('caption-review-dark');

    // The keys work wherever the focus is in the panel: the heading takes it back from the quick pick.
    await review.getByRole('heading', { name: 'Machine suggestion' }).click();
    await wb.pressKey('Alt+Shift+J'); // next, wrapping round to image 1
    await counter('1 / 4');
    await waitFor(async () => (await position())?.startsWith('1 of 3'), { what: '"1 of 3"' });
    await wb.pressKey('Alt+Shift+U'); // previous: back to image 3
    await counter('3 / 4');
    await wb.pressKey('Alt+Shift+J');
    await counter('1 / 4');

    await wb.pressKey('Alt+Shift+Y'); // accept image 1's; the review goes on to image 2
    await waitFor(() => read(1) === 'ohwx, red, solid colour', { what: `accepted cap_0001.txt (is "${read(1)}")` });
    await counter('2 / 4');
    await waitFor(async () => (await position())?.startsWith('1 of 2'), { what: 'image 2\'s suggestion, "1 of 2"' });
    await wb.pressKey('Alt+Shift+M'); // merge into the person's tags, theirs first
    await waitFor(() => read(2) === 'ohwx, mine, green, solid colour', {
      what: `merged cap_0002.txt (is "${read(2)}")`,
    });
    await counter('3 / 4');
    await waitFor(async () => (await position())?.startsWith('1 of 1'), { what: 'image 3\'s suggestion, "1 of 1"' });
    await wb.pressKey('Alt+Shift+X'); // reject: the caption stays
    await waitFor(async () => !(await review.count()), { what: 'the review to close with no suggestions left' });
    assert.deepEqual(all(), ['ohwx, red, solid colour', 'ohwx, mine, green, solid colour', 'ohwx', 'ohwx']);

    // Provenance: the two answered captions are the machine's and reviewed; nothing waits; image 4 was never in it.
    const images = await waitFor(
      () => {
        const ims = session().images;
        return ims[0].machine?.reviewed && ims[1].machine?.reviewed && !ims.some((i) => i.suggestion) && ims;
      },
      { what: 'session.json to record the answers' },
    );
    for (const i of [0, 1]) {
      const { provider, model, preset, reviewed } = images[i].machine;
      assert.deepEqual(
        { provider, model, preset, reviewed },
        { provider: 'openai', model: MODEL, preset: 'booru-tags', reviewed: 'accepted' },
      );
    }
    assert.equal(images[2].machine, undefined, 'a rejected suggestion leaves no machine caption');
    assert.equal(images[3].machine, undefined);

    // The run is one step of the dataset-wide undo: the accepted and merged captions go back, the rejected stays.
    await wb.runCommand('LoRA Tagging: Undo Last Dataset-Wide Tag Operation');
    await waitFor(() => all().join('|') === 'ohwx|ohwx, mine|ohwx|ohwx', {
      what: `the captions back as before the run (are ${JSON.stringify(all())})`,
    });
    // The captions are written first, then the history without the run's entry.
    const history = () => readFileSync(join(out, 'tag-undo.json'), 'utf8');
    await waitFor(() => !/Caption with AI/.test(history()), {
      what: `the run to leave the undo history: ${history()}`,
    });
    await waitFor(() => session().images.every((i) => !i.machine && !i.suggestion), {
      what: `session.json to hold no machine provenance for the restored captions (is ${JSON.stringify(session().images.map((i) => i.machine ?? null))})`,
    });
    // The panel follows: image 2's caption text is the person's again.
    await frame.getByRole('button', { name: /^2: cap_0002\.png/ }).click();
    await counter('2 / 4');
    const text = frame.getByRole('textbox', { name: 'Caption text' });
    await waitFor(async () => (await text.inputValue()) === 'ohwx, mine', {
      what: `the panel to show image 2's caption back (shows "${await text.inputValue()}")`,
    });
  });
});
