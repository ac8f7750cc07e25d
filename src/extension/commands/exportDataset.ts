/**
 * "LoRA Tagging: Export Dataset…": asks for the trainer (the session's export target first), runs the preflight and
 * that trainer's rules, then writes CivitAI's zip or the trainer's folder (the engine's targetExport). Batch:
 * `executeCommand('loraTagger.exportDataset', outputFolderUri, { target, path?, triggerPlaceholder?, className?,
 * repeats?, resolution? })` asks nothing and returns `{ path, images, bytes, findings }`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Dataset } from '../dataset/session/dataset';
import { exportEntries, summarizeFindings } from '../dataset/export/datasetExport';
import {
  exportForTarget,
  targetRuleFindings,
  writeForTarget,
  type AnyFinding,
  type TargetExportSummary,
  type TargetOptions,
} from '../dataset/export/targetExport';
import { EXPORT_TARGETS, isExportTarget, TARGET_LABELS, type ExportTarget } from '../dataset/export/targets';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { isBatchCall, resolveOutputFolder, withDataset } from './datasetTarget';
import { reviewFindings, runPreflight, withImageFacts, type PreflightDiagnostics } from './findings';
import { withCancellableProgress } from './progress';
import { defaultFolderPath } from '../dataset/export/folderExport';
import { defaultZipPath } from '../dataset/export/zipExport';

class Stopped extends Error {}

/** The batch form's options, checked. */
function batchOptions(extra: unknown): TargetOptions & { target?: ExportTarget } {
  const o = typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : {};
  if (o.target !== undefined && !isExportTarget(o.target)) {
    throw new Error(`Export Dataset: options.target must be one of ${EXPORT_TARGETS.join(', ')}. Nothing was written.`);
  }
  if (o.path !== undefined && (typeof o.path !== 'string' || o.path.trim() === '')) {
    throw new Error(
      'Export Dataset: options.path must be the path of the zip or folder to write. Nothing was ' + 'written.',
    );
  }
  const num = (k: string) =>
    typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) > 0 ? (o[k] as number) : undefined;
  return {
    target: o.target,
    path: o.path === undefined ? undefined : path.resolve(o.path as string),
    triggerPlaceholder: o.triggerPlaceholder === true,
    className: typeof o.className === 'string' ? o.className : undefined,
    repeats: num('repeats'),
    resolution: num('resolution'),
  };
}

/** The command handler. */
export async function exportDatasetCommand(
  panels: PanelManager,
  diagnostics: PreflightDiagnostics,
  arg?: unknown,
  extra?: unknown,
): Promise<TargetExportSummary | undefined> {
  const batch = isBatchCall(arg, extra);
  const options = batch ? batchOptions(extra) : {};
  const outputFolder = await resolveOutputFolder(panels, arg, 'Export Dataset');
  if (!outputFolder) return undefined;
  try {
    return await withDataset(panels, outputFolder, async (dataset) => {
      const target = options.target ?? (batch ? (dataset.session.exportTarget ?? 'civitai') : await askTarget(dataset));
      const r = batch
        ? await exportBatch(dataset, diagnostics, target, options)
        : await exportInteractive(panels, dataset, diagnostics, target);
      log().info(`Exported ${r.images} images (${r.bytes} bytes) from ${outputFolder} for ${target} to ${r.path}`);
      if (!batch) void announce(target, r);
      return { path: r.path, images: r.images, bytes: r.bytes, findings: r.findings };
    });
  } catch (err) {
    if (err instanceof Stopped) return undefined;
    const message = `Export Dataset from ${outputFolder} failed: ${errorMessage(err)}`;
    log().error(message);
    if (batch) throw new Error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && log().show());
    return undefined;
  }
}

async function askTarget(dataset: Dataset): Promise<ExportTarget> {
  const current = dataset.session.exportTarget ?? 'civitai';
  const order = [current, ...EXPORT_TARGETS.filter((t) => t !== current)];
  const pick = await vscode.window.showQuickPick(
    order.map((t) => ({ label: TARGET_LABELS[t], description: t === current ? 'this session’s target' : t, t })),
    {
      title: 'Export Dataset: which trainer?',
      placeHolder: 'The check and the files written follow that trainer’s ' + 'reader',
    },
  );
  if (!pick) throw new Stopped();
  if (pick.t !== current) dataset.setExportTarget(pick.t);
  return pick.t;
}

function exportBatch(dataset: Dataset, diagnostics: PreflightDiagnostics, target: ExportTarget, opts: TargetOptions) {
  return withImageFacts(dataset, diagnostics.workerScript, diagnostics.images, async (source) => {
    const r = await exportForTarget(dataset, target, { ...source, ...opts });
    diagnostics.show(dataset, r.findings);
    return r;
  });
}

async function exportInteractive(
  panels: PanelManager,
  dataset: Dataset,
  diagnostics: PreflightDiagnostics,
  target: ExportTarget,
) {
  const entries = exportEntries(dataset);
  const pre = await runPreflight(dataset, false, diagnostics.workerScript, diagnostics.images);
  const findings: AnyFinding[] = [...pre, ...targetRuleFindings(dataset, target)];
  diagnostics.show(dataset, findings);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    const first = errors[0]!;
    const choice = await vscode.window.showWarningMessage(
      `The check for ${TARGET_LABELS[target]} found ${summarizeFindings(findings)}. First: ` +
        `${first.file ? `${first.file}: ` : ''}${first.message}`,
      { modal: true },
      'Export Anyway',
      'Review Problems',
    );
    if (choice === 'Review Problems') await reviewFindings(panels, dataset.outputFolder, findings);
    if (choice !== 'Export Anyway') throw new Stopped();
  }
  const dest = await askPath(dataset, target);
  let cancelled = false;
  try {
    const r = await withCancellableProgress(
      `Exporting ${entries.length} images for ` + `${target}`,
      (onProgress, signal) => {
        signal.addEventListener('abort', () => (cancelled = true));
        return writeForTarget(dataset, target, { path: dest, signal, onProgress });
      },
      target === 'civitai' ? 'bytes' : 'items',
    );
    return { ...r, findings };
  } catch (err) {
    if (cancelled) throw new Stopped();
    throw err;
  }
}

async function askPath(dataset: Dataset, target: ExportTarget): Promise<string> {
  const { outputFolder, session } = dataset;
  const zip = target === 'civitai';
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(
      zip ? defaultZipPath(outputFolder, session.prefix) : defaultFolderPath(outputFolder, session.prefix, target),
    ),
    filters: zip ? { 'Zip archive': ['zip'] } : undefined,
    title: zip ? 'Export for CivitAI' : `Export for ${target}: the folder to write`,
    saveLabel: 'Export',
  });
  if (!uri) throw new Stopped();
  return uri.fsPath;
}

async function announce(target: ExportTarget, r: { path: string; images: number; bytes: number }): Promise<void> {
  const mb = (r.bytes / 1024 / 1024).toFixed(1);
  const next = target === 'civitai' ? "Upload it in CivitAI's LoRA trainer." : 'The README says how to train with it.';
  const choice = await vscode.window.showInformationMessage(
    `Exported ${r.images} images with their captions (${mb} MB) for ${target} to ${path.basename(r.path)}. ${next}`,
    'Reveal in File Explorer',
  );
  if (choice) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.path));
}
