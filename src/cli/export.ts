/** `lora-tagger export <outputFolder> [--out PATH]`: the preflight, then the CivitAI zip, as the batch command does. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  checkAndExport,
  isZipPath,
  summarizeFindings,
  withWorkerDecoder,
} from '../extension/dataset/export/datasetExport';
import { UsageError, type CommandSpec } from './args';
import { decodeWorkerScript, EXIT, outputFolderArg, stringFlag, withDataset, type Command } from './command';

const spec: CommandSpec = {
  name: 'export',
  summary: 'Check the dataset, then write the CivitAI zip: every image that is not skipped and its .txt, at the root.',
  details: [
    'The zip is written whatever the check finds (as the batch command does); errors are listed on stderr and in',
    'the JSON. Run "lora-tagger check" first to stop on them. A stopped or failed export leaves no partial zip.',
  ],
  positionals: [{ name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' }],
  flags: [
    { name: 'out', value: 'PATH', help: 'the zip to write (default: <prefix>_civitai.zip beside the output folder)' },
  ],
};

/** The export command. */
export const exportCommand: Command = {
  spec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, spec, ctx);
    const zipPath = zipPathArg(stringFlag(args, 'out'), ctx.cwd);
    const script = decodeWorkerScript();
    const { out } = ctx;
    const r = await withDataset(folder, out, (dataset) =>
      withWorkerDecoder(script, (decoder) =>
        checkAndExport(dataset, {
          decoder,
          zipPath,
          signal: ctx.signal,
          onCheckProgress: out.progress('Checking'),
          onExportProgress: out.progress('Writing the zip', 'bytes'),
        }),
      ),
    );
    for (const f of r.missingCaptions) out.warn(`${f} had no .txt; an empty caption was put in the zip.`);
    const errors = r.findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      out.warn(`CivitAI would reject part of this dataset (${summarizeFindings(r.findings)}); exported anyway:`);
      for (const f of errors) out.warn(`  ${f.file || '(dataset)'}  ${f.rule}  ${f.message}`);
    }
    out.document({ zipPath: r.zipPath, images: r.images, bytes: r.bytes, findings: r.findings });
    const mb = (r.bytes / 1024 / 1024).toFixed(1);
    out.line(`Exported ${r.images} images with their captions (${mb} MB) to ${r.zipPath}.`);
    if (r.findings.length && !errors.length) {
      out.line(`Check: ${summarizeFindings(r.findings)} (lora-tagger check lists them).`);
    }
    return EXIT.ok;
  },
};

function zipPathArg(given: string | undefined, cwd: string): string | undefined {
  if (given === undefined) return undefined;
  if (!isZipPath(given)) throw new UsageError(`--out must be the path of a .zip file (found "${given}")`, spec.name);
  const p = resolve(cwd, given);
  const parent = dirname(p);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new UsageError(`--out ${given}: the folder ${parent} does not exist; create it first`, spec.name);
  }
  if (existsSync(p) && statSync(p).isDirectory()) throw new UsageError(`--out ${given}: ${p} is a folder`, spec.name);
  return p;
}
