/**
 * Find and replace bench: the panel's preview over 10,000 captions (the engine's plan, as findReplace/preview asks
 * for it after each pause in typing), and the webview checking the reply, beside the dataset-wide rename's plan.
 * The panel plans in slices (planFindReplaceSliced): how long the host's event loop is held meanwhile (its delay,
 * p99 and max, sampled every millisecond), beside the same plan in one piece as it ran before.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { planFindReplace, planFindReplaceSliced } from '../src/extension/dataset/tags/findReplace';
import { planOperation, type PlanInput } from '../src/extension/dataset/tags/tagOperations';
import { FIND_REPLACE_PREVIEW_MAX, ToHostResults } from '../src/shared/protocol';
import { median, printRows, time } from './harness';

/** Runs `fn` and returns its time and the event loop's delay meanwhile (p99 and max, ms). */
async function held(fn: () => unknown): Promise<{ ms: number; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The sampling timer must have run once before, and once after, what is measured.
  await new Promise((r) => setTimeout(r, 5));
  const ms = await time(fn);
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { ms, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

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
  // The panel's preview: the whole-tag case, in slices, against the same plan in one piece (as before).
  const [, tagCase] = cases[0]!;
  const whole = await held(() => planFindReplace(input, tagCase));
  const sliced = await held(() => planFindReplaceSliced(input, tagCase));
  rows.push(
    { name: 'Preview in one piece (before): the event loop held, max', ms: whole.max },
    { name: 'Preview in slices (the panel now): total', ms: sliced.ms },
    { name: '   as a ratio to the plan in one piece', ms: sliced.ms, baselineMs: whole.ms, baselineName: 'one piece' },
    { name: '   the event loop held meanwhile, p99', ms: sliced.p99, target: 50 },
    { name: '   the event loop held meanwhile, max', ms: sliced.max, target: 50 },
  );
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
  printRows(`Find and replace (load average ${loadavg()[0]!.toFixed(1)})`, rows);
}

void main();
