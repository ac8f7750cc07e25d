/** activate(): wiring only. Commands are thin; the engine lives in dataset/, the panel in panel/. */
import * as vscode from 'vscode';
import { checkDatasetCommand } from './commands/checkDataset';
import { exportForCivitaiCommand } from './commands/exportForCivitai';
import { PreflightDiagnostics } from './commands/findings';
import { registerPanelCommands } from './commands/panelCommands';
import { resumeTagging } from './commands/resumeTagging';
import { startTagging } from './commands/startTagging';
import { TagOperations } from './commands/tagOperations';
import { disposeLog } from './log';
import { PanelManager } from './panel/panelManager';

let panels: PanelManager | undefined;

/** What activate() returns: the panel manager, for integration tests and other extensions. */
export interface TaggerApi {
  panels: PanelManager;
}

/** Registers the commands, the panel serializer and the status bar item. */
export function activate(context: vscode.ExtensionContext): TaggerApi {
  panels = new PanelManager(context);
  const p = panels;
  const diagnostics = new PreflightDiagnostics(vscode.Uri.joinPath(context.extensionUri, 'dist', 'decodeWorker.js').fsPath);
  context.subscriptions.push(
    p,
    diagnostics,
    vscode.commands.registerCommand('loraTagger.startTagging', (folder?: unknown, options?: unknown) => startTagging(context, p, folder, options)),
    vscode.commands.registerCommand('loraTagger.resumeTagging', (arg?: unknown) => resumeTagging(p, arg)),
    vscode.commands.registerCommand('loraTagger.checkDataset', (arg?: unknown, extra?: unknown) => checkDatasetCommand(p, diagnostics, arg, extra)),
    vscode.commands.registerCommand('loraTagger.exportForCivitai', (arg?: unknown, extra?: unknown) => exportForCivitaiCommand(p, diagnostics, arg, extra)),
    new TagOperations(p),
    ...registerPanelCommands(p),
  );
  return { panels: p };
}

/** Writes every pending caption and session save before the extension host stops. */
export async function deactivate(): Promise<void> {
  await panels?.flushAll();
  panels = undefined;
  disposeLog();
}
