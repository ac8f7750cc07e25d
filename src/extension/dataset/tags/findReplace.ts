/**
 * Find and replace across captions: plain text or a regular expression, over whole tags or free text, in all
 * captions or a given set of files. Planning is pure and returns each caption that would change (before, after and
 * the changed ranges of both) so the panel and the command line can show the preview and the count before anything
 * is written. Applying writes through the dataset-wide tag operations' path (tagOperations.ts: atomic writes, the
 * undo history on disk, one undo step), so Undo Last Dataset-Wide Tag Operation takes it back and never overwrites a
 * caption edited since. The trigger word is left alone unless the options say otherwise.
 */
import { performance } from 'node:perf_hooks';
import * as vm from 'node:vm';
import { captionTags, cleanTag, removeTag, renameTag, toFileText } from '../../../shared/caption';
import { compileUserRegex } from '../../../shared/regexSafety';
import type { Dataset } from '../session/dataset';
import {
  applyCaptionChanges,
  type AppliedOperation,
  type ApplyOptions,
  type CaptionChange,
  type PlanInput,
} from './tagOperations';

/** What to find and what to put instead. */
export interface FindReplaceOptions {
  find: string;
  replace: string;
  /** `find` is a JavaScript regular expression and `replace` may use $1, $<name>, $&. */
  regex?: boolean;
  caseSensitive?: boolean;
  /** 'tags': only whole tags (natural captions: the tag tail) match; 'text': anywhere in the caption. */
  target: 'tags' | 'text';
  /** Also change the trigger word (default false: it is never matched). */
  includeTrigger?: boolean;
  /** Only these files (the panel's filter or selection); all captions when absent. */
  files?: readonly string[];
  /** How long the pattern may run over all captions before it is stopped, in ms (default 3000). */
  timeoutMs?: number;
}

/** A changed range: start and end offsets (end exclusive). */
export type Range = [number, number];

/** One caption's change with the parts that changed marked in both texts. */
export interface ReplaceChange extends CaptionChange {
  beforeMarks: Range[];
  afterMarks: Range[];
}

/** The plan: every caption that would change, and how many replacements in all. */
export interface ReplacePlan {
  label: string;
  changes: ReplaceChange[];
  replacements: number;
}

/** A short description for the undo history and messages: `Replace "a" with "b" in tags`. */
export function describeReplace(o: FindReplaceOptions): string {
  const what = o.regex ? `/${o.find}/` : `"${o.find}"`;
  return `Replace ${what} with "${o.replace}" in ${o.target === 'tags' ? 'tags' : 'caption text'}`;
}

/** Expands a JavaScript replacement string ($$, $&, $1…$99, $<name>) for one match. */
function expand(replacement: string, m: RegExpExecArray): string {
  return replacement.replace(/\$(\$|&|\d{1,2}|<([^>]*)>)/g, (all, tok: string, name?: string) => {
    if (tok === '$') return '$';
    if (tok === '&') return m[0];
    if (name !== undefined) return m.groups?.[name] ?? '';
    const n = Number(tok);
    return n > 0 && n < m.length ? (m[n] ?? '') : all;
  });
}

function buildRegex(o: FindReplaceOptions, whole: boolean): RegExp {
  if (!o.find) throw new Error('Find and replace: there is nothing to find. Type the text or pattern to look for.');
  const flags = `g${o.caseSensitive ? '' : 'i'}u`;
  const body = o.regex ? o.find : o.find.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const r = compileUserRegex(whole ? `^(?:${body})$` : body, flags);
  if ('error' in r) {
    // The position only where it is known (the unsafe-pattern guard gives one; V8's syntax errors do not).
    const at = r.pos === undefined ? undefined : whole ? Math.max(0, r.pos - 4) : r.pos;
    const where = at === undefined ? '' : ` (at character ${at + 1})`;
    throw new Error(`Find and replace: the pattern ${o.find} cannot be used: ${r.error}${where}.`);
  }
  return r.regex;
}

/** Ranges of the trigger word as a whole word (any case), which free-text replacement must not touch. */
function triggerRanges(text: string, trigger: string): Range[] {
  const t = cleanTag(trigger);
  if (!t) return [];
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'giu');
  return [...text.matchAll(re)].map((m) => [m.index, m.index + m[0].length] as Range);
}

/** The first and last differing characters of two texts, as one range in each (empty texts: no range). */
function diffRanges(a: string, b: string): [Range[], Range[]] {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const ra: Range[] = a.length - s > p ? [[p, a.length - s]] : [];
  const rb: Range[] = b.length - s > p ? [[p, b.length - s]] : [];
  return [ra, rb];
}

function replaceText(text: string, re: RegExp, o: FindReplaceOptions, trigger: string): ReplaceChange | number {
  const guard = o.includeTrigger ? [] : triggerRanges(text, trigger);
  const beforeMarks: Range[] = [];
  const afterMarks: Range[] = [];
  let out = '';
  let last = 0;
  let count = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) re.lastIndex++; // an empty match must still move on
    if (
      guard.some(([a, b]) => start < b && end > a) ||
      (start === end && guard.some(([a, b]) => start > a && start < b))
    )
      continue;
    const rep = o.regex ? expand(o.replace, m) : o.replace;
    if (m[0] === rep) continue;
    out += text.slice(last, start);
    beforeMarks.push([start, end]);
    afterMarks.push([out.length, out.length + rep.length]);
    out += rep;
    last = end;
    count++;
  }
  if (count === 0) return 0;
  out += text.slice(last);
  const after = toFileText(out);
  if (after === text) return 0;
  return { file: '', before: text, after, beforeMarks, afterMarks };
}

function replaceTags(text: string, re: RegExp, o: FindReplaceOptions, input: PlanInput): ReplaceChange | number {
  const trig = cleanTag(input.trigger).toLowerCase();
  let out = text;
  let count = 0;
  for (const tag of new Set(captionTags(text, input.style))) {
    if (!o.includeTrigger && trig && tag.toLowerCase() === trig) continue;
    re.lastIndex = 0;
    const m = re.exec(tag);
    if (!m) continue;
    const next = cleanTag(o.regex ? expand(o.replace, m) : o.replace);
    if (next === tag) continue;
    if (next.includes(','))
      throw new Error(
        `Find and replace: "${tag}" would become "${next}", which holds a comma and would be two tags. Replace whole tags with one tag at a time, or choose Text.`,
      );
    out = next ? renameTag(out, tag, next, input.style) : removeTag(out, tag, input.style, input.trigger);
    count++;
  }
  if (count === 0 || out === text) return 0;
  const [beforeMarks, afterMarks] = diffRanges(text, out);
  return { file: '', before: text, after: out, beforeMarks, afterMarks };
}

/** The captions a find and replace would change; throws an Error saying why it cannot run. */
export function planFindReplace(input: PlanInput, o: FindReplaceOptions): ReplacePlan {
  const p = planner(input, o);
  p.run(Infinity);
  return p.plan;
}

/**
 * planFindReplace in slices of about `sliceMs`, giving the event loop a turn between them, so that a preview over
 * 10,000 captions never holds the extension host for its whole length. The same plan, the same errors, and the
 * same time limit for the pattern, counted over all the slices.
 */
export async function planFindReplaceSliced(
  input: PlanInput,
  o: FindReplaceOptions,
  sliceMs = 8,
): Promise<ReplacePlan> {
  const p = planner(input, o);
  while (!p.run(sliceMs)) await new Promise((r) => setImmediate(r));
  return p.plan;
}

/** The script that runs one slice: a script timeout interrupts whatever runs, a backtracking pattern included. */
const SLICE = new vm.Script('done = slice(ms)');

/** A plan made a slice at a time: `run(ms)` goes on for about `ms` and says whether every caption is done. */
function planner(input: PlanInput, o: FindReplaceOptions) {
  const re = buildRegex(o, o.target === 'tags');
  const only = o.files ? new Set(o.files) : undefined;
  const plan: ReplacePlan = { label: describeReplace(o), changes: [], replacements: 0 };
  const captions = input.captions;
  let next = 0;
  const slice = (ms: number) => {
    const until = performance.now() + ms;
    while (next < captions.length) {
      const c = captions[next++]!;
      if (only && !only.has(c.file)) continue;
      const r = o.target === 'tags' ? replaceTags(c.text, re, o, input) : replaceText(c.text, re, o, input.trigger);
      if (typeof r !== 'number') {
        if (c.problem)
          throw new Error(
            `Find and replace would rewrite ${c.file}, which cannot be rewritten: ${c.problem} Nothing was changed.`,
          );
        // Counted again from the marks: the tag path marks one range per caption, not one per tag.
        plan.replacements += o.target === 'tags' ? 1 : r.beforeMarks.length;
        plan.changes.push({ ...r, file: c.file });
      }
      if (performance.now() > until) break;
    }
    return next >= captions.length;
  };
  const timeout = o.timeoutMs ?? 3000;
  const context = vm.createContext({ slice, ms: 0, done: false });
  let spent = 0;
  const run = (ms: number): boolean => {
    context.ms = ms;
    const t0 = performance.now();
    try {
      // JavaScript has no regex timeout; the time left of the pattern's limit bounds this slice.
      SLICE.runInContext(context, { timeout: Math.max(1, Math.ceil(timeout - spent)) });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw tooSlow(o, timeout);
      throw e;
    } finally {
      spent += performance.now() - t0;
    }
    if (!context.done && spent >= timeout) throw tooSlow(o, timeout);
    return context.done as boolean;
  };
  return { run, plan };
}

function tooSlow(o: FindReplaceOptions, timeout: number): Error {
  return new Error(
    `Find and replace: the pattern ${o.find} ran for more than ${timeout / 1000} s over the captions and was stopped; it backtracks too much. Make it more specific (anchors, fewer nested repeats). Nothing was changed.`,
  );
}

/** What a plan over an open dataset was made from: its captions and their revisions at one instant. */
function snapshot(ds: Dataset): { input: PlanInput; revs: Map<string, number> } {
  const s = ds.session;
  const revs = new Map(s.images.map((i) => [i.file, ds.captionRev(i.file)]));
  const input: PlanInput = {
    style: s.captionStyle,
    trigger: s.triggerWord,
    captions: s.images.map((i) => ({ file: i.file, text: ds.caption(i.file), problem: ds.captionProblem(i.file) })),
  };
  return { input, revs };
}

/** Plans a find and replace over an open dataset (its captions as they are on disk). */
export function planFindReplaceForDataset(ds: Dataset, o: FindReplaceOptions): ReplacePlan {
  return planFindReplace(snapshot(ds).input, o);
}

/** A plan over an open dataset with the revision of each changed caption it was made from. */
export interface DatasetReplacePlan extends ReplacePlan {
  revs: { file: string; rev: number }[];
}

/**
 * planFindReplaceForDataset without holding the extension host: planned in slices over the captions as they were
 * when it started, then kept only if no caption (in the scope or not) changed meanwhile, so it is exactly the plan
 * of one instant; a caption saved during it makes it plan again. `revs`: those captions' revisions then.
 */
export async function planFindReplaceForDatasetSliced(
  ds: Dataset,
  o: FindReplaceOptions,
  sliceMs = 8,
): Promise<DatasetReplacePlan> {
  for (let attempt = 1; ; attempt++) {
    const { input, revs } = snapshot(ds);
    // Captions saved all through it (a long caption run): the last attempt is made at once, in one piece.
    const plan = attempt < 5 ? await planFindReplaceSliced(input, o, sliceMs) : planFindReplace(input, o);
    const same =
      [...revs].every(([file, rev]) => ds.captionRev(file) === rev) && ds.session.images.length === revs.size;
    if (same || attempt >= 5)
      return { ...plan, revs: plan.changes.map((c) => ({ file: c.file, rev: revs.get(c.file)! })) };
  }
}

/** Writes a planned find and replace as one step of the dataset-wide undo history. */
export function applyFindReplace(ds: Dataset, plan: ReplacePlan, opts: ApplyOptions = {}): Promise<AppliedOperation> {
  return applyCaptionChanges(ds, plan.label, plan.changes, opts);
}
