/** activate(): wiring only. Commands are thin; the engine lives in dataset/, the panel in panel/. */
import * as vscode from 'vscode';
import { checkDatasetCommand } from './commands/checkDataset';
import { exportForCivitaiCommand } from './commands/exportForCivitai';
import { PreflightDiagnostics } from './commands/findings';
import { registerPanelCommands } from './commands/panelCommands';
import { resumeTagging } from './commands/resumeTagging';
import { startTagging } from './commands/startTagging';
import { TagOperations } from './commands/tagOperations';
import { ImageService } from './dataset/images/imageService';
import { disposeLog } from './log';
import { PanelManager } from './panel/panelManager';

let panels: PanelManager | undefined;
let images: ImageService | undefined;

/** What activate() returns: the panel manager and the image service, for integration tests and other extensions. */
export interface TaggerApi {
  panels: PanelManager;
  images: ImageService;
}

/** Registers the commands, the panel serializer and the status bar item. */
export function activate(context: vscode.ExtensionContext): TaggerApi {
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'decodeWorker.js').fsPath;
  // Thumbnails and image facts live in the extension's storage, never in a dataset folder (exports stay clean).
  images = new ImageService(workerScript, vscode.Uri.joinPath(context.globalStorageUri, 'images').fsPath);
  panels = new PanelManager(context, images);
  const p = panels;
  const diagnostics = new PreflightDiagnostics(workerScript, images);
  context.subscriptions.push(
    p,
    diagnostics,
    vscode.commands.registerCommand('loraTagger.startTagging', (folder?: unknown, options?: unknown) => startTagging(context, p, folder, options)),
    vscode.commands.registerCommand('loraTagger.resumeTagging', (arg?: unknown, extra?: unknown) => resumeTagging(p, arg, extra)),
    vscode.commands.registerCommand('loraTagger.checkDataset', (arg?: unknown, extra?: unknown) => checkDatasetCommand(p, diagnostics, arg, extra)),
    vscode.commands.registerCommand('loraTagger.exportForCivitai', (arg?: unknown, extra?: unknown) => exportForCivitaiCommand(p, diagnostics, arg, extra)),
    new TagOperations(p),
    ...registerPanelCommands(p),
  );
  return { panels: p, images };
}

/** Writes every pending caption and session save before the extension host stops. */
export async function deactivate(): Promise<void> {
  await panels?.flushAll();
  panels = undefined;
  await images?.dispose();
  images = undefined;
  disposeLog();
}
