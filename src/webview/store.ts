/**
 * The panel's state and every action on it: the one place that edits captions, keeps undo history, saves
 * (debounced, flushed on navigation), applies host messages and tells components what changed.
 */
import { type DatasetView, type PanelAction, type ToHost } from '../shared/protocol';
import { RECENT_TAGS_MAX, VocabSuggestion, type CaptionStyle, type TagCategory, type ImageStatus } from '../shared/model';
import { addTags, cleanTag, moveTag, removeTag, toFileText, toggleTag, hasTag } from '../shared/caption';
import { CaptionHistory } from './captionHistory';
import { DatasetModel, type ImageFilterKind } from './datasetModel';

/** What changed, so each component re-renders only for what it shows. */
export type Aspect = 'dataset' | 'current' | 'caption' | 'counts' | 'lists' | 'flags' | 'status' | 'view' | 'filter';

/** The `change` event's detail. */
export type ChangeDetail = ReadonlySet<Aspect>;

/** How the store talks to the host (the RpcEndpoint in the page, a recorder in tests). */
export interface HostLink {
  notify(body: ToHost): void;
  request(body: ToHost, timeoutMs?: number): Promise<unknown>;
}

/** Panel actions that need a component to move focus or open something. */
export type UiAction = 'focusAddTag' | 'focusFilter' | 'showShortcuts' | 'goTo';

/** The status line. */
export interface Status {
  kind: 'saved' | 'saving' | 'error' | 'info';
  message: string;
}

/** Debounce of caption saves while typing (issue 4: at most 300 ms after typing stops). */
export const SAVE_DEBOUNCE_MS = 250;
/** How long a sent caption may come back from the file watcher as an echo. */
const ECHO_WINDOW_MS = 2000;

/** The tagging panel's state. Dispatches `change` (detail: the set of aspects) at most once per microtask. */
export class TaggerStore extends EventTarget {
  readonly model = new DatasetModel();
  loaded = false;
  title = '';
  style: CaptionStyle = 'tags';
  trigger = '';
  index = 0;
  recent: string[] = [];
  pinned: string[] = [];
  categories: TagCategory[] = [];
  hostKeys = new Set<PanelAction>();
  view: 'tagging' | 'report' = 'tagging';
  status: Status = { kind: 'info', message: '' };
  /** The current caption has local changes not yet sent. */
  dirty = false;
  imageFilter: { kind: ImageFilterKind; value: string } = { kind: 'all', value: '' };
  /** Image indices the filter lets through, or undefined for all. */
  filtered: number[] | undefined;
  private readonly history = new CaptionHistory();
  /** Captions sent lately, per file, to recognise the file watcher's echo of them. */
  private readonly sent = new Map<string, { texts: string[]; at: number }>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingAspects = new Set<Aspect>();
  private base: DatasetView | undefined;
  private reportCache: { version: number; view: DatasetView } | undefined;
  /** Settles when the preview has decoded the current image (the filmstrip waits for it before loading thumbnails). */
  previewShown: Promise<void> = Promise.resolve();
  /** Bumped when recent, pinned or categories change. */
  listsRevision = 0;
  /** Bumped on every change, so derived snapshots know when to rebuild. */
  revision = 0;

  constructor(private readonly host: HostLink) {
    super();
  }

  /** The image shown now. */
  get current() {
    return this.model.images[this.index];
  }

  // ------------------------------------------------------------------ host messages (see hostMessages.ts)

  /** Takes a whole dataset (first load or a rebuild). */
  load(ds: DatasetView): void {
    // A rebuild while the user was typing: send their text first, it must not be lost.
    this.flush();
    this.base = ds;
    this.model.load(ds);
    this.title = ds.title;
    this.style = ds.captionStyle;
    this.trigger = ds.triggerWord;
    this.recent = ds.recentTags;
    this.pinned = ds.pinnedTags;
    this.categories = ds.categories;
    this.hostKeys = new Set(ds.hostKeys);
    this.index = Math.min(ds.currentIndex, Math.max(0, ds.images.length - 1));
    this.history.clear();
    this.loaded = true;
    this.refreshFilter();
    this.emit('dataset', 'current', 'caption', 'counts', 'lists', 'flags', 'filter');
  }

  /** `tags.txt` changed: new tags join the palette. */
  addKnownTags(tags: readonly string[]): void {
    if (this.model.addTags(tags)) this.emit('counts');
  }

  /** The session's recent, pinned and category lists changed. */
  setLists(recent: string[], pinned: string[], categories: TagCategory[]): void {
    this.recent = recent;
    this.pinned = pinned;
    this.categories = categories;
    this.emit('lists');
  }

  /** The host changed one image's flags or status. */
  applyImageChanged(file: string, status: ImageStatus, favourite: boolean, nsfw: boolean): void {
    const i = this.model.indexOfFile(file);
    const im = this.model.images[i];
    if (!im) return;
    im.favourite = favourite;
    im.nsfw = nsfw;
    this.model.setStatus(i, status);
    this.emit('flags');
  }

  /** Shows an image the host asked for (Resume, a Problems-view link), without echoing image/select. */
  reveal(file: string): void {
    const i = this.model.indexOfFile(file);
    if (i !== -1) this.go(i, false);
  }

  /** A caption changed outside the panel (text editor, another program). */
  applyOutsideCaption(file: string, text: string): void {
    const i = this.model.indexOfFile(file);
    if (i === -1) return;
    if (i === this.index && this.dirty) {
      // The user is typing this caption right now: keep their text (and caret); their next save wins.
      this.setStatus('info', `${file} changed outside the panel while you were typing; your text is kept and will be saved.`);
      return;
    }
    if (this.model.images[i]!.caption === text) return;
    // The file watcher echoing one of our own earlier saves (typing went on since): not an outside edit.
    const echo = this.sent.get(file);
    if (echo && echo.texts.includes(text) && performance.now() - echo.at < ECHO_WINDOW_MS) return;
    this.model.setCaption(i, text);
    this.emit('caption', 'counts', 'flags');
  }

  // ------------------------------------------------------------------ captions

  /** The user typed in the caption text area: shown at once, saved after a pause. */
  typeCaption(text: string): void {
    const im = this.current;
    if (!im || im.caption === text) return;
    this.history.record(im.file, im.caption, true);
    const countsChanged = this.model.setCaption(this.index, text);
    this.dirty = true;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.flush(), SAVE_DEBOUNCE_MS);
    this.emit('caption', ...(countsChanged ? (['counts', 'flags'] as const) : []));
  }

  /** Sends the dirty caption now. */
  flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const im = this.current;
    if (!this.dirty || !im) return;
    this.dirty = false;
    const text = toFileText(im.caption);
    const prev = this.sent.get(im.file);
    const recent = prev && performance.now() - prev.at < ECHO_WINDOW_MS ? prev.texts.slice(-7) : [];
    this.sent.set(im.file, { texts: [...recent, text], at: performance.now() });
    this.host.notify({ type: 'caption/update', file: im.file, text });
  }

  /** Ctrl/Cmd+S: send what is dirty and ask the host to write now. */
  save(): void {
    this.flush();
    this.host.notify({ type: 'save/flush' });
  }

  /** Applies a discrete edit (chip, palette, add-tag) as one undo step and saves it at once. */
  private edit(fn: (text: string) => string, used: readonly string[] = []): boolean {
    const im = this.current;
    if (!im) return false;
    const before = im.caption;
    const after = fn(before);
    if (after === before) return false;
    this.history.record(im.file, before, false);
    this.model.setCaption(this.index, after);
    this.dirty = true;
    this.flush();
    if (used.length) this.markUsed(used);
    this.emit('caption', 'counts', 'flags');
    return true;
  }

  /** Adds tags to the current caption (the add-tag input, a comma list). */
  addTags(tags: readonly string[]): boolean {
    const clean = tags.map(cleanTag).filter(Boolean);
    return this.edit((t) => addTags(t, clean, this.style, this.trigger), clean);
  }

  /** Removes a tag from the current caption. */
  removeTag(tag: string): boolean {
    return this.edit((t) => removeTag(t, tag, this.style, this.trigger));
  }

  /** Adds the tag when absent, removes it when present (palette click, pinned shortcut). */
  toggleTag(tag: string): boolean {
    const adding = !hasTag(this.current?.caption ?? '', tag);
    return this.edit((t) => toggleTag(t, tag, this.style, this.trigger), adding ? [tag] : []);
  }

  /** Moves a chip. */
  moveTag(from: number, to: number): boolean {
    return this.edit((t) => moveTag(t, from, to, this.trigger));
  }

  /** Toggles the n-th pinned tag (1-based). */
  togglePinned(n: number): void {
    const tag = this.pinned[n - 1];
    if (tag) this.toggleTag(tag);
    else this.setStatus('info', `No pinned tag ${n}: pin tags in the palette first.`);
  }

  /** Undoes the last caption edit of the current image. */
  undo(): boolean {
    return this.step('undo');
  }

  /** Redoes the last undone caption edit of the current image. */
  redo(): boolean {
    return this.step('redo');
  }

  /** True when there is something to undo / redo on the current image. */
  canStep(dir: 'undo' | 'redo'): boolean {
    const im = this.current;
    return !!im && this.history.can(im.file, dir);
  }

  private step(dir: 'undo' | 'redo'): boolean {
    const im = this.current;
    const text = im && this.history.step(im.file, dir, im.caption);
    if (!im || text === undefined) return false;
    this.model.setCaption(this.index, text);
    this.dirty = true;
    this.flush();
    this.emit('caption', 'counts', 'flags');
    return true;
  }

  private markUsed(tags: readonly string[]): void {
    this.host.notify({ type: 'tags/used', tags: [...tags] });
    const set = new Set(tags);
    this.recent = [...tags, ...this.recent.filter((t) => !set.has(t))].slice(0, RECENT_TAGS_MAX);
    this.emit('lists');
  }

  /** Pins or unpins a tag in the palette. */
  pin(tag: string, pinned: boolean): void {
    this.pinned = pinned ? [...this.pinned.filter((t) => t !== tag), tag] : this.pinned.filter((t) => t !== tag);
    this.host.notify({ type: 'tags/pin', tag, pinned });
    this.emit('lists');
  }

  // ------------------------------------------------------------------ navigation and flags

  /** Shows image `i`, saving the dirty caption first. */
  go(i: number, announce = true): void {
    const n = this.model.images.length;
    if (n === 0) return;
    const target = Math.max(0, Math.min(n - 1, i));
    if (target === this.index) return;
    this.flush();
    this.index = target;
    if (announce) this.host.notify({ type: 'image/select', file: this.model.images[target]!.file });
    // The filter follows edits made on the image just left (e.g. it is no longer untagged).
    if (this.imageFilter.kind !== 'all') this.refreshFilter();
    this.emit('current', 'caption', 'flags', 'filter');
  }

  /** Next (+1) or previous (-1) image, within the image filter when one is set. */
  move(dir: 1 | -1): void {
    const list = this.filtered;
    if (!list) return this.go(this.index + dir);
    if (list.length === 0) return;
    let pos: number;
    if (dir === 1) {
      pos = list.findIndex((i) => i > this.index);
      if (pos === -1) return;
    } else {
      pos = findLastIndex(list, (i) => i < this.index);
      if (pos === -1) return;
    }
    this.go(list[pos]!);
  }

  /** The next untagged image after the current one, wrapping around. */
  nextUntagged(): void {
    const ims = this.model.images;
    for (let k = 1; k < ims.length; k++) {
      const i = (this.index + k) % ims.length;
      if (ims[i]!.status === 'untagged') return this.go(i);
    }
    this.setStatus('info', 'No untagged images left.');
  }

  /** Toggles favourite, NSFW or skipped on the current image. */
  toggleFlag(flag: 'favourite' | 'nsfw' | 'skipped'): void {
    const im = this.current;
    if (!im) return;
    if (flag === 'skipped') {
      const skipped = im.status !== 'skipped';
      this.model.setStatus(this.index, skipped ? 'skipped' : this.model.unskippedStatus(this.index));
      this.host.notify({ type: 'image/flags', file: im.file, skipped });
    } else {
      im[flag] = !im[flag];
      this.host.notify({ type: 'image/flags', file: im.file, [flag]: im[flag] });
    }
    this.emit('flags');
  }

  /** Runs a panel action (a local key, or an `action` message for a key VS Code dispatched). */
  runAction(action: PanelAction): void {
    switch (action) {
      case 'previousImage': return this.move(-1);
      case 'nextImage': return this.move(1);
      case 'nextUntagged': return this.nextUntagged();
      case 'toggleFavourite': return this.toggleFlag('favourite');
      case 'toggleNsfw': return this.toggleFlag('nsfw');
      case 'toggleSkipped': return this.toggleFlag('skipped');
      case 'focusAddTag':
      case 'focusFilter':
      case 'showShortcuts':
        this.dispatchEvent(new CustomEvent<UiAction>('ui', { detail: action }));
        return;
      default:
        if (action.startsWith('togglePinned')) return this.togglePinned(Number(action.slice(-1)));
    }
  }

  /** Sets the filmstrip / navigation filter. */
  setImageFilter(kind: ImageFilterKind, value: string): void {
    this.imageFilter = { kind, value };
    this.refreshFilter();
    this.emit('filter');
  }

  /** Recomputes the image filter (after navigation or a flag change, not per keystroke). */
  refreshFilter(): void {
    this.filtered = this.model.filterImages(this.imageFilter.kind, this.imageFilter.value);
  }

  /** Switches between the tagging page and the dataset report. */
  setView(view: 'tagging' | 'report'): void {
    if (view === this.view) return;
    this.flush();
    this.view = view;
    this.emit('view');
  }

  /** Sets the status line. */
  setStatus(kind: Status['kind'], message: string): void {
    this.status = { kind, message };
    this.emit('status');
  }

  /** Runs a host command on this dataset. */
  runCommand(command: 'openCaptionBeside' | 'exportForCivitai' | 'checkDataset'): void {
    this.flush();
    this.host.notify({ type: 'command/run', command });
  }

  /** Puts text on the clipboard through the host. */
  copy(text: string): void {
    this.host.notify({ type: 'clipboard/write', text });
  }

  /** Vocabulary suggestions from the host's vocabulary files ([] on any failure: autocomplete is best effort). */
  async queryVocab(prefix: string, limit = 20): Promise<VocabSuggestion[]> {
    try {
      const result = await this.host.request({ type: 'vocab/query', prefix, limit }, 3000);
      const parsed = VocabSuggestion.array().safeParse(result);
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  /** The dataset as it is now (captions included), for the report page. */
  datasetView(): DatasetView | undefined {
    if (!this.base) return undefined;
    const v = this.revision;
    if (this.reportCache?.version !== v) {
      this.reportCache = {
        version: v,
        view: { ...this.base, images: this.model.images.map((im) => ({ ...im })), knownTags: [...this.model.tags], recentTags: this.recent, pinnedTags: this.pinned, categories: this.categories, currentIndex: this.index },
      };
    }
    return this.reportCache.view;
  }

  /** Queues a change notification; components read the store when it fires. */
  emit(...aspects: Aspect[]): void {
    this.revision++;
    if (aspects.includes('lists')) this.listsRevision++;
    const first = this.pendingAspects.size === 0;
    for (const a of aspects) this.pendingAspects.add(a);
    if (!first) return;
    queueMicrotask(() => {
      const detail = this.pendingAspects;
      this.pendingAspects = new Set();
      this.dispatchEvent(new CustomEvent<ChangeDetail>('change', { detail }));
    });
  }
}

function findLastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}
