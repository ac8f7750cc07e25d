/**
 * All open tagging panels: at most one per dataset, the status bar item of the active one, and restoring panels
 * after a window reload (registerWebviewPanelSerializer).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Dataset } from '../dataset/session/dataset';
import type { ImageService } from '../dataset/images/imageService';
import { Disposable } from '../disposable';
import { errorMessage, log } from '../log';
import { PANEL_VIEW_TYPE, TaggingPanel } from './taggingPanel';

const OPEN_PANELS_KEY = 'loraTagger.openPanels';

/** Owns every TaggingPanel. */
export class PanelManager extends Disposable {
  private readonly panels = new Map<string, TaggingPanel>();
  private readonly opening = new Map<string, Promise<TaggingPanel>>();
  private readonly statusItem: vscode.StatusBarItem;
  private active: TaggingPanel | undefined;
  /** Output folders seen this window: the Explorer offers Export/Check/Resume on them (`loraTagger.outputFolders`). */
  private readonly outputFolders = new Set<string>();
  private readonly opened = this._register(new vscode.EventEmitter<TaggingPanel>());
  /** Fires when a panel opens on a dataset, also when VS Code restores one after a window reload. */
  readonly onDidOpen = this.opened.event;

  /** @param images makes the panels' thumbnails (one pool and cache for every panel). */
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly images?: ImageService,
  ) {
    super();
    this.statusItem = this._register(
      vscode.window.createStatusBarItem('loraTagger.progress', vscode.StatusBarAlignment.Left, 50),
    );
    this.statusItem.name = 'LoRA Tagging progress';
    this.statusItem.command = 'loraTagger.showPanel';
    this._register(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: (panel) => this.restore(panel),
      }),
    );
  }

  /** The panel the user last worked in, if any is open. */
  current(): TaggingPanel | undefined {
    return this.active ?? [...this.panels.values()].at(-1);
  }

  /** The panel of an output folder, if open. */
  get(outputFolder: string): TaggingPanel | undefined {
    return this.panels.get(path.resolve(outputFolder));
  }

  /** Opens (or reveals) the panel of a dataset, optionally on one image. */
  async open(outputFolder: string, file?: string): Promise<TaggingPanel> {
    const key = path.resolve(outputFolder);
    const existing = this.panels.get(key) ?? (await this.opening.get(key));
    if (existing) {
      existing.reveal(file);
      return existing;
    }
    const opening = (async () => {
      const dataset = await this.openDataset(key);
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'LoRA Tagging', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      return this.adopt(panel, dataset, file);
    })();
    this.opening.set(key, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(key);
    }
  }

  /** Saves every open dataset (deactivate). */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.panels.values()].map((p) => p.dataset.flush().catch((err) => log().error(errorMessage(err)))),
    );
  }

  /** Closes every panel (each saves its dataset), then the status bar item and the serializer. */
  override dispose(): void {
    if (this.isDisposed) return;
    for (const p of this.panels.values()) void p.dispose();
    super.dispose();
  }

  private async openDataset(outputFolder: string): Promise<Dataset> {
    const { dataset, notices } = await Dataset.open(outputFolder);
    for (const n of notices) {
      log().warn(n);
      void vscode.window.showWarningMessage(n);
    }
    return dataset;
  }

  private adopt(panel: vscode.WebviewPanel, dataset: Dataset, file?: string): TaggingPanel {
    const key = path.resolve(dataset.outputFolder);
    const tp = new TaggingPanel(panel, dataset, {
      extensionUri: this.context.extensionUri,
      images: this.images,
      onDidDispose: (p) => {
        this.panels.delete(key);
        if (this.active === p) this.active = undefined;
        void this.rememberOpen();
        this.updateStatus();
      },
      onDidChangeProgress: () => this.updateStatus(),
      onDidFocus: (p) => {
        this.active = p;
        this.updateStatus();
      },
    });
    this.panels.set(key, tp);
    this.active = tp;
    this.outputFolders.add(key);
    void vscode.commands.executeCommand('setContext', 'loraTagger.outputFolders', [...this.outputFolders]);
    void this.rememberOpen();
    this.updateStatus();
    if (file) tp.reveal(file);
    this.opened.fire(tp);
    return tp;
  }

  /** After a window reload VS Code hands back the panel; its dataset is the one remembered under its title. */
  private async restore(panel: vscode.WebviewPanel): Promise<void> {
    const open = this.context.workspaceState.get<{ title: string; outputFolder: string }[]>(OPEN_PANELS_KEY, []);
    const taken = new Set(this.panels.keys());
    const entry =
      open.find((e) => e.title === panel.title && !taken.has(e.outputFolder)) ??
      open.find((e) => !taken.has(e.outputFolder));
    if (!entry) {
      panel.dispose();
      return;
    }
    try {
      this.adopt(panel, await this.openDataset(entry.outputFolder));
    } catch (err) {
      const message = `Could not reopen the tagging session in ${entry.outputFolder}: ${errorMessage(err)}. Use "LoRA Tagging: Resume Session" to pick it again.`;
      log().error(message);
      void vscode.window.showErrorMessage(message);
      panel.dispose();
    }
  }

  private async rememberOpen(): Promise<void> {
    const open = [...this.panels.values()].map((p) => ({
      title: p.panel.title,
      outputFolder: path.resolve(p.dataset.outputFolder),
    }));
    await this.context.workspaceState.update(OPEN_PANELS_KEY, open);
  }

  private updateStatus(): void {
    const p = this.current();
    void vscode.commands.executeCommand('setContext', 'loraTagger.panelOpen', p !== undefined);
    if (!p) {
      this.statusItem.hide();
      return;
    }
    const { tagged, total } = p.progress();
    this.statusItem.text = `$(tag) LoRA ${tagged}/${total}`;
    this.statusItem.tooltip = `${p.panel.title}: ${tagged} of ${total} images tagged. Click to show the tagging panel.`;
    this.statusItem.show();
  }
}
