/**
 * Export for a target, for every front door: the preflight plus the target's own rules, then the CivitAI zip or the
 * target's folder. The result is the batch command's and the command line's `{ path, images, bytes, findings }`.
 */
import type { Dataset } from '../session/dataset';
import {
  checkAndExport,
  checkOpenDataset,
  exportEntries,
  writeCivitaiZip,
  type CheckAndExportOptions,
  type CheckOptions,
  type ProgressHook,
} from './datasetExport';
import { defaultFolderPath, exportFolder, type FolderExportInput } from './folderExport';
import type { Finding } from './preflight';
import { checkTarget, TARGET_RULES, type ExportTarget, type TargetFinding } from './targets';
import { renderExportImage } from './cropExport';

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

function folderInput(dataset: Dataset, target: ExportTarget, opts: TargetOptions): FolderExportInput {
  const s = dataset.session;
  const records = new Map(s.images.map((r) => [r.file, r]));
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
    render: async (file) => {
      const rec = records.get(file);
      return rec?.crop ? renderExportImage(dataset.outputFolder, rec, target, opts.resolution) : undefined;
    },
  };
}

/** The preflight and the rules of `target` over an open dataset. */
export async function checkForTarget(
  dataset: Dataset,
  target: ExportTarget,
  opts: CheckOptions & TargetOptions = {},
): Promise<AnyFinding[]> {
  const findings: AnyFinding[] = await checkOpenDataset(dataset, opts);
  return findings.concat(targetRuleFindings(dataset, target, opts));
}

/** The rules of `target` alone over the images of an open dataset that are not skipped (no decoding). */
export function targetRuleFindings(dataset: Dataset, target: ExportTarget, opts: TargetOptions = {}): TargetFinding[] {
  const s = dataset.session;
  const images = s.images
    .filter((i) => i.status !== 'skipped')
    .map((i) => ({ file: i.file, caption: dataset.caption(i.file) }));
  const { triggerPlaceholder, className } = opts;
  return checkTarget(target, {
    triggerPlaceholder,
    className,
    triggerWord: s.triggerWord,
    captionStyle: s.captionStyle,
    images,
  });
}

/** Checks, then exports for `target` whatever the check found (the findings come back for the caller to judge). */
export async function exportForTarget(
  dataset: Dataset,
  target: ExportTarget,
  opts: Omit<CheckAndExportOptions, 'zipPath'> & TargetOptions = {},
): Promise<TargetExportSummary & { missingCaptions: string[] }> {
  if (target === 'civitai') {
    const r = await checkAndExport(dataset, { ...opts, zipPath: opts.path });
    const own = targetRuleFindings(dataset, 'civitai');
    return {
      path: r.zipPath,
      images: r.images,
      bytes: r.bytes,
      findings: [...r.findings, ...own],
      missingCaptions: r.missingCaptions,
    };
  }
  const { decoder, facts, signal } = opts;
  const findings = await checkForTarget(dataset, target, {
    ...opts,
    decoder,
    facts,
    signal,
    onProgress: opts.onCheckProgress,
  });
  opts.onChecked?.(findings.filter((f): f is Finding => !isTargetRule(f)));
  const r = await writeForTarget(dataset, target, { ...opts, onProgress: opts.onExportProgress });
  const missingCaptions = exportEntries(dataset)
    .map((e) => e.file)
    .filter((f) => dataset.caption(f) === '');
  return { ...r, findings, missingCaptions };
}

/** Writes the export of `target` without checking first (the caller ran the check). */
export async function writeForTarget(
  dataset: Dataset,
  target: ExportTarget,
  opts: TargetOptions & { signal?: AbortSignal; onProgress?: ProgressHook } = {},
): Promise<{ path: string; images: number; bytes: number }> {
  const { signal, onProgress } = opts;
  if (target === 'civitai') {
    const r = await writeCivitaiZip(dataset, opts.path, { signal, onProgress });
    return { path: r.zipPath, images: r.images, bytes: r.bytes };
  }
  const dest = opts.path ?? defaultFolderPath(dataset.outputFolder, dataset.session.prefix, target);
  return exportFolder(target, folderInput(dataset, target, opts), dest, { signal, onProgress });
}

/** True for a finding of a target's own rules (not the preflight's). */
export function isTargetRule(f: AnyFinding): f is TargetFinding {
  return Object.hasOwn(TARGET_RULES, f.rule);
}
