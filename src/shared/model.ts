/**
 * The domain types both sides share and the session file stores: staged names, caption styles, image statuses,
 * tag categories, vocabulary suggestions. The wire protocol (protocol.ts) and the on-disk schema
 * (extension/dataset/session/schema.ts) both build on these, so neither depends on the other.
 */
import { z } from 'zod';

/** A staged file name: no separators, no `..`, so it can only name a file inside the output folder. */
export const StagedName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[\\/]/.test(s) && s !== '.' && s !== '..' && !s.includes('\0'), 'not a plain file name');

/** The trainers a dataset is exported for (session.json `exportTarget`; CivitAI when absent). */
export const EXPORT_TARGETS = ['civitai', 'kohya', 'ai-toolkit', 'simpletuner', 'huggingface'] as const;
/** One export target. */
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export const CaptionStyle = z.enum(['tags', 'natural']);
export type CaptionStyle = z.infer<typeof CaptionStyle>;

export const ImageStatus = z.enum(['untagged', 'tagged', 'skipped']);
export type ImageStatus = z.infer<typeof ImageStatus>;

/** A named group of tags in the palette (set by the user, kept in session.json). */
export const TagCategory = z.object({ name: z.string().min(1), tags: z.array(z.string()) });
export type TagCategory = z.infer<typeof TagCategory>;

/** One autocomplete suggestion from a vocabulary file. */
export const VocabSuggestion = z.object({
  name: z.string(),
  category: z.string().optional(),
  count: z.number().optional(),
  alias: z.string().optional(),
});
export type VocabSuggestion = z.infer<typeof VocabSuggestion>;

/** How many tags the recent list keeps (session.json and the panel's shelf agree on it). */
export const RECENT_TAGS_MAX = 20;
