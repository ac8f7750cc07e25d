/**
 * Filter-language bench: parse and run queries over 10,000 captions, as a keystroke in the panel's filter does (the
 * median of 15, the captions unchanged between them, as while typing), and the first query after every caption
 * changed (nothing derived from them kept yet).
 */
import { parseFilter } from '../src/shared/filterQuery';
import { runFilter, type FilterSubject } from '../src/shared/filterEval';
import { captionTags } from '../src/shared/caption';
import { median, printRows, time } from './harness';

const N = 10_000;
const WORDS = ['red', 'blue', 'long', 'short', 'hair', 'eyes', 'smile', 'beach', 'sky', 'dress', 'standing', 'sitting'];
const word = (i: number) => WORDS[i % WORDS.length]!;
// Half tag lists (10-30 tags), half Flux prose (300-1,500 characters) with a tag tail: what a real dataset holds.
const images: FilterSubject[] = Array.from({ length: N }, (_, i) => {
  const tags = Array.from({ length: 10 + (i % 21) }, (_, k) => `${word(i + k)} ${word(i * 7 + k * 3)}`);
  const prose = Array.from(
    { length: 6 + (i % 25) },
    (_, k) => `A ${word(i + k)} woman with ${word(k)} ${word(i + 2 * k)} stands near the ${word(i * 3 + k)}.`,
  ).join(' ');
  return {
    file: `ds_${String(i + 1).padStart(5, '0')}.png`,
    caption: i % 2 ? `ohwx, ${tags.join(', ')}` : `ohwx ${prose}, film grain, ${tags[0]}`,
    status: i % 13 === 0 ? 'untagged' : i % 29 === 0 ? 'skipped' : 'tagged',
    favourite: i % 7 === 0,
    nsfw: i % 11 === 0,
    machine: i % 3 === 0,
  };
});
const ctx = {
  tagsOf: images.map((im) => captionTags(im.caption, 'natural')),
  duplicates: new Set(images.filter((_, i) => i % 50 === 0).map((im) => im.file)),
};

const QUERIES: Array<[string, string]> = [
  ['tag:"red hair" -tag:smiling', 'Query over 10,000 captions: tag:"red hair" -tag:smiling'],
  ['tag:*hair (favourite OR machine) NOT nsfw', '… tag:*hair (favourite OR machine) NOT nsfw'],
  ['caption:~"stands near the (beach|sky)" name:ds_0*', '… caption:~regex name:glob'],
  ['tokens:>77 OR t5:>512', '… tokens:>77 OR t5:>512 (token estimate of every caption)'],
  ['beach', '… a bare word (what the text filter did)'],
];

async function main(): Promise<void> {
  // Baseline: the filter as it was, a lower-cased substring test of every caption (DatasetModel's 'text' kind).
  const baseline = await median(15, () => images.filter((im) => im.caption.toLowerCase().includes('beach')).length);
  const rows: Parameters<typeof printRows>[1] = [
    { name: 'Baseline: the old caption-contains filter, 10,000 captions', ms: baseline },
  ];
  for (const [q, name] of QUERIES) {
    let found = 0;
    const run = (c: typeof ctx) => {
      const p = parseFilter(q);
      if (!p.ok || !p.node) throw new Error(`bench query ${q} did not parse`);
      found = runFilter(p.node, images, c).length;
    };
    // The first query after the captions came (or changed): new tag lists, so nothing derived from them is kept.
    // (Token estimates are also remembered by caption text, in tokenCount.ts, so those stay warm here.)
    const fresh = { ...ctx, tagsOf: ctx.tagsOf.map((t) => [...t]) };
    const firstMs = await time(() => run(fresh));
    const ms = await median(15, () => run(fresh));
    rows.push({ name: `${name} (${found} match)`, ms, target: 16 });
    rows.push({ name: '   as a ratio to the baseline', ms, baselineMs: baseline, baselineName: 'old text filter' });
    rows.push({ name: '   the first such query after the captions changed', ms: firstMs });
  }
  printRows('Filter language', rows);
}

void main();
