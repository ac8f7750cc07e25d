/**
 * Which dataset a command acts on: the output folder passed as an argument (batch use, the panel's buttons, the
 * Explorer), else the open panel's, else one the user picks from the sessions under the workspace folders.
 * `withDataset` lends the panel's live Dataset (flushed first) or opens one for the call and closes it after.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Dataset } from '../dataset/session/dataset';
import { findSessions } from '../dataset/session/findSessions';
import { log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { readSettings } from '../settings';

/**
 * True for the documented non-interactive form `executeCommand(id, outputFolderUri[, options])`. The Explorer
 * passes the selection array as second argument and the panel's buttons `{ interactive: true }`: both get the UI.
 */
export function isBatchCall(arg: unknown, extra: unknown): boolean {
  if (!(arg instanceof vscode.Uri) && typeof arg !== 'string') return false;
  if (Array.isArray(extra)) return false;
  return !(typeof extra === 'object' && extra !== null && (extra as { interactive?: unknown }).interactive === true);
}

/** The output folder a command should act on, or undefined when the user cancelled. */
export async function resolveOutputFolder(
  panels: PanelManager,
  arg: unknown,
  title: string,
): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg) return path.resolve(arg);
  const current = panels.current();
  if (current) return current.dataset.outputFolder;
  const roots = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => f.uri.fsPath);
  const sessions = await findSessions(roots, { outputFolderName: readSettings().outputFolder });
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage(
      `${title}: no LoRA tagging session was found under the open folders. Start one with "Start LoRA Tagging" on a folder of images.`,
    );
    return undefined;
  }
  if (sessions.length === 1) return sessions[0]!.outputFolder;
  const pick = await vscode.window.showQuickPick(
    sessions.map((s) => ({ label: s.title, description: `${s.tagged}/${s.total} tagged`, detail: s.outputFolder, s })),
    { title },
  );
  return pick?.s.outputFolder;
}

/** Runs `fn` with the dataset of `outputFolder`: the open panel's (saved first), or one opened just for this call. */
export async function withDataset<T>(
  panels: PanelManager,
  outputFolder: string,
  fn: (dataset: Dataset) => Promise<T>,
): Promise<T> {
  const panel = panels.get(outputFolder);
  if (panel) {
    await panel.flushAll();
    return fn(panel.dataset);
  }
  const { dataset, notices } = await Dataset.open(outputFolder);
  for (const n of notices) log().warn(n);
  try {
    return await fn(dataset);
  } finally {
    await dataset.close();
  }
}
