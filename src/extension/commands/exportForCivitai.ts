/**
 * "LoRA Tagging: Export for CivitAI": preflight, then a zip of every non-skipped image and its `.txt` at the zip's
 * root (the engine's datasetExport). Interactive: asks where to save and, when the preflight finds something
 * CivitAI would reject, whether to go on. Batch: `executeCommand('loraTagger.exportForCivitai', outputFolderUri,
 * { zipPath })` asks nothing and returns `{ zipPath, images, bytes, findings }`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Dataset } from '../dataset/session/dataset';
import {
  checkAndExport,
  exportEntries,
  isZipPath,
  summarizeFindings,
  writeCivitaiZip,
  type ExportSummary,
} from '../dataset/export/datasetExport';
import { defaultZipPath, type ExportResult } from '../dataset/export/zipExport';
import type { Finding } from '../dataset/export/preflight';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { unreviewedImages } from '../dataset/captioning/suggestions';
import { isBatchCall, resolveOutputFolder, withDataset } from './datasetTarget';
import { reviewFindings, runPreflight, withImageFacts, type PreflightDiagnostics } from './findings';
import { withCancellableProgress } from './progress';

class Stopped extends Error {}

/** The command handler. */
export async function exportForCivitaiCommand(
  panels: PanelManager,
  diagnostics: PreflightDiagnostics,
  arg?: unknown,
  extra?: unknown,
): Promise<ExportSummary | undefined> {
  const batch = isBatchCall(arg, extra);
  const given =
    batch && typeof extra === 'object' && extra !== null ? (extra as { zipPath?: unknown }).zipPath : undefined;
  if (given !== undefined && !isZipPath(given)) {
    throw new Error('Export for CivitAI: options.zipPath must be the path of a .zip file. Nothing was written.');
  }
  const outputFolder = await resolveOutputFolder(panels, arg, 'Export for CivitAI');
  if (!outputFolder) return undefined;
  try {
    return await withDataset(panels, outputFolder, async (dataset) => {
      const result = batch
        ? await exportBatch(dataset, diagnostics, given)
        : await exportInteractive(panels, dataset, diagnostics);
      log().info(`Exported ${result.images} images (${result.bytes} bytes) from ${outputFolder} to ${result.zipPath}`);
      for (const f of result.missingCaptions) log().warn(`${f} had no .txt; an empty caption was put in the zip.`);
      if (!batch) void announce(result);
      return { zipPath: result.zipPath, images: result.images, bytes: result.bytes, findings: result.findings };
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

type Exported = ExportResult & { findings: Finding[] };

function exportBatch(
  dataset: Dataset,
  diagnostics: PreflightDiagnostics,
  zipPath: string | undefined,
): Promise<Exported> {
  const onChecked = (findings: Finding[]) => diagnostics.show(dataset, findings);
  return withImageFacts(dataset, diagnostics.workerScript, diagnostics.images, (source) =>
    checkAndExport(dataset, { ...source, zipPath: zipPath && path.resolve(zipPath), onChecked }),
  );
}

async function exportInteractive(
  panels: PanelManager,
  dataset: Dataset,
  diagnostics: PreflightDiagnostics,
): Promise<Exported> {
  const entries = exportEntries(dataset);
  const findings = await runPreflight(dataset, false, diagnostics.workerScript, diagnostics.images);
  diagnostics.show(dataset, findings);
  await confirmFindings(panels, dataset.outputFolder, findings);
  // Machine captions nobody has looked at are exported as they are; the user is told, not stopped.
  const unreviewed = unreviewedImages(dataset).length;
  if (unreviewed > 0) {
    void vscode.window.showWarningMessage(
      `${unreviewed} caption(s) written by AI have not been reviewed yet; they are exported as they are.`,
    );
  }
  const zipPath = await askZipPath(dataset);
  let cancelled = false;
  try {
    const r = await withCancellableProgress(
      `Exporting ${entries.length} images for CivitAI`,
      (onProgress, signal) => {
        signal.addEventListener('abort', () => (cancelled = true));
        // The last bytes are followed by the zip's directory and the flush to disk: say so, not a bar stuck at 100%.
        const report = (done: number, total: number, file: string) =>
          onProgress(done, total, done === total ? '(finishing the zip)' : file);
        return writeCivitaiZip(dataset, zipPath, { signal, onProgress: report });
      },
      'bytes',
    );
    return { ...r, findings };
  } catch (err) {
    if (cancelled) throw new Stopped();
    throw err;
  }
}

async function confirmFindings(
  panels: PanelManager,
  outputFolder: string,
  findings: readonly Finding[],
): Promise<void> {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  const choice = await vscode.window.showWarningMessage(
    `CivitAI would reject part of this dataset (${summarizeFindings(findings)}). First: ${errors[0]!.file ? `${errors[0]!.file}: ` : ''}${errors[0]!.message}`,
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

async function announce(result: ExportResult): Promise<void> {
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  const choice = await vscode.window.showInformationMessage(
    `Exported ${result.images} images with their captions (${mb} MB) to ${path.basename(result.zipPath)}. Upload it in CivitAI's LoRA trainer.`,
    'Reveal in File Explorer',
  );
  if (choice) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.zipPath));
}
