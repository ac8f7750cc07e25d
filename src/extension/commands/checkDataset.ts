/**
 * "LoRA Tagging: Check Dataset": runs the preflight (the engine's checkOpenDataset, decoding in worker threads) and
 * the rules of the session's export target (CivitAI unless set), shows each finding in the Problems view, and offers
 * a list whose entries open the image in the panel. `executeCommand('loraTagger.checkDataset', outputFolderUri,
 * { target? })` returns the findings as data.
 */
import * as vscode from 'vscode';
import { summarizeFindings } from '../dataset/export/datasetExport';
import { targetRuleFindings, type AnyFinding } from '../dataset/export/targetExport';
import { EXPORT_TARGETS, isExportTarget, TARGET_LABELS } from '../dataset/export/targets';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { isBatchCall, resolveOutputFolder, withDataset } from './datasetTarget';
import { reviewFindings, runPreflight, type PreflightDiagnostics } from './findings';

/** The command handler. */
export async function checkDatasetCommand(
  panels: PanelManager,
  diagnostics: PreflightDiagnostics,
  arg?: unknown,
  extra?: unknown,
): Promise<AnyFinding[] | undefined> {
  const batch = isBatchCall(arg, extra);
  const given =
    batch && typeof extra === 'object' && extra !== null ? (extra as { target?: unknown }).target : undefined;
  if (given !== undefined && !isExportTarget(given)) {
    throw new Error(`Check Dataset: options.target must be one of ${EXPORT_TARGETS.join(', ')}.`);
  }
  let target = given ?? 'civitai';
  const outputFolder = await resolveOutputFolder(panels, arg, 'Check Dataset');
  if (!outputFolder) return undefined;
  try {
    const findings = await withDataset(panels, outputFolder, async (dataset) => {
      target = given ?? dataset.session.exportTarget ?? 'civitai';
      const pre = await runPreflight(dataset, batch, diagnostics.workerScript, diagnostics.images);
      const found: AnyFinding[] = [...pre, ...targetRuleFindings(dataset, target)];
      diagnostics.show(dataset, found);
      const dups = found.filter((f) => f.rule === 'duplicate' || f.rule === 'near-duplicate').map((f) => f.file);
      panels.get(outputFolder)?.showDuplicates(dups);
      return found;
    });
    log().info(`Preflight of ${outputFolder}: ${summarizeFindings(findings)}`);
    if (!batch) {
      if (findings.length === 0)
        void vscode.window.showInformationMessage(
          `Check Dataset: no problems found. The dataset is ready for ${TARGET_LABELS[target]}.`,
        );
      else {
        const choice = await vscode.window.showWarningMessage(
          `Check Dataset: ${summarizeFindings(findings)}.`,
          'Review',
          'Show Problems',
        );
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
