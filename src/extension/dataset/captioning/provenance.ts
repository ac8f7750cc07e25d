/**
 * Who wrote a caption: the per-image provenance of machine captions and suggestions as `session.json` stores it,
 * and the "machine-written, not reviewed yet" rule. A record holds a hash of the text the machine wrote, so a
 * caption a person changed since (in the panel, an editor or another program) no longer counts as the machine's.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A short hash of a caption's text (recorded instead of the text). */
export function captionHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** Which provider, model and prompt preset wrote something, and when. */
export const MachineSource = z.object({
  provider: z.enum(['wd-tagger', 'openai', 'vscode-lm']),
  model: z.string().max(500),
  /** The prompt preset's id ('' for the tagger, which takes no prompt). */
  preset: z.string().max(100).default(''),
  at: z.string(),
});
/** Which provider, model and prompt preset wrote something, and when. */
export type MachineSource = z.infer<typeof MachineSource>;

/** A caption the machine wrote: its source, the hash of what it wrote, and whether a person has looked since. */
export const MachineCaption = MachineSource.extend({
  hash: z.string().max(64),
  /** The run that wrote it (its start time). */
  run: z.string().max(100),
  /** Set once a person edited the caption or accepted it; absent while nobody has. */
  reviewed: z.enum(['edited', 'accepted']).optional(),
});
/** A caption the machine wrote. */
export type MachineCaption = z.infer<typeof MachineCaption>;

/** One suggested tag with the model's probability (the tagger) and whether the vocabulary knows it. */
export const SuggestedTag = z.object({
  tag: z.string().max(500),
  score: z.number().min(0).max(1).optional(),
  unknown: z.boolean().optional(),
});
/** One suggested tag. */
export type SuggestedTag = z.infer<typeof SuggestedTag>;

/** A result waiting for a person: accept, merge or reject. */
export const Suggestion = MachineSource.extend({
  text: z.string().max(100_000),
  tags: z.array(SuggestedTag).max(2000).optional(),
  /** The run whose undo takes back an accepted suggestion. */
  run: z.string().max(100),
});
/** A result waiting for a person. */
export type Suggestion = z.infer<typeof Suggestion>;

/** True while a machine caption is on disk as the machine wrote it and nobody has reviewed it. */
export function isUnreviewed(machine: MachineCaption | undefined, caption: string): boolean {
  return !!machine && !machine.reviewed && captionHash(caption) === machine.hash;
}

/** The modes a run writes in. */
export const WriteMode = z.enum(['fill-empty', 'append', 'replace', 'suggest']);
/** The modes a run writes in. */
export type WriteMode = z.infer<typeof WriteMode>;

/** A run's options that may be recorded (never a key): enough to resume it after a window reload. */
export const RecordedOptions = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
);

/** The unfinished part of a captioning run, kept in the session so a reloaded window resumes it. */
export const CaptionQueue = z.object({
  /** The run's id: its start time, also the `at` of its entry in the undo history. */
  run: z.string().max(100),
  label: z.string().max(500),
  provider: MachineSource.shape.provider,
  mode: WriteMode,
  options: RecordedOptions.default({}),
  /** Images not finished yet, each with the hash of its caption when it was queued. */
  pending: z.array(z.object({ file: z.string().min(1).max(255), hash: z.string().max(64) })),
});
/** The unfinished part of a captioning run. */
export type CaptionQueue = z.infer<typeof CaptionQueue>;
