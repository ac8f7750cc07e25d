/** activate(): wiring only. Commands are thin; the engine lives in dataset/, the panel in panel/. */
import * as vscode from 'vscode';
import { clearApiKey, setApiKey } from './captioning/captioningSettings';
import { CaptionRuns, runFolderArg } from './captioning/captionRuns';
import { watchRunStates } from './panel/captionRunState';
import { autoCaption, resumeRecorded } from './commands/autoCaption';
import { checkDatasetCommand } from './commands/checkDataset';
import { exportForCivitaiCommand } from './commands/exportForCivitai';
import { exportDatasetCommand } from './commands/exportDataset';
import { PreflightDiagnostics } from './commands/findings';
import { registerPanelCommands } from './commands/panelCommands';
import { resumeTagging } from './commands/resumeTagging';
import { activateRestricted } from './commands/restrictedMode';
import { startTagging } from './commands/startTagging';
import { TagOperations } from './commands/tagOperations';
import { ImageService } from './dataset/images/imageService';
import { disposeLog } from './log';
import { PanelManager } from './panel/panelManager';
import { disposeVocabularyWorker } from './panel/vocabHandlers';

let panels: PanelManager | undefined;
let images: ImageService | undefined;
let runs: CaptionRuns | undefined;

/** What activate() returns: the panel manager and the image service, for integration tests and other extensions. */
export interface TaggerApi {
  panels: PanelManager;
  images: ImageService;
}

/** Registers the commands, the panel serializer and the status bar item (in Restricted Mode: see restrictedMode.ts). */
export function activate(context: vscode.ExtensionContext): TaggerApi | undefined {
  if (!vscode.workspace.isTrusted) return void activateRestricted(context, () => activate(context));
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'decodeWorker.js').fsPath;
  // Thumbnails and image facts live in the extension's storage, never in a dataset folder (exports stay clean).
  images = new ImageService(workerScript, vscode.Uri.joinPath(context.globalStorageUri, 'images').fsPath);
  panels = new PanelManager(context, images);
  const p = panels;
  const diagnostics = new PreflightDiagnostics(workerScript, images);
  context.subscriptions.push(
    p,
    diagnostics,
    vscode.commands.registerCommand('loraTagger.startTagging', (folder?: unknown, options?: unknown) =>
      startTagging(context, p, folder, options, images?.decoder),
    ),
    vscode.commands.registerCommand('loraTagger.resumeTagging', (arg?: unknown, extra?: unknown) =>
      resumeTagging(p, arg, extra),
    ),
    vscode.commands.registerCommand('loraTagger.checkDataset', (arg?: unknown, extra?: unknown) =>
      checkDatasetCommand(p, diagnostics, arg, extra),
    ),
    vscode.commands.registerCommand('loraTagger.exportForCivitai', (arg?: unknown, extra?: unknown) =>
      exportForCivitaiCommand(p, diagnostics, arg, extra),
    ),
    vscode.commands.registerCommand('loraTagger.exportDataset', (arg?: unknown, extra?: unknown) =>
      exportDatasetCommand(p, diagnostics, arg, extra),
    ),
    new TagOperations(p),
    ...registerPanelCommands(p),
  );
  const r = (runs = new CaptionRuns(p));
  const captioning = { context, panels: p, runs: r };
  context.subscriptions.push(
    r,
    watchRunStates(r, p),
    vscode.commands.registerCommand('loraTagger.autoCaption', (arg?: unknown, extra?: unknown) =>
      autoCaption(captioning, arg, extra),
    ),
    vscode.commands.registerCommand('loraTagger.setCaptioningApiKey', () => setApiKey(context.secrets)),
    vscode.commands.registerCommand('loraTagger.clearCaptioningApiKey', () => clearApiKey(context.secrets)),
    vscode.commands.registerCommand('loraTagger.pauseCaptioning', (f?: unknown) => r.pause(runFolderArg(f))),
    vscode.commands.registerCommand('loraTagger.resumeCaptioning', (f?: unknown) => r.resume(runFolderArg(f))),
    vscode.commands.registerCommand('loraTagger.cancelCaptioning', (f?: unknown) => r.cancel(runFolderArg(f))),
    // A run a window reload cut short goes on when its dataset's panel comes back.
    p.onDidOpen((panel) => void resumeRecorded(captioning, panel.dataset.outputFolder, panel.dataset)),
  );
  return { panels: p, images };
}

/** Writes every pending caption and session save before the extension host stops. */
export async function deactivate(): Promise<void> {
  // A captioning run keeps its unfinished part in the session: the next window resumes it.
  await runs?.interruptAll();
  runs = undefined;
  await panels?.flushAll();
  panels = undefined;
  await images?.dispose();
  images = undefined;
  await disposeVocabularyWorker();
  disposeLog();
}
