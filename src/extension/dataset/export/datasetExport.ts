/**
 * Checking and exporting an open dataset, for both front doors (the VS Code commands and the command line): the
 * preflight over the session's images and their captions, then the CivitAI zip of every image that is not skipped.
 */
import type { Dataset } from '../session/dataset';
import { WorkerDecoder, type Decoder } from '../images/decodePool';
import type { FactsSource } from './checkRules';
import { checkDataset, type Finding, type PreflightInput } from './preflight';
import { defaultZipPath, exportZip, type ExportEntry, type ExportResult } from './zipExport';
import { writtenCaption } from './targets';
import { renderExportImage } from './cropExport';

/** Reports progress: done, of the total (images for the check, bytes for the zip), and the current file. */
export type ProgressHook = (done: number, total: number, file: string) => void;

/** Options of checkOpenDataset. */
export interface CheckOptions {
  /** Where images are decoded; the front doors pass a WorkerDecoder (see withWorkerDecoder). */
  decoder?: Decoder;
  /** Where each image's decode comes from instead: the dataset's ImagePipeline (cached). */
  facts?: FactsSource;
  signal?: AbortSignal;
  onProgress?: ProgressHook;
}

/** What an export returns: the batch command's and the command line's result. */
export interface ExportSummary {
  zipPath: string;
  images: number;
  bytes: number;
  findings: Finding[];
}

/** Options of checkAndExport. */
export interface CheckAndExportOptions {
  decoder?: Decoder;
  /** The dataset's ImagePipeline, whose cached facts the check reuses (see CheckOptions.facts). */
  facts?: FactsSource;
  /** Where the zip goes; default `<prefix>_civitai.zip` beside the output folder. */
  zipPath?: string;
  signal?: AbortSignal;
  onCheckProgress?: ProgressHook;
  onExportProgress?: ProgressHook;
  /** Sees the findings before the zip is written (the extension shows them in the Problems view). */
  onChecked?(findings: Finding[]): void;
}

/** The preflight's view of an open dataset: every image with the exact text of its caption. */
export function preflightInput(dataset: Dataset): PreflightInput {
  const s = dataset.session;
  return {
    outputFolder: dataset.outputFolder,
    images: s.images.map((i) => ({ ...i, caption: dataset.caption(i.file) })),
    triggerWord: s.triggerWord,
    captionStyle: s.captionStyle,
  };
}

/** Runs the CivitAI preflight on an open dataset. */
export function checkOpenDataset(dataset: Dataset, opts: CheckOptions = {}): Promise<Finding[]> {
  return checkDataset(preflightInput(dataset), opts);
}

/** Runs `fn` with a pool of decode workers running `script` (dist/decodeWorker.js), ended afterwards. */
export async function withWorkerDecoder<T>(script: string, fn: (decoder: Decoder) => Promise<T>): Promise<T> {
  const decoder = new WorkerDecoder(script);
  try {
    return await fn(decoder);
  } finally {
    await decoder.dispose();
  }
}

/** The images an export takes (every one not skipped); throws when there are none. */
export function exportEntries(dataset: Dataset): ExportEntry[] {
  const entries = dataset.session.images.filter((i) => i.status !== 'skipped').map((i) => ({ file: i.file }));
  if (entries.length === 0) {
    throw new Error('every image is marked skipped, so there is nothing to export. Un-skip some images in the panel.');
  }
  return entries;
}

/**
 * Writes the CivitAI zip of an open dataset to `zipPath` (default beside the output folder), captions in CivitAI's
 * form, cropped images cut and scaled to CivitAI's 2048 px cap (held in memory until written: crops are set by hand).
 */
export async function writeCivitaiZip(
  dataset: Dataset,
  zipPath: string = defaultZipPath(dataset.outputFolder, dataset.session.prefix),
  opts: { signal?: AbortSignal; onProgress?: ProgressHook } = {},
): Promise<ExportResult> {
  const s = dataset.session;
  const records = new Map(s.images.map((r) => [r.file, r]));
  const entries: ExportEntry[] = [];
  for (const { file } of exportEntries(dataset)) {
    const text = dataset.caption(file);
    const caption = writtenCaption('civitai', text, { triggerWord: s.triggerWord, captionStyle: s.captionStyle });
    const rec = records.get(file);
    const image = rec?.crop ? await renderExportImage(dataset.outputFolder, rec, 'civitai') : undefined;
    entries.push({ file, ...(caption === text ? {} : { caption }), ...(image ? { image } : {}) });
  }
  return exportZip(dataset.outputFolder, entries, zipPath, opts);
}

/** The preflight, then the zip whatever it found (the findings come back with the result, for the caller to judge). */
export async function checkAndExport(
  dataset: Dataset,
  opts: CheckAndExportOptions = {},
): Promise<ExportSummary & { missingCaptions: string[] }> {
  exportEntries(dataset); // nothing to export: say so before the slow check
  const { decoder, facts, signal } = opts;
  const findings = await checkOpenDataset(dataset, { decoder, facts, signal, onProgress: opts.onCheckProgress });
  opts.onChecked?.(findings);
  const r = await writeCivitaiZip(dataset, opts.zipPath, { signal: opts.signal, onProgress: opts.onExportProgress });
  return { zipPath: r.zipPath, images: r.images, bytes: r.bytes, findings, missingCaptions: r.missingCaptions };
}

/** One line of counts: "2 errors, 5 warnings, 1 note", or "no problems". */
export function summarizeFindings(findings: readonly Pick<Finding, 'severity'>[]): string {
  const n = (sev: Finding['severity']) => findings.filter((f) => f.severity === sev).length;
  const parts = [
    [n('error'), 'error'],
    [n('warning'), 'warning'],
    [n('info'), 'note'],
  ].filter(([c]) => c) as [number, string][];
  return parts.length ? parts.map(([c, w]) => `${c} ${w}${c === 1 ? '' : 's'}`).join(', ') : 'no problems';
}

/** True for a path that names a `.zip` file (what both front doors accept as the export target). */
export function isZipPath(p: unknown): p is string {
  return typeof p === 'string' && p.trim() !== '' && p.toLowerCase().endsWith('.zip');
}
