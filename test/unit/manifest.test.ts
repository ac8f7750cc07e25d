import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PanelAction } from '../../src/shared/protocol';
import { ACTION_COMMANDS, actionCommand } from '../../src/extension/panel/keybindings';
import { PANEL_KEYMAP } from '../../src/webview/keymap';
import { restrictedModeMessage } from '../../src/extension/commands/restrictedModeText';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('package.json manifest', () => {
  it('contributes a command for every panel action', () => {
    const ids = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    // Every action has a command, so the loop below covers them all (it would pass over an empty map).
    assert.deepEqual(Object.values(ACTION_COMMANDS).sort(), [...PanelAction.options].sort());
    for (const command of Object.keys(ACTION_COMMANDS)) assert.ok(ids.has(command), `${command} is not contributed`);
  });

  it("contributes exactly the webview's default keys, scoped to the panel", () => {
    const contributed = pkg.contributes.keybindings.map((k: { command: string; key: string; when: string }) => {
      assert.equal(k.when, "activeWebviewPanelId == 'loraTagger.panel'");
      return `${k.command} ${k.key}`;
    });
    const expected = PanelAction.options.flatMap((a) =>
      PANEL_KEYMAP[a].map((k) => `${actionCommand(a)} ${k.replace('ctrlcmd', 'ctrl')}`),
    );
    assert.deepEqual([...contributed].sort(), [...expected].sort());
  });

  it('shows Start LoRA Tagging on folders only and activates on nothing else', () => {
    const entry = pkg.contributes.menus['explorer/context'].find(
      (m: { command: string }) => m.command === 'loraTagger.startTagging',
    );
    assert.equal(entry.when, 'explorerResourceIsFolder');
    assert.deepEqual(pkg.activationEvents, ['onWebviewPanel:loraTagger.panel']);
    assert.equal(pkg.capabilities.virtualWorkspaces, false);
  });

  it('declares limited Restricted Mode support, saying what the commands do there', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(pkg.capabilities.untrustedWorkspaces.description, /trusted/);
    assert.equal(
      restrictedModeMessage('Start LoRA Tagging'),
      'Start LoRA Tagging did nothing: this workspace is in Restricted Mode. LoRA Dataset Tagger copies, writes and renames files in the folders you tag, so it works only in a trusted workspace. Trust this folder (Manage Workspace Trust), then run Start LoRA Tagging again.',
    );
    // Every command is still shown (none hidden behind isWorkspaceTrusted), so the Explorer entry is there to explain.
    const whens = Object.values(pkg.contributes.menus)
      .flat()
      .map((m) => (m as { when?: string }).when ?? '');
    assert.ok(whens.every((w) => !w.includes('isWorkspaceTrusted')));
  });

  it('does not depend on the deprecated webview UI toolkit', () => {
    assert.equal(JSON.stringify(pkg).includes('@vscode/webview-ui-toolkit'), false);
  });
});
