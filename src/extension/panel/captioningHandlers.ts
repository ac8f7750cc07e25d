/**
 * The panel's captioning buttons and keys (issue 12): `captioning/control` (Pause, Resume, Cancel run on the
 * progress line) runs the same commands as the palette and the status bar, but for this dataset's run only
 * (CaptionRuns.pause/resume/cancel of its folder); `review/markReviewed` marks machine captions reviewed without
 * editing them, through the engine's markReviewed, so the `machine` filter, the report and export count them no more.
 */
import * as vscode from 'vscode';
import type { ToHost, ToHostResults } from '../../shared/protocol';
import type { RequestHandlers } from '../../shared/rpc';
import { markReviewed, unreviewedImages } from '../dataset/captioning/suggestions';
import type { Dataset } from '../dataset/session/dataset';
import { log } from '../log';

type Control = Extract<ToHost, { type: 'captioning/control' }>['action'];

const COMMANDS: Record<Control, string> = {
  pause: 'loraTagger.pauseCaptioning',
  resume: 'loraTagger.resumeCaptioning',
  cancel: 'loraTagger.cancelCaptioning',
};

/** The captioning handlers of the panel on `dataset` (read when a message comes). */
export function captioningHandlers(
  dataset: () => Dataset,
): Pick<RequestHandlers<ToHost, typeof ToHostResults>, 'captioning/control' | 'review/markReviewed'> {
  return {
    'captioning/control': async (msg) => {
      const folder = dataset().outputFolder;
      const reached = await vscode.commands.executeCommand<number>(COMMANDS[msg.action], vscode.Uri.file(folder));
      if (!reached) {
        const message = `Could not ${msg.action} AI captioning: no run is going on ${folder} (it may have just ended).`;
        log().warn(message);
        throw new Error(message);
      }
      log().info(`AI captioning of ${folder}: ${msg.action} (from the panel)`);
    },
    'review/markReviewed': (msg) => {
      const ds = dataset();
      const unreviewed = new Set(unreviewedImages(ds));
      const files = [...new Set(msg.files)].filter((f) => unreviewed.has(f));
      for (const f of files) markReviewed(ds, f);
      if (files.length) log().info(`Marked ${files.length} machine caption(s) reviewed in ${ds.outputFolder}`);
      return { marked: files.length };
    },
  };
}
