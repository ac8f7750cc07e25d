/**
 * "LoRA Tagging: Resume Session": lists the sessions under the workspace folders, most recently used first, and
 * reopens the panel on the saved image. `executeCommand('loraTagger.resumeTagging', outputFolderUri)` opens that
 * session directly; `{ rebuild: true }` as a third argument rebuilds a session whose session.json and .bak are
 * both gone from the images and captions on disk (interactively, the command offers it).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findSessions, type SessionSummary } from '../dataset/session/findSessions';
import { lostSessionImages } from '../dataset/session/rebuild';
import { loadSession } from '../dataset/session/sessionFile';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { readSettings } from '../settings';
import { isBatchCall } from './datasetTarget';

/** The command handler; returns the output folder opened, if any. */
export async function resumeTagging(panels: PanelManager, arg?: unknown, extra?: unknown): Promise<string | undefined> {
  try {
    const direct = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
    if (direct) {
      const lost = await lostSessionImages(direct);
      if (lost > 0) {
        const asked = typeof extra === 'object' && extra !== null && (extra as { rebuild?: unknown }).rebuild === true;
        // A batch call without { rebuild: true } falls through to the open, whose error says what to pass.
        if (asked || (!isBatchCall(arg, extra) && (await confirmRebuild(direct, lost)))) await rebuildSession(direct);
        else if (!isBatchCall(arg, extra)) return undefined;
      }
      await panels.open(direct);
      return direct;
    }
    const roots = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
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
    const s = pick.session;
    if (s.lostSession) {
      if (!(await confirmRebuild(s.outputFolder, s.total))) return undefined;
      await rebuildSession(s.outputFolder);
    }
    await panels.open(s.outputFolder);
    return s.outputFolder;
  } catch (err) {
    const message = `Could not resume the tagging session: ${errorMessage(err)}`;
    log().error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

/** Asks whether to rebuild the lost session of `folder` from its `images` staged images; true to go ahead. */
export async function confirmRebuild(folder: string, images: number): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `${folder} has no tagging session: session.json and session.json.bak are both gone. It holds ${images} staged ` +
      `image(s) with their captions. Rebuild the session from them?`,
    {
      modal: true,
      detail:
        'The images and captions are kept exactly as they are. Favourite and NSFW marks, skips, tag categories ' +
        'and the link to the source folder cannot be recovered; the trigger word and caption style ' +
        'are guessed from the captions.',
    },
    'Rebuild Session',
  );
  return choice === 'Rebuild Session';
}

/** Rebuilds and saves the session of a folder that lost it; what was guessed goes to the log and a notification. */
export async function rebuildSession(folder: string): Promise<void> {
  const { notices } = await loadSession(folder, undefined, { rebuild: true });
  for (const n of notices) log().warn(n);
  if (notices.length) void vscode.window.showInformationMessage(notices.join(' '));
}

function toItem(s: SessionSummary, roots: string[]): vscode.QuickPickItem & { session: SessionSummary } {
  const root = roots.find((r) => s.outputFolder.startsWith(r + path.sep));
  const shown = root ? path.relative(root, s.outputFolder) : s.outputFolder;
  if (s.lostSession) {
    return {
      label: `$(wrench) ${s.title}`,
      description: `session file gone: rebuild from ${s.total} image(s)`,
      detail:
        `${shown} · session.json and its .bak are missing; picking it offers to rebuild the session ` +
        `from the images and captions`,
      session: s,
    };
  }
  return {
    label: s.title,
    description: `${s.tagged}/${s.total} tagged`,
    detail: `${shown} · last used ${new Date(s.updatedAt).toLocaleString()}`,
    session: s,
  };
}
