/**
 * Keeps the panel, the caption files on disk and any text editor showing a caption in step.
 *
 * - Panel -> disk: through the engine's atomic write; but while the `.txt` is open in VS Code, through a
 *   WorkspaceEdit plus save, so VS Code's undo covers the change and no "file is newer" dialog can appear.
 * - Editor -> panel: every edit typed in an editor is forwarded at once (it shows within a frame or two), and the
 *   document is saved after a short pause so the file on disk, the truth, follows.
 * - Disk -> panel: a file-system watcher on the output folder re-reads changed captions and `tags.txt`.
 * - Revisions, not clocks (captionRevisions.ts): every change that is not the panel's own save reaches the panel
 *   with its revision; a save the panel made before such a change is refused, never written over it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ToWebview } from '../../shared/protocol';
import { writeFileAtomic } from '../dataset/io/atomicWrite';
import type { CaptionChanged } from '../dataset/session/captionRevisions';
import { PanelSaves, type PanelSave } from '../dataset/session/panelSaves';
import type { Dataset } from '../dataset/session/dataset';
import { Disposable } from '../disposable';
import { errorMessage, log } from '../log';
import { readSettings } from '../settings';

const EDITOR_FORWARD_MS = 40;
const EDITOR_AUTOSAVE_MS = 600;

/** Two-way caption sync for one dataset. */
export class CaptionSync extends Disposable {
  private readonly forwardTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly saveTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The last text the panel asked for, per image: an editor change with this text is our own echo. */
  private readonly fromPanel = new Map<string, string>();
  private imageByStem = new Map<string, string>();
  private readonly saves: PanelSaves;
  private knownCount: number;

  constructor(
    private readonly dataset: Dataset,
    private readonly post: (msg: ToWebview) => void,
    private readonly onProgress: () => void,
  ) {
    super();
    this.indexImages();
    this.saves = new PanelSaves(dataset);
    this.knownCount = dataset.knownTags().length;
    this._register(dataset.onDidChangeCaption((e) => this.changedElsewhere(e)));
    const watcher = this._register(
      vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(dataset.outputFolder), '*.txt'),
      ),
    );
    this._register(watcher.onDidChange((uri) => void this.onDisk(uri)));
    this._register(watcher.onDidCreate((uri) => void this.onDisk(uri)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.onEditorChange(e.document)),
    );
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => void this.onEditorSaved(doc)));
    this._register(
      dataset.onDidChange(() => {
        if (this.imageByStem.size !== dataset.session.images.length) this.indexImages();
      }),
    );
  }

  /** A new webview (a reload) numbers its saves from 1 again. */
  resetSeq(): void {
    this.saves.reset();
  }

  /**
   * Writes a caption the panel sent: `base` is the revision it was made from, `seq` the panel's count of its saves.
   * A save made before an outside change is refused and the outside change kept (the panel shows it, with the
   * user's text one undo step back); the refused text is also written to the log.
   */
  async savePanelCaption(file: string, text: string, base: number, seq: number, typing?: boolean): Promise<PanelSave> {
    const r = await this.saves.save(file, text, base, seq, (p, t) => this.writeFile(file, p, t), typing);
    if (!r.saved) log().warn(`${r.message} The panel's text, not saved: ${JSON.stringify(text)}`);
    this.postKnownTags();
    this.onProgress();
    return r;
  }

  /** Writes a caption for the engine (a tag operation) as the panel's edits are written; an outside change for it. */
  async writeCaption(file: string, text: string): Promise<void> {
    await this.dataset.setCaption(file, text, { write: (p, t) => this.writeFile(file, p, t) });
    this.postKnownTags();
    this.onProgress();
  }

  /** The write itself, in its turn: through the text editor when the caption is open in one, else atomically. */
  private async writeFile(file: string, path: string, text: string): Promise<void> {
    const doc = this.openDocument(file);
    if (!doc) return writeFileAtomic(path, text);
    this.fromPanel.set(file, text);
    if (doc.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit to ${doc.uri.fsPath}`);
    }
    if (doc.isDirty && !(await doc.save())) throw new Error(`VS Code could not save ${doc.uri.fsPath}`);
  }

  /** Opens the image's caption in a text editor beside the panel. */
  async openBeside(file: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.file(this.dataset.captionPath(file));
    return vscode.window.showTextDocument(uri, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: false,
      preview: false,
    });
  }

  /** With `followCaptionEditor`, a visible caption editor of this dataset switches to the new image's caption. */
  async followEditor(file: string): Promise<void> {
    const editor = vscode.window.visibleTextEditors.find((e) => this.imageFor(e.document.uri) !== undefined);
    if (!editor || this.imageFor(editor.document.uri) === file) return;
    const uri = vscode.Uri.file(this.dataset.captionPath(file));
    await vscode.window.showTextDocument(uri, { viewColumn: editor.viewColumn, preserveFocus: true, preview: true });
  }

  /** Forwards and saves pending editor edits now. */
  async flush(): Promise<void> {
    for (const [file, t] of this.saveTimers) {
      clearTimeout(t);
      this.saveTimers.delete(file);
      await this.openDocument(file)?.save();
    }
  }

  /** Stops the pending editor timers and every watcher and listener. */
  override dispose(): void {
    for (const t of [...this.forwardTimers.values(), ...this.saveTimers.values()]) clearTimeout(t);
    super.dispose();
  }

  private indexImages(): void {
    this.imageByStem = new Map(this.dataset.session.images.map((i) => [path.parse(i.file).name, i.file]));
  }

  /** The image whose caption this file is, if it is one of this dataset's. */
  private imageFor(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file' || path.extname(uri.fsPath).toLowerCase() !== '.txt') return undefined;
    if (path.resolve(path.dirname(uri.fsPath)) !== path.resolve(this.dataset.outputFolder)) return undefined;
    return this.imageByStem.get(path.basename(uri.fsPath, path.extname(uri.fsPath)));
  }

  private openDocument(file: string): vscode.TextDocument | undefined {
    const p = path.resolve(this.dataset.captionPath(file));
    return vscode.workspace.textDocuments.find(
      (d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === p && !d.isClosed,
    );
  }

  private onEditorChange(doc: vscode.TextDocument): void {
    const file = this.imageFor(doc.uri);
    if (!file) return;
    const text = doc.getText();
    if (this.fromPanel.get(file) === text) return;
    this.fromPanel.delete(file);
    clearTimeout(this.forwardTimers.get(file));
    this.forwardTimers.set(
      file,
      setTimeout(() => {
        this.forwardTimers.delete(file);
        const now = doc.getText();
        this.post({ type: 'caption/changed', file, text: now, rev: this.dataset.forwardEditorText(file, now) });
      }, EDITOR_FORWARD_MS),
    );
    if (!readSettings(doc.uri).autoSaveCaptionEditor) return;
    clearTimeout(this.saveTimers.get(file));
    this.saveTimers.set(
      file,
      setTimeout(() => {
        this.saveTimers.delete(file);
        if (!doc.isClosed && doc.isDirty) void doc.save();
      }, EDITOR_AUTOSAVE_MS),
    );
  }

  private async onEditorSaved(doc: vscode.TextDocument): Promise<void> {
    const file = this.imageFor(doc.uri);
    if (!file) return;
    await this.reload(file);
  }

  private async onDisk(uri: vscode.Uri): Promise<void> {
    if (path.resolve(path.dirname(uri.fsPath)) !== path.resolve(this.dataset.outputFolder)) return;
    if (path.basename(uri.fsPath) === 'tags.txt') {
      try {
        if (await this.dataset.reloadTagsFile()) {
          this.knownCount = this.dataset.knownTags().length;
          this.post({ type: 'tags/known', tags: this.dataset.knownTags() });
        }
      } catch (err) {
        log().warn(`Could not re-read ${uri.fsPath}: ${errorMessage(err)}`);
      }
      return;
    }
    const file = this.imageFor(uri);
    if (file) await this.reload(file);
  }

  private async reload(file: string): Promise<void> {
    try {
      // A change is posted by changedElsewhere, with its revision; our own writes read back as no change at all.
      await this.dataset.reloadCaption(file);
      this.postKnownTags();
    } catch (err) {
      log().warn(`Could not re-read the caption of ${file}: ${errorMessage(err)}`);
    }
  }

  private changedElsewhere(e: CaptionChanged): void {
    this.post({ type: 'caption/changed', file: e.file, text: e.text, rev: e.rev });
    this.postKnownTags();
    this.onProgress();
  }

  private postKnownTags(): void {
    const known = this.dataset.knownTags();
    if (known.length === this.knownCount) return;
    this.knownCount = known.length;
    this.post({ type: 'tags/known', tags: known });
  }
}
