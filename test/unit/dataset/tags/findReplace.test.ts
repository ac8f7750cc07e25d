import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import {
  applyFindReplace,
  planFindReplace,
  planFindReplaceForDataset,
  planFindReplaceForDatasetSliced,
  planFindReplaceSliced,
  type FindReplaceOptions,
} from '../../../../src/extension/dataset/tags/findReplace';
import { undoLastTagOperation } from '../../../../src/extension/dataset/tags/tagOperations';
import { read } from '../helpers';
import { stageFindReplaceDataset } from './findReplaceFixture';

const input = (style: 'tags' | 'natural', texts: string[]) => ({
  style,
  trigger: 'ohwx',
  captions: texts.map((text, i) => ({ file: `x_000${i + 1}.png`, text })),
});
const afters = (style: 'tags' | 'natural', texts: string[], o: FindReplaceOptions) =>
  planFindReplace(input(style, texts), o).changes.map((c) => [c.file, c.after]);

describe('find and replace across captions', () => {
  it('plain text: every occurrence, any case, with the changed parts marked before and after', () => {
    const plan = planFindReplace(input('natural', ['ohwx A Red car. Red sky.', 'ohwx a blue car.']), {
      find: 'red',
      replace: 'crimson',
      target: 'text',
    });
    assert.equal(plan.replacements, 2);
    assert.equal(plan.label, 'Replace "red" with "crimson" in caption text');
    const [c] = plan.changes;
    assert.equal(c!.after, 'ohwx A crimson car. crimson sky.');
    assert.deepEqual(
      c!.beforeMarks.map(([a, b]) => c!.before.slice(a, b)),
      ['Red', 'Red'],
    );
    assert.deepEqual(
      c!.afterMarks.map(([a, b]) => c!.after.slice(a, b)),
      ['crimson', 'crimson'],
    );
    // Case-sensitive: only the exact spelling; special characters are literal.
    assert.deepEqual(
      afters('tags', ['ohwx, Red, red'], { find: 'red', replace: 'x', target: 'text', caseSensitive: true }),
      [['x_0001.png', 'ohwx, Red, x']],
    );
    assert.deepEqual(afters('tags', ['ohwx, a.b, axb'], { find: 'a.b', replace: '$1', target: 'text' }), [
      ['x_0001.png', 'ohwx, $1, axb'],
    ]);
  });

  it('regex over text with $1 and $<name>; an empty match moves on', () => {
    assert.deepEqual(
      afters('natural', ['ohwx photo of a (woman) at dusk'], {
        find: '\\((\\w+)\\)',
        replace: '$1',
        regex: true,
        target: 'text',
      }),
      [['x_0001.png', 'ohwx photo of a woman at dusk']],
    );
    assert.deepEqual(
      afters('tags', ['ohwx, 1girl'], { find: '(?<n>\\d)girl', replace: '$<n> girl', regex: true, target: 'text' }),
      [['x_0001.png', 'ohwx, 1 girl']],
    );
    assert.deepEqual(afters('tags', ['ohwx, ab'], { find: 'x*', replace: '-', regex: true, target: 'text' }).length, 1);
  });

  it('whole tags only: a tag equal to the text (or fully matching the regex), never a part of a tag or of the prose', () => {
    const texts = ['ohwx, red hair, red dress', 'ohwx, hair'];
    assert.deepEqual(afters('tags', texts, { find: 'red hair', replace: 'auburn hair', target: 'tags' }), [
      ['x_0001.png', 'ohwx, auburn hair, red dress'],
    ]);
    assert.deepEqual(afters('tags', texts, { find: 'hair', replace: 'long hair', target: 'tags' }), [
      ['x_0002.png', 'ohwx, long hair'],
    ]);
    assert.deepEqual(
      afters('tags', texts, { find: 'red (\\w+)', replace: 'crimson $1', regex: true, target: 'tags' }),
      [['x_0001.png', 'ohwx, crimson hair, crimson dress']],
    );
    // An empty replacement removes the tag; a replacement that is already there merges.
    assert.deepEqual(afters('tags', texts, { find: 'red dress', replace: '', target: 'tags' }), [
      ['x_0001.png', 'ohwx, red hair'],
    ]);
    assert.deepEqual(afters('tags', texts, { find: 'red dress', replace: 'red hair', target: 'tags' }), [
      ['x_0001.png', 'ohwx, red hair'],
    ]);
    // Natural style: only the tag tail; the same words in the prose stay, byte for byte.
    const prose = 'ohwx woman with red hair in a field.  She smiles., red hair, film grain';
    assert.deepEqual(afters('natural', [prose], { find: 'red hair', replace: 'auburn hair', target: 'tags' }), [
      ['x_0001.png', 'ohwx woman with red hair in a field.  She smiles., auburn hair, film grain'],
    ]);
    assert.throws(
      () => planFindReplace(input('tags', texts), { find: 'red hair', replace: 'red, hair', target: 'tags' }),
      /holds a comma and would be two tags/,
    );
  });

  it('protects the trigger word unless asked, in tags and in text', () => {
    const texts = ['ohwx, ohwx style, a photo of ohwx', 'OHWX, man'];
    assert.deepEqual(afters('tags', texts, { find: 'ohwx', replace: 'sks', target: 'tags' }), []);
    assert.deepEqual(afters('tags', texts, { find: 'ohwx', replace: 'sks', target: 'text' }), []);
    // A match that only touches the trigger word's letters inside another word is not the trigger word.
    assert.deepEqual(afters('tags', ['ohwx, ohwxy'], { find: 'ohwx', replace: 'sks', target: 'text' }), [
      ['x_0001.png', 'ohwx, sksy'],
    ]);
    assert.deepEqual(afters('tags', texts, { find: 'o', replace: '0', target: 'text' }), [
      ['x_0001.png', 'ohwx, ohwx style, a ph0t0 0f ohwx'],
    ]);
    assert.deepEqual(
      afters('tags', texts, { find: 'ohwx', replace: 'sks', target: 'tags', includeTrigger: true }).map((c) => c[1]),
      ['sks, ohwx style, a photo of ohwx', 'sks, man'],
    );
    assert.deepEqual(
      afters('tags', texts, { find: 'ohwx', replace: 'sks', target: 'text', includeTrigger: true }).map((c) => c[1]),
      ['sks, sks style, a photo of sks', 'sks, man'],
    );
  });

  it('scope: only the files given', () => {
    const texts = ['ohwx, a', 'ohwx, a', 'ohwx, a'];
    assert.deepEqual(
      afters('tags', texts, { find: 'a', replace: 'b', target: 'tags', files: ['x_0003.png', 'x_0001.png'] }).map(
        (c) => c[0],
      ),
      ['x_0001.png', 'x_0003.png'],
    );
  });

  it('refuses an invalid or catastrophic pattern with the reason, and stops one that runs too long', () => {
    const texts = ['ohwx, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'];
    assert.throws(
      () => planFindReplace(input('tags', texts), { find: 'a(b', replace: '', regex: true, target: 'text' }),
      /the pattern a\(b cannot be used: invalid regular expression/,
    );
    assert.throws(
      () => planFindReplace(input('tags', texts), { find: '(a+)+$', replace: '', regex: true, target: 'text' }),
      /exponential time.*at character 1/,
    );
    assert.throws(
      () => planFindReplace(input('tags', texts), { find: '', replace: 'x', target: 'text' }),
      /nothing to find/,
    );
    // Past the static check (an alternation that overlaps), the time bound stops it.
    const slow = '(a|a)*$';
    assert.throws(
      () =>
        planFindReplace(input('tags', texts), { find: slow, replace: '', regex: true, target: 'text', timeoutMs: 200 }),
      /ran for more than 0.2 s over the captions and was stopped/,
    );
  });

  it('refuses to rewrite a caption that cannot be rewritten, naming it', () => {
    const inp = input('tags', ['ohwx, a', 'ohwx, a']);
    inp.captions[1] = { ...inp.captions[1]!, problem: 'It is not UTF-8.' } as never;
    assert.throws(
      () => planFindReplace(inp, { find: 'a', replace: 'b', target: 'tags' }),
      /would rewrite x_0002.png, which cannot be rewritten: It is not UTF-8\. Nothing was changed\./,
    );
  });

  it('writes the captions as one undo step, and undo never takes back a caption edited since', async () => {
    const staged = await stageFindReplaceDataset('fr');
    const { out } = staged;
    let { dataset } = staged;
    const plan = planFindReplaceForDataset(dataset, { find: 'red hair', replace: 'auburn hair', target: 'tags' });
    assert.equal(plan.changes.length, 2);
    await applyFindReplace(dataset, plan);
    await dataset.close();
    assert.equal(read(join(out, 'f_0001.txt')), 'ohwx, auburn hair');
    assert.equal(read(join(out, 'f_0002.txt')), 'ohwx, auburn hair, smile');
    assert.match(read(join(out, 'tags.txt')), /auburn hair/);
    // A person edits one of them afterwards.
    ({ dataset } = await Dataset.open(out));
    await dataset.setCaption('f_0002.png', 'ohwx, auburn hair, smile, hat');
    await dataset.flush();
    const undone = await undoLastTagOperation(dataset);
    await dataset.close();
    assert.equal(undone.label, 'Replace "red hair" with "auburn hair" in tags');
    assert.deepEqual(undone.restored, ['f_0001.png']);
    assert.deepEqual(undone.skipped, ['f_0002.png']);
    assert.equal(read(join(out, 'f_0001.txt')), 'ohwx, red hair');
    assert.equal(read(join(out, 'f_0002.txt')), 'ohwx, auburn hair, smile, hat');
  });
});

describe("find and replace planned in slices (the panel's preview, off the host's critical path)", () => {
  const many = input(
    'tags',
    Array.from({ length: 1000 }, (_, i) => `ohwx, ${i % 3 ? 'red hair' : 'blue eyes'}, tag ${i}`),
  );
  const o: FindReplaceOptions = { find: '(red|blue) (hair|eyes)', replace: '$2 $1', regex: true, target: 'text' };

  it('makes the same plan as in one piece, and the event loop runs between its slices', async () => {
    let turns = 0;
    let planning = true;
    const tick = () => {
      if (!planning) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const sliced = await planFindReplaceSliced(many, o, 0);
    planning = false;
    assert.deepEqual(sliced, planFindReplace(many, o));
    assert.equal(sliced.changes.length, 1000);
    // One caption a slice here: the loop had a turn between each.
    assert.ok(turns >= 300, `${turns} turns of the event loop while it planned`);
  });

  it('stops a pattern that runs too long, its time counted over all its slices', async () => {
    // Each caption alone backtracks 2^16 ways: a few milliseconds on a quiet machine, tens on a busy one, always far
    // under the limit; all 400 of them far over it, however fast the machine (13 a's was too quick on a quiet CI).
    const slow = input(
      'tags',
      Array.from({ length: 400 }, () => `ohwx, ${'a'.repeat(16)}b`),
    );
    await assert.rejects(
      planFindReplaceSliced(slow, { find: '(a|a)*$', replace: '', regex: true, target: 'text', timeoutMs: 150 }, 0),
      /ran for more than 0\.15 s over the captions and was stopped/,
    );
  });

  it('over a dataset: a caption changed while it plans makes it plan again, with the revision after the change', async () => {
    const { dataset } = await stageFindReplaceDataset('frs');
    const before = dataset.captionRev('f_0001.png');
    // One caption a slice: the change lands between the plan's slices (an editor's text, a new revision).
    const planned = planFindReplaceForDatasetSliced(dataset, { find: 'red hair', replace: 'x', target: 'tags' }, 0);
    setImmediate(() => dataset.forwardEditorText('f_0001.png', 'ohwx, red hair'));
    const plan = await planned;
    await dataset.close();
    assert.equal(plan.changes.length, 2, 'the two captions with "red hair"');
    assert.notEqual(dataset.captionRev('f_0001.png'), before);
    assert.deepEqual(plan.revs[0], { file: 'f_0001.png', rev: dataset.captionRev('f_0001.png') });
  });
});
