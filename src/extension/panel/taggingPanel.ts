/** One tagging panel on one dataset: the WebviewPanel, its protocol endpoint and the dispatch of what it asks. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toFileText } from '../../shared/caption';
import {
  type DatasetView,
  type PanelAction,
  type ReplyBody,
  type ToHost,
  type ToHostResult,
  type ToHostResults,
  type ToWebview,
  WebviewEnvelope,
} from '../../shared/protocol';
import { RpcEndpoint, dispatchRequest, type Envelope, type RequestHandlers } from '../../shared/rpc';
import type { Dataset } from '../dataset/session/dataset';
import type { ImageService, PipelineLease } from '../dataset/images/imageService';
import type { ThumbnailReady } from '../dataset/images/pipeline';
import { Disposable } from '../disposable';
import { errorMessage, log } from '../log';
import { readSettings } from '../settings';
import { CaptionReview, reviewHandlers } from './handlers/captionReview';
import { captionSaveError } from './captionSaveError';
import { CaptionBatch } from './captionBatch';
import { CaptionSync } from './captionSync';
import type { PanelSave } from '../dataset/session/panelSaves';
import { panelHtml } from './html';
import { datasetView } from './datasetView';
import { selectionHandlers } from './handlers/selectionHandlers';
import { vocabularyHandlers } from './handlers/vocabHandlers';
import { cropHandlers } from './handlers/cropHandlers';
import { captioningHandlers } from './handlers/captioningHandlers';
import { findReplaceHandlers } from './handlers/findReplaceHandlers';

type CaptionUpdateResult = ToHostResult<'caption/update'>;

/** The webview panel type, also used by the serializer and the keybindings' `when` clauses. */
export const PANEL_VIEW_TYPE = 'loraTagger.panel';

/** What a panel needs from the extension. */
export interface PanelDeps {
  extensionUri: vscode.Uri;
  onDidDispose(panel: TaggingPanel): void;
  onDidChangeProgress(panel: TaggingPanel): void;
  onDidFocus(panel: TaggingPanel): void;
  /** Makes the thumbnails (absent in tests that need none: the filmstrip then shows placeholders). */
  images?: ImageService;
}

/** The panel title for a dataset. */
export function panelTitle(dataset: Dataset): string {
  return `LoRA: ${dataset.session.prefix || path.basename(path.dirname(dataset.outputFolder))}`;
}

/** One open tagging panel. Owns its Dataset and closes it when disposed. */
export class TaggingPanel extends Disposable {
  private readonly rpc: RpcEndpoint<ToWebview, ToHost>;
  /** Caption changes go to the webview in batches (captionBatch.ts). */
  private readonly captionBatch = new CaptionBatch((msg) => this.post(msg));
  private readonly sync: CaptionSync;
  private ready = false;
  private pendingReveal: string | undefined;
  private duplicates: string[] = [];
  private thumbs: Promise<PipelineLease | undefined> | undefined;
  private lease: PipelineLease | undefined;
  private readonly posted = new vscode.EventEmitter<ToWebview>();
  /** Fires for every message sent to the webview (integration tests observe the real traffic through it). */
  readonly onDidPost = this.posted.event;
  private readonly replied = new vscode.EventEmitter<Envelope<ReplyBody>>();
  /** Fires for every reply sent to the webview, with the id it answers (tests observe refusals through it). */
  readonly onDidReply = this.replied.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly dataset: Dataset,
    private readonly deps: PanelDeps,
  ) {
    super();
    const outputUri = vscode.Uri.file(dataset.outputFolder);
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(deps.extensionUri, 'dist'),
        outputUri,
        ...(deps.images ? [vscode.Uri.file(deps.images.cacheDir)] : []),
      ],
    };
    panel.title = panelTitle(dataset);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    this.rpc = new RpcEndpoint<ToWebview, ToHost>(
      (env) => this.postEnvelope(env),
      WebviewEnvelope,
      (body) => dispatchRequest(this.handlers, body),
      (problem) =>
        log().warn(`Ignored an invalid message from the tagging panel (${dataset.outputFolder}): ${problem}`),
      'h',
    );
    this.sync = new CaptionSync(
      dataset,
      (msg) => this.post(msg),
      () => this.deps.onDidChangeProgress(this),
    );
    const review = new CaptionReview(dataset, (msg) => this.post(msg));
    let target = dataset.session.exportTarget;
    for (const d of [
      review,
      // Every whole dataset the webview takes is followed by what is waiting for review in it.
      this.onDidPost((m) => m.type === 'dataset/load' && review.sendNow()),
      this.posted,
      this.replied,
      this.sync,
      panel.webview.onDidReceiveMessage((raw) => void this.rpc.receive(raw)),
      panel.onDidDispose(() => void this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.deps.onDidFocus(this);
        // Hidden panels keep running (retainContextWhenHidden is off), so save what is pending now.
        if (!e.webviewPanel.visible) void this.dataset.flush();
      }),
      dataset.onDidChange(() => this.deps.onDidChangeProgress(this)),
      // The report's buckets and the crop tool's presets are the export target's: the panel hears when it changes
      // (only that: its undo history, selection and unsaved text stay).
      dataset.onDidChange(() => {
        if (target === dataset.session.exportTarget) return;
        target = dataset.session.exportTarget;
        this.post({ type: 'dataset/target', exportTarget: target ?? 'civitai' });
      }),
    ]) {
      this._register(d);
    }
    panel.webview.html = panelHtml(panel.webview, deps.extensionUri, panel.title);
  }

  /** Tagged and total image counts, for the status bar. */
  progress(): { tagged: number; total: number } {
    const images = this.dataset.session.images;
    return { tagged: images.filter((i) => i.status === 'tagged').length, total: images.length };
  }

  /** Brings the panel to the front, optionally on one image. */
  reveal(file?: string): void {
    this.panel.reveal(undefined, false);
    if (!file) return;
    if (this.ready) this.post({ type: 'image/reveal', file });
    else this.pendingReveal = file;
  }

  /** Writes a caption the way the panel's own edits are written (through an open editor, if there is one). */
  writeCaption(file: string, text: string): Promise<void> {
    return this.sync.writeCaption(file, text);
  }

  /** Opens an image's caption in a text editor beside the panel. */
  openCaptionBeside(file: string): Promise<vscode.TextEditor> {
    return this.sync.openBeside(file);
  }

  /** Writes pending editor edits and the session now (before an export or a check reads the files). */
  async flushAll(): Promise<void> {
    await this.sync.flush();
    await this.dataset.flush();
  }

  /** Runs a panel action (keybinding or command). */
  runAction(action: PanelAction): void {
    this.post({ type: 'action', action });
  }

  /** Switches the panel between the tagging page and the report page. */
  showView(view: 'tagging' | 'report'): void {
    this.panel.reveal(undefined, false);
    this.post({ type: 'view/show', view });
  }

  /** Tells the panel which images the last Check Dataset found duplicated (the filter's `duplicate` term). */
  showDuplicates(files: readonly string[]): void {
    this.duplicates = [...files];
    if (this.ready) this.post({ type: 'check/duplicates', files: this.duplicates });
  }

  /** The image the panel is on. */
  currentFile(): string | undefined {
    return this.dataset.session.currentFile ?? this.dataset.session.images[0]?.file;
  }

  /** Sends the whole dataset again (after a rebuild or an outside change to many files). */
  reload(): void {
    if (this.ready) this.post({ type: 'dataset/load', dataset: this.view() });
    this.lease?.pipeline.setImages(this.viewableImages());
  }

  /** Handles a raw message as if the webview had sent it (the same validation and dispatch path). */
  receive(raw: unknown): Promise<void> {
    return this.rpc.receive(raw);
  }

  /** Sends the webview a message from outside the panel (a captioning run's states). */
  send(msg: ToWebview): void {
    this.post(msg);
  }

  /** True once the webview has said `ready` and received the dataset. */
  isReady(): boolean {
    return this.ready;
  }

  private post(msg: ToWebview): void {
    if (this.isDisposed) return;
    if (msg.type === 'caption/changed') return this.captionBatch.add(msg);
    if (msg.type !== 'captions/changed') this.captionBatch.flush();
    this.rpc.notify(msg);
    this.posted.fire(msg);
  }

  private status(kind: 'saved' | 'error' | 'info', message: string): void {
    this.post({ type: 'status', kind, message });
  }

  /** What each message from the webview does, typed by the protocol: a missing type or a wrong result fails to compile. */
  private readonly handlers: RequestHandlers<ToHost, typeof ToHostResults> = {
    ready: () => {
      this.ready = true;
      this.sync.resetSeq();
      this.post({ type: 'dataset/load', dataset: this.view() });
      if (this.duplicates.length) this.post({ type: 'check/duplicates', files: this.duplicates });
      if (this.pendingReveal) this.post({ type: 'image/reveal', file: this.pendingReveal });
      this.pendingReveal = undefined;
      this.startThumbnails();
    },
    'caption/update': (msg) => this.saveCaption(msg.file, msg.text, msg.base, msg.seq, msg.typing),
    ...cropHandlers(() => this.dataset),
    'image/select': async (msg) => {
      this.requireImage(msg.file);
      this.dataset.select(msg.file);
      void this.thumbs?.then((t) => t?.pipeline.focus(msg.file));
      if (readSettings(vscode.Uri.file(this.dataset.outputFolder)).followCaptionEditor)
        await this.sync.followEditor(msg.file);
    },
    'image/flags': (msg) => {
      this.requireImage(msg.file);
      this.dataset.setFlags(msg.file, { favourite: msg.favourite, nsfw: msg.nsfw, skipped: msg.skipped });
      const rec = this.requireImage(msg.file);
      this.post({
        type: 'image/changed',
        file: msg.file,
        status: rec.status,
        favourite: rec.favourite,
        nsfw: rec.nsfw,
      });
    },
    'tags/pin': (msg) => {
      this.dataset.setPinned(msg.tag, msg.pinned);
      this.postLists();
    },
    'tags/used': (msg) => {
      this.dataset.useTags(msg.tags);
      this.postLists();
    },
    ...vocabularyHandlers(() => readSettings(vscode.Uri.file(this.dataset.outputFolder)).vocabularyFiles),
    'command/run': async (msg) => {
      const target = vscode.Uri.file(this.dataset.outputFolder);
      await vscode.commands.executeCommand(`loraTagger.${msg.command}`, target, { interactive: true });
    },
    'clipboard/write': async (msg) => {
      await vscode.env.clipboard.writeText(msg.text);
      this.status('info', 'Copied to the clipboard.');
    },
    'thumbs/want': (msg) => {
      void this.thumbs?.then((t) => t?.pipeline.want(msg.files));
    },
    'save/flush': async () => {
      await this.flushAll();
      this.status('saved', `Saved ${new Date().toLocaleTimeString()}`);
    },
    ...selectionHandlers(() => ({
      dataset: this.dataset,
      writeCaption: (f, t) => this.writeCaption(f, t),
      status: (k, m) => this.status(k, m),
    })),
    ...reviewHandlers(this),
    ...captioningHandlers(() => this.dataset),
    ...findReplaceHandlers(this, log),
  };

  /** Thumbnails in the background from the image pipeline, current image first; each batch is posted when made. */
  private startThumbnails(): void {
    const images = this.deps.images;
    if (!images) return;
    if (this.thumbs) {
      void this.thumbs.then((t) => t?.pipeline.setImages(this.viewableImages()));
      return;
    }
    this.thumbs = images
      .acquire(this.dataset.outputFolder, this.dataset.session.images, {
        background: true,
        onReady: (r) => this.postThumbs(r),
      })
      .then(
        (lease) => {
          if (this.isDisposed) return void lease.release();
          this.lease = lease;
          const current = this.currentFile();
          if (current) lease.pipeline.focus(current);
          return lease;
        },
        (err: unknown) => {
          log().warn(`No thumbnails for ${this.dataset.outputFolder}: ${errorMessage(err)}`);
          return undefined;
        },
      );
  }

  private postThumbs(ready: readonly ThumbnailReady[]): void {
    const webview = this.panel.webview;
    this.post({
      type: 'thumbs/ready',
      thumbs: ready.map((r) => ({ file: r.file, uri: webview.asWebviewUri(vscode.Uri.file(r.path)).toString() })),
    });
  }

  private async saveCaption(
    file: string,
    text: string,
    base: number,
    seq: number,
    typing?: boolean,
  ): Promise<CaptionUpdateResult> {
    this.requireImage(file);
    let saved: PanelSave;
    try {
      saved = await this.sync.savePanelCaption(file, toFileText(text), base, seq, typing);
    } catch (err) {
      const message = captionSaveError(file, err);
      log().error(message);
      this.status('error', message);
      throw new Error(message);
    }
    // Refused: the panel says so and shows the outside change, from the reply.
    if (!saved.saved) return { saved: false, rev: saved.rev, text: saved.text };
    const savedAt = new Date().toLocaleTimeString();
    this.status('saved', `Saved ${savedAt}`);
    return { ...saved, savedAt };
  }

  private requireImage(file: string) {
    const rec = this.dataset.session.images.find((i) => i.file === file);
    if (!rec) throw new Error(`${file} is not an image of this dataset (${this.dataset.outputFolder}).`);
    return rec;
  }

  private postLists(): void {
    const s = this.dataset.session;
    this.post({
      type: 'session/lists',
      recentTags: [...s.recentTags],
      pinnedTags: [...s.pinnedTags],
      categories: s.categories.map((c) => ({ name: c.name, tags: [...c.tags] })),
    });
  }

  /** The staged images the panel may read pixels of: not those that are links or otherwise not plain files. */
  private viewableImages() {
    return this.dataset.session.images.filter((i) => !this.dataset.imageProblem(i.file));
  }

  private view(): DatasetView {
    return datasetView(this.dataset, this.panel.webview, this.panel.title, this.lease);
  }

  private postEnvelope(env: Envelope<ToWebview | ReplyBody>): void {
    // A reply comes after the caption changes made before it (a selection edit's reply after its captions).
    if (env.inReplyTo !== undefined) this.captionBatch.flush();
    void this.panel.webview.postMessage(env);
    if (env.inReplyTo !== undefined) this.replied.fire(env as Envelope<ReplyBody>);
  }

  /** Saves everything pending, closes the dataset and disposes the panel's listeners. */
  override async dispose(): Promise<void> {
    if (this.isDisposed) return;
    void this.thumbs?.then((t) => t?.release());
    this.captionBatch.dispose();
    this.rpc.dispose();
    super.dispose();
    this.panel.dispose();
    this.deps.onDidDispose(this);
    try {
      await this.dataset.close();
    } catch (err) {
      const message = `Could not save the session of ${this.dataset.outputFolder} while closing: ${errorMessage(err)}`;
      log().error(message);
      void vscode.window.showErrorMessage(message);
    }
  }
}
