// Caption chips and the add-tag input: what the user does, and the exact caption text that reaches the host.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { open, checkAndClose } from './context.mjs';
import { posted, waitPosted, clearPosted, repoRoot } from './harness.mjs';

describe('caption chips and add tag', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('shows the current caption as chips, the trigger word first and marked', async () => {
    p = await open(['ohwx, red hair, smile', 'ohwx, blue eyes']);
    const chips = p.getByRole('list', { name: 'Caption tags', exact: true }).getByRole('listitem');
    assert.deepEqual(await chips.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), [
      'ohwx',
      'red hair',
      'smile',
    ]);
    const trigger = p.getByRole('listitem', { name: 'ohwx' });
    assert.match(await trigger.getAttribute('class'), /trigger/);
    assert.equal(await trigger.getAttribute('aria-description'), 'trigger word');
  });

  it('adds a tag with Enter and posts the caption as "trigger, tag1, tag2"', async () => {
    p = await open(['ohwx, red hair']);
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await input.fill('freckles');
    await input.press('Enter');
    const msg = await waitPosted(p, 'caption/update');
    assert.deepEqual(msg, {
      type: 'caption/update',
      file: 'test_0001.png',
      text: 'ohwx, red hair, freckles',
      base: 0,
      seq: 1,
    });
    assert.equal(await input.inputValue(), '');
    await p.getByRole('listitem', { name: 'freckles' }).waitFor();
    const used = await waitPosted(p, 'tags/used');
    assert.deepEqual(used.tags, ['freckles']);
  });

  it('a comma in the add-tag input adds several tags', async () => {
    p = await open(['']);
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await input.pressSequentially('blue eyes, smile, lon');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, blue eyes, smile');
    assert.equal(await input.inputValue(), 'lon');
    await input.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, blue eyes, smile, lon');
  });

  it('autocompletes from the dataset first, then from the vocabulary (vocab/query)', async () => {
    p = await open(['ohwx, long hair', 'ohwx, long sleeves']);
    await p.evaluate(
      () =>
        (window.__vocab = [
          { name: 'long_skirt', category: 'general', count: 900 },
          { name: 'long hair', count: 5 },
        ]),
    );
    await p.getByRole('button', { name: 'Next image', exact: true }).click();
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await input.pressSequentially('long');
    const list = p.getByRole('listbox', { name: 'Tag suggestions' });
    await list.getByRole('option', { name: /long_skirt/ }).waitFor();
    const names = await list
      .getByRole('option')
      .evaluateAll((els) => els.map((e) => e.querySelector('span').textContent));
    // long sleeves is on this image already; long hair comes from the dataset, once; then the vocabulary.
    assert.deepEqual(names, ['long hair', 'long_skirt']);
    const q = await waitPosted(p, 'vocab/query');
    assert.equal(q.prefix, 'long');
    await input.press('ArrowDown');
    await input.press('ArrowDown');
    await input.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, long sleeves, long_skirt');
  });

  for (const theme of ['dark', 'light'])
    it(`finds what is typed inside a tag: "hair" offers "long hair", with the alias matched and the category named (${theme})`, async () => {
      p = await open(['ohwx, long hair, hair ornament', 'ohwx'], {}, { theme });
      await p.evaluate(
        () =>
          (window.__vocab = [
            { name: 'very long hair', category: 'general', count: 900, alias: 'hair past waist' },
            { name: 'hatsune miku', category: 'character', count: 50 },
          ]),
      );
      await p.getByRole('button', { name: 'Next image', exact: true }).click();
      const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
      await input.pressSequentially('hair');
      const list = p.getByRole('listbox', { name: 'Tag suggestions' });
      await list.getByRole('option', { name: /very long hair/ }).waitFor();
      const rows = await list
        .getByRole('option')
        .evaluateAll((els) => els.map((e) => [...e.children].map((c) => c.textContent.trim()).join(' | ')));
      // The dataset's own tags: the prefix match first, then the word-start match; then the vocabulary, with the
      // alias that matched and the category's name.
      assert.deepEqual(rows, [
        'hair ornament | 1 in dataset',
        'long hair | 1 in dataset',
        'very long hair ← hair past waist | general',
      ]);
      await p.screenshot({ path: join(repoRoot, '.test-artifacts', 'screenshots', `autocomplete-${theme}.png`) });
      await input.fill('');
      await input.pressSequentially('miku');
      await list.getByRole('option', { name: /hatsune miku/ }).waitFor();
      assert.match(await list.getByRole('option').first().textContent(), /hatsune miku\s*character/);
      await input.press('ArrowDown');
      await input.press('Enter');
      await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, hatsune miku');
    });

  it('removes a chip with its x button, and with Delete when focused', async () => {
    p = await open(['ohwx, red hair, smile, freckles']);
    await p.getByRole('button', { name: 'Remove smile' }).click();
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, freckles');
    await p.getByRole('listitem', { name: 'red hair' }).focus();
    await p.keyboard.press('Delete');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, freckles');
    // Focus moves to the neighbour, so repeated Deletes keep working.
    await p.keyboard.press('Backspace');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx');
  });

  it('reorders chips with Alt+Up/Down (the trigger word stays first) and by dragging', async () => {
    p = await open(['ohwx, a, b, c']);
    await p.getByRole('listitem', { name: 'a' }).focus();
    await p.keyboard.press('Alt+ArrowDown');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, b, a, c');
    await p.keyboard.press('Alt+ArrowDown');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, b, c, a');
    // Cleared first: "ohwx, b, a, c" was already posted by the first move.
    await clearPosted(p);
    await p.keyboard.press('Alt+ArrowUp');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, b, a, c');
    // Moving a tag before the trigger word leaves the caption as it is; the next move (which the page handles
    // after that key) is the first caption posted since, so nothing was posted for the first.
    await clearPosted(p);
    await p.getByRole('listitem', { name: 'b' }).focus();
    await p.keyboard.press('Alt+ArrowUp');
    await p.keyboard.press('Alt+ArrowDown');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, b, c');
    assert.deepEqual(
      (await posted(p, 'caption/update')).map((m) => m.text),
      ['ohwx, a, b, c'],
      'the trigger word stays first',
    );
    await clearPosted(p);
    await p.getByRole('listitem', { name: 'c' }).dragTo(p.getByRole('listitem', { name: 'b' }));
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, a, c, b');
  });
});
