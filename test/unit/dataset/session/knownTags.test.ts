// The known tags kept between caption changes (knownTags.ts) are always the list worked out afresh from tags.txt
// and every caption: checked after each of 3,000 random changes (tags added, removed, renamed, typed only in
// captions, tags.txt growing), in both caption styles.
import { strict as assert } from 'node:assert';
import type { CaptionStyle } from '../../../../src/shared/model';
import { KnownTags, type KnownTagsSource } from '../../../../src/extension/dataset/session/knownTags';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function run(style: CaptionStyle, seed: number): void {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const words = ['red hair', 'smile', 'beach', 'dusk', 'hat', 'ohwx', 'blue eyes', 'tree', 'a', 'b'];
  const fileTags = ['ohwx', 'smile'];
  const captions = Array.from({ length: 12 }, () => `ohwx, ${pick(words)}`);
  const source: KnownTagsSource = {
    fileTags: () => ({ list: fileTags, set: new Set(fileTags) }),
    captions: () => captions,
    style: () => style,
  };
  const kept = new KnownTags(source);
  for (let step = 0; step < 1500; step++) {
    if (next() < 0.05) {
      fileTags.push(pick(words));
      kept.invalidate();
    } else {
      const i = Math.floor(next() * captions.length);
      const before = captions[i]!;
      const n = Math.floor(next() * 4);
      const after =
        style === 'natural' && next() < 0.3
          ? `A photo at ${pick(words)}., ${pick(words)}`
          : ['ohwx', ...Array.from({ length: n }, () => pick(words))].join(', ');
      kept.captionChanged(before, after);
      captions[i] = after;
    }
    if (next() < 0.5) assert.deepEqual(kept.get(), new KnownTags(source).get(), `${style}, seed ${seed}, step ${step}`);
  }
}

describe('known tags kept between caption changes (knownTags.ts)', () => {
  it('equal the list worked out afresh after every change, tags style', () => run('tags', 7));
  it('equal the list worked out afresh after every change, natural style', () => run('natural', 11));
});
