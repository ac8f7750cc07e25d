/**
 * The panel's side of reviewing machine captions (issue 12): it tells the webview which images have a suggestion
 * waiting and which machine captions nobody has reviewed, after every `dataset/load` and whenever that changes, and
 * answers the webview's accept, merge and reject through the dataset engine (the run's undo takes an answer back).
 */
import * as vscode from 'vscode';
import type { SuggestionView, ToHost, ToHostResults, ToWebview } from '../../../shared/protocol';
import type { RequestHandlers } from '../../../shared/rpc';
import { resolveSuggestion, unreviewedImages } from '../../dataset/captioning/suggestions';
import type { Dataset } from '../../dataset/session/dataset';
import { errorMessage, log } from '../../log';

/** What the review needs from its panel. */
export interface ReviewPanel {
  readonly dataset: Dataset;
  writeCaption(file: string, text: string): Promise<void>;
}

type ReviewState = Extract<ToWebview, { type: 'review/state' }>;

/** Keeps one panel's webview told of the suggestions and unreviewed captions of its dataset. */
export class CaptionReview {
  private last = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly dataset: Dataset,
    private readonly post: (msg: ToWebview) => void,
  ) {
    this.sub = dataset.onDidChange(() => this.schedule());
  }

  /** Sends the state now, even if unchanged (the webview has just taken a whole dataset). */
  sendNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const msg = reviewState(this.dataset);
    this.last = JSON.stringify(msg);
    this.post(msg);
  }

  /** Stops listening. */
  dispose(): void {
    clearTimeout(this.timer);
    this.sub.dispose();
  }

  // Coalesced: a run answers many images in a row, and the state is posted only when it differs.
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const msg = reviewState(this.dataset);
      const json = JSON.stringify(msg);
      if (json === this.last) return;
      this.last = json;
      this.post(msg);
    }, 0);
  }
}

/** The `review/state` message of a dataset. */
export function reviewState(ds: Dataset): ReviewState {
  const suggestions: SuggestionView[] = [];
  for (const i of ds.session.images) {
    const s = i.suggestion;
    if (!s) continue;
    suggestions.push({
      file: i.file,
      text: s.text,
      ...(s.tags ? { tags: s.tags } : {}),
      provider: s.provider,
      model: s.model,
    });
  }
  return { type: 'review/state', suggestions, unreviewed: unreviewedImages(ds) };
}

/** The handlers of the review's messages, for the panel's handlers table. */
export function reviewHandlers(
  panel: ReviewPanel,
): Pick<RequestHandlers<ToHost, typeof ToHostResults>, 'suggestion/answer' | 'captioning/start'> {
  return {
    'captioning/start': async (msg) => {
      const known = new Set(panel.dataset.session.images.map((i) => i.file));
      const missing = msg.files.filter((f) => !known.has(f));
      if (missing.length)
        throw new Error(
          `Not images of the dataset in ${panel.dataset.outputFolder}: ${missing.slice(0, 5).join(', ')}.`,
        );
      await vscode.commands.executeCommand('loraTagger.autoCaption', vscode.Uri.file(panel.dataset.outputFolder), {
        interactive: true,
        scope: msg.files,
      });
    },
    'suggestion/answer': async (msg) => {
      try {
        const caption = await resolveSuggestion(panel.dataset, msg.file, msg.answer, (f, t) =>
          panel.writeCaption(f, t),
        );
        return { caption };
      } catch (err) {
        const message = `Could not ${msg.answer} the machine suggestion for ${msg.file}: ${errorMessage(err)}`;
        log().warn(message);
        throw new Error(message);
      }
    },
  };
}
