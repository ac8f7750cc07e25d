/**
 * The panel's Pause, Resume and Cancel run buttons (issue 12): `captioning/control` runs the same commands as the
 * palette and the status bar, but for this dataset's run only (CaptionRuns.pause/resume/cancel of its folder).
 */
import * as vscode from 'vscode';
import type { ToHost, ToHostResults } from '../../shared/protocol';
import type { RequestHandlers } from '../../shared/rpc';
import { log } from '../log';

type Control = Extract<ToHost, { type: 'captioning/control' }>['action'];

const COMMANDS: Record<Control, string> = {
  pause: 'loraTagger.pauseCaptioning',
  resume: 'loraTagger.resumeCaptioning',
  cancel: 'loraTagger.cancelCaptioning',
};

/** The `captioning/control` handler of the panel on `outputFolder` (read when a message comes). */
export function runControlHandlers(
  outputFolder: () => string,
): Pick<RequestHandlers<ToHost, typeof ToHostResults>, 'captioning/control'> {
  return {
    'captioning/control': async (msg) => {
      const folder = outputFolder();
      const reached = await vscode.commands.executeCommand<number>(COMMANDS[msg.action], vscode.Uri.file(folder));
      if (!reached) {
        const message = `Could not ${msg.action} AI captioning: no run is going on ${folder} (it may have just ended).`;
        log().warn(message);
        throw new Error(message);
      }
      log().info(`AI captioning of ${folder}: ${msg.action} (from the panel)`);
    },
  };
}
