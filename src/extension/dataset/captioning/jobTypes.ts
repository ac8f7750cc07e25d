/** The types of a captioning run (captionJob.ts): its options, what it reports as it goes, and what it did. */
import type { z } from 'zod';
import type { CaptionWriter } from '../tags/tagOperations';
import type { CaptionQueue, RecordedOptions, WriteMode } from './provenance';
import type { CaptionProvider } from './provider';
import type { TagLookup } from './wd/wdTags';

/** The state of one image in a run, as the filmstrip shows it. */
export type ItemState = 'queued' | 'running' | 'done' | 'suggested' | 'skipped' | 'failed';

/** What a run reports as it goes. */
export type JobEvent =
  | { type: 'item'; file: string; state: ItemState; error?: string; text?: string }
  | { type: 'progress'; done: number; total: number; etaMs?: number; paused: boolean };

/** Options of a run. */
export interface JobOptions {
  provider: CaptionProvider;
  /** The images, in order (ignored when resuming a recorded queue). */
  files: readonly string[];
  mode: WriteMode;
  /** Preset id, or 'custom'. */
  preset: string;
  /** The prompt template (placeholders filled per image) and the system prompt. */
  prompt: string;
  system?: string;
  output: 'caption' | 'tags';
  filters?: readonly string[];
  vocabulary?: TagLookup;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Tries after the first for a retryable failure (default 4). */
  retries?: number;
  /** First backoff in ms, doubled each try (default 1000); Retry-After wins when the server sends it. */
  retryBaseMs?: number;
  /** Longest single wait between tries (default 60000). */
  maxRetryWaitMs?: number;
  /** Writes one caption; Dataset.setCaption by default (the extension passes the panel's writer). */
  write?: CaptionWriter;
  /** Options recorded with the queue so a reloaded window can resume the run (never a key). */
  recorded?: z.infer<typeof RecordedOptions>;
  /** The recorded queue to continue instead of `files`. */
  resume?: CaptionQueue;
  onEvent?(e: JobEvent): void;
}

/** What a finished run did. */
export interface JobResult {
  run: string;
  captioned: number;
  suggested: number;
  skipped: number;
  failed: { file: string; error: string }[];
  /** True when the run was cancelled or interrupted before the end. */
  stopped: boolean;
}
