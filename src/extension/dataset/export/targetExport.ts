/**
 * Export for a target, for every front door: the preflight plus the target's own rules, then the CivitAI zip or the
 * target's folder. The result is the batch command's and the command line's `{ path, images, bytes, findings }`.
 */
import type { Dataset } from '../session/dataset';
import { checkAndExport, checkOpenDataset, exportEntries, type CheckOptions, type CheckAndExportOptions } from './datasetExport';
import { defaultFolderPath, exportFolder, type FolderExportInput } from './folderExport';
import type { Finding } from './preflight';
import { checkTarget, type ExportTarget, type TargetFinding } from './targets';

/** A finding of the preflight or of a target's rules. */
export type AnyFinding = Finding | TargetFinding;

/** Per-target options of an export (the batch form's options). */
export interface TargetOptions {
  /** Where the zip or folder goes; default `<prefix>_civitai.zip` or `<prefix>_<target>` beside the output folder. */
  path?: string;
  /** ai-toolkit: write `[trigger]` in the captions for the trigger word. */
  triggerPlaceholder?: boolean;
  /** kohya: the class word of the folder name and class_tokens. */
  className?: string;
  /** kohya: repeats per epoch. */
  repeats?: number;
  /** Training resolution in the configs. */
  resolution?: number;
}

/** What an export for a target returns. */
export interface TargetExportSummary {
  path: string;
  images: number;
  bytes: number;
  findings: AnyFinding[];
}

function folderInput(dataset: Dataset, opts: TargetOptions): FolderExportInput {
  const s = dataset.session;
  const images = exportEntries(dataset).map(({ file }) => ({ file, caption: dataset.caption(file) }));
  return {
    outputFolder: dataset.outputFolder,
    prefix: s.prefix,
    triggerWord: s.triggerWord,
    captionStyle: s.captionStyle,
    images,
    triggerPlaceholder: opts.triggerPlaceholder,
    className: opts.className,
    repeats: opts.repeats,
    resolution: opts.resolution,
  };
}

/** The preflight and the rules of `target` over an open dataset. */
export async function checkForTarget(
  dataset: Dataset,
  target: ExportTarget,
  opts: CheckOptions & TargetOptions = {},
): Promise<AnyFinding[]> {
  const findings: AnyFinding[] = await checkOpenDataset(dataset, opts);
  const skipped = new Set(dataset.session.images.filter((i) => i.status === 'skipped').map((i) => i.file));
  const images = dataset.session.images.filter((i) => !skipped.has(i.file)).map((i) => ({ file: i.file, caption: dataset.caption(i.file) }));
  const s = dataset.session;
  return findings.concat(checkTarget(target, { ...opts, triggerWord: s.triggerWord, captionStyle: s.captionStyle, images }));
}

/** Checks, then exports for `target` whatever the check found (the findings come back for the caller to judge). */
export async function exportForTarget(
  dataset: Dataset,
  target: ExportTarget,
  opts: Omit<CheckAndExportOptions, 'zipPath'> & TargetOptions = {},
): Promise<TargetExportSummary & { missingCaptions: string[] }> {
  if (target === 'civitai') {
    const r = await checkAndExport(dataset, { ...opts, zipPath: opts.path });
    const s = dataset.session;
    const images = exportEntries(dataset).map(({ file }) => ({ file, caption: dataset.caption(file) }));
    const own = checkTarget('civitai', { triggerWord: s.triggerWord, captionStyle: s.captionStyle, images });
    return { path: r.zipPath, images: r.images, bytes: r.bytes, findings: [...r.findings, ...own], missingCaptions: r.missingCaptions };
  }
  const input = folderInput(dataset, opts);
  const { decoder, facts, signal } = opts;
  const findings = await checkForTarget(dataset, target, { ...opts, decoder, facts, signal, onProgress: opts.onCheckProgress });
  opts.onChecked?.(findings.filter((f): f is Finding => !isTargetRule(f)));
  const dest = opts.path ?? defaultFolderPath(dataset.outputFolder, dataset.session.prefix, target);
  const r = await exportFolder(target, input, dest, { signal, onProgress: opts.onExportProgress });
  const missingCaptions = input.images.filter((i) => dataset.caption(i.file) === '').map((i) => i.file);
  return { ...r, findings, missingCaptions };
}

function isTargetRule(f: AnyFinding): f is TargetFinding {
  return /^(kohya|ai-toolkit|simpletuner|civitai|huggingface)-/.test(f.rule);
}
