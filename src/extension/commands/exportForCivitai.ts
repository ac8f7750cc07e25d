/**
 * "LoRA Tagging: Export for CivitAI": preflight, then a zip of every non-skipped image and its `.txt` at the zip's
 * root. Interactive: asks where to save and, when the preflight finds something CivitAI would reject, whether to go
 * on. Batch: `executeCommand('loraTagger.exportForCivitai', outputFolderUri, { zipPath })` asks nothing and returns
 * `{ zipPath, images, bytes, findings }`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Dataset } from '../dataset/session/dataset';
import { defaultZipPath, exportZip, type ExportResult } from '../dataset/export/zipExport';
import type { Finding } from '../dataset/export/preflight';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { reviewFindings, runPreflight, summarize, type PreflightDiagnostics } from './checkDataset';
import { isBatchCall, resolveOutputFolder, withDataset } from './datasetTarget';
import { withCancellableProgress } from './progress';

/** What the command returns. */
export interface ExportSummary {
  zipPath: string;
  images: number;
  bytes: number;
  findings: Finding[];
}

class Stopped extends Error {}

/** The command handler. */
export async function exportForCivitaiCommand(
  panels: PanelManager,
  diagnostics: PreflightDiagnostics,
  arg?: unknown,
  extra?: unknown,
): Promise<ExportSummary | undefined> {
  const batch = isBatchCall(arg, extra);
  const given = batch && typeof extra === 'object' && extra !== null ? (extra as { zipPath?: unknown }).zipPath : undefined;
  if (given !== undefined && (typeof given !== 'string' || !given.toLowerCase().endsWith('.zip'))) {
    throw new Error('Export for CivitAI: options.zipPath must be the path of a .zip file. Nothing was written.');
  }
  const outputFolder = await resolveOutputFolder(panels, arg, 'Export for CivitAI');
  if (!outputFolder) return undefined;
  try {
    return await withDataset(panels, outputFolder, async (dataset) => {
      const findings = await runPreflight(dataset, batch, diagnostics.workerScript);
      diagnostics.show(dataset, findings);
      if (!batch) await confirmFindings(panels, outputFolder, findings);
      const zipPath = given ? path.resolve(given) : batch ? defaultZipPath(outputFolder, dataset.session.prefix) : await askZipPath(dataset);
      const result = await writeZip(dataset, zipPath, batch);
      log().info(`Exported ${result.images} images (${result.bytes} bytes) from ${outputFolder} to ${result.zipPath}`);
      for (const f of result.missingCaptions) log().warn(`${f} had no .txt; an empty caption was put in the zip.`);
      if (!batch) void announce(result);
      return { zipPath: result.zipPath, images: result.images, bytes: result.bytes, findings };
    });
  } catch (err) {
    if (err instanceof Stopped) return undefined;
    const message = `Export for CivitAI from ${outputFolder} failed: ${errorMessage(err)}`;
    log().error(message);
    if (batch) throw new Error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && log().show());
    return undefined;
  }
}

async function confirmFindings(panels: PanelManager, outputFolder: string, findings: readonly Finding[]): Promise<void> {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  const choice = await vscode.window.showWarningMessage(
    `CivitAI would reject part of this dataset (${summarize(findings)}). First: ${errors[0]!.file ? `${errors[0]!.file}: ` : ''}${errors[0]!.message}`,
    { modal: true },
    'Export Anyway',
    'Review Problems',
  );
  if (choice === 'Export Anyway') return;
  if (choice === 'Review Problems') await reviewFindings(panels, outputFolder, findings);
  throw new Stopped();
}

async function askZipPath(dataset: Dataset): Promise<string> {
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(defaultZipPath(dataset.outputFolder, dataset.session.prefix)),
    filters: { 'Zip archive': ['zip'] },
    title: 'Export for CivitAI',
    saveLabel: 'Export',
  });
  if (!uri) throw new Stopped();
  return uri.fsPath;
}

async function writeZip(dataset: Dataset, zipPath: string, batch: boolean): Promise<ExportResult> {
  const entries = dataset.session.images.filter((i) => i.status !== 'skipped').map((i) => ({ file: i.file }));
  if (entries.length === 0) throw new Error('every image is marked skipped, so there is nothing to export. Un-skip some images in the panel.');
  if (batch) return exportZip(dataset.outputFolder, entries, zipPath);
  let cancelled = false;
  try {
    return await withCancellableProgress(`Exporting ${entries.length} images for CivitAI`, (onProgress, signal) => {
      signal.addEventListener('abort', () => (cancelled = true));
      return exportZip(dataset.outputFolder, entries, zipPath, { signal, onProgress });
    }, 'bytes');
  } catch (err) {
    if (cancelled) throw new Stopped();
    throw err;
  }
}

async function announce(result: ExportResult): Promise<void> {
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  const choice = await vscode.window.showInformationMessage(
    `Exported ${result.images} images with their captions (${mb} MB) to ${path.basename(result.zipPath)}. Upload it in CivitAI's LoRA trainer.`,
    'Reveal in File Explorer',
  );
  if (choice) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.zipPath));
}
