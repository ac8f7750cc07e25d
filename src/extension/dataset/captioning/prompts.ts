/**
 * Prompt presets for the chat providers, their placeholders, and the post-filters every machine caption goes
 * through: preambles such as "The image shows" stripped, the user's own patterns removed (as SimpleTuner's
 * `caption_filter_list` does), line breaks collapsed, the trigger word kept first; and, in tags style, tags mapped
 * through the vocabulary (aliases to the canonical tag, unknown tags marked).
 */
import { cleanTag, parseTags, serializeTags, withTriggerFirst } from '../../../shared/caption';
import type { SuggestedTag } from './provenance';
import type { TagLookup } from './wd/wdTags';

/** A prompt preset. */
export interface PromptPreset {
  id: string;
  label: string;
  /** 'caption' presets ask for prose, 'tags' presets for a comma-separated tag list. */
  output: 'caption' | 'tags';
  prompt: string;
}

/** The built-in presets; `{trigger}`, `{file}`, `{caption}` and `{tags}` are filled for each image. */
export const PRESETS: readonly PromptPreset[] = [
  {
    id: 'flux-natural',
    label: 'Flux: natural-language paragraph',
    output: 'caption',
    prompt:
      'Write one paragraph of plain natural language describing this image for training an image model: the main ' +
      'subject and their appearance, clothing, pose and expression, the setting and background, the lighting, the ' +
      'camera angle and framing, and the style or medium. Describe only what is visible. Do not begin with "The ' +
      'image shows" or mention that this is an image, and use no lists or line breaks. {hint}',
  },
  {
    id: 'short',
    label: 'Short caption',
    output: 'caption',
    prompt:
      'Write one short caption of at most 20 words for this image: the subject, what it is doing and where. {hint}',
  },
  {
    id: 'booru-tags',
    label: 'Booru tags',
    output: 'tags',
    prompt:
      'List danbooru-style tags for this image, most important first, lower case, separated by commas, with no ' +
      'sentences and no other text. {hint}',
  },
];

/** What fills a prompt's placeholders for one image. */
export interface PromptContext {
  trigger: string;
  file: string;
  caption: string;
  tags: readonly string[];
}

/** The preset with this id; undefined when there is none (then the text is the user's own prompt). */
export function findPreset(id: string): PromptPreset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/**
 * Fills `{trigger}`, `{file}`, `{caption}`, `{tags}` and `{hint}` (a sentence naming the trigger word and the
 * caption a person started, empty when there is neither). Unknown placeholders are left as written.
 */
export function fillPrompt(template: string, ctx: PromptContext): string {
  const hints: string[] = [];
  if (ctx.trigger) hints.push(`The subject's name is "${ctx.trigger}": use it as the first word.`);
  if (ctx.caption.trim())
    hints.push(`A person started this caption; keep what is right in it and improve it: "${ctx.caption.trim()}"`);
  const values: Record<string, string> = {
    trigger: ctx.trigger,
    file: ctx.file,
    caption: ctx.caption,
    tags: ctx.tags.join(', '),
    hint: hints.join(' '),
  };
  return template.replace(/\{(trigger|file|caption|tags|hint)\}/g, (_, k: string) => values[k]!).trim();
}

/** How machine text is cleaned. */
export interface FilterOptions {
  trigger: string;
  /** The user's patterns: a regular expression source each (`/.../flags` also accepted), removed wherever they match. */
  filters?: readonly string[];
}

const PREAMBLES = [
  /^\s*(?:in\s+)?(?:the|this)\s+(?:image|picture|photo(?:graph)?|illustration|artwork|painting|drawing|scene|render(?:ing)?)\s*(?:,\s*)?(?:shows|depicts|features|displays|presents|captures|portrays|is\s+of|contains|we\s+see|there\s+is|there\s+are)?\s*:?\s*/i,
  /^\s*(?:here\s+is|here's)\s+(?:a|the)\s+[^:]{0,80}:\s*/i,
  /^\s*(?:caption|description)\s*:\s*/i,
];

/** Compiles the user's filter patterns; throws an Error naming the one that is not a valid regular expression. */
export function compileFilters(filters: readonly string[]): RegExp[] {
  return filters.map((f) => {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(f);
    try {
      const flags = m ? m[2]! : 'i';
      return new RegExp(m ? m[1]! : f, flags.includes('g') ? flags : flags + 'g');
    } catch (err) {
      throw new Error(`The caption filter "${f}" is not a valid regular expression: ${(err as Error).message}`);
    }
  });
}

/** Cleans a machine caption: preamble, user filters, line breaks and spaces, quotes around it, the trigger first. */
export function filterCaption(text: string, opts: FilterOptions): string {
  let t = text.replace(/\r\n|\r|\n/g, ' ');
  t = t.replace(/^\s*["'“”]+|["'“”]+\s*$/g, '');
  for (const re of PREAMBLES) t = t.replace(re, '');
  for (const re of compileFilters(opts.filters ?? [])) t = t.replace(re, '');
  t = t
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .trim();
  if (t) t = t[0]!.toUpperCase() + t.slice(1);
  return withTriggerLead(t, opts.trigger);
}

/** The caption with the trigger word as its first part (`trigger, text`), unless it already opens the text. */
export function withTriggerLead(text: string, trigger: string): string {
  const tr = cleanTag(trigger);
  if (!tr) return text;
  const lower = text.toLowerCase();
  const t = tr.toLowerCase();
  if (lower === t || lower.startsWith(t + ' ') || lower.startsWith(t + ',')) return text;
  return text ? `${tr}, ${text}` : tr;
}

/** Tags from a chat model's tag-list answer: cleaned, deduplicated, mapped through the vocabulary, unknown marked. */
export function tagsFromText(text: string, opts: FilterOptions & { vocabulary?: TagLookup }): SuggestedTag[] {
  let t = text.replace(/\r\n|\r|\n/g, ',');
  for (const re of compileFilters(opts.filters ?? [])) t = t.replace(re, '');
  const out: SuggestedTag[] = [];
  const seen = new Set<string>();
  const trigger = cleanTag(opts.trigger).toLowerCase();
  for (const raw of parseTags(t)) {
    const tag = raw
      .replace(/^(?:[-*•]\s*|\d+[.)]\s+)/, '')
      .replace(/^["'#]+|["'.]+$/g, '')
      .trim()
      .toLowerCase();
    if (!tag || tag === trigger || seen.has(tag)) continue;
    const canonical = opts.vocabulary?.canonical(tag);
    const name = canonical ?? tag;
    if (seen.has(name)) continue;
    seen.add(tag);
    seen.add(name);
    out.push(opts.vocabulary && canonical === undefined ? { tag: name, unknown: true } : { tag: name });
  }
  return out;
}

/** A tag list as a caption with the trigger word first. */
export function tagsCaption(tags: readonly string[], trigger: string): string {
  return serializeTags(withTriggerFirst(tags, trigger));
}
