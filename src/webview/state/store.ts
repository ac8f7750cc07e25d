/**
 * The panel's state as components see it: one `TaggerStore` that composes the concerns (caption editing with its
 * undo history and revisions, navigation, the image filter, flags, tag lists, the vocabulary, the report
 * snapshot) and runs the few actions that span them. Components read it and call it; it tells them what changed.
 */
import type { DatasetView, PanelAction } from '../../shared/protocol';
import type { ExportTarget, ImageStatus, TagCategory, VocabSuggestion } from '../../shared/model';
import { CaptionEditor } from './captions/captionEditor';
import { StoreCore, type PanelView } from './core';
import type { ImageFilterKind } from './datasetModel';
import { ImageFilter } from './imageFilter';
import { ImageFlags, type ImageFlag } from './imageFlags';
import { Navigator } from './navigation';
import { ReportCache } from './reportCache';
import { Review } from './captioning/review';
import { CaptionRunState } from './captioning/captionRun';
import { Selection } from './selection/selection';
import { SelectionEdits } from './selection/selectionEdits';
import { TagLists } from './tagLists';
import { queryVocabulary } from './vocabulary/vocabulary';
import { VocabCategories } from './vocabulary/vocabCategories';

/** Panel actions that need a component to move focus or open something. */
export type UiAction = 'focusAddTag' | 'focusFilter' | 'showShortcuts' | 'goTo' | 'findReplace';

/** The panel actions that change no image (the report page runs only these). */
const UI_ACTIONS: ReadonlySet<PanelAction> = new Set<PanelAction>(['focusAddTag', 'focusFilter', 'showShortcuts']);

/** The tagging panel's state. Dispatches `change` (detail: the set of aspects) at most once per microtask. */
export class TaggerStore extends StoreCore {
  private readonly lists = new TagLists(this);
  private readonly captions = new CaptionEditor(this, this.lists);
  private readonly filter = new ImageFilter(this);
  private readonly nav = new Navigator(this, this.captions, this.filter);
  private readonly flags = new ImageFlags(this);
  private readonly report = new ReportCache(this, this.lists);
  /** The selected images (filmstrip and grid); multi-image edits apply to them. */
  readonly selection = new Selection(this);
  /** The vocabulary files' categories of the dataset's tags (the palette's vocabulary groups). */
  readonly vocabCategories = new VocabCategories(this);
  /** Machine suggestions waiting for review, and answering them. */
  readonly review = new Review(this, (i) => this.nav.go(i));
  /** Edits of all selected images at once (several selected: the caption edits below go here). */
  readonly selectionEdits = new SelectionEdits(this, this.selection);
  /** The captioning run's per-image states and progress. */
  readonly captionRun = new CaptionRunState(this);

  // ------------------------------------------------------------------ state the concerns own

  /** Recently applied tags, most recent first. */
  get recent(): string[] {
    return this.lists.recent;
  }
  /** Pinned tags, in pin order (the first nine toggle with Alt+1…9). */
  get pinned(): string[] {
    return this.lists.pinned;
  }
  /** The session's tag categories. */
  get categories(): TagCategory[] {
    return this.lists.categories;
  }
  /** The current caption has local changes not yet sent. */
  get dirty(): boolean {
    return this.captions.dirty;
  }
  /** The filmstrip / navigation filter (set before the first load from the saved view state). */
  get imageFilter(): { kind: ImageFilterKind; value: string } {
    return this.filter.setting;
  }
  set imageFilter(setting: { kind: ImageFilterKind; value: string }) {
    this.filter.setting = setting;
  }
  /** Image indices the filter lets through, or undefined for all. */
  get filtered(): number[] | undefined {
    return this.filter.matches;
  }
  /** Why the filter query cannot be read, and where (the last valid query's images stay shown). */
  get filterError(): { message: string; pos: number } | undefined {
    return this.filter.error;
  }

  // ------------------------------------------------------------------ host messages (see hostMessages.ts)

  /** Takes a whole dataset (first load or a rebuild). */
  load(ds: DatasetView): void {
    // A rebuild while the user was typing: send their text first, it must not be lost.
    this.captions.flush();
    this.report.load(ds);
    this.model.load(ds);
    this.title = ds.title;
    this.style = ds.captionStyle;
    this.trigger = ds.triggerWord;
    this.exportTarget = ds.exportTarget ?? 'civitai';
    this.lists.set(ds.recentTags, ds.pinnedTags, ds.categories);
    this.hostKeys = new Set(ds.hostKeys);
    this.index = Math.min(ds.currentIndex, Math.max(0, ds.images.length - 1));
    this.captions.clearHistory();
    this.selection.clear();
    this.loaded = true;
    this.filter.refresh();
    this.emit('dataset', 'current', 'caption', 'counts', 'lists', 'flags', 'filter');
  }

  /** `tags.txt` changed: new tags join the palette. */
  addKnownTags(tags: readonly string[]): void {
    if (this.model.addTags(tags)) this.emit('counts');
  }

  /** The session's recent, pinned and category lists changed. */
  setLists(recent: string[], pinned: string[], categories: TagCategory[]): void {
    this.lists.set(recent, pinned, categories);
  }

  /** The host changed one image's flags or status. */
  applyImageChanged(file: string, status: ImageStatus, favourite: boolean, nsfw: boolean): void {
    this.flags.apply(file, status, favourite, nsfw);
  }

  /** Shows an image the host asked for (Resume, a Problems-view link), without echoing image/select. */
  reveal(file: string): void {
    this.nav.reveal(file);
  }

  /** The session's export target changed: the report and the crop tool follow; undo, selection and text stay. */
  setExportTarget(target: ExportTarget): void {
    if (target === this.exportTarget) return;
    this.exportTarget = target;
    this.report.setTarget(target);
    this.emit('dataset');
  }
  /** A caption changed outside the panel (text editor, another program, a tag operation), at revision `rev`. */
  applyOutsideCaption(file: string, text: string, rev: number): void {
    this.captions.applyOutside(file, text, rev);
  }

  /** Many captions changed outside the panel (a dataset-wide operation), each at its revision: one render. */
  applyOutsideCaptions(changes: ReadonlyArray<{ file: string; text: string; rev: number }>): void {
    this.captions.applyOutsideMany(changes);
  }

  /** Thumbnails the host made (or found in its cache): the filmstrip and a far jump's first frame use them. */
  setThumbs(thumbs: ReadonlyArray<{ file: string; uri: string }>): void {
    let changed = false;
    const ims = this.model.images;
    // One pass over the images per batch, not one search per thumbnail (a batch can hold hundreds).
    const at = thumbs.length > 4 ? new Map(ims.map((im, i) => [im.file, i])) : undefined;
    for (const t of thumbs) {
      const im = ims[at ? (at.get(t.file) ?? -1) : this.model.indexOfFile(t.file)];
      if (im && im.thumb !== t.uri) {
        im.thumb = t.uri;
        changed = true;
      }
    }
    if (changed) this.emit('thumbs');
  }

  /** Asks the host to make these images' thumbnails first (the filmstrip shows them now). */
  wantThumbs(files: readonly string[]): void {
    if (files.length) this.host.notify({ type: 'thumbs/want', files: files.slice(0, 1000) });
  }

  // ------------------------------------------------------------------ captions (captionEditor.ts)

  /** The user typed in the caption text area: shown at once, saved after a pause. */
  typeCaption(text: string): void {
    this.captions.type(text);
  }
  /** Sends the dirty caption now. */
  flush(): void {
    this.captions.flush();
  }
  /** Ctrl/Cmd+S: send what is dirty and ask the host to write now. */
  save(): void {
    this.captions.save();
  }
  /** Adds tags to the current caption (the add-tag input, a comma list). */
  addTags(tags: readonly string[]): boolean {
    if (this.multi()) return this.selectionEdits.add(tags);
    return this.captions.addTags(tags);
  }
  /** Removes a tag from the current caption. */
  removeTag(tag: string): boolean {
    if (this.multi()) return this.selectionEdits.remove(tag);
    return this.captions.removeTag(tag);
  }
  /** Adds the tag when absent, removes it when present (palette click, pinned shortcut). */
  toggleTag(tag: string): boolean {
    if (this.multi()) return this.selectionEdits.toggle(tag);
    return this.captions.toggleTag(tag);
  }
  /** Moves a chip. */
  moveTag(from: number, to: number): boolean {
    return this.captions.moveTag(from, to);
  }
  /** Toggles the n-th pinned tag (1-based). */
  togglePinned(n: number): void {
    this.captions.togglePinned(n);
  }
  /** Undoes the last caption edit of the current image. */
  undo(): boolean {
    if (this.multi()) {
      void this.selectionEdits.undo();
      return true;
    }
    return this.captions.step('undo');
  }
  /** Redoes the last undone caption edit of the current image. */
  redo(): boolean {
    if (this.multi()) {
      this.setStatus('info', 'A multi-image edit has no redo: apply it again.');
      return false;
    }
    return this.captions.step('redo');
  }
  /**
   * Ends the typing step under way, as a second's pause in typing does: what is typed next is one undo step of its
   * own. A test hook (window.loraTagger.store), so that a test marks the boundary instead of waiting the pause out.
   */
  closeUndoGroup(): void {
    this.captions.closeUndoGroup();
  }
  /** True when there is something to undo / redo on the current image. */
  canStep(dir: 'undo' | 'redo'): boolean {
    return this.captions.canStep(dir);
  }
  /** True with several images selected (the caption edits then apply to all of them); sends pending typing first. */
  private multi(): boolean {
    if (this.selection.size < 2) return false;
    this.captions.flush();
    return true;
  }
  /** Pins or unpins a tag in the palette. */
  pin(tag: string, pinned: boolean): void {
    this.lists.pin(tag, pinned);
  }

  // ------------------------------------------------------------------ navigation, filter, flags

  /** Shows image `i`, saving the dirty caption first. */
  go(i: number, announce = true): void {
    this.nav.go(i, announce);
  }
  /** Next (+1) or previous (-1) image, within the image filter when one is set. */
  move(dir: 1 | -1): void {
    this.nav.move(dir);
  }
  /** The next untagged image after the current one, wrapping around. */
  nextUntagged(): void {
    this.nav.nextUntagged();
  }
  /** Sets the filmstrip / navigation filter. */
  setImageFilter(kind: ImageFilterKind, value: string): void {
    this.filter.set(kind, value);
  }
  /** Sets the files the filter's `duplicate` term matches (from the last Check Dataset). */
  setDuplicates(files: readonly string[]): void {
    this.filter.setDuplicates(files);
  }
  /** Recomputes the image filter (after navigation or a flag change, not per keystroke). */
  refreshFilter(): void {
    this.filter.refresh();
  }
  /** Toggles favourite, NSFW or skipped on the current image. */
  toggleFlag(flag: ImageFlag): void {
    this.flags.toggle(flag);
  }

  /** Runs a panel action (a local key, or an `action` message for a key VS Code dispatched). */
  runAction(action: PanelAction): void {
    if (this.view === 'report' && !UI_ACTIONS.has(action)) {
      // The image is out of sight on the report page: nothing changes it from there (issue 10, item 2).
      return this.setStatus(
        'info',
        'The report is open: go back to tagging (Tagging, in the toolbar) to work on images.',
      );
    }
    switch (action) {
      case 'previousImage':
        return this.nav.move(-1);
      case 'nextImage':
        return this.nav.move(1);
      case 'nextUntagged':
        return this.nav.nextUntagged();
      case 'toggleFavourite':
        return this.flags.toggle('favourite');
      case 'toggleNsfw':
        return this.flags.toggle('nsfw');
      case 'toggleSkipped':
        return this.flags.toggle('skipped');
      case 'focusAddTag':
      case 'focusFilter':
      case 'showShortcuts':
        this.dispatchEvent(new CustomEvent<UiAction>('ui', { detail: action }));
        return;
      default:
        if (action.startsWith('togglePinned')) {
          const tag = this.multi() && this.pinned[Number(action.slice(-1)) - 1];
          if (tag) return void this.selectionEdits.toggle(tag);
          return this.captions.togglePinned(Number(action.slice(-1)));
        }
    }
  }

  // ------------------------------------------------------------------ page, host commands, vocabulary, report

  /** Switches between the tagging page and the dataset report. */
  setView(view: PanelView): void {
    if (view === this.view) return;
    this.captions.flush();
    this.view = view;
    this.emit('view');
  }

  /** Runs a host command on this dataset. */
  runCommand(command: 'openCaptionBeside' | 'exportForCivitai' | 'exportDataset' | 'checkDataset'): void {
    this.captions.flush();
    this.host.notify({ type: 'command/run', command });
  }

  /** Puts text on the clipboard through the host. */
  copy(text: string): void {
    this.host.notify({ type: 'clipboard/write', text });
  }

  /** Vocabulary suggestions from the host's vocabulary files ([] on any failure: autocomplete is best effort). */
  queryVocab(prefix: string, limit = 20): Promise<VocabSuggestion[]> {
    return queryVocabulary(this.host, prefix, limit);
  }

  /** The dataset as it is now (captions included), for the report page. */
  datasetView(): DatasetView | undefined {
    return this.report.view();
  }
}
