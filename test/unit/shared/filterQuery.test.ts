import { strict as assert } from 'node:assert';
import { parseFilter, type FilterNode } from '../../../src/shared/filterQuery';
import { runFilter, type FilterSubject } from '../../../src/shared/filterEval';
import { unsafeRegex } from '../../../src/shared/regexSafety';
import { captionTags } from '../../../src/shared/caption';
import { estimateClipTokens, estimateT5Tokens } from '../../../src/shared/report';
import { tokenCounts } from '../../../src/shared/tokenCount';

const im = (file: string, caption: string, more: Partial<FilterSubject> = {}): FilterSubject => ({
  file,
  caption,
  status: caption.replace(/^ohwx,?\s*/, '') ? 'tagged' : 'untagged',
  favourite: false,
  nsfw: false,
  machine: false,
  ...more,
});

const long = `ohwx, ${Array.from({ length: 40 }, (_, i) => `word${'abcdefghij'[i % 10]} x`).join(', ')}`;
const images: FilterSubject[] = [
  im('a_0001.png', 'ohwx, red hair, smiling, beach'),
  im('a_0002.png', 'ohwx, red hair, sitting', { favourite: true }),
  im('a_0003.jpg', 'ohwx, blue hair, smiling', { nsfw: true, machine: true }),
  im('a_0004.png', 'ohwx', {}),
  im('b_0005.webp', long, { status: 'skipped' }),
  im('b_0006.png', 'ohwx, Red Hair, dusk (sunset)', { favourite: true }),
];
const ctx = {
  tagsOf: images.map((x) => captionTags(x.caption, 'tags')),
  duplicates: new Set(['a_0002.png', 'b_0006.png']),
};

/** The 1-based image numbers a query lets through. */
function run(q: string): number[] {
  const p = parseFilter(q);
  if (!p.ok) throw new Error(`${q}: ${p.error.message} at ${p.error.pos}`);
  if (!p.node) return images.map((_, i) => i + 1);
  return runFilter(p.node, images, ctx).map((i) => i + 1);
}

function err(q: string): { message: string; pos: number } {
  const p = parseFilter(q);
  assert.equal(p.ok, false, `${q} should be refused`);
  return (p as { error: { message: string; pos: number } }).error;
}

describe('filter query language', () => {
  it('an empty query lets everything through; a bare word is a caption substring, case-insensitive', () => {
    assert.deepEqual(parseFilter('   '), { ok: true, node: undefined });
    assert.deepEqual(run(''), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(run('HAIR'), [1, 2, 3, 6]);
    assert.deepEqual(run('"red hair, s"'), [1, 2]);
  });

  it('tag: matches whole tags (quoted for spaces), case-insensitive, with * and ? wildcards', () => {
    assert.deepEqual(run('tag:"red hair"'), [1, 2, 6]);
    assert.deepEqual(run('tag:red'), []);
    assert.deepEqual(run('tag:*hair'), [1, 2, 3, 6]);
    assert.deepEqual(run('tag:smil?ng'), [1, 3]);
    assert.deepEqual(run('tag:"dusk (sunset)"'), [6]);
  });

  it('negation with - and NOT; implicit AND; OR; parentheses', () => {
    assert.deepEqual(run('-tag:smiling'), [2, 4, 5, 6]);
    assert.deepEqual(run('NOT tag:smiling'), [2, 4, 5, 6]);
    assert.deepEqual(run('tag:"red hair" -tag:smiling'), [2, 6]);
    assert.deepEqual(run('tag:"red hair" AND -tag:smiling'), [2, 6]);
    assert.deepEqual(run('nsfw OR favourite'), [2, 3, 6]);
    assert.deepEqual(run('NOT (nsfw OR favourite)'), [1, 4, 5]);
    assert.deepEqual(run('-(tag:beach OR tag:sitting) tag:"red hair"'), [6]);
  });

  it('AND binds tighter than OR, and NOT tighter than both', () => {
    // a OR b c  ==  a OR (b AND c)
    assert.deepEqual(run('tag:beach OR tag:"red hair" favourite'), [1, 2, 6]);
    assert.deepEqual(run('(tag:beach OR tag:"red hair") favourite'), [2, 6]);
    // NOT a OR b == (NOT a) OR b
    assert.deepEqual(run('NOT tag:*hair OR nsfw'), [3, 4, 5]);
    const p = parseFilter('a OR b c');
    assert.ok(p.ok);
    const n = p.node as Extract<FilterNode, { items: FilterNode[] }>;
    assert.equal(n.op, 'or');
    assert.equal(n.items[1]!.op, 'and');
  });

  it('caption:text, caption:~regex (also quoted, with spaces and parentheses), name:glob', () => {
    assert.deepEqual(run('caption:sunset'), [6]);
    assert.deepEqual(run('caption:~^ohwx$'), [4]);
    assert.deepEqual(run('caption:~(blue|beach)'), [1, 3]);
    assert.deepEqual(run('caption:~"hair, s\\w+ling"'), [1, 3]);
    assert.deepEqual(run('(caption:~(sit|dusk))'), [2, 6]);
    assert.deepEqual(run('name:b_*'), [5, 6]);
    assert.deepEqual(run('name:a_000?.png'), [1, 2, 4]);
    assert.deepEqual(run('name:A_0003.JPG'), [3]);
  });

  it('chars:, tokens: (the report CLIP estimate) and t5: compare numbers', () => {
    assert.ok(estimateClipTokens(long) > 77);
    assert.deepEqual(run('tokens:>77'), [5]);
    assert.deepEqual(run('tokens:<=77'), [1, 2, 3, 4, 6]);
    assert.deepEqual(run('chars:>200'), [5]);
    assert.deepEqual(run('chars:4'), [4]);
    assert.deepEqual(run('chars:=4'), [4]);
    assert.deepEqual(run('t5:>512'), []);
    assert.deepEqual(run('t5:>=9 t5:<12'), [1, 2, 3]);
  });

  it('flags: untagged, tagged, favourite/favorite, nsfw, skipped, machine, duplicate; quoted they are text', () => {
    assert.deepEqual(run('untagged'), [4]);
    assert.deepEqual(run('tagged'), [1, 2, 3, 6]);
    assert.deepEqual(run('favorite'), [2, 6]);
    assert.deepEqual(run('skipped'), [5]);
    assert.deepEqual(run('machine'), [3]);
    assert.deepEqual(run('duplicate'), [2, 6]);
    assert.deepEqual(run('"nsfw"'), []);
    // Lower-case and/or/not are words, not operators.
    assert.deepEqual(run('not'), []);
  });

  it('errors say where (0-based position) and why', () => {
    assert.deepEqual(err('tag:"red hair'), { message: 'this quote is never closed; add a closing "', pos: 4 });
    assert.equal(err('(nsfw OR favourite').pos, 0);
    assert.match(err('(nsfw OR favourite').message, /never closed/);
    assert.equal(err('nsfw)').pos, 4);
    assert.match(err('nsfw)').message, /no \(/);
    assert.equal(err('nsfw OR').pos, 7);
    assert.match(err('nsfw OR').message, /OR needs a term after it/);
    assert.equal(err('OR nsfw').pos, 0);
    assert.match(err('tags:red').message, /unknown field "tags:"/);
    assert.equal(err('nsfw tags:red').pos, 5);
    assert.match(err('tokens:lots').message, /tokens: needs a number/);
    assert.equal(err('x tokens:lots').pos, 9);
    assert.match(err('tag:').message, /tag: needs a tag/);
    const bad = err('nsfw caption:~a(b');
    assert.match(bad.message, /invalid regular expression/);
    assert.equal(bad.pos, 14);
  });

  it('a catastrophic regex is refused before it runs, with where the repeat is', () => {
    const e = err('caption:~(a+)+$');
    assert.match(e.message, /exponential/);
    assert.equal(e.pos, 9);
    assert.match(err('caption:~"(\\w+\\s?)*x"').message, /exponential/);
    assert.match(err('caption:~(a)\\1').message, /back-references/);
    assert.equal(unsafeRegex('(a+)?b'), undefined);
    assert.equal(unsafeRegex('(?:ab)+c[(+]+'), undefined);
    assert.equal(unsafeRegex('(a|b){2}'), undefined);
    assert.notEqual(unsafeRegex('((a+)b)*'), undefined);
    assert.notEqual(unsafeRegex('(a*){3,}'), undefined);
  });

  it('a word with a colon that is not a field name (16:9) is text', () => {
    assert.deepEqual(run('16:9'), []);
    assert.ok(parseFilter('ratio 16:9').ok);
  });
});

describe('tokenCounts', () => {
  it('gives exactly the report estimates, also for digits, apostrophes, accents, CJK and emoji', () => {
    const texts = [
      '',
      'ohwx, red hair, smiling',
      "a woman's 2 cats, 1920s dress, it’s 10:30 — l'été à Paris; 東京の夜 🌃🌃, x²½",
      "'quoted' ''  \t\n tabs, 3.14159 and 1,000,000",
      long,
    ];
    for (const t of texts)
      assert.deepEqual(tokenCounts(t), { clip: estimateClipTokens(t), t5: estimateT5Tokens(t) }, JSON.stringify(t));
  });

  it('a caption changed between two queries is seen as it is now (what a query keeps is per caption revision)', () => {
    const subjects = [im('c_1.png', 'ohwx, red hair, beach'), im('c_2.png', 'ohwx, blue hair')];
    const tagsOf = subjects.map((x) => captionTags(x.caption, 'tags'));
    const c = { tagsOf, duplicates: new Set<string>() };
    const q = (text: string) => {
      const p = parseFilter(text);
      if (!p.ok || !p.node) throw new Error(text);
      return runFilter(p.node, subjects, c).map((i) => i + 1);
    };
    assert.deepEqual(q('tag:"red hair"'), [1]);
    assert.deepEqual(q('beach'), [1]);
    assert.deepEqual(q('tokens:>8'), [1]);
    // As the panel's model does: the caption changes and its tag list is a new array.
    subjects[0]!.caption = 'ohwx, blue hair';
    tagsOf[0] = captionTags(subjects[0]!.caption, 'tags');
    subjects[1]!.caption = 'ohwx, red hair, at the beach, smiling, with a long flowing scarf';
    tagsOf[1] = captionTags(subjects[1]!.caption, 'tags');
    assert.deepEqual(q('tag:"red hair"'), [2]);
    assert.deepEqual(q('beach'), [2]);
    assert.deepEqual(q('tokens:>8'), [2]);
    // A caption changed in place with the same tag list (a caller that keeps it) is not read from the old one.
    subjects[0]!.caption = 'ohwx, blue hair, BEACH at dusk, one, two, three';
    assert.deepEqual(q('beach'), [1, 2]);
    assert.deepEqual(q('tokens:>8'), [1, 2]);
  });
});
