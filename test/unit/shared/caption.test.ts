import { strict as assert } from 'node:assert';
import {
  addTags,
  captionTags,
  hasTag,
  moveTag,
  parseTags,
  removeTag,
  renameTag,
  toFileText,
  toggleTag,
  triggerState,
  looksNatural,
  countTags,
} from '../../../src/shared/caption';

describe('caption', () => {
  it('parses comma-separated tags, trimmed, empties dropped', () => {
    assert.deepEqual(parseTags(' a,  b ,,c d , '), ['a', 'b', 'c d']);
  });
  it('tag style rewrites as trigger, tags', () => {
    assert.equal(addTags('red hair, smile', ['blue eyes'], 'tags', 'ohwx'), 'ohwx, red hair, smile, blue eyes');
    assert.equal(removeTag('ohwx, red hair, smile', 'smile', 'tags', 'ohwx'), 'ohwx, red hair');
  });
  it('natural style appends without touching the prose', () => {
    const prose = 'ohwx woman standing in a field.  She smiles, softly.';
    assert.equal(addTags(prose, ['film grain'], 'natural', 'ohwx'), prose + ', film grain');
    assert.equal(removeTag(prose + ', film grain', 'film grain', 'natural', 'ohwx'), prose);
    assert.equal(toggleTag(prose, 'nothing here', 'natural', ''), prose + ', nothing here');
  });
  it('line breaks become spaces and nothing else changes', () => {
    assert.equal(toFileText('a,  b.\nc\r\nd '), 'a,  b. c d ');
  });
  it('reorders with the trigger kept first', () => {
    assert.equal(moveTag('ohwx, a, b, c', 3, 1, 'tags', 'ohwx'), 'ohwx, c, a, b');
    assert.equal(moveTag('a, b, c', 0, 2, 'tags', ''), 'b, c, a');
  });
  it('checks the trigger rule', () => {
    assert.equal(triggerState('ohwx, a', 'ohwx'), 'ok');
    assert.equal(triggerState('a, ohwx', 'ohwx'), 'not-first');
    assert.equal(triggerState('a, b', 'ohwx'), 'missing');
    assert.equal(triggerState('ohwx, a, ohwx', 'ohwx'), 'repeated');
    assert.equal(triggerState('ohwx woman in a field', 'ohwx'), 'ok');
    assert.equal(triggerState('a', ''), 'none-set');
  });
  it("uses CivitAI's natural-language rule", () => {
    assert.equal(looksNatural('a, b'), false);
    assert.equal(
      looksNatural('A woman with red hair stands in a sunlit wheat field, looking over her shoulder at the camera.'),
      true,
    );
    assert.equal(
      looksNatural('a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, aa, bb, cc'),
      false,
    );
  });
  it('counts each tag once per caption', () => {
    assert.deepEqual(
      [...countTags(['a, b, a', 'b'], 'tags')],
      [
        ['a', 1],
        ['b', 2],
      ],
    );
  });
});

/** A 2,000-character Flux caption: sentences with commas inside, as a captioning model writes them. */
const PROSE =
  Array.from(
    { length: 11 },
    (_, i) =>
      `ohwx woman ${i} sits by the window with a calm, steady gaze, soft light coming from low on the left, her hair ` +
      'partly covering her right eye, while the street below, wet from the rain, glows.',
  ).join(' ') + ' The end.';

describe('captionTags: which parts of a caption are tags', () => {
  it('takes every part in the tag style', () => {
    assert.deepEqual(captionTags('ohwx, a b c d e f g, x.', 'tags'), ['ohwx', 'a b c d e f g', 'x.']);
  });
  it('never cuts natural prose into tags: commas inside sentences make no tag', () => {
    assert.ok(PROSE.length >= 2000, `${PROSE.length}`);
    assert.deepEqual(captionTags(PROSE, 'natural'), []);
    // The opening of a sentence is prose, even when it is short and starts with the trigger word.
    assert.deepEqual(captionTags('ohwx A woman, laughing. Taken at dusk.', 'natural'), []);
    assert.deepEqual(captionTags('ohwx A woman, laughing. Taken at dusk., film grain', 'natural'), ['film grain']);
    // An unfinished last sentence (the user is still typing it) is prose too.
    assert.deepEqual(captionTags('A woman at dusk. She smiles, looking', 'natural'), []);
    assert.deepEqual(captionTags('ohwx woman standing in a wide field at dusk, film grain', 'natural'), []);
  });
  it('reads a natural caption as prose, then a tag tail after its last sentence end and a comma', () => {
    assert.deepEqual(captionTags(`${PROSE}, film grain,  soft light`, 'natural'), ['film grain', 'soft light']);
    assert.deepEqual(captionTags('She laughs!, candid, 35mm', 'natural'), ['candid', '35mm']);
    assert.deepEqual(captionTags('He said "go.", grainy', 'natural'), ['grainy']);
    // A tail part that does not read as a tag makes the tail prose: the caption goes on as a sentence.
    assert.deepEqual(
      captionTags('A woman at dusk., film grain, and the light falls across the wet street', 'natural'),
      [],
    );
    assert.deepEqual(captionTags('A woman at dusk., film grain, end.', 'natural'), []);
  });
  it('reads a natural caption with no sentence, every part tag-like, as all tags', () => {
    assert.deepEqual(captionTags('ohwx, red hair,  smile', 'natural'), ['ohwx', 'red hair', 'smile']);
    assert.deepEqual(captionTags('', 'natural'), []);
  });
  it('counts, finds, toggles, renames and removes only tail tags, so the same words in the prose stay', () => {
    const text = 'A woman, smiling, stands in a field of wheat at dusk., smiling, film grain';
    assert.deepEqual(captionTags(text, 'natural'), ['smiling', 'film grain']);
    assert.equal(hasTag('A woman, smiling, stands in a field of wheat at dusk.', 'smiling', 'natural'), false);
    assert.equal(
      removeTag(text, 'smiling', 'natural', ''),
      'A woman, smiling, stands in a field of wheat at dusk., film grain',
    );
    assert.equal(
      renameTag(text, 'smiling', 'grin', 'natural'),
      'A woman, smiling, stands in a field of wheat at dusk., grin, film grain',
    );
    assert.equal(
      renameTag(text, 'smiling', 'film grain', 'natural'),
      'A woman, smiling, stands in a field of wheat at dusk., film grain',
    );
    assert.deepEqual(
      [...countTags([text, PROSE], 'natural')],
      [
        ['smiling', 1],
        ['film grain', 1],
      ],
    );
    const prose = 'A woman, smiling, stands in a field of wheat at dusk.';
    assert.equal(toggleTag(prose, 'smiling', 'natural', ''), `${prose}, smiling`);
  });
  it('adds to the tail, ending the prose with a full stop first when it has none', () => {
    assert.equal(addTags(PROSE, ['film grain'], 'natural', 'ohwx'), `${PROSE}, film grain`);
    assert.equal(
      addTags('A woman standing in a wide field at dusk', ['film grain'], 'natural', 'ohwx'),
      'A woman standing in a wide field at dusk., film grain',
    );
    assert.equal(
      addTags('A woman standing in a wide field at dusk, ', ['film grain'], 'natural', 'ohwx'),
      'A woman standing in a wide field at dusk., film grain',
    );
    assert.equal(
      addTags('A woman at dusk., grainy', ['candid', 'grainy'], 'natural', ''),
      'A woman at dusk., grainy, candid',
    );
    assert.equal(addTags('', ['candid'], 'natural', 'ohwx'), 'ohwx, candid');
    assert.equal(addTags('ohwx, red hair', ['candid'], 'natural', 'ohwx'), 'ohwx, red hair, candid');
    for (const t of ['A woman standing in a wide field at dusk', PROSE, 'ohwx A woman, laughing. Taken at dusk.']) {
      assert.deepEqual(captionTags(addTags(t, ['film grain'], 'natural', 'ohwx'), 'natural'), ['film grain'], t);
    }
  });
  it('reorders only the tail of natural prose, the prose kept byte for byte', () => {
    assert.equal(moveTag('She  laughs.,  a,b, c', 2, 0, 'natural', 'ohwx'), 'She  laughs., c, a, b');
    assert.equal(moveTag('ohwx, a, b', 2, 0, 'natural', 'ohwx'), 'ohwx, b, a');
    assert.equal(moveTag(PROSE, 0, 1, 'natural', 'ohwx'), PROSE);
  });
});
