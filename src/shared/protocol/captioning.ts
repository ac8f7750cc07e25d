/** Machine captioning as the panel sees it (issue 12): suggestions waiting for review, a run's progress. */
import { z } from 'zod';
import { StagedName } from '../model';

/** A machine caption waiting for review (issue 12), as the panel shows it beside the current caption. */
export const SuggestionView = z.object({
  file: StagedName,
  text: z.string().max(100_000),
  /** The tagger's tags with their probabilities (absent for prose models). */
  tags: z
    .array(
      z.object({
        tag: z.string().max(500),
        score: z.number().min(0).max(1).optional(),
        unknown: z.boolean().optional(),
      }),
    )
    .max(2000)
    .optional(),
  provider: z.string().max(100),
  model: z.string().max(500),
});
export type SuggestionView = z.infer<typeof SuggestionView>;

/** The state of one image in a captioning run, as the filmstrip marks it. */
export const RunItemState = z.enum(['queued', 'running', 'done', 'suggested', 'skipped', 'failed']);
export type RunItemState = z.infer<typeof RunItemState>;

/** A captioning run on the panel's dataset: its progress and the state of each image it holds (issue 12). */
export const CaptionRunView = z.object({
  /** False once the run has ended (the states stay shown until the next run). */
  active: z.boolean(),
  paused: z.boolean(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  etaMs: z.number().nonnegative().optional(),
  items: z.array(z.object({ file: StagedName, state: RunItemState, error: z.string().max(2000).optional() })),
});
export type CaptionRunView = z.infer<typeof CaptionRunView>;

/** A person's answer to a suggestion. */
export const SuggestionAnswer = z.enum(['accept', 'merge', 'reject']);
export type SuggestionAnswer = z.infer<typeof SuggestionAnswer>;
