// The tag palette: counts across the dataset, substring and fuzzy filter with highlight, toggling, pinning.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { open, checkAndClose } from './context.mjs';
import { waitPosted, posted, repoRoot } from './harness.mjs';

const captions = ['ohwx, red hair, smile', 'ohwx, smile, blue eyes', 'ohwx, smile', 'ohwx, red dress'];
const known = ['red hair', 'smile', 'blue eyes', 'red dress', 'looking at viewer'];

/** Tag names in the palette, in display order, with their counts and highlighted parts. */
async function entries(p) {
  return p.getByRole('list', { name: 'Tag palette', exact: true }).evaluate((list) =>
    [...list.querySelectorAll('button.tag')].map((b) => ({
      tag: b.getAttribute('aria-label'),
      count: Number(b.querySelector('.count').textContent),
      marks: [...b.querySelectorAll('mark')].map((m) => m.textContent),
      pressed: b.getAttribute('aria-pressed') === 'true',
    })),
  );
}

describe('tag palette', function () {
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  it('lists every known tag with how many images use it, most used first', async () => {
    p = await open(captions, { knownTags: known });
    const e = await entries(p);
    const byTag = Object.fromEntries(e.map((x) => [x.tag, x.count]));
    assert.equal(byTag.smile, 3);
    assert.equal(byTag['red hair'], 1);
    assert.equal(byTag['looking at viewer'], 0);
    assert.equal(byTag.ohwx, undefined, 'the trigger word is managed by the caption rules, not listed');
    assert.deepEqual(
      e.slice(0, 2).map((x) => x.tag),
      ['smile', 'blue eyes'],
    );
    assert.ok(e.find((x) => x.tag === 'red hair').pressed, 'tags on the current image are marked pressed');
  });

  it('filters by substring and highlights the match', async () => {
    p = await open(captions, { knownTags: known });
    await p.getByRole('textbox', { name: 'Filter tags', exact: true }).fill('red');
    await p.waitForFunction(() => true);
    const e = await entries(p);
    assert.deepEqual(e.map((x) => x.tag).sort(), ['red dress', 'red hair']);
    assert.deepEqual(
      e.map((x) => x.marks),
      [['red'], ['red']],
    );
  });

  it('falls back to fuzzy matching (letters in order) and highlights each matched letter', async () => {
    p = await open(captions, { knownTags: known });
    await p.getByRole('textbox', { name: 'Filter tags', exact: true }).fill('lkvwr');
    const e = await entries(p);
    assert.deepEqual(
      e.map((x) => x.tag),
      ['looking at viewer'],
    );
    assert.deepEqual(e[0].marks, ['l', 'k', 'v', 'w', 'r']);
    // Substring matches rank before fuzzy ones: "er" is a substring of "looking at viewer" (used by no image, so
    // last by count) and only in order in "red dress" and "red hair" (then by count, then by name).
    await p.getByRole('textbox', { name: 'Filter tags', exact: true }).fill('er');
    const ranked = await entries(p);
    assert.deepEqual(
      ranked.map((x) => x.tag),
      ['looking at viewer', 'red dress', 'red hair'],
    );
    assert.deepEqual(
      ranked.map((x) => x.marks),
      [['er'], ['e', 'r'], ['e', 'r']],
    );
  });

  it('a click toggles the tag on the current image, and counts follow', async () => {
    p = await open(captions, { knownTags: known });
    const palette = p.getByRole('list', { name: 'Tag palette', exact: true });
    await palette.getByRole('button', { name: 'looking at viewer', exact: true }).click();
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, smile, looking at viewer');
    assert.equal((await entries(p)).find((x) => x.tag === 'looking at viewer').count, 1);
    await palette.getByRole('button', { name: 'smile', exact: true }).click();
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, looking at viewer');
    assert.equal((await entries(p)).find((x) => x.tag === 'smile').count, 2);
  });

  it('Enter in the filter toggles the best match; ↓ walks the list', async () => {
    p = await open(captions, { knownTags: known });
    const filter = p.getByRole('textbox', { name: 'Filter tags', exact: true });
    await filter.fill('blue');
    await filter.press('Enter');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, smile, blue eyes');
    await filter.fill('');
    await filter.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    const focused = await p.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.getAttribute('aria-label');
    });
    assert.equal(focused, (await entries(p))[1].tag);
  });

  it('pins a tag (tags/pin) and Alt+1 toggles the first pinned tag', async () => {
    p = await open(captions, { knownTags: known });
    await p.getByRole('button', { name: 'Pin blue eyes' }).click();
    const pin = await waitPosted(p, 'tags/pin');
    assert.deepEqual(pin, { type: 'tags/pin', tag: 'blue eyes', pinned: true });
    await p.getByRole('group', { name: 'Pinned tags' }).getByRole('button', { name: 'Pinned 1: blue eyes' }).waitFor();
    await p.keyboard.press('Alt+1');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, smile, blue eyes');
    await p.keyboard.press('Alt+1');
    await waitPosted(p, 'caption/update', (m) => m.text === 'ohwx, red hair, smile');
    await p.getByRole('button', { name: 'Unpin blue eyes' }).click();
    await waitPosted(p, 'tags/pin', (m) => m.pinned === false);
  });

  it('groups by the session categories and shows recent tags', async () => {
    p = await open(captions, {
      knownTags: known,
      recentTags: ['smile'],
      categories: [
        { name: 'Hair', tags: ['red hair'] },
        { name: 'Clothes', tags: ['red dress'] },
      ],
    });
    await p.getByRole('group', { name: 'Recent tags' }).getByRole('button', { name: 'Recent: smile' }).waitFor();
    await p.getByRole('checkbox', { name: 'Group' }).focus();
    await p.keyboard.press('Space');
    await p
      .getByRole('listitem')
      .filter({ hasText: /^Hair · 1$/ })
      .waitFor();
    const text = await p
      .getByRole('list', { name: 'Tag palette', exact: true })
      .evaluate((l) => [...l.querySelectorAll('.row')].map((r) => r.textContent.replace(/\s+/g, ' ').trim()));
    assert.match(text[0], /^Hair · 1/);
    assert.match(text[1], /red hair/);
    assert.match(text[2], /^Clothes · 1/);
    assert.ok(text.some((t) => /^Other tags/.test(t)));
  });

  for (const theme of ['dark', 'light'])
    it(`groups tags by the vocabulary's categories when the user has not set one (character, copyright, artist apart; ${theme})`, async () => {
      p = await open(
        ['ohwx, hatsune miku, smile', 'ohwx, vocaloid, smile, wlop', 'ohwx, red hair'],
        {
          knownTags: ['hatsune miku', 'vocaloid', 'wlop', 'smile', 'red hair'],
          categories: [{ name: 'Hair', tags: ['red hair'] }],
        },
        {
          vocabCategories: {
            'hatsune miku': 'character',
            vocaloid: 'copyright',
            wlop: 'artist',
            smile: 'general',
            'red hair': 'general',
          },
        },
      );
      const q = await waitPosted(p, 'vocab/categories');
      assert.ok(q.tags.includes('hatsune miku') && q.tags.includes('wlop'));
      await p.getByRole('checkbox', { name: 'Group' }).focus();
      await p.keyboard.press('Space');
      await p
        .getByRole('listitem')
        .filter({ hasText: /^Character · 1$/ })
        .waitFor();
      const text = await p
        .getByRole('list', { name: 'Tag palette', exact: true })
        .evaluate((l) => [...l.querySelectorAll('.row')].map((r) => r.textContent.replace(/\s+/g, ' ').trim()));
      // The user's category first, then the vocabulary's groups, then the rest (general tags stay there).
      const at = (re) => text.findIndex((t) => re.test(t));
      assert.ok(at(/^Hair · 1/) === 0, text.join(' | '));
      assert.ok(at(/^Character · 1/) < at(/hatsune miku/));
      assert.ok(at(/^Copyright · 1/) < at(/vocaloid/));
      assert.ok(at(/^Artist · 1/) < at(/wlop/));
      assert.ok(at(/^Character/) < at(/^Copyright/) && at(/^Copyright/) < at(/^Artist/));
      assert.ok(at(/^Other tags · 1/) < at(/smile/), 'general tags are not a group of their own');
      assert.equal(at(/^General/), -1);
      await p.screenshot({
        path: join(repoRoot, '.test-artifacts', 'screenshots', `palette-vocab-groups-${theme}.png`),
      });
    });

  it('handles 20,000 tags: only the visible rows are in the DOM and the filter still finds the matches (timings printed; npm run bench measures them)', async () => {
    const many = Array.from(
      { length: 20000 },
      (_, i) => `tag number ${i} ${['alpha', 'beta', 'gamma', 'delta'][i % 4]}`,
    );
    p = await open(captions, { knownTags: [...known, ...many] });
    const rows = await p
      .getByRole('list', { name: 'Tag palette', exact: true })
      .evaluate((l) => l.querySelectorAll('.row').length);
    assert.ok(rows < 120, `${rows} rows rendered`);
    const ms = await p.evaluate(async () => {
      const app = document.querySelector('lora-tagger-app');
      const pal = app.shadowRoot.querySelector('tag-palette');
      const field = pal.shadowRoot.querySelector('vscode-textfield');
      const times = [];
      for (const q of ['g', 'ga', 'gam', 'gamm', 'gamma', 'gamma 1', 'gmm']) {
        const t0 = performance.now();
        field.value = q;
        field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        await pal.updateComplete;
        times.push(performance.now() - t0);
      }
      return times;
    });
    console.log(`      filter keystroke over 20,000 tags: ${ms.map((x) => x.toFixed(1)).join(', ')} ms`);
    // "gmm" is in no tag as a substring and in order only in the 5,000 "… gamma" tags (all unused, so by name).
    const list = p.getByRole('list', { name: 'Tag palette', exact: true });
    // Only the rows in view exist; each says it is one of 5,000 (aria-setsize: a role=list takes no aria-rowcount).
    assert.equal(await list.getByRole('listitem').first().getAttribute('aria-setsize'), '5000');
    const shown = (await entries(p)).map((e) => e.tag);
    assert.ok(shown.length > 0, 'the first matches are rendered');
    assert.deepEqual(
      shown,
      many
        .filter((t) => t.endsWith(' gamma'))
        .sort()
        .slice(0, shown.length),
    );
    assert.ok((await posted(p, 'caption/update')).length === 0);
  });
});
