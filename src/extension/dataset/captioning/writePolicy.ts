/**
 * What a run does with one result: the caption text a provider's answer becomes (filtered, the trigger word first,
 * tags mapped through the vocabulary) and whether it is written, offered as a suggestion or skipped. A caption a
 * person changed after the image was queued is never overwritten: the result becomes a suggestion instead.
 */
import { addTags, isTagged, parseTags } from '../../../shared/caption';
import type { CaptionStyle } from '../../../shared/model';
import { filterCaption, tagsCaption, tagsFromText, withTriggerLead } from './prompts';
import { captionHash, type SuggestedTag, type WriteMode } from './provenance';
import type { ProviderResult } from './provider';
import type { TagLookup } from './wd/wdTags';

/** A provider's answer made ready to write: prose, or tags (with scores and unknown marks). */
export type Composed = { kind: 'caption'; body: string } | { kind: 'tags'; tags: SuggestedTag[] };

/** What composing needs to know. */
export interface ComposeContext {
  trigger: string;
  /** What the prompt asked for: a chat answer to a tags preset is read as a tag list. */
  output: 'caption' | 'tags';
  filters?: readonly string[];
  vocabulary?: TagLookup;
}

/** The answer cleaned and, for tags, mapped; `body` carries no trigger word yet. */
export function compose(result: ProviderResult, ctx: ComposeContext): Composed {
  if (result.kind === 'tags') {
    const t = ctx.trigger.trim().toLowerCase();
    return {
      kind: 'tags',
      tags: result.tags.filter((x) => x.tag.toLowerCase() !== t).map((x) => ({ tag: x.tag, score: x.score })),
    };
  }
  if (ctx.output === 'tags') return { kind: 'tags', tags: tagsFromText(result.text, { ...ctx }) };
  return { kind: 'caption', body: filterCaption(result.text, { trigger: '', filters: ctx.filters }) };
}

/** The whole caption a composed answer makes on its own (trigger first). */
export function fullText(c: Composed, trigger: string): string {
  return c.kind === 'tags'
    ? tagsCaption(
        c.tags.map((t) => t.tag),
        trigger,
      )
    : withTriggerLead(c.body, trigger);
}

/** `current` with the answer added: tags appended after the caption's own, prose as a further sentence. */
export function appendedText(current: string, c: Composed, style: CaptionStyle, trigger: string): string {
  if (!isTagged(current, trigger)) return fullText(c, trigger);
  if (c.kind === 'tags')
    return addTags(
      current,
      c.tags.map((t) => t.tag),
      style,
      trigger,
    );
  if (style === 'tags') return addTags(current, parseTags(c.body), style, trigger);
  const head = current.replace(/\s+$/, '');
  return `${head}${/[.!?]$/.test(head) ? ' ' : '. '}${c.body}`;
}

/** What to do with one result. */
export type Decision =
  | { action: 'write'; text: string }
  | { action: 'suggest'; text: string; why: 'mode' | 'edited' }
  | { action: 'skip'; why: 'has-caption' | 'unchanged' };

/**
 * True when `decide` would skip this image whatever the model answered: fill-empty, and the caption is the one it
 * had when queued and has text. Such an image need not be read or sent to a provider at all.
 */
export function skipsUnasked(mode: WriteMode, current: string, queuedHash: string, trigger: string): boolean {
  return mode === 'fill-empty' && captionHash(current) === queuedHash && isTagged(current, trigger);
}

/** Decides for one image, given its caption now and the hash of its caption when it was queued. */
export function decide(
  mode: WriteMode,
  current: string,
  queuedHash: string,
  c: Composed,
  style: CaptionStyle,
  trigger: string,
): Decision {
  const full = fullText(c, trigger);
  if (captionHash(current) !== queuedHash)
    return full === current ? { action: 'skip', why: 'unchanged' } : { action: 'suggest', text: full, why: 'edited' };
  if (mode === 'suggest')
    return full === current ? { action: 'skip', why: 'unchanged' } : { action: 'suggest', text: full, why: 'mode' };
  if (mode === 'fill-empty' && isTagged(current, trigger)) return { action: 'skip', why: 'has-caption' };
  const text = mode === 'append' ? appendedText(current, c, style, trigger) : full;
  return text === current ? { action: 'skip', why: 'unchanged' } : { action: 'write', text };
}
