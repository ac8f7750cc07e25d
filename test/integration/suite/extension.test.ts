/** Smoke tests run inside the real VS Code extension host: the manifest and activation are wired up. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, repoRoot, waitFor } from './helpers';

// A root hook runs before the suites of every file (the others activate the extension in theirs), so this is the
// one moment at which running the command is what activates it.
const activation = { wasActive: true, activatedByCommand: false };
before(async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) return;
  activation.wasActive = ext.isActive;
  // Not awaited: with no folder the command asks for one; activation is what counts here, then the prompt is closed.
  const ran = vscode.commands.executeCommand('loraTagger.startTagging');
  ran.then(undefined, () => undefined);
  await waitFor(() => ext.isActive, { timeout: 20_000, what: 'the extension to activate on loraTagger.startTagging' });
  activation.activatedByCommand = true;
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
});

describe('extension (in a real VS Code extension host)', () => {
  it('is loaded in development mode from the repo', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} should be loaded from extensionDevelopmentPath`);
    assert.equal((ext.packageJSON as { main: string }).main, './dist/extension.js');
  });

  it('activates when loraTagger.startTagging runs', () => {
    assert.equal(activation.wasActive, false, 'the extension was inactive before the command ran');
    assert.equal(activation.activatedByCommand, true);
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
      contributes: {
        commands: { command: string; title: string }[];
        menus: Record<string, { command: string; when?: string }[]>;
      };
    };
    const titles = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, c.title]));
    assert.equal(titles['loraTagger.startTagging'], 'Start LoRA Tagging');
    assert.equal(titles['loraTagger.resumeTagging'], 'LoRA Tagging: Resume Session');
    const entry = pkg.contributes.menus['explorer/context'].find((m) => m.command === 'loraTagger.startTagging');
    assert.equal(entry?.when, 'explorerResourceIsFolder');
  });

  it('runs in a host whose UI kind and app name are reported, and which meets engines.vscode', () => {
    // Logged so a reader of the CI output sees which VS Code ran the suite (code-server here, desktop under test-electron).
    console.log(`      host: ${vscode.env.appName} ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}`);
    // Read from disk: a host older than the floor would not load the extension, and its packageJSON with it.
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
      engines: { vscode: string };
    };
    const floor = /^(?:\^|>=)(\d+)\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
    assert.ok(floor, `engines.vscode "${pkg.engines.vscode}" is a floor such as ^1.90.0`);
    const [major, minor] = vscode.version.split('.').map(Number) as [number, number];
    const meets = major > Number(floor[1]) || (major === Number(floor[1]) && minor >= Number(floor[2]));
    assert.ok(meets, `VS Code ${vscode.version} runs the tests, but package.json asks for ${pkg.engines.vscode}`);
  });
});
