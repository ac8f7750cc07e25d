/** `lora-tagger check <outputFolder> [--target T]`: the preflight and the target's rules, as Check Dataset runs them. */
import { summarizeFindings, withWorkerDecoder } from '../extension/dataset/export/datasetExport';
import type { AnyFinding } from '../extension/dataset/export/targetExport';
import { EXPORT_TARGETS, type ExportTarget } from '../extension/dataset/export/targets';
import type { CommandSpec } from './args';
import { checkWithCache, cliCacheDir } from './checkCache';
import { decodeWorkerScript, EXIT, outputFolderArg, stringFlag, withDataset, type Command } from './command';
import type { Output } from './output';

const spec: CommandSpec = {
  name: 'check',
  summary: "Check a dataset against a trainer's rules (CivitAI's by default) and the usual LoRA dataset mistakes.",
  details: [
    'Prints one line per finding (severity, image, rule, what to do). Exits with 1 when any finding is an error',
    '(something CivitAI would reject), so a CI job can stop before a training run; warnings and notes exit 0.',
    "What each image holds is cached (in $LORA_TAGGER_CACHE, else the user's cache folder), so checking the same",
    'dataset again decodes only the images that changed.',
  ],
  positionals: [{ name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' }],
  flags: [
    { name: 'target', value: 'T', choices: EXPORT_TARGETS, help: "the trainer (default: the session's, else civitai)" },
  ],
};

/** The check command. */
export const checkCommand: Command = {
  spec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, spec, ctx);
    const script = decodeWorkerScript();
    const given = stringFlag(args, 'target') as ExportTarget | undefined;
    const findings = await withDataset(folder, ctx.out, (dataset) => {
      const target = given ?? dataset.session.exportTarget ?? 'civitai';
      const onProgress = ctx.out.progress('Checking');
      return withWorkerDecoder(script, (decoder) =>
        checkWithCache(dataset, target, cliCacheDir(), decoder, { signal: ctx.signal, onProgress }),
      );
    });
    ctx.out.document(findings);
    printFindings(ctx.out, findings);
    ctx.out.line(`${folder}: ${summarizeFindings(findings)}.`);
    return findings.some((f) => f.severity === 'error') ? EXIT.failed : EXIT.ok;
  },
};

/** Prints findings one per line: `error    img_0003.jpg  too-small  message`. */
export function printFindings(out: Output, findings: readonly AnyFinding[]): void {
  const label = { error: 'error', warning: 'warning', info: 'note' } as const;
  for (const f of findings) {
    out.line(`${label[f.severity].padEnd(8)} ${f.file || '(dataset)'}  ${f.rule}  ${f.message}`);
  }
}
