/** The per-target check rules (targets.ts): each rule fires on the caption its trainer misreads, and only there. */
import { strict as assert } from 'node:assert';
import {
  checkTarget,
  civitaiEstimatedType,
  TARGET_RULES,
  writtenCaption,
  type ExportTarget,
  type TargetCheckInput,
  type TargetRule,
} from '../../../../src/extension/dataset/export/targets';

const base = { triggerWord: 'ohwx', captionStyle: 'tags' } as const;

function rules(target: ExportTarget, caption: string, extra: Partial<TargetCheckInput> = {}): TargetRule[] {
  return checkTarget(target, { ...base, ...extra, images: [{ file: 'a.png', caption }] }).map((f) => f.rule);
}

function fires(
  rule: TargetRule,
  target: ExportTarget,
  bad: string,
  good: string,
  extra: Partial<TargetCheckInput> = {},
) {
  assert.ok(rules(target, bad, extra).includes(rule), `${rule} on ${JSON.stringify(bad)}`);
  assert.ok(!rules(target, good, extra).includes(rule), `${rule} not on ${JSON.stringify(good)}`);
}

describe('per-target check rules', () => {
  it('kohya-empty-caption: an empty caption, naming the class tokens kohya trains it on', () => {
    fires('kohya-empty-caption', 'kohya', '', 'ohwx, red hair');
    const [f] = checkTarget('kohya', { ...base, className: 'woman', images: [{ file: 'a.png', caption: '' }] });
    assert.match(f!.message, /"ohwx woman"/);
  });

  it('kohya-multi-line: kohya reads only the first line', () => {
    fires('kohya-multi-line', 'kohya', 'ohwx, red hair\nsmiling', 'ohwx, red hair, smiling');
  });

  it('kohya-trigger-not-first: keep_tokens keeps the first tag when shuffling', () => {
    fires('kohya-trigger-not-first', 'kohya', 'red hair, ohwx', 'ohwx, red hair');
  });

  it('kohya-bom: strip() keeps a byte-order mark', () => {
    fires('kohya-bom', 'kohya', '\uFEFFohwx, red hair', 'ohwx, red hair');
  });

  it('ai-toolkit-comma-spacing: a comma without one space after it is read as ", "', () => {
    fires('ai-toolkit-comma-spacing', 'ai-toolkit', 'ohwx,red hair', 'ohwx, red hair');
    fires('ai-toolkit-comma-spacing', 'ai-toolkit', 'ohwx, red hair,', 'ohwx, red hair');
  });

  it('ai-toolkit-trigger-added: the case-sensitive search misses the trigger, but not [trigger] mode', () => {
    fires('ai-toolkit-trigger-added', 'ai-toolkit', 'OHWX, red hair', 'ohwx, red hair');
    fires('ai-toolkit-trigger-added', 'ai-toolkit', 'red hair', 'red hair ohwx');
    assert.ok(!rules('ai-toolkit', 'red hair', { triggerPlaceholder: true }).includes('ai-toolkit-trigger-added'));
  });

  it('ai-toolkit-multi-line and ai-toolkit-bom: f.read() keeps both in the prompt', () => {
    fires('ai-toolkit-multi-line', 'ai-toolkit', 'ohwx, a\nb', 'ohwx, a, b');
    fires('ai-toolkit-bom', 'ai-toolkit', '\uFEFFohwx, a', 'ohwx, a');
  });

  it('simpletuner-multi-line, -bom and -empty-caption', () => {
    fires('simpletuner-multi-line', 'simpletuner', 'ohwx, a\r\nb', 'ohwx, a, b');
    fires('simpletuner-bom', 'simpletuner', 'ohwx, a\r\n', 'ohwx, a');
    fires('simpletuner-bom', 'simpletuner', '\uFEFFohwx, a', 'ohwx, a');
    fires('simpletuner-empty-caption', 'simpletuner', '', 'ohwx');
  });

  it("civitai-trigger-prepended: CivitAI's ^trigger( |$) and ^trigger(,|$), case-sensitive", () => {
    fires('civitai-trigger-prepended', 'civitai', 'OHWX, red hair', 'ohwx, red hair');
    fires('civitai-trigger-prepended', 'civitai', 'ohwxy, red hair', 'ohwx');
    const natural = { captionStyle: 'natural' } as const;
    fires('civitai-trigger-prepended', 'civitai', 'a woman, ohwx', 'ohwx a woman', natural);
    // "ohwx, a woman" is written "ohwx a woman", which CivitAI sees as trigger first.
    assert.ok(!rules('civitai', 'ohwx, a woman', natural).includes('civitai-trigger-prepended'));
    assert.equal(writtenCaption('civitai', 'ohwx, a woman', { ...base, ...natural }), 'ohwx a woman');
  });

  it('civitai-trigger-regex: a trigger CivitAI cannot build a regular expression from is an error', () => {
    const f = checkTarget('civitai', {
      ...base,
      triggerWord: 'ohwx(',
      images: [{ file: 'a.png', caption: 'ohwx(, a' }],
    });
    assert.deepEqual(
      f.filter((x) => x.rule === 'civitai-trigger-regex').map((x) => x.severity),
      ['error'],
    );
    const g = checkTarget('civitai', { ...base, triggerWord: 'c++', images: [{ file: 'a.png', caption: 'c++, a' }] });
    assert.ok(g.some((x) => x.rule === 'civitai-trigger-regex'));
    assert.ok(!rules('civitai', 'ohwx, a').includes('civitai-trigger-regex'));
  });

  it("civitai-style-guess: CivitAI's guess from the first non-empty label, untrimmed, commas + 1", () => {
    const prose = 'ohwx woman standing in a field of sunflowers at dusk, wearing a long red coat and a knitted scarf';
    assert.equal(civitaiEstimatedType(['', prose]), 'caption');
    assert.equal(civitaiEstimatedType(['ohwx, red hair']), 'tag');
    fires('civitai-style-guess', 'civitai', prose, 'ohwx, red hair');
    fires('civitai-style-guess', 'civitai', 'ohwx, red hair', prose, { captionStyle: 'natural' });
  });

  it('civitai-bom-crlf: both survive CivitAI into the label, and the export writes neither', () => {
    fires('civitai-bom-crlf', 'civitai', '\uFEFFohwx, a', 'ohwx, a');
    assert.equal(writtenCaption('civitai', '\uFEFFohwx, a\r\nb', base), 'ohwx, a\nb');
  });

  it("token-length: past CLIP's 77 tokens (an estimate), for every trainer but not the imagefolder dataset", () => {
    const long = Array.from({ length: 70 }, (_, i) => `word${'abcdefghij'[i % 10]}`).join(' ');
    fires('token-length', 'kohya', `ohwx, ${long}`, 'ohwx, red hair');
    fires('token-length', 'civitai', `ohwx, ${long}`, 'ohwx, red hair');
    assert.ok(!rules('huggingface', `ohwx, ${long}`).includes('token-length'));
  });

  it('every rule id has a severity and each finding carries its rule’s', () => {
    const all = (['civitai', 'kohya', 'ai-toolkit', 'simpletuner', 'huggingface'] as const).flatMap((t) =>
      checkTarget(t, {
        ...base,
        images: [
          { file: 'a.png', caption: '\uFEFFred,hair\r\nx' },
          { file: 'b.png', caption: '' },
        ],
      }),
    );
    for (const f of all) assert.equal(f.severity, TARGET_RULES[f.rule]);
    assert.ok(all.length > 8);
  });
});
