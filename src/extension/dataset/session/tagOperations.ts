/**
 * Dataset-wide tag operations (rename or merge, remove, add) and their undo. Planning is pure: it returns the
 * captions that would change, before and after, so the command can say "in 37 captions" before anything is
 * written. Applying goes through Dataset.setCaption (atomic writes, tags.txt, status), and undo restores a caption
 * only if nobody has edited it since.
 */
import { addTags, cleanTag, hasTag, parseTags, removeTag, serializeTags } from '../../../shared/caption';
import type { CaptionStyle } from '../../../shared/model';

/** One dataset-wide operation. */
export type TagOperation =
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'remove'; tag: string }
  | { kind: 'add'; tag: string };

/** One caption's change. */
export interface CaptionChange {
  file: string;
  before: string;
  after: string;
}

/** What the captions and rules of a dataset are, for planning. */
export interface PlanInput {
  captions: readonly { file: string; text: string; skipped?: boolean }[];
  style: CaptionStyle;
  trigger: string;
}

/** A short human description: `Rename "a" to "b"`. */
export function describeOperation(op: TagOperation): string {
  switch (op.kind) {
    case 'rename':
      return `Rename "${op.from}" to "${op.to}"`;
    case 'remove':
      return `Remove "${op.tag}"`;
    case 'add':
      return `Add "${op.tag}"`;
  }
}

/** Checks an operation's tags; throws an Error saying what is wrong. */
export function validateOperation(op: TagOperation, trigger: string): void {
  const t = cleanTag(trigger).toLowerCase();
  const names = op.kind === 'rename' ? [op.from, op.to] : [op.tag];
  for (const n of names) {
    const c = cleanTag(n);
    if (!c) throw new Error('A tag cannot be empty.');
    if (c.includes(',')) throw new Error(`"${c}" holds a comma, which would make it two tags. Use one tag at a time.`);
  }
  if (op.kind === 'rename' && cleanTag(op.from) === cleanTag(op.to)) throw new Error(`"${cleanTag(op.from)}" already has that name.`);
  const trig = names.find((n) => t && cleanTag(n).toLowerCase() === t);
  if (trig) throw new Error(`"${cleanTag(trig)}" is the trigger word, which the captions keep first on their own; edit other tags.`);
}

/** The captions an operation would change (skipped images included for rename and remove, left out for add). */
export function planOperation(input: PlanInput, op: TagOperation): CaptionChange[] {
  validateOperation(op, input.trigger);
  const out: CaptionChange[] = [];
  for (const c of input.captions) {
    if (op.kind === 'add' && c.skipped) continue;
    const after = applyToCaption(c.text, op, input.style, input.trigger);
    if (after !== c.text) out.push({ file: c.file, before: c.text, after });
  }
  return out;
}

/** One caption after an operation. */
export function applyToCaption(text: string, op: TagOperation, style: CaptionStyle, trigger: string): string {
  switch (op.kind) {
    case 'add':
      return addTags(text, [op.tag], style, trigger);
    case 'remove': {
      let t = text;
      while (hasTag(t, op.tag)) t = removeTag(t, op.tag, style, trigger);
      return t;
    }
    case 'rename':
      return renameInCaption(text, cleanTag(op.from), cleanTag(op.to), style);
  }
}

function renameInCaption(text: string, from: string, to: string, style: CaptionStyle): string {
  if (!hasTag(text, from)) return text;
  // Tag style: rewrite (serializeTags also merges a tag that was already there).
  if (style === 'tags') return serializeTags(parseTags(text).map((t) => (t === from ? to : t)));
  // Natural style: swap the exact comma-separated part, keep its spacing and the rest of the prose byte for byte.
  let seen = hasTag(text, to);
  const parts = text.split(',');
  const kept: string[] = [];
  for (const part of parts) {
    if (cleanTag(part) !== from) {
      kept.push(part);
      continue;
    }
    if (seen) continue; // merging into a tag the caption already has
    seen = true;
    const lead = /^\s*/.exec(part)![0];
    const trail = /\s*$/.exec(part)![0];
    kept.push(lead + to + trail);
  }
  const joined = kept.join(',');
  return kept.length < parts.length ? joined.replace(/^\s+/, text.match(/^\s*/)![0]) : joined;
}
