import { strict as assert } from 'node:assert';
import { addTags, captionTags, moveTag, parseTags, removeTag, toFileText, toggleTag, triggerState, looksNatural, countTags } from '../../../src/shared/caption';

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
    assert.equal(moveTag('ohwx, a, b, c', 3, 1, 'ohwx'), 'ohwx, c, a, b');
    assert.equal(moveTag('a, b, c', 0, 2, ''), 'b, c, a');
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
    assert.equal(looksNatural('A woman with red hair stands in a sunlit wheat field, looking over her shoulder at the camera.'), true);
    assert.equal(looksNatural('a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, aa, bb, cc'), false);
  });
  it('counts each tag once per caption', () => {
    assert.deepEqual([...countTags(['a, b, a', 'b'])], [['a', 1], ['b', 2]]);
  });
});

describe('captionTags', () => {
  it('takes every part in tag style but only tag-like parts of prose', () => {
    assert.deepEqual(captionTags('ohwx, a b c d e f g, x.', 'tags'), ['ohwx', 'a b c d e f g', 'x.']);
    assert.deepEqual(captionTags('ohwx A woman, laughing. Taken at dusk., film grain', 'natural'), ['ohwx A woman', 'film grain']);
  });
});
