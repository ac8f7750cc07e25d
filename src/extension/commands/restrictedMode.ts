/**
 * Restricted Mode: the extension declares limited support for untrusted workspaces, so its commands stay in the
 * Explorer and the palette, but none of them touches a file there. Each one says that the folder must be trusted
 * first and offers VS Code's workspace-trust editor; once trust is granted the extension activates fully.
 */
import * as vscode from 'vscode';
import { restrictedModeMessage } from './restrictedModeText';

/** Registers an explaining handler for every contributed command; `activateTrusted` runs when trust is granted. */
export function activateRestricted(context: vscode.ExtensionContext, activateTrusted: () => void): void {
  const commands =
    (
      context.extension.packageJSON as {
        contributes?: { commands?: Array<{ command: string; title: string; category?: string }> };
      }
    ).contributes?.commands ?? [];
  const registered = commands.map((c) =>
    vscode.commands.registerCommand(c.command, async () => {
      const title = c.category ? `${c.category}: ${c.title}` : c.title;
      const choice = await vscode.window.showWarningMessage(restrictedModeMessage(title), 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }),
  );
  context.subscriptions.push(
    ...registered,
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // The full commands take these ids over.
      for (const r of registered) r.dispose();
      activateTrusted();
    }),
  );
}
