/**
 * The panel actions package.json contributes as commands with keybindings (so users can rebind them). VS Code
 * forwards keys pressed in the webview to its keybinding service, which runs the command, which sends the action
 * to the panel; the webview is told not to handle these keys itself (`hostKeys`), or they would run twice.
 */
import { PanelAction } from '../../shared/protocol';

/** Command id of a panel action: `loraTagger.panel.nextImage`, … */
export function actionCommand(action: PanelAction): string {
  return `loraTagger.panel.${action}`;
}

/** Command id -> action, for every panel action. */
export const ACTION_COMMANDS: Readonly<Record<string, PanelAction>> = Object.fromEntries(
  PanelAction.options.map((a) => [actionCommand(a), a]),
);

/** The actions whose keys VS Code dispatches: all of them. */
export const HOST_KEY_ACTIONS: readonly PanelAction[] = PanelAction.options;
