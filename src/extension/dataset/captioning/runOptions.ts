/**
 * The options of a captioning run as both front doors take them (the `loraTagger.autoCaption` batch form and
 * `lora-tagger caption`), checked with zod; which images a scope selects; and the engine's providers built from
 * them (the WD tagger and OpenAI-compatible; `vscode.lm` is built by the host layer).
 */
import { z } from 'zod';
import { isTagged } from '../../../shared/caption';
import type { Dataset } from '../session/dataset';
import { openAiProvider } from './openai/openaiCompatible';
import { findPreset, PRESETS } from './prompts';
import { WriteMode, type RecordedOptions } from './provenance';
import type { CaptionProvider } from './provider';
import { wdTaggerProvider } from './wd/wdTagger';
import { WD_DEFAULTS, type TagLookup } from './wd/wdTags';

const Threshold = z.number().min(0).max(1);

/** A run's options; unknown keys are refused so a misspelt option is not silently ignored. */
export const RunOptions = z
  .object({
    provider: z.enum(['wd-tagger', 'openai', 'vscode-lm']),
    scope: z.union([z.enum(['untagged', 'all', 'current']), z.array(z.string().min(1)).min(1)]).default('untagged'),
    mode: WriteMode.default('fill-empty'),
    modelFolder: z.string().min(1).optional(),
    generalThreshold: Threshold.default(WD_DEFAULTS.generalThreshold),
    characterThreshold: Threshold.default(WD_DEFAULTS.characterThreshold),
    maxTags: z.number().int().min(1).max(500).default(WD_DEFAULTS.maxTags),
    ratings: z.enum(['drop', 'top']).default('drop'),
    exclude: z.array(z.string()).default([]),
    baseUrl: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    model: z.string().min(1).optional(),
    /** A preset id or the prompt text itself. */
    prompt: z.string().min(1).default('flux-natural'),
    system: z.string().default(''),
    maxTokens: z.number().int().min(1).max(32768).default(300),
    temperature: z.number().min(0).max(2).default(0.2),
    concurrency: z.number().int().min(1).max(64).optional(),
    timeoutMs: z.number().int().min(100).max(3_600_000).default(120_000),
    stream: z.boolean().default(false),
    longSide: z.number().int().min(64).max(4096).default(1024),
    filters: z.array(z.string()).default([]),
  })
  .strict();
/** A run's options after defaults. */
export type RunOptions = z.infer<typeof RunOptions>;

/** Parses a run's options; throws an Error listing what is wrong. */
export function parseRunOptions(raw: unknown): RunOptions {
  const r = RunOptions.safeParse(raw ?? {});
  if (!r.success) throw new Error(`Invalid captioning options: ${z.prettifyError(r.error)}`);
  const o = r.data;
  if (o.provider === 'wd-tagger' && !o.modelFolder)
    throw new Error('The WD tagger needs modelFolder: a folder with model.onnx and selected_tags.csv.');
  if (o.provider === 'openai' && (!o.baseUrl || !o.model))
    throw new Error('The OpenAI-compatible provider needs baseUrl and model.');
  return o;
}

/** The prompt template, preset id and output kind of a run's `prompt` (a preset id or the user's own text). */
export function promptOf(o: RunOptions): { template: string; preset: string; output: 'caption' | 'tags' } {
  if (o.provider === 'wd-tagger') return { template: '', preset: '', output: 'tags' };
  const p = findPreset(o.prompt);
  return p
    ? { template: p.prompt, preset: p.id, output: p.output }
    : { template: o.prompt, preset: 'custom', output: 'caption' };
}

/** The ids of the built-in prompt presets (for help texts). */
export const PRESET_IDS = PRESETS.map((p) => p.id);

/** The images a scope selects, in dataset order; `current` is the image the panel is on. Skipped images never. */
export function selectImages(ds: Dataset, scope: RunOptions['scope']): string[] {
  const s = ds.session;
  const live = s.images.filter((i) => i.status !== 'skipped');
  if (Array.isArray(scope)) {
    const known = new Set(s.images.map((i) => i.file));
    const missing = scope.filter((f) => !known.has(f));
    if (missing.length)
      throw new Error(`Not images of the dataset in ${ds.outputFolder}: ${missing.slice(0, 5).join(', ')}.`);
    return [...new Set(scope)];
  }
  if (scope === 'current') {
    const f = s.currentFile ?? s.images[0]?.file;
    return f ? [f] : [];
  }
  if (scope === 'all') return live.map((i) => i.file);
  return live.filter((i) => !isTagged(ds.caption(i.file), s.triggerWord)).map((i) => i.file);
}

/** The options recorded with the queue for a resume: everything but secrets (there are none in RunOptions). */
export function recordedOptions(o: RunOptions): z.infer<typeof RecordedOptions> {
  const out: z.infer<typeof RecordedOptions> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'scope') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v;
  }
  return out;
}

/** What building an engine provider needs from its caller. */
export interface ProviderDeps {
  apiKey?: string;
  /** dist/wdWorker.js: the tagger runs in a worker thread when given. */
  wdWorkerScript?: string;
  vocabulary?: TagLookup;
}

/** Builds the WD tagger or the OpenAI-compatible provider for a run; throws with what is wrong. */
export async function engineProvider(o: RunOptions, deps: ProviderDeps): Promise<CaptionProvider> {
  if (o.provider === 'wd-tagger') {
    return wdTaggerProvider({
      modelFolder: o.modelFolder!,
      workerScript: deps.wdWorkerScript,
      generalThreshold: o.generalThreshold,
      characterThreshold: o.characterThreshold,
      maxTags: o.maxTags,
      ratings: o.ratings,
      exclude: o.exclude,
      vocabulary: deps.vocabulary,
    });
  }
  if (o.provider === 'openai') {
    return openAiProvider({
      baseUrls: Array.isArray(o.baseUrl) ? o.baseUrl : [o.baseUrl!],
      model: o.model!,
      apiKey: deps.apiKey,
      maxTokens: o.maxTokens,
      temperature: o.temperature,
      timeoutMs: o.timeoutMs,
      stream: o.stream,
      longSide: o.longSide,
      output: promptOf(o).output,
    });
  }
  throw new Error('VS Code language models run only inside VS Code.');
}

/** The default requests in flight: the tagger keeps its one worker busy, a server gets four. */
export function defaultConcurrency(o: RunOptions): number {
  return o.concurrency ?? (o.provider === 'wd-tagger' ? 2 : o.provider === 'vscode-lm' ? 2 : 4);
}

/** True when a URL's host is this machine (localhost, 127.0.0.0/8, ::1). */
export function isLocalUrl(url: string): boolean {
  let h: string;
  try {
    h = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '[::1]' || h === '::1'
  );
}
