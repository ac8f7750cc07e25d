/**
 * "LoRA Tagging: Check Dataset": runs the CivitAI preflight, shows each finding in the Problems view on the `.txt`
 * it concerns (dataset-wide ones on session.json), and offers a list whose entries open the image in the panel.
 * `executeCommand('loraTagger.checkDataset', outputFolderUri)` returns the findings as data.
 */
import * as vscode from 'vscode';
import type { Dataset } from '../dataset/session/dataset';
import { WorkerDecoder, type Decoder } from '../dataset/images/decodePool';
import { checkDataset, type Finding } from '../dataset/export/preflight';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { isBatchCall, resolveOutputFolder, withDataset } from './datasetTarget';
import { withCancellableProgress } from './progress';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};
const ICON: Record<Finding['severity'], string> = { error: '$(error)', warning: '$(warning)', info: '$(info)' };

/** The preflight's Problems-view collection and where its decode worker lives; one per extension. */
export class PreflightDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('loraTagger');
  private readonly byFolder = new Map<string, vscode.Uri[]>();

  /** @param workerScript dist/decodeWorker.js, which decodes images off the extension host's main thread. */
  constructor(readonly workerScript: string) {}

  /** Replaces one dataset's findings in the Problems view. */
  show(dataset: Dataset, findings: readonly Finding[]): void {
    for (const uri of this.byFolder.get(dataset.outputFolder) ?? []) this.collection.delete(uri);
    const grouped = new Map<string, vscode.Diagnostic[]>();
    for (const f of findings) {
      const target = f.file ? dataset.captionPath(f.file) : dataset.sessionFile;
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), f.file ? `${f.file}: ${f.message}` : f.message, SEVERITY[f.severity]);
      d.source = 'LoRA preflight';
      d.code = f.rule;
      grouped.set(target, [...(grouped.get(target) ?? []), d]);
    }
    const uris = [...grouped.keys()].map((p) => vscode.Uri.file(p));
    for (const uri of uris) this.collection.set(uri, grouped.get(uri.fsPath));
    this.byFolder.set(dataset.outputFolder, uris);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Runs the preflight on a dataset (decoding in worker threads) with a cancellable progress notification. */
export async function runPreflight(dataset: Dataset, batch: boolean, workerScript: string): Promise<Finding[]> {
  const decoder = new WorkerDecoder(workerScript);
  try {
    return await preflightWith(dataset, batch, decoder);
  } finally {
    await decoder.dispose();
  }
}

async function preflightWith(dataset: Dataset, batch: boolean, decoder: Decoder): Promise<Finding[]> {
  const s = dataset.session;
  const input = {
    outputFolder: dataset.outputFolder,
    images: s.images.map((i) => ({ ...i, caption: dataset.caption(i.file) })),
    triggerWord: s.triggerWord,
    captionStyle: s.captionStyle,
  };
  if (batch) return checkDataset(input, { decoder });
  return withCancellableProgress('Checking the dataset against CivitAI’s rules', (onProgress, signal) => checkDataset(input, { decoder, signal, onProgress }));
}

/** One line of counts: "2 errors, 5 warnings, 1 note". */
export function summarize(findings: readonly Finding[]): string {
  const n = (sev: Finding['severity']) => findings.filter((f) => f.severity === sev).length;
  const parts = [
    [n('error'), 'error'],
    [n('warning'), 'warning'],
    [n('info'), 'note'],
  ].filter(([c]) => c) as [number, string][];
  return parts.length ? parts.map(([c, w]) => `${c} ${w}${c === 1 ? '' : 's'}`).join(', ') : 'no problems';
}

/** Lets the user walk the findings; picking one opens its image in the panel. */
export async function reviewFindings(panels: PanelManager, outputFolder: string, findings: readonly Finding[]): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    findings.map((f) => ({ label: `${ICON[f.severity]} ${f.file || 'Dataset'}`, description: f.rule, detail: f.message, f })),
    { title: `Preflight: ${summarize(findings)}`, matchOnDetail: true },
  );
  if (pick?.f.file) (await panels.open(outputFolder)).reveal(pick.f.file);
}

/** The command handler. */
export async function checkDatasetCommand(panels: PanelManager, diagnostics: PreflightDiagnostics, arg?: unknown, extra?: unknown): Promise<Finding[] | undefined> {
  const batch = isBatchCall(arg, extra);
  const outputFolder = await resolveOutputFolder(panels, arg, 'Check Dataset');
  if (!outputFolder) return undefined;
  try {
    const findings = await withDataset(panels, outputFolder, async (dataset) => {
      const found = await runPreflight(dataset, batch, diagnostics.workerScript);
      diagnostics.show(dataset, found);
      return found;
    });
    log().info(`Preflight of ${outputFolder}: ${summarize(findings)}`);
    if (!batch) {
      if (findings.length === 0) void vscode.window.showInformationMessage('Check Dataset: no problems found. The dataset is ready for CivitAI.');
      else {
        const choice = await vscode.window.showWarningMessage(`Check Dataset: ${summarize(findings)}.`, 'Review', 'Show Problems');
        if (choice === 'Review') await reviewFindings(panels, outputFolder, findings);
        if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
      }
    }
    return findings;
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') return undefined;
    const message = `Could not check the dataset in ${outputFolder}: ${errorMessage(err)}`;
    log().error(message);
    if (batch) throw new Error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}
