/** Smoke tests run inside the real VS Code extension host: the manifest and activation are wired up. */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, waitFor } from './helpers';

describe('extension (in a real VS Code extension host)', () => {
  it('is loaded in development mode from the repo', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} should be loaded from extensionDevelopmentPath`);
    assert.equal((ext.packageJSON as { main: string }).main, './dist/extension.js');
  });

  it('activates when loraTagger.startTagging runs', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // Not awaited: once the command does real work it may wait for the user (a folder picker); activation is what counts here.
    const ran = vscode.commands.executeCommand('loraTagger.startTagging');
    ran.then(undefined, () => undefined);
    await waitFor(() => ext.isActive, { timeout: 20_000, what: 'the extension to activate on loraTagger.startTagging' });
  });

  it('registers both commands once active', async () => {
    // getCommands lists only commands registered by an active extension, so activate it here too (tests run alone with --grep).
    await activateExtension();
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('loraTagger.startTagging'), 'loraTagger.startTagging is not registered');
    assert.ok(all.includes('loraTagger.resumeTagging'), 'loraTagger.resumeTagging is not registered');
  });

  it('contributes the Explorer folder menu entry and palette titles the user sees', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> };
    };
    const titles = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, c.title]));
    assert.equal(titles['loraTagger.startTagging'], 'Start LoRA Tagging');
    assert.equal(titles['loraTagger.resumeTagging'], 'LoRA Tagging: Resume Session');
    const entry = pkg.contributes.menus['explorer/context'].find((m) => m.command === 'loraTagger.startTagging');
    assert.equal(entry?.when, 'explorerResourceIsFolder');
  });

  it('runs in a host whose UI kind and app name are reported', () => {
    // Logged so a reader of the CI output sees which VS Code ran the suite (code-server here, desktop under test-electron).
    console.log(`      host: ${vscode.env.appName} ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}`);
    assert.ok(vscode.version.length > 0);
  });
});
