/** The WD tagger as a captioning provider: a model folder's engine and the tag options, tags with scores out. */
import { inlineEngine, workerEngine, type WdEngine } from './wdEngine';
import { abortError, ProviderError, type CaptionProvider, type ProviderInput, type ProviderResult } from '../provider';
import { tagsFromScores, type WdTagOptions } from './wdTags';

/** Options of the WD tagger provider. */
export interface WdTaggerOptions extends WdTagOptions {
  /** The folder holding `model.onnx` and `selected_tags.csv`. */
  modelFolder: string;
  /** Runs the model in a worker thread started from this script (dist/wdWorker.js); on this thread when absent. */
  workerScript?: string;
}

/** Loads the model (in the worker when one is given) and returns the provider; throws with what is wrong. */
export async function wdTaggerProvider(opts: WdTaggerOptions): Promise<CaptionProvider & { engine: WdEngine }> {
  const engine = opts.workerScript
    ? await workerEngine(opts.modelFolder, opts.workerScript)
    : await inlineEngine(opts.modelFolder);
  return {
    id: 'wd-tagger',
    model: engine.info.name,
    engine,
    async run(input: ProviderInput, signal: AbortSignal): Promise<ProviderResult> {
      if (signal.aborted) throw abortError(signal);
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        // An image already inside the model finishes there; its result is dropped.
        const scores = await Promise.race([engine.score(input.image), aborted]);
        return { kind: 'tags', tags: tagsFromScores(engine.info.labels, scores, opts) };
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        throw new ProviderError(`the tagger could not read it: ${(err as Error).message}`);
      } finally {
        signal.removeEventListener('abort', onAbort!);
        aborted.catch(() => undefined);
      }
    },
    dispose: () => engine.dispose(),
  };
}
