/** activate(): wiring only. */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('loraTagger.startTagging', () => undefined),
    vscode.commands.registerCommand('loraTagger.resumeTagging', () => undefined),
  );
}

export function deactivate(): void {}
