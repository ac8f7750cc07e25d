/**
 * `lora-tagger caption <outputFolder>`: machine captioning from the command line, with the same options as the
 * `loraTagger.autoCaption` batch form in kebab case. The WD tagger runs in a worker thread (dist/wdWorker.js);
 * the OpenAI-compatible provider's API key comes from LORA_TAGGER_API_KEY, never from an argument (which other
 * users of the machine could read). VS Code's language models exist only inside VS Code.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CaptionJob } from '../extension/dataset/captioning/captionJob';
import {
  defaultConcurrency,
  engineProvider,
  parseRunOptions,
  PRESET_IDS,
  promptOf,
  recordedOptions,
  selectImages,
} from '../extension/dataset/captioning/runOptions';
import { UsageError, type ParsedArgs } from './args';
import { EXIT, outputFolderArg, stringFlag, withDataset, type Command } from './command';

const NUMBERS = [
  'general-threshold',
  'character-threshold',
  'max-tags',
  'concurrency',
  'timeout-ms',
  'max-tokens',
] as const;

/** The run's options from the flags (kebab case to the batch form's names); a UsageError for a bad value. */
function optionsFrom(args: ParsedArgs): Record<string, unknown> {
  const o: Record<string, unknown> = { provider: stringFlag(args, 'provider') };
  const put = (flag: string, key: string) => {
    const v = stringFlag(args, flag);
    if (v !== undefined) o[key] = v;
  };
  put('model-folder', 'modelFolder');
  put('model', 'model');
  put('prompt', 'prompt');
  put('scope', 'scope');
  put('mode', 'mode');
  put('ratings', 'ratings');
  const base = stringFlag(args, 'base-url');
  if (base !== undefined)
    o.baseUrl = base
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (const flag of NUMBERS) {
    const v = stringFlag(args, flag);
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, not "${v}"`, 'caption');
    o[flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = n;
  }
  if (args.flags.stream === true) o.stream = true;
  return o;
}

function wdWorkerScript(): string {
  const script = join(__dirname, 'wdWorker.js');
  if (!existsSync(script))
    throw new Error(
      `The tagger's worker ${script} is missing beside ${join(__dirname, 'cli.js')}. Run "npm run build" again.`,
    );
  return script;
}

/** The `caption` command. */
export const captionCommand: Command = {
  spec: {
    name: 'caption',
    summary: 'Caption or tag images by machine: a local WD tagger (ONNX) or an OpenAI-compatible vision model.',
    details: [
      'Writes through the same engine as VS Code: one undoable run (lora-tagger tags undo takes it back), a caption',
      'edited while the run goes is never overwritten (the result becomes a suggestion), provenance in session.json.',
      'The API key for --provider openai is read from the environment variable LORA_TAGGER_API_KEY.',
    ],
    positionals: [{ name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' }],
    flags: [
      { name: 'provider', value: 'P', choices: ['wd-tagger', 'openai'], required: true, help: 'which captioner runs' },
      { name: 'model-folder', value: 'DIR', help: 'wd-tagger: the folder with model.onnx and selected_tags.csv' },
      { name: 'general-threshold', value: 'X', help: 'wd-tagger: keep general tags at or above this (0.35)' },
      { name: 'character-threshold', value: 'X', help: 'wd-tagger: keep character tags at or above this (0.85)' },
      { name: 'max-tags', value: 'N', help: 'wd-tagger: keep at most N tags, most probable first (50)' },
      {
        name: 'ratings',
        value: 'R',
        choices: ['drop', 'top'],
        help: 'wd-tagger: drop the rating, or add the top one (drop)',
      },
      {
        name: 'base-url',
        value: 'URL',
        help: 'openai: base URL, e.g. http://127.0.0.1:11434/v1; several comma-separated are used in turn',
      },
      { name: 'model', value: 'NAME', help: 'openai: the model, e.g. qwen2.5vl:7b' },
      {
        name: 'prompt',
        value: 'TEXT',
        help: `openai: a preset (${PRESET_IDS.join(', ')}) or your own prompt (flux-natural)`,
      },
      { name: 'max-tokens', value: 'N', help: 'openai: longest answer in tokens (300)' },
      { name: 'concurrency', value: 'N', help: 'requests in flight at once (openai 4, wd-tagger 2)' },
      { name: 'timeout-ms', value: 'N', help: 'openai: give up on one image after this long (120000)' },
      { name: 'stream', help: 'openai: ask for a streamed answer' },
      { name: 'scope', value: 'S', choices: ['untagged', 'all'], help: 'which images: untagged (the default) or all' },
      {
        name: 'mode',
        value: 'M',
        choices: ['fill-empty', 'append', 'replace', 'suggest'],
        help: 'how results are written (fill-empty)',
      },
    ],
  },
  async run(args, ctx) {
    let o;
    try {
      o = parseRunOptions(optionsFrom(args));
    } catch (err) {
      throw new UsageError((err as Error).message, 'caption');
    }
    const folder = await outputFolderArg(args, this.spec, ctx);
    const { out } = ctx;
    const apiKey = process.env.LORA_TAGGER_API_KEY || undefined;
    const r = await withDataset(folder, out, async (ds) => {
      const files = selectImages(ds, o.scope);
      const provider = await engineProvider(o, {
        apiKey,
        wdWorkerScript: o.provider === 'wd-tagger' ? wdWorkerScript() : undefined,
      });
      try {
        const p = promptOf(o);
        const progress = out.progress('Captioning');
        const job = new CaptionJob(ds, {
          provider,
          files,
          mode: o.mode,
          preset: p.preset,
          prompt: p.template,
          system: o.system,
          output: p.output,
          filters: o.filters,
          concurrency: defaultConcurrency(o),
          recorded: recordedOptions(o),
          onEvent: (e) => {
            if (e.type === 'progress') progress(e.done, e.total, '');
            else if (e.state === 'failed') out.warn(`${e.file}: ${e.error}`);
          },
        });
        const onAbort = () => job.cancel();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        try {
          return await job.start();
        } finally {
          ctx.signal.removeEventListener('abort', onAbort);
          out.endProgress();
        }
      } finally {
        await provider.dispose();
      }
    });
    out.document({ captioned: r.captioned, suggested: r.suggested, skipped: r.skipped, failed: r.failed });
    out.line(`Captioned ${r.captioned}, suggested ${r.suggested}, skipped ${r.skipped}, failed ${r.failed.length}.`);
    if (r.captioned > 0) out.line(`Undo: lora-tagger tags undo ${args.positionals.outputFolder}`);
    if (ctx.signal.aborted) return EXIT.interrupted;
    return r.failed.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
