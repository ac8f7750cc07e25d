/**
 * Caption editing: the one place that changes the current caption. Typing is shown at once and saved after a
 * pause; discrete edits (chips, palette, add-tag) are one undo step each and saved at once.
 *
 * Revisions, not clocks (protocol.ts, Revision): each image holds the revision of its text; a save carries it as
 * its base, the host's reply and every outside change carry theirs, and a text is taken only when its revision is
 * newer than the one the panel has. So a late or reordered message never puts an older text back. An outside
 * change that meets an edit of the user's (typed and not yet sent, or refused by the host because it was made
 * before the change) is shown, and the user's text is kept one undo step back, with a status line saying so.
 */
import { addTags, cleanTag, hasTag, moveTag, removeTag, toFileText, toggleTag } from '../../../shared/caption';
import type { ToHostResult } from '../../../shared/protocol';
import { CaptionHistory } from './captionHistory';
import type { StoreCore } from '../core';
import type { TagLists } from '../tagLists';

/** Debounce of caption saves while typing (issue 4: at most 300 ms after typing stops). */
export const SAVE_DEBOUNCE_MS = 250;

/** Edits, saves, undoes and redoes the current image's caption. */
export class CaptionEditor {
  /** The current caption has local changes not yet sent. */
  dirty = false;
  private readonly history = new CaptionHistory();
  /** Counts the saves sent (all images), so the host can drop one that arrives after a newer one. */
  private seq = 0;
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
    this.saveTimer = setTimeout(() => this.flush(true), SAVE_DEBOUNCE_MS);
    core.emit('caption', ...(countsChanged ? (['counts', 'flags'] as const) : []));
  }

  /** Sends the dirty caption now; `typing`: at a pause in typing, not a commit (a tag at its end is a draft). */
  flush(typing = false): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const im = this.core.current;
    if (!this.dirty || !im) return;
    this.dirty = false;
    const { file, rev: base } = im;
    const text = toFileText(im.caption);
    // A failed save is reported by the host's status line; the text stays here until the next save.
    this.core.host
      .request({ type: 'caption/update', file, text, base, seq: ++this.seq, ...(typing && { typing }) })
      .then(
        (r) => this.settled(file, text, r),
        () => undefined,
      );
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

  /** Ends the typing step under way: what is typed next is a step of its own (CaptionHistory.closeGroup). */
  closeUndoGroup(): void {
    this.history.closeGroup();
  }

  /** True when there is something to undo / redo on the current image. */
  canStep(dir: 'undo' | 'redo'): boolean {
    const im = this.core.current;
    return !!im && this.history.can(im.file, dir);
  }

  /** A caption changed outside the panel (text editor, another program, a tag operation), at revision `rev`. */
  applyOutside(file: string, text: string, rev: number): void {
    const i = this.core.model.indexOfFile(file);
    if (i !== -1) this.takeOutside(i, text, rev, false);
  }

  /** A batch of outside changes: the same rules per caption; the store's change event fires once for all. */
  applyOutsideMany(changes: ReadonlyArray<{ file: string; text: string; rev: number }>): void {
    // One pass over the images per batch, not one search per caption (a batch can hold thousands).
    const at = changes.length > 4 ? new Map(this.core.model.images.map((im, i) => [im.file, i])) : undefined;
    for (const c of changes) {
      const i = at ? (at.get(c.file) ?? -1) : this.core.model.indexOfFile(c.file);
      if (i !== -1) this.takeOutside(i, c.text, c.rev, false);
    }
  }

  /** The host's answer to a save: its revision, or the outside change that made the host refuse it. */
  private settled(file: string, sent: string, r: ToHostResult<'caption/update'>): void {
    const i = this.core.model.indexOfFile(file);
    if (i === -1) return;
    const im = this.core.model.images[i]!;
    if (r.saved || r.text === sent) im.rev = Math.max(im.rev, r.rev);
    else this.takeOutside(i, r.text, r.rev, true);
  }

  /** Takes in a caption text newer than the panel's; `refused`: the host did not save the user's text over it. */
  private takeOutside(i: number, text: string, rev: number, refused: boolean): void {
    const { core } = this;
    const im = core.model.images[i]!;
    // Already shown (the change came before the refusal): the user's text is one undo step back already.
    if (rev <= im.rev) return void (refused && this.tellKept(im.file));
    im.rev = rev;
    if (im.caption === text) return;
    const typing = i === core.index && this.dirty;
    if (typing) {
      clearTimeout(this.saveTimer);
      this.dirty = false;
    }
    // The text it replaces stays one undo step back: nothing typed is dropped unseen, on either side.
    this.history.record(im.file, im.caption, false);
    const countsChanged = core.model.setCaption(i, text);
    core.emit('caption', ...(countsChanged ? (['counts', 'flags'] as const) : []));
    if (typing || refused) this.tellKept(im.file);
  }

  private tellKept(file: string): void {
    this.core.setStatus(
      'error',
      `${file}: the caption was changed outside the panel (in an editor or by another program) while you were ` +
        'editing it, so your text was not saved over that change. The panel shows the new text; Undo (Ctrl+Z) on ' +
        'this image brings back yours, and saves it.',
    );
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
