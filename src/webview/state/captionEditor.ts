/**
 * Caption editing: the one place that changes the current caption. Typing is shown at once and saved after a
 * pause; discrete edits (chips, palette, add-tag) are one undo step each and saved at once; captions changed
 * outside the panel are taken in unless the user is typing that caption or they are the echo of a save.
 */
import { addTags, cleanTag, hasTag, moveTag, removeTag, toFileText, toggleTag } from '../../shared/caption';
import { CaptionHistory } from './captionHistory';
import type { StoreCore } from './core';
import { EchoFilter } from './echoFilter';
import type { TagLists } from './tagLists';

/** Debounce of caption saves while typing (issue 4: at most 300 ms after typing stops). */
export const SAVE_DEBOUNCE_MS = 250;

/** Edits, saves, undoes and redoes the current image's caption. */
export class CaptionEditor {
  /** The current caption has local changes not yet sent. */
  dirty = false;
  private readonly history = new CaptionHistory();
  private readonly echoes = new EchoFilter();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly core: StoreCore,
    private readonly lists: TagLists,
  ) {}

  /** Forgets the undo history (a new dataset). */
  clearHistory(): void {
    this.history.clear();
  }

  /** The user typed in the caption text area: shown at once, saved after a pause. */
  type(text: string): void {
    const { core } = this;
    const im = core.current;
    if (!im || im.caption === text) return;
    this.history.record(im.file, im.caption, true);
    const countsChanged = core.model.setCaption(core.index, text);
    this.dirty = true;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flush(), SAVE_DEBOUNCE_MS);
    core.emit('caption', ...(countsChanged ? (['counts', 'flags'] as const) : []));
  }

  /** Sends the dirty caption now. */
  flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const im = this.core.current;
    if (!this.dirty || !im) return;
    this.dirty = false;
    const text = toFileText(im.caption);
    this.echoes.remember(im.file, text);
    this.core.host.notify({ type: 'caption/update', file: im.file, text });
  }

  /** Ctrl/Cmd+S: send what is dirty and ask the host to write now. */
  save(): void {
    this.flush();
    this.core.host.notify({ type: 'save/flush' });
  }

  /** Adds tags to the current caption (the add-tag input, a comma list). */
  addTags(tags: readonly string[]): boolean {
    const clean = tags.map(cleanTag).filter(Boolean);
    return this.edit((t) => addTags(t, clean, this.core.style, this.core.trigger), clean);
  }

  /** Removes a tag from the current caption. */
  removeTag(tag: string): boolean {
    return this.edit((t) => removeTag(t, tag, this.core.style, this.core.trigger));
  }

  /** Adds the tag when absent, removes it when present (palette click, pinned shortcut). */
  toggleTag(tag: string): boolean {
    const adding = !hasTag(this.core.current?.caption ?? '', tag, this.core.style);
    return this.edit((t) => toggleTag(t, tag, this.core.style, this.core.trigger), adding ? [tag] : []);
  }

  /** Moves a chip. */
  moveTag(from: number, to: number): boolean {
    return this.edit((t) => moveTag(t, from, to, this.core.style, this.core.trigger));
  }

  /** Toggles the n-th pinned tag (1-based). */
  togglePinned(n: number): void {
    const tag = this.lists.pinned[n - 1];
    if (tag) this.toggleTag(tag);
    else this.core.setStatus('info', `No pinned tag ${n}: pin tags in the palette first.`);
  }

  /** Undoes (or redoes) the last caption edit of the current image; false when there is none. */
  step(dir: 'undo' | 'redo'): boolean {
    const { core } = this;
    const im = core.current;
    const text = im && this.history.step(im.file, dir, im.caption);
    if (!im || text === undefined) return false;
    core.model.setCaption(core.index, text);
    this.dirty = true;
    this.flush();
    core.emit('caption', 'counts', 'flags');
    return true;
  }

  /** True when there is something to undo / redo on the current image. */
  canStep(dir: 'undo' | 'redo'): boolean {
    const im = this.core.current;
    return !!im && this.history.can(im.file, dir);
  }

  /** A caption changed outside the panel (text editor, another program). */
  applyOutside(file: string, text: string): void {
    const { core } = this;
    const i = core.model.indexOfFile(file);
    if (i === -1) return;
    if (i === core.index && this.dirty) {
      // The user is typing this caption right now: keep their text (and caret); their next save wins.
      const kept = 'your text is kept and will be saved';
      core.setStatus('info', `${file} changed outside the panel while you were typing; ${kept}.`);
      return;
    }
    if (core.model.images[i]!.caption === text) return;
    // The file watcher echoing one of our own earlier saves (typing went on since): not an outside edit.
    if (this.echoes.isEcho(file, text)) return;
    core.model.setCaption(i, text);
    core.emit('caption', 'counts', 'flags');
  }

  /** Applies a discrete edit (chip, palette, add-tag) as one undo step and saves it at once. */
  private edit(fn: (text: string) => string, used: readonly string[] = []): boolean {
    const { core } = this;
    const im = core.current;
    if (!im) return false;
    const before = im.caption;
    const after = fn(before);
    if (after === before) return false;
    this.history.record(im.file, before, false);
    core.model.setCaption(core.index, after);
    this.dirty = true;
    this.flush();
    if (used.length) this.lists.markUsed(used);
    core.emit('caption', 'counts', 'flags');
    return true;
  }
}
