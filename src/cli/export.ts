/**
 * `lora-tagger export <outputFolder> [--target T] [--out PATH]`: the preflight and the target's rules, then the
 * CivitAI zip or the trainer's folder (targets.ts, folderExport.ts), as the batch command does.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isZipPath, summarizeFindings, withWorkerDecoder } from '../extension/dataset/export/datasetExport';
import { exportForTarget } from '../extension/dataset/export/targetExport';
import { EXPORT_TARGETS, TARGET_LABELS, type ExportTarget } from '../extension/dataset/export/targets';
import { UsageError, type CommandSpec } from './args';
import { decodeWorkerScript, EXIT, outputFolderArg, stringFlag, withDataset, type Command } from './command';

const spec: CommandSpec = {
  name: 'export',
  summary:
    "Check the dataset for a trainer, then write its export: CivitAI's zip, or a folder with the trainer's config.",
  details: [
    'The zip is written whatever the check finds (as the batch command does); errors are listed on stderr and in',
    'the JSON. Run "lora-tagger check" first to stop on them. A stopped or failed export leaves nothing partial.',
    ...EXPORT_TARGETS.map((t) => `  ${t.padEnd(12)} ${TARGET_LABELS[t]}`),
  ],
  positionals: [{ name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' }],
  flags: [
    { name: 'target', value: 'T', choices: EXPORT_TARGETS, help: "the trainer (default: the session's, else civitai)" },
    {
      name: 'out',
      value: 'PATH',
      help: 'the zip or folder to write (default: <prefix>_<target>[.zip] beside the output folder)',
    },
  ],
};

/** The export command. */
export const exportCommand: Command = {
  spec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, spec, ctx);
    const given = stringFlag(args, 'target') as ExportTarget | undefined;
    const outFlag = stringFlag(args, 'out');
    if (given) outPathArg(outFlag, ctx.cwd, given); // a bad --out is a usage error before the session is opened
    let target: ExportTarget = given ?? 'civitai';
    const script = decodeWorkerScript();
    const { out } = ctx;
    const r = await withDataset(folder, out, (dataset) => {
      target = given ?? dataset.session.exportTarget ?? 'civitai';
      const path = outPathArg(outFlag, ctx.cwd, target);
      return withWorkerDecoder(script, (decoder) =>
        exportForTarget(dataset, target, {
          decoder,
          path,
          signal: ctx.signal,
          onCheckProgress: out.progress('Checking'),
          onExportProgress: target === 'civitai' ? out.progress('Writing the zip', 'bytes') : out.progress('Writing'),
        }),
      );
    });
    if (target === 'civitai')
      for (const f of r.missingCaptions) out.warn(`${f} had no .txt; an empty caption was put in the zip.`);
    const errors = r.findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      out.warn(`The check found errors for ${target} (${summarizeFindings(r.findings)}); exported anyway:`);
      for (const f of errors) out.warn(`  ${f.file || '(dataset)'}  ${f.rule}  ${f.message}`);
    }
    const doc = { target, path: r.path, images: r.images, bytes: r.bytes, findings: r.findings };
    out.document(target === 'civitai' ? { ...doc, zipPath: r.path } : doc);
    const mb = (r.bytes / 1024 / 1024).toFixed(1);
    const forWhom = target === 'civitai' ? '' : `, for ${target}`;
    out.line(`Exported ${r.images} images with their captions (${mb} MB) to ${r.path}${forWhom}.`);
    if (r.findings.length && !errors.length) {
      out.line(`Check: ${summarizeFindings(r.findings)} (lora-tagger check lists them).`);
    }
    return EXIT.ok;
  },
};

function outPathArg(given: string | undefined, cwd: string, target: ExportTarget): string | undefined {
  if (given === undefined) return undefined;
  if (target === 'civitai' && !isZipPath(given)) {
    throw new UsageError(`--out must be the path of a .zip file (found "${given}")`, spec.name);
  }
  if (target !== 'civitai' && isZipPath(given)) {
    throw new UsageError(`--out for ${target} is the folder to write, not a .zip (found "${given}")`, spec.name);
  }
  const p = resolve(cwd, given);
  const parent = dirname(p);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new UsageError(`--out ${given}: the folder ${parent} does not exist; create it first`, spec.name);
  }
  if (target === 'civitai' && existsSync(p) && statSync(p).isDirectory()) {
    throw new UsageError(`--out ${given}: ${p} is a folder`, spec.name);
  }
  if (target !== 'civitai' && existsSync(p) && !statSync(p).isDirectory()) {
    throw new UsageError(`--out ${given}: ${p} is a file; give a folder path`, spec.name);
  }
  return p;
}
