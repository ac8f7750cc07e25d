/** Commands that act on the open tagging panel: show it, open the caption beside it, and the keybinding actions. */
import * as vscode from 'vscode';
import { ACTION_COMMANDS } from '../panel/keybindings';
import type { PanelManager } from '../panel/panelManager';

/** Registers the panel commands. */
export function registerPanelCommands(panels: PanelManager): vscode.Disposable[] {
  const needPanel = () => {
    const p = panels.current();
    if (!p)
      void vscode.window.showInformationMessage(
        'No tagging panel is open. Run "LoRA Tagging: Resume Session" or "Start LoRA Tagging" first.',
      );
    return p;
  };
  return [
    vscode.commands.registerCommand('loraTagger.showPanel', () => needPanel()?.reveal()),
    vscode.commands.registerCommand('loraTagger.openCaptionBeside', async (arg?: unknown) => {
      const p = arg instanceof vscode.Uri ? (panels.get(arg.fsPath) ?? needPanel()) : needPanel();
      const file = p?.currentFile();
      if (!p || !file) return undefined;
      const editor = await p.openCaptionBeside(file);
      return editor.document.uri;
    }),
    vscode.commands.registerCommand('loraTagger.showReport', () => needPanel()?.showView('report')),
    ...Object.entries(ACTION_COMMANDS).map(([command, action]) =>
      vscode.commands.registerCommand(command, () => needPanel()?.runAction(action)),
    ),
  ];
}
