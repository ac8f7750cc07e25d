/**
 * Caption text <-> tags, and the trigger-word rules. Pure functions used by the engine, the panel and preflight.
 *
 * A caption is the exact text of a `.txt`. Tags are its comma-separated parts, trimmed. In the `tags` style the
 * panel rewrites the whole text as `trigger, tag1, tag2`; in the `natural` style the text is the user's prose and
 * is only ever appended to or cut at a whole comma-separated part, never reformatted.
 */
import type { CaptionStyle } from './model';

/** The separator written between tags. */
export const TAG_SEPARATOR = ', ';

/** Trims a tag and folds inner white space; returns '' for nothing. */
export function cleanTag(tag: string): string {
  return tag.replace(/\s+/g, ' ').trim();
}

/** The tags of a caption, in order, each cleaned by cleanTag, empties dropped. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    let t = part.trim();
    // cleanTag's regular expression runs only on the parts that need it: opening 10,000 captions parses each once.
    if (/[^\S ]| {2}/.test(t)) t = cleanTag(t);
    if (t) out.push(t);
  }
  return out;
}

/**
 * The tags a caption contributes to the dataset's tag list (tags.txt, the palette). Tag style: every comma-separated
 * part. Natural style: only the parts that read as tags (at most six words, no sentence punctuation), so prose
 * sentences do not become "tags".
 */
export function captionTags(text: string, style: CaptionStyle): string[] {
  const tags = parseTags(text);
  return style === 'tags' ? tags : tags.filter(readsAsTag);
}

/** The tags a caption adds to tags.txt and whether it counts as tagged, from one parse. */
export function captionInfo(text: string, style: CaptionStyle, trigger: string): { tags: string[]; tagged: boolean } {
  const all = parseTags(text);
  const t = cleanTag(trigger).toLowerCase();
  return { tags: style === 'tags' ? all : all.filter(readsAsTag), tagged: all.some((x) => x.toLowerCase() !== t) };
}

/** True when a caption holds something besides the trigger word (an image with it is "tagged"). */
export function isTagged(text: string, trigger: string): boolean {
  const t = cleanTag(trigger).toLowerCase();
  return parseTags(text).some((x) => x.toLowerCase() !== t);
}

/** True when a comma-separated part of a natural-language caption reads as a tag rather than prose. */
export function readsAsTag(part: string): boolean {
  return part.split(' ').length <= 6 && !/[.!?;:]/.test(part);
}

/** Tags joined as a tag-style caption, duplicates after the first dropped. */
export function serializeTags(tags: readonly string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const t = cleanTag(raw);
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out.join(TAG_SEPARATOR);
}

/**
 * What is written to disk for a caption typed by the user: line breaks become one space (trainers such as
 * kohya's wildcard mode and SimpleTuner read each line as a separate caption); everything else is kept byte for byte.
 */
export function toFileText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/** True when the caption text has a line break (a preflight warning). */
export function hasLineBreak(text: string): boolean {
  return /[\r\n]/.test(text);
}

/** Where the trigger word stands in a caption. */
export type TriggerState = 'none-set' | 'ok' | 'missing' | 'not-first' | 'repeated';

/** Checks the trigger-word rule: present, first, and once. Compared case-insensitively, as trainers tokenise it. */
export function triggerState(text: string, trigger: string): TriggerState {
  const t = cleanTag(trigger).toLowerCase();
  if (!t) return 'none-set';
  const tags = parseTags(text).map((x) => x.toLowerCase());
  // In prose the trigger may open a sentence ("ohwx woman standing…"), so the first part only has to start with it.
  const starts = (s: string) => s === t || s.startsWith(t + ' ');
  const hits = tags.filter((s) => starts(s) || s === t).length;
  const wordHits = countWord(text.toLowerCase(), t);
  if (wordHits === 0) return 'missing';
  if (wordHits > 1 || hits > 1) return 'repeated';
  return tags.length > 0 && starts(tags[0]!) ? 'ok' : 'not-first';
}

function countWord(haystack: string, word: string): number {
  let n = 0;
  let i = haystack.indexOf(word);
  while (i !== -1) {
    const before = i === 0 ? '' : haystack[i - 1]!;
    const after = haystack[i + word.length] ?? '';
    if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) n++;
    i = haystack.indexOf(word, i + word.length);
  }
  return n;
}

/** The tags with the trigger word first (added if missing, moved if elsewhere). */
export function withTriggerFirst(tags: readonly string[], trigger: string): string[] {
  const t = cleanTag(trigger);
  if (!t) return [...tags];
  return [t, ...tags.filter((x) => cleanTag(x).toLowerCase() !== t.toLowerCase())];
}

/** True when the caption has this tag as one of its comma-separated parts. */
export function hasTag(text: string, tag: string): boolean {
  const t = cleanTag(tag);
  return parseTags(text).includes(t);
}

/**
 * Adds tags to a caption. Tag style: rewritten as `trigger, tags…`. Natural style: appended after `, `
 * at the end, the rest of the prose untouched.
 */
export function addTags(text: string, tags: readonly string[], style: CaptionStyle, trigger: string): string {
  const add = tags.map(cleanTag).filter((t) => t && !hasTag(text, t));
  if (style === 'tags') return serializeTags(withTriggerFirst([...parseTags(text), ...add], trigger));
  if (add.length === 0) return text;
  const body = text.replace(/\s+$/, '');
  const joined = add.join(TAG_SEPARATOR);
  if (!body) return trigger && !add.includes(cleanTag(trigger)) ? `${cleanTag(trigger)}${TAG_SEPARATOR}${joined}` : joined;
  // Prose ending in a full stop keeps it; the tags follow as a comma list.
  return `${body}${/[,;]$/.test(body) ? ' ' : TAG_SEPARATOR}${joined}`;
}

/**
 * Removes one tag. Tag style: rewritten without it. Natural style: only the exact comma-separated part is cut,
 * with one adjoining separator, and the rest of the text is kept as typed.
 */
export function removeTag(text: string, tag: string, style: CaptionStyle, trigger: string): string {
  const t = cleanTag(tag);
  if (style === 'tags') {
    const rest = parseTags(text).filter((x) => x !== t);
    // Removing the trigger chip is allowed (the user asked for it); otherwise it stays first.
    return serializeTags(cleanTag(trigger) === t ? rest : withTriggerFirst(rest, trigger));
  }
  const parts = text.split(',');
  const idx = parts.findIndex((p) => cleanTag(p) === t);
  if (idx === -1) return text;
  if (parts.length === 1) return '';
  if (idx === 0) {
    parts.splice(0, 1);
    parts[0] = parts[0]!.replace(/^\s+/, '');
  } else {
    parts.splice(idx, 1);
  }
  return parts.join(',');
}

/** Adds the tag when absent, removes it when present. */
export function toggleTag(text: string, tag: string, style: CaptionStyle, trigger: string): string {
  return hasTag(text, tag) ? removeTag(text, tag, style, trigger) : addTags(text, [tag], style, trigger);
}

/** Moves the tag at `from` to `to` (tag style only rewrites; the trigger word stays first). */
export function moveTag(text: string, from: number, to: number, trigger: string): string {
  const tags = parseTags(text);
  if (from >= 0 && from < tags.length && to >= 0 && to < tags.length && from !== to) {
    const [moved] = tags.splice(from, 1);
    tags.splice(to, 0, moved!);
  }
  const t = cleanTag(trigger).toLowerCase();
  const hasTrigger = t !== '' && tags.some((x) => x.toLowerCase() === t);
  return serializeTags(hasTrigger ? withTriggerFirst(tags, trigger) : tags);
}

/** CivitAI's guess of a caption's style: natural language when over 80 characters with commas under 5% of its length. */
export function looksNatural(text: string): boolean {
  if (text.length <= 80) return false;
  const commas = (text.match(/,/g) ?? []).length;
  return commas / text.length < 0.05;
}

/** Counts how many captions use each tag, in one pass. */
export function countTags(captions: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of captions) {
    for (const t of new Set(parseTags(c))) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/** A caption for a freshly staged image with no caption of its own. */
export function initialCaption(trigger: string): string {
  return cleanTag(trigger);
}
