/**
 * The one small interface every captioning provider implements (the WD tagger on ONNX Runtime, OpenAI-compatible
 * HTTP, VS Code's language models in the host layer): an image and options in, a caption or scored tags out, the
 * AbortSignal honoured. Providers know nothing about captions on disk; the job queue (captionJob.ts) owns
 * concurrency, retries, progress, pausing and the write policy.
 */

/** The providers a run can use. */
export type ProviderId = 'wd-tagger' | 'openai' | 'vscode-lm';

/** One tag with the model's probability and its tagger category. */
export interface ScoredTag {
  tag: string;
  score: number;
  category: 'rating' | 'general' | 'character';
}

/** What a provider returns for one image. */
export type ProviderResult = { kind: 'caption'; text: string } | { kind: 'tags'; tags: ScoredTag[] };

/** What a provider is given for one image. */
export interface ProviderInput {
  /** Staged file name, for prompts and error messages. */
  file: string;
  /** The image file's bytes, as on disk. */
  image: Uint8Array;
  /** The prompt with its placeholders filled (chat providers; the tagger ignores it). */
  prompt: string;
  /** The system prompt, '' for none. */
  system: string;
}

/** A captioning provider. */
export interface CaptionProvider {
  readonly id: ProviderId;
  /** The model's name as recorded in the provenance (a model id, or the WD model folder's name). */
  readonly model: string;
  /**
   * Starts, without waiting, the work that run() does before its request (the chat provider's downscale and
   * re-encode), so the job queue can overlap it with another image's request. Optional; run() works without it.
   */
  prepare?(input: ProviderInput): void;
  /** Captions or tags one image; rejects with a ProviderError (or an AbortError once `signal` aborts). */
  run(input: ProviderInput, signal: AbortSignal): Promise<ProviderResult>;
  /** Frees the model, workers and connections. */
  dispose(): Promise<void>;
}

/** A failure of one image, with whether trying again may help and when. */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** True for a busy or failing server (429, 5xx, a dropped connection, a timeout). */
    readonly retryable = false,
    /** How long the server asked us to wait (Retry-After), in milliseconds. */
    readonly retryAfterMs?: number,
    /** True when no later image can succeed either (a wrong model, a refused key): the run stops. */
    readonly fatal = false,
  ) {
    super(message);
  }
}

/** The error an aborted operation rejects with (the DOM's AbortError name, so callers can tell it apart). */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return Object.assign(new Error('The captioning run was stopped.'), { name: 'AbortError' });
}

/** True for an error an abort caused. */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}
