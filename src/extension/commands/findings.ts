/**
 * The preflight in VS Code, for Check Dataset and Export for CivitAI alike: running it under a progress
 * notification, the Problems view (each finding on the `.txt` it concerns, dataset-wide ones on session.json) and a
 * list whose entries open the image in the panel.
 */
import * as vscode from 'vscode';
import type { Dataset } from '../dataset/session/dataset';
import {
  checkOpenDataset,
  summarizeFindings,
  withWorkerDecoder,
  type CheckOptions,
} from '../dataset/export/datasetExport';
import type { ImageService } from '../dataset/images/imageService';
import type { Finding } from '../dataset/export/preflight';
import type { AnyFinding } from '../dataset/export/targetExport';
import type { PanelManager } from '../panel/panelManager';
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

  /**
   * @param workerScript dist/decodeWorker.js, which decodes images off the extension host's main thread.
   * @param images the extension's image service: checks reuse the facts its pipelines computed for the thumbnails.
   */
  constructor(
    readonly workerScript: string,
    readonly images?: ImageService,
  ) {}

  /** Replaces one dataset's findings in the Problems view. */
  show(dataset: Dataset, findings: readonly AnyFinding[]): void {
    for (const uri of this.byFolder.get(dataset.outputFolder) ?? []) this.collection.delete(uri);
    const grouped = new Map<string, vscode.Diagnostic[]>();
    for (const f of findings) {
      const target = f.file ? dataset.captionPath(f.file) : dataset.sessionFile;
      // The Problems view lists each row under its .txt: a message that names the image needs no prefix (issue 10).
      const text = !f.file || f.message.includes(f.file) ? f.message : `${f.file}: ${f.message}`;
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), text, SEVERITY[f.severity]);
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

/** Lets the user walk the findings; picking one opens its image in the panel. */
export async function reviewFindings(
  panels: PanelManager,
  outputFolder: string,
  findings: readonly AnyFinding[],
): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    findings.map((f) => ({
      label: `${ICON[f.severity]} ${f.file || 'Dataset'}`,
      description: f.rule,
      detail: f.message,
      f,
    })),
    { title: `Preflight: ${summarizeFindings(findings)}`, matchOnDetail: true },
  );
  if (pick?.f.file) (await panels.open(outputFolder)).reveal(pick.f.file);
}

/** Runs the preflight on a dataset, with a cancellable progress notification unless it is a batch call. */
export function runPreflight(
  dataset: Dataset,
  batch: boolean,
  workerScript: string,
  images?: ImageService,
): Promise<Finding[]> {
  return withImageFacts(dataset, workerScript, images, async (source) => {
    if (batch) return checkOpenDataset(dataset, source);
    return withCancellableProgress('Checking the dataset against CivitAI’s rules', (onProgress, signal) =>
      checkOpenDataset(dataset, { ...source, signal, onProgress }),
    );
  });
}

/**
 * Runs `fn` with where the preflight's decodes come from: the dataset's image pipeline when the extension has an
 * image service (cached facts, and what it decodes also gives the panel its thumbnails), else a pool of its own.
 */
export function withImageFacts<T>(
  dataset: Dataset,
  workerScript: string,
  images: ImageService | undefined,
  fn: (source: Pick<CheckOptions, 'decoder' | 'facts'>) => Promise<T>,
): Promise<T> {
  if (!images) return withWorkerDecoder(workerScript, (decoder) => fn({ decoder }));
  return images.withPipeline(dataset.outputFolder, dataset.session.images, (facts) => fn({ facts }));
}
