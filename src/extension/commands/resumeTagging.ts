/**
 * "LoRA Tagging: Resume Session": lists the sessions under the workspace folders, most recently used first, and
 * reopens the panel on the saved image. `executeCommand('loraTagger.resumeTagging', outputFolderUri)` opens that
 * session directly.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findSessions, type SessionSummary } from '../dataset/session/findSessions';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { readSettings } from '../settings';

/** The command handler; returns the output folder opened, if any. */
export async function resumeTagging(panels: PanelManager, arg?: unknown): Promise<string | undefined> {
  try {
    const direct = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
    if (direct) {
      await panels.open(direct);
      return direct;
    }
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const sessions = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Looking for LoRA tagging sessions' },
      () => findSessions(roots, { outputFolderName: readSettings().outputFolder }),
    );
    if (sessions.length === 0) {
      const where = roots.length ? 'under the open folders' : 'because no folder is open';
      void vscode.window.showInformationMessage(
        `No LoRA tagging session was found ${where}. Right-click a folder of images in the Explorer and choose "Start LoRA Tagging".`,
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      sessions.map((s) => toItem(s, roots)),
      { title: 'Resume a LoRA tagging session', matchOnDescription: true, matchOnDetail: true },
    );
    if (!pick) return undefined;
    await panels.open(pick.session.outputFolder);
    return pick.session.outputFolder;
  } catch (err) {
    const message = `Could not resume the tagging session: ${errorMessage(err)}`;
    log().error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

function toItem(s: SessionSummary, roots: string[]): vscode.QuickPickItem & { session: SessionSummary } {
  const root = roots.find((r) => s.outputFolder.startsWith(r + path.sep));
  const shown = root ? path.relative(root, s.outputFolder) : s.outputFolder;
  return {
    label: s.title,
    description: `${s.tagged}/${s.total} tagged`,
    detail: `${shown} · last used ${new Date(s.updatedAt).toLocaleString()}`,
    session: s,
  };
}
