/**
 * Edits of several selected images at once (issue 13): their tags with "n of m" counts, and add, remove, rename,
 * toggle, paste and "apply the previous image's caption" for the whole selection. Each is one `selection/edit`
 * request: the host plans it from the files and records it as one step of the dataset-wide undo, and the new
 * captions come back in `captions/changed` batches with their revisions, like any change made outside the panel.
 */
import { cleanTag } from '../../../shared/caption';
import type { SelectionEdit } from '../../../shared/protocol';
import type { StoreCore } from '../core';
import type { Selection } from './selection';

/** One tag of the selection: how many of the selected images have it. */
export interface SelectionTag {
  tag: string;
  count: number;
}

/** The selection's tags and the edits that apply to all selected images. */
export class SelectionEdits {
  /** Tags copied with Ctrl/Cmd+Shift+C, for Ctrl/Cmd+Shift+V (kept in the panel; see copyTags). */
  clipboard: string[] = [];
  private cache: { rev: number; tags: SelectionTag[] } | undefined;

  constructor(
    private readonly core: StoreCore,
    private readonly selection: Selection,
  ) {}

  /** The staged file names of the selected images, in image order. */
  files(): string[] {
    const ims = this.core.model.images;
    if (this.selection.indices.length === 0) return this.core.current ? [this.core.current.file] : [];
    return this.selection.indices.flatMap((i) => (ims[i] ? [ims[i].file] : []));
  }

  /** The selected images' tags (the trigger word left out), common ones first, then by count and first use. */
  tags(): SelectionTag[] {
    if (this.cache?.rev === this.core.revision) return this.cache.tags;
    const trig = cleanTag(this.core.trigger).toLowerCase();
    const counts = new Map<string, number>();
    const indices = this.selection.indices.length ? this.selection.indices : [this.core.index];
    for (const i of indices) {
      for (const t of new Set(this.core.model.tagsOf[i] ?? [])) {
        if (t.toLowerCase() !== trig) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    // A stable sort: equal counts keep the order the tags were first met in.
    const tags = [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count);
    this.cache = { rev: this.core.revision, tags };
    return tags;
  }

  /** Adds tags to every selected image (one step; Ctrl/Cmd+Z takes it back). */
  add(tags: readonly string[]): boolean {
    const clean = [...new Set(tags.map(cleanTag).filter(Boolean))];
    if (!clean.length) return false;
    const edit: SelectionEdit = clean.length === 1 ? { kind: 'add', tag: clean[0]! } : { kind: 'addMany', tags: clean };
    void this.run(edit, clean.length === 1 ? `Added "${clean[0]}" to` : `Added ${clean.length} tags to`);
    return true;
  }

  /** Removes a tag from every selected image that has it. */
  remove(tag: string): boolean {
    void this.run({ kind: 'remove', tag }, `Removed "${tag}" from`);
    return true;
  }

  /** Renames a tag in every selected image that has it (an existing tag merges them). */
  rename(from: string, to: string): boolean {
    const t = cleanTag(to);
    if (!t || t === from) return false;
    void this.run({ kind: 'rename', from, to: t }, `Renamed "${from}" to "${t}" in`);
    return true;
  }

  /** The palette's click: adds the tag to all when not all have it, else removes it from all. */
  toggle(tag: string): boolean {
    const n = this.tags().find((t) => t.tag === cleanTag(tag))?.count ?? 0;
    return n === this.selection.size ? this.remove(tag) : this.add([tag]);
  }

  /** Copies the tags of the selection that every selected image has (of the current image, when one). */
  copyTags(): void {
    const all = this.selection.size;
    this.clipboard = this.tags()
      .filter((t) => t.count === all)
      .map((t) => t.tag);
    const what = all > 1 ? `the ${all} selected images have in common` : 'of this image';
    this.core.setStatus(
      'info',
      this.clipboard.length
        ? `Copied ${this.clipboard.length} tag(s) ${what}: Ctrl+Shift+V pastes them.`
        : `No tags to copy: there are none ${what} (the trigger word is in every caption already).`,
    );
  }

  /** Pastes the copied tags into every selected image (one step). */
  paste(): void {
    if (!this.clipboard.length)
      return this.core.setStatus('info', 'Nothing to paste: copy tags with Ctrl+Shift+C first.');
    this.add(this.clipboard);
  }

  /** Gives the selected images (or the current one) the caption of the image before the current one. */
  applyPrevious(visible: readonly number[] | undefined): void {
    const order = visible ?? this.core.model.images.map((_, k) => k);
    const pos = order.indexOf(this.core.index);
    const from = pos > 0 ? this.core.model.images[order[pos - 1]!] : undefined;
    if (!from) return this.core.setStatus('info', 'There is no previous image to take the caption from.');
    const files = this.files().filter((f) => f !== from.file);
    if (!files.length) return;
    void this.run({ kind: 'copyCaption', from: from.file }, `Applied the caption of ${from.file} to`, files);
  }

  /** Ctrl/Cmd+Z with several selected: takes back the newest dataset-wide step. */
  async undo(): Promise<void> {
    try {
      const r = await this.core.host.request({ type: 'selection/undo' });
      if (r.label === null) return this.core.setStatus('info', 'There is no multi-image or dataset-wide edit to undo.');
      const kept = r.skipped.length ? ` ${r.skipped.length} caption(s) edited since were left as they are.` : '';
      this.core.setStatus('saved', `Undid ${r.label}: ${r.restored} caption(s) restored.${kept}`);
    } catch {
      // The host's status line says what failed.
    }
  }

  private async run(edit: SelectionEdit, done: string, files = this.files()): Promise<void> {
    const m = files.length;
    this.core.setStatus('saving', `${done.replace(/ (to|from|in)$/, '')}: writing ${m} caption(s)…`);
    try {
      const r = await this.core.host.request({ type: 'selection/edit', edit, files }, 120_000);
      this.core.setStatus(
        r.changed ? 'saved' : 'info',
        r.changed
          ? `${done} ${r.changed} of ${m} selected image(s). Ctrl+Z undoes it.`
          : `${r.label}: none of the ${m} selected image(s) needed it, so nothing changed.`,
      );
    } catch {
      // The host's status line says what failed and what to do.
    }
  }
}
