/**
 * Caption text <-> tags, and the trigger-word rules. Pure functions used by the engine, the panel and preflight.
 *
 * A caption is the exact text of a `.txt`. In the `tags` style its tags are its comma-separated parts, trimmed, and
 * the panel rewrites the whole text as `trigger, tag1, tag2`. In the `natural` style the text is prose followed by
 * an optional tag tail (see tagTailStart): only the tail's parts are tags, and the text is only ever appended to or
 * cut at a whole part of the tail, never reformatted. Every consumer (chips, palette, counts, tags.txt, the
 * dataset-wide operations, the report) asks this module which parts are tags.
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
 * The tags of a caption, in order (tags.txt, the palette, the counts, the chips). Tag style: every comma-separated
 * part. Natural style: only the parts of its tag tail (see tagTailStart), so prose is never cut into tags.
 */
export function captionTags(text: string, style: CaptionStyle): string[] {
  if (style === 'tags') return parseTags(text);
  const parts = text.split(',');
  return parseTags(parts.slice(tagTailStart(parts)).join(','));
}

/** The tags a caption adds to tags.txt and whether it counts as tagged, from one parse. */
export function captionInfo(text: string, style: CaptionStyle, trigger: string): { tags: string[]; tagged: boolean } {
  const t = cleanTag(trigger).toLowerCase();
  return { tags: captionTags(text, style), tagged: parseTags(text).some((x) => x.toLowerCase() !== t) };
}

/** A sentence end closing a comma-separated part: `.`, `!` or `?`, maybe inside closing quotes or brackets. */
const SENTENCE_END = /[.!?]["'\u201d\u2019)\]]*\s*$/;

/**
 * Where the tag tail of a natural-language caption starts, as an index into `text.split(',')` (the parts' count when
 * it has none). The one rule for which parts of prose are tags:
 * - a caption whose every comma-separated part reads as a tag (`ohwx, red hair, smile`) is all tags;
 * - otherwise the tail is the parts after the last sentence end that a comma follows (`…at dusk., film grain, soft
 *   light`, as addTags writes it), when each of them reads as a tag. Commas inside a sentence never start tags.
 */
export function tagTailStart(parts: readonly string[]): number {
  const tagLike = (p: string) => {
    const t = cleanTag(p);
    return t === '' || readsAsTag(t);
  };
  if (parts.every(tagLike)) return 0;
  for (let j = parts.length - 2; j >= 0; j--) {
    if (!SENTENCE_END.test(parts[j]!)) continue;
    return parts.slice(j + 1).every(tagLike) ? j + 1 : parts.length;
  }
  return parts.length;
}

/** True when a caption holds something besides the trigger word (an image with it is "tagged"). */
export function isTagged(text: string, trigger: string): boolean {
  const t = cleanTag(trigger).toLowerCase();
  return parseTags(text).some((x) => x.toLowerCase() !== t);
}

/** True when a comma-separated part reads as a tag rather than prose: at most six words, no sentence punctuation. */
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

/** True when the caption has this tag (natural style: in its tag tail; a word of the prose is not a tag). */
export function hasTag(text: string, tag: string, style: CaptionStyle): boolean {
  return captionTags(text, style).includes(cleanTag(tag));
}

/**
 * Adds tags to a caption. Tag style: rewritten as `trigger, tags…`. Natural style: appended to the tag tail, the
 * prose untouched; prose with no tail yet gets one after its last sentence (`…at dusk., film grain`), a full stop
 * added first when the prose does not end a sentence, so the new tags read as tags and the prose stays prose.
 */
export function addTags(text: string, tags: readonly string[], style: CaptionStyle, trigger: string): string {
  const add = tags.map(cleanTag).filter((t) => t && !hasTag(text, t, style));
  if (style === 'tags') return serializeTags(withTriggerFirst([...parseTags(text), ...add], trigger));
  if (add.length === 0) return text;
  const body = text.replace(/\s+$/, '');
  const joined = add.join(TAG_SEPARATOR);
  if (!body)
    return trigger && !add.includes(cleanTag(trigger)) ? `${cleanTag(trigger)}${TAG_SEPARATOR}${joined}` : joined;
  const parts = body.split(',');
  if (tagTailStart(parts) < parts.length || SENTENCE_END.test(body)) {
    return `${body}${/[,;]$/.test(body) ? ' ' : TAG_SEPARATOR}${joined}`;
  }
  // Prose that does not end a sentence (or ends in an empty part): the tail needs a sentence end before it.
  return `${body.replace(/[\s,]+$/, '')}.${TAG_SEPARATOR}${joined}`;
}

/**
 * Removes one tag. Tag style: rewritten without it. Natural style: only the exact part of the tag tail is cut,
 * with one adjoining separator, and the rest of the text is kept as typed (the same words in the prose stay).
 */
export function removeTag(text: string, tag: string, style: CaptionStyle, trigger: string): string {
  const t = cleanTag(tag);
  if (style === 'tags') {
    const rest = parseTags(text).filter((x) => x !== t);
    // Removing the trigger chip is allowed (the user asked for it); otherwise it stays first.
    return serializeTags(cleanTag(trigger) === t ? rest : withTriggerFirst(rest, trigger));
  }
  const parts = text.split(',');
  const start = tagTailStart(parts);
  const idx = parts.findIndex((p, i) => i >= start && cleanTag(p) === t);
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
  return hasTag(text, tag, style) ? removeTag(text, tag, style, trigger) : addTags(text, [tag], style, trigger);
}

/**
 * Moves the tag at `from` to `to` (indices into captionTags). Tag style, and a natural caption that is all tags:
 * rewritten, the trigger word kept first. Natural prose: only its tag tail is rewritten, the prose kept byte for byte.
 */
export function moveTag(text: string, from: number, to: number, style: CaptionStyle, trigger: string): string {
  const parts = text.split(',');
  const start = style === 'tags' ? 0 : tagTailStart(parts);
  if (start >= parts.length) return text;
  const tags = parseTags(parts.slice(start).join(','));
  if (from >= 0 && from < tags.length && to >= 0 && to < tags.length && from !== to) {
    const [moved] = tags.splice(from, 1);
    tags.splice(to, 0, moved!);
  }
  if (start > 0) return `${parts.slice(0, start).join(',')}${TAG_SEPARATOR}${serializeTags(tags)}`;
  const t = cleanTag(trigger).toLowerCase();
  const hasTrigger = t !== '' && tags.some((x) => x.toLowerCase() === t);
  return serializeTags(hasTrigger ? withTriggerFirst(tags, trigger) : tags);
}

/**
 * Renames (or merges) a tag. Tag style: rewritten. Natural style: the exact parts of the tag tail are swapped with
 * their spacing kept; the same words in the prose are left alone.
 */
export function renameTag(text: string, from: string, to: string, style: CaptionStyle): string {
  const f = cleanTag(from);
  const n = cleanTag(to);
  if (!hasTag(text, f, style)) return text;
  if (style === 'tags') return serializeTags(parseTags(text).map((t) => (t === f ? n : t)));
  let seen = hasTag(text, n, style);
  const parts = text.split(',');
  const start = tagTailStart(parts);
  const kept: string[] = [];
  parts.forEach((part, i) => {
    if (i < start || cleanTag(part) !== f) return void kept.push(part);
    if (seen) return; // merging into a tag the caption already has
    seen = true;
    kept.push(/^\s*/.exec(part)![0] + n + /\s*$/.exec(part)![0]);
  });
  const joined = kept.join(',');
  return kept.length < parts.length ? joined.replace(/^\s+/, text.match(/^\s*/)![0]) : joined;
}

/** CivitAI's guess of a caption's style: natural language when over 80 characters with commas under 5% of its length. */
export function looksNatural(text: string): boolean {
  if (text.length <= 80) return false;
  const commas = (text.match(/,/g) ?? []).length;
  return commas / text.length < 0.05;
}

/** Counts how many captions use each tag (by captionTags), in one pass. */
export function countTags(captions: Iterable<string>, style: CaptionStyle): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of captions) {
    for (const t of new Set(captionTags(c, style))) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/** A caption for a freshly staged image with no caption of its own. */
export function initialCaption(trigger: string): string {
  return cleanTag(trigger);
}
