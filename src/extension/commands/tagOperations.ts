/**
 * Dataset-wide tag commands: Rename / Merge Tag, Remove Tag, Add Tag to All Images, Undo Last Tag Operation, and
 * Set Tag Category (the palette groups by these). Interactive from the palette; batch with
 * `executeCommand('loraTagger.renameTag', outputFolderUri, { from, to })` (likewise `removeTag` `{ tag }`,
 * `addTagToAll` `{ tag }`, `undoTagOperation`, `setTagCategory` `{ tags, category }`), which return
 * `{ changed }` (the number of captions written) and ask nothing.
 */
import * as vscode from 'vscode';
import { countTags } from '../../shared/caption';
import type { Dataset } from '../dataset/session/dataset';
import { Disposable } from '../disposable';
import {
  applyTagOperation,
  describeOperation,
  planForDataset,
  undoLastTagOperation,
  type ApplyOptions,
  type TagOperation,
} from '../dataset/tags/tagOperations';
import { errorMessage, log } from '../log';
import type { PanelManager } from '../panel/panelManager';
import { isBatchCall, resolveOutputFolder, withDataset } from './datasetTarget';

/** Registers the commands; planning, writing and the undo history (tag-undo.json) are the engine's. */
export class TagOperations extends Disposable {
  constructor(private readonly panels: PanelManager) {
    super();
    const reg = (id: string, fn: (arg: unknown, extra: unknown) => Promise<unknown>) =>
      vscode.commands.registerCommand(id, fn);
    for (const command of [
      reg('loraTagger.renameTag', (a, e) =>
        this.run(a, e, 'Rename Tag', async (ds, o) => ({
          kind: 'rename',
          from: o.from ?? (await this.pickTag(ds, 'Rename which tag?')),
          to: o.to ?? (await this.askName('Rename to (an existing tag merges them)', o.from)),
        })),
      ),
      reg('loraTagger.removeTag', (a, e) =>
        this.run(a, e, 'Remove Tag', async (ds, o) => ({
          kind: 'remove',
          tag: o.tag ?? (await this.pickTag(ds, 'Remove which tag from every caption?')),
        })),
      ),
      reg('loraTagger.addTagToAll', (a, e) =>
        this.run(a, e, 'Add Tag to All Images', async (_ds, o) => ({
          kind: 'add',
          tag: o.tag ?? (await this.askName('Tag to add to every image that is not skipped')),
        })),
      ),
      reg('loraTagger.cleanCaptions', (a, e) =>
        this.run(a, e, 'Remove Byte-Order Marks and Line Breaks', async () => ({ kind: 'clean' })),
      ),
      reg('loraTagger.undoTagOperation', (a, e) => this.undoLast(a, e)),
      reg('loraTagger.setTagCategory', (a, e) => this.setCategory(a, e)),
    ]) {
      this._register(command);
    }
  }

  private async run(
    arg: unknown,
    extra: unknown,
    title: string,
    build: (ds: Dataset, o: { from?: string; to?: string; tag?: string }) => Promise<TagOperation>,
  ): Promise<{ changed: number } | undefined> {
    const batch = isBatchCall(arg, extra);
    const folder = await resolveOutputFolder(this.panels, arg, title);
    if (!folder) return undefined;
    const given = (batch && typeof extra === 'object' && extra !== null ? extra : {}) as {
      from?: string;
      to?: string;
      tag?: string;
    };
    try {
      return await withDataset(this.panels, folder, async (ds) => {
        const op = await build(ds, given);
        const changes = planForDataset(ds, op);
        if (changes.length === 0) {
          if (!batch)
            void vscode.window.showInformationMessage(
              `${describeOperation(op)}: no caption has it, so nothing changed.`,
            );
          return { changed: 0 };
        }
        if (!batch) {
          const go = await vscode.window.showWarningMessage(
            `${describeOperation(op)} in ${changes.length} caption(s)? You can undo it.`,
            { modal: true },
            'Apply',
          );
          if (go !== 'Apply') return undefined;
        }
        const applied = await this.withWriter(ds, (opts) => applyTagOperation(ds, op, changes, opts));
        for (const n of applied.notices) log().warn(n);
        log().info(`${describeOperation(op)}: ${changes.length} caption(s) in ${folder}`);
        if (!batch) {
          void vscode.window
            .showInformationMessage(`${describeOperation(op)}: ${changes.length} caption(s) changed.`, 'Undo')
            .then(
              (c) =>
                c &&
                vscode.commands.executeCommand('loraTagger.undoTagOperation', vscode.Uri.file(folder), {
                  interactive: true,
                }),
            );
        }
        return { changed: changes.length };
      });
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      return this.fail(`${title} in ${folder} failed: ${errorMessage(err)}`, batch);
    }
  }

  private async undoLast(arg: unknown, extra: unknown): Promise<{ changed: number; skipped: string[] } | undefined> {
    const batch = isBatchCall(arg, extra);
    const folder = await resolveOutputFolder(this.panels, arg, 'Undo Tag Operation');
    if (!folder) return undefined;
    try {
      return await withDataset(this.panels, folder, async (ds) => {
        const r = await this.withWriter(ds, (opts) => undoLastTagOperation(ds, opts));
        if (r.label === null) {
          if (!batch) {
            void vscode.window.showInformationMessage(
              'There is no dataset-wide tag operation to undo in this dataset.',
            );
          }
          return { changed: 0, skipped: [] };
        }
        const { skipped } = r;
        const list = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ', …' : '');
        const note = skipped.length ? ` ${skipped.length} caption(s) edited since were left as they are: ${list}.` : '';
        const done = `${r.restored.length} caption(s) restored.${note}`;
        log().info(`Undid ${r.label} in ${folder}: ${done}`);
        if (!batch) void vscode.window.showInformationMessage(`Undid ${r.label}: ${done}`);
        return { changed: r.restored.length, skipped };
      });
    } catch (err) {
      return this.fail(`Undo in ${folder} failed: ${errorMessage(err)}`, batch);
    }
  }

  private async setCategory(arg: unknown, extra: unknown): Promise<{ changed: number } | undefined> {
    const batch = isBatchCall(arg, extra);
    const folder = await resolveOutputFolder(this.panels, arg, 'Set Tag Category');
    if (!folder) return undefined;
    const given = (batch && typeof extra === 'object' && extra !== null ? extra : {}) as {
      tags?: string[];
      category?: string;
    };
    try {
      return await withDataset(this.panels, folder, async (ds) => {
        const tags = given.tags ?? (await this.pickTags(ds));
        const existing = ds.session.categories.map((c) => c.name);
        const category = (given.category ?? (await this.pickCategory(existing))).trim();
        const cats = ds.session.categories.map((c) => ({
          name: c.name,
          tags: c.tags.filter((t) => !tags.includes(t)),
        }));
        if (category) {
          const target = cats.find((c) => c.name === category) ?? cats[cats.push({ name: category, tags: [] }) - 1]!;
          target.tags.push(...tags);
        }
        ds.setCategories(cats.filter((c) => c.tags.length > 0));
        this.panels.get(folder)?.reload();
        return { changed: tags.length };
      });
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      return this.fail(`Set Tag Category in ${folder} failed: ${errorMessage(err)}`, batch);
    }
  }

  /** Runs an engine write with the panel's caption sync when a panel is open, under a window progress item. */
  private async withWriter<T>(ds: Dataset, fn: (opts: ApplyOptions) => Promise<T>): Promise<T> {
    // With a panel open, captions go through its sync, so a caption open in an editor changes through a saved
    // WorkspaceEdit (VS Code's undo covers it, no "file is newer" dialog) exactly as the panel's own edits do.
    const panel = this.panels.get(ds.outputFolder);
    const write = panel ? (f: string, t: string) => panel.writeCaption(f, t) : undefined;
    try {
      const where = { location: vscode.ProgressLocation.Window, title: 'Writing captions' };
      return await vscode.window.withProgress(where, (progress) =>
        fn({ write, onProgress: (done, total) => done % 50 === 1 && progress.report({ message: `${done}/${total}` }) }),
      );
    } finally {
      panel?.reload();
    }
  }

  private tagItems(ds: Dataset) {
    const counts = countTags(
      ds.session.images.map((i) => ds.caption(i.file)),
      ds.session.captionStyle,
    );
    return ds.knownTags().map((t) => ({ label: t, description: `${counts.get(t) ?? 0} image(s)` }));
  }

  private async pickTag(ds: Dataset, title: string): Promise<string> {
    const pick = await vscode.window.showQuickPick(this.tagItems(ds), { title, matchOnDescription: false });
    if (!pick) throw new Cancelled();
    return pick.label;
  }

  private async pickTags(ds: Dataset): Promise<string[]> {
    const picks = await vscode.window.showQuickPick(this.tagItems(ds), {
      title: 'Which tags go in the category?',
      canPickMany: true,
    });
    if (!picks?.length) throw new Cancelled();
    return picks.map((p) => p.label);
  }

  private async pickCategory(existing: string[]): Promise<string> {
    const qp = vscode.window.createQuickPick();
    qp.title = 'Category (type a new name, or leave empty to remove the tags from their category)';
    const base = [...existing.map((label) => ({ label })), { label: '', description: 'No category' }];
    qp.items = base;
    qp.onDidChangeValue(
      (v) => (qp.items = v && !existing.includes(v) ? [{ label: v, description: 'New category' }, ...base] : base),
    );
    return new Promise<string>((resolve, reject) => {
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.label ?? qp.value);
        qp.hide();
      });
      qp.onDidHide(() => {
        qp.dispose();
        reject(new Cancelled());
      });
      qp.show();
    });
  }

  private async askName(prompt: string, value?: string): Promise<string> {
    const v = await vscode.window.showInputBox({
      prompt,
      value,
      validateInput: (s) => (s.trim() ? (s.includes(',') ? 'One tag: no commas.' : undefined) : 'Type a tag.'),
    });
    if (v === undefined) throw new Cancelled();
    return v.trim();
  }

  private fail(message: string, batch: boolean): undefined {
    log().error(message);
    if (batch) throw new Error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

class Cancelled extends Error {}
