/**
 * Find and replace bench: the panel's preview over 10,000 captions (the engine's plan, as findReplace/preview asks
 * for it after each pause in typing), and the webview checking the reply, beside the dataset-wide rename's plan.
 */
import { planFindReplace } from '../src/extension/dataset/tags/findReplace';
import { planOperation, type PlanInput } from '../src/extension/dataset/tags/tagOperations';
import { FIND_REPLACE_PREVIEW_MAX, ToHostResults } from '../src/shared/protocol';
import { median, printRows } from './harness';

const N = 10_000;
const WORDS = ['red', 'blue', 'long', 'short', 'hair', 'eyes', 'smile', 'beach', 'sky', 'dress', 'standing', 'sitting'];
const word = (i: number) => WORDS[i % WORDS.length]!;
// Tag lists of 10-30 tags, as a tags dataset holds them.
const input: PlanInput = {
  style: 'tags',
  trigger: 'ohwx',
  captions: Array.from({ length: N }, (_, i) => ({
    file: `ds_${String(i + 1).padStart(5, '0')}.png`,
    text: `ohwx, ${Array.from({ length: 10 + (i % 21) }, (_, k) => `${word(i + k)} ${word(i * 7 + k * 3)}`).join(', ')}`,
  })),
};

async function main(): Promise<void> {
  const baseline = await median(9, () => planOperation(input, { kind: 'rename', from: 'red hair', to: 'auburn hair' }));
  const rows: Parameters<typeof printRows>[1] = [
    { name: 'Baseline: plan the dataset-wide rename, 10,000 captions', ms: baseline },
  ];
  const cases: Array<[string, Parameters<typeof planFindReplace>[1]]> = [
    ['Preview: whole tag "red hair" -> "auburn hair"', { find: 'red hair', replace: 'auburn hair', target: 'tags' }],
    [
      'Preview: text regex /(red|blue) (hair|eyes)/ -> "$2 $1"',
      { find: '(red|blue) (hair|eyes)', replace: '$2 $1', regex: true, target: 'text' },
    ],
  ];
  for (const [name, o] of cases) {
    let n = 0;
    const ms = await median(9, () => (n = planFindReplace(input, o).changes.length));
    rows.push({ name: `${name} (${n} captions)`, ms });
    rows.push({ name: '   as a ratio to the rename plan', ms, baselineMs: baseline, baselineName: 'rename plan' });
  }
  // What the webview checks: the reply with the first 200 captions' texts and every changed caption's revision.
  const plan = planFindReplace(input, cases[1]![1]);
  const reply = {
    ok: true,
    label: plan.label,
    scanned: N,
    replacements: plan.replacements,
    changes: plan.changes.slice(0, FIND_REPLACE_PREVIEW_MAX),
    revs: plan.changes.map((c) => ({ file: c.file, rev: 1 })),
  };
  const check = await median(9, () => ToHostResults['findReplace/preview'].parse(reply));
  rows.push({ name: `Webview: check the preview reply (${plan.changes.length} revisions)`, ms: check });
  printRows('Find and replace', rows);
}

void main();
