/**
 * `<lora-tagger-app>`: the tagging panel. Lays out toolbar, preview, caption editors, palette and filmstrip,
 * switches to the dataset report, and owns the panel-wide keyboard handling (see keymap.ts).
 *
 * Layout: the image and the side column side by side, split by a sash (the side column's width is remembered in
 * the view state); the side column scrolls, the chip list has a height limit of its own, and the palette keeps a
 * usable height, so nothing is ever out of reach however many tags an image has. Narrower than NARROW_PX (or at
 * 200% zoom) the side column goes under the image and the whole page scrolls. The filmstrip's sash sets its
 * thumbnail size.
 */
import { LitElement, css, html, nothing } from 'lit';
import './panel-toolbar';
import './images/image-preview';
import './caption/caption-chips';
import './caption/caption-text';
import './caption/add-tag-input';
import './caption/selection-tags';
import './tags/tag-shelves';
import './tags/tag-palette';
import './images/film-strip';
import './grid/review-grid';
import './progress-status';
import './shortcut-overlay';
import './split-sash';
import './captioning/suggestion-review';
import './captioning/caption-run-status';
// Defined before this element renders: `.dataset` on an undefined <dataset-report> is HTMLElement's read-only one.
import './dataset-report';
import './find-replace/find-replace-dialog';
import { LOCAL_KEYS, actionForKey, eventKey, typesOptionCharacter } from '../keymap';
import { handleReviewKey } from './captioning/reviewKeys';
import { editKeyOf, handleEditKey, isTextField } from '../editKeys';
import { handleSelectionKey } from '../selectionKeys';
import { baseStyles } from './styles';
import { StoreController } from './storeController';
import { deepActive } from './shortcut-overlay';
import { THUMB_MAX, THUMB_MIN } from './images/film-strip';
import type { TaggerStore, UiAction } from '../state/store';
import type { ViewStateStore } from '../vscodeApi';

/** True when typing goes into this element (so plain keys such as `?`, `+` or `0` are text, not shortcuts). */
function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return true;
  if (el instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'range', 'submit'].includes(el.type);
  return (el as HTMLElement).isContentEditable;
}

const has = (keys: readonly string[], key: string) => keys.includes(key);

/** Below this width the side column goes under the image. */
const NARROW_PX = 720;
/** The side column's width limits and default, in px. */
const SIDE_MIN = 280;
const SIDE_DEFAULT = 360;
/** Below this height (docked at the bottom, 200% zoom) the default thumbnails shrink, leaving room to work. */
const SHORT_PX = 560;
/** The image keeps at least this much width beside the side column. */
const PREVIEW_MIN = 240;

/** The whole tagging panel. */
export class LoraTaggerApp extends LitElement {
  static override properties = { store: { attribute: false }, viewState: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: grid; grid-template-rows: auto minmax(0, 1fr) auto auto auto; grid-template-columns: minmax(0, 1fr);
        height: 100vh; overflow: hidden;
        background: var(--vscode-editor-background); }
      panel-toolbar { border-bottom: 1px solid var(--vscode-panel-border, transparent); }
      main { display: contents; }
      .body {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto var(--side, ${SIDE_DEFAULT}px);
        grid-template-rows: minmax(0, 1fr);
        padding: 6px 2px 6px 8px;
        min-height: 0;
      }
      image-preview { min-height: 0; min-width: 0; }
      aside { display: flex; flex-direction: column; gap: 8px; min-height: 0; min-width: 0; overflow-x: hidden;
        overflow-y: auto; padding: 0 6px 0 2px; }
      section { display: flex; flex-direction: column; gap: 6px; }
      section.caption { flex: none; }
      /* Its height comes from the column, never from its content: the palette draws only the rows in view. */
      section.palette { flex: 1 1 0; min-height: 232px; }
      .body.narrow section.palette { flex: none; }
      tag-palette { flex: 1 1 auto; min-height: 168px; }
      nav { min-width: 0; }
      .film-sash { margin-top: -3px; margin-bottom: -3px; position: relative; z-index: 1; }
      film-strip { border-top: 1px solid var(--vscode-panel-border, transparent); padding-top: 4px; }
      progress-status { border-top: 1px solid var(--vscode-panel-border, transparent);
        background: var(--vscode-sideBar-background, transparent); }
      .report { overflow: auto; min-height: 0; }
      review-grid { min-height: 0; }
      .loading { padding: 24px; }
      .body.narrow { display: block; overflow-y: auto; padding: 6px 8px; }
      .body.narrow image-preview { height: var(--preview, clamp(140px, 40vh, 420px)); }
      .body.narrow aside { overflow: visible; padding: 0; }
      .body.narrow section.palette { height: clamp(232px, 70vh, 520px); }
      .body.narrow .preview-sash { margin: 1px 0; }
    `,
  ];
  declare store?: TaggerStore;
  declare viewState?: ViewStateStore;
  private readonly onUi = (e: Event) => this.ui((e as CustomEvent<UiAction>).detail);
  private readonly onKey = (e: KeyboardEvent) => this.handleKey(e);
  private boundStore: TaggerStore | undefined;
  private narrow = false;
  private bodyWidth = 0;
  private bodyHeight = 0;
  private readonly resize = new ResizeObserver((entries) => {
    const r = entries[0]?.contentRect;
    if (!r) return;
    this.bodyWidth = r.width;
    this.bodyHeight = r.height;
    const narrow = r.width < NARROW_PX;
    if (narrow !== this.narrow) this.narrow = narrow;
    this.requestUpdate();
  });
  /** Settles once the codicon font is there (or could not load): icons never paint as empty boxes. */
  private iconsReady = false;

  constructor() {
    super();
    new StoreController(this, ['dataset', 'view', 'caption', 'selection']);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // On the document, not the window: VS Code's frame listens on the window, and the keys the panel handles itself
    // must be stopped before they reach it (see editKeys.ts).
    document.addEventListener('keydown', this.onKey);
    this.resize.observe(this);
    // The font starts loading when the first icon needs it, which is after the dataset arrives; ask for it now,
    // and show the panel once it is there, so no toolbar icon is ever an empty box while it loads.
    const font = document.fonts?.load('16px codicon').catch(() => []) ?? Promise.resolve([]);
    void font.then(() => {
      this.iconsReady = true;
      this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onKey);
    this.resize.disconnect();
    this.boundStore?.removeEventListener('ui', this.onUi);
  }

  override willUpdate(): void {
    if (this.boundStore !== this.store) {
      this.boundStore?.removeEventListener('ui', this.onUi);
      this.boundStore = this.store;
      this.store?.addEventListener('ui', this.onUi);
    }
  }

  override render() {
    const s = this.store;
    if (!s?.loaded || !this.iconsReady)
      return html`<div></div><div class="loading muted" role="status">Loading the dataset…</div>`;
    const natural = s.style === 'natural';
    const text = html`<caption-text .store=${s}></caption-text>`;
    const chips = html`<caption-chips .store=${s}></caption-chips>`;
    const report = s.view === 'report';
    const grid = s.view === 'grid';
    return html`<header><panel-toolbar .store=${s}></panel-toolbar></header>
      <main>
        ${
          report
            ? html`<div class="report" @copy-markdown=${this.onCopy} @show-tagging=${() => s.setView('tagging')}>${this.renderReport()}</div>`
            : grid
              ? html`<review-grid .store=${s}></review-grid>`
              : html`<div class="body ${this.narrow ? 'narrow' : ''}" @focusin=${this.onFocusIn}>
              <image-preview .store=${s} .viewState=${this.viewState}></image-preview>
              ${
                this.narrow
                  ? html`<split-sash class="preview-sash" orientation="horizontal" label="Resize the image" step="24"
                    .value=${this.previewHeight()} .min=${120} .max=${Math.max(120, this.bodyHeight - 60)}
                    @sash-resize=${(e: CustomEvent<{ value: number }>) => this.setPreviewHeight(e.detail.value, false)}
                    @sash-end=${(e: CustomEvent<{ value: number }>) => this.setPreviewHeight(e.detail.value, true)}></split-sash>`
                  : html`<split-sash class="side-sash" orientation="vertical" invert label="Resize the side column" step="24"
                    .value=${this.sideWidth()} .min=${SIDE_MIN} .max=${this.sideMax()}
                    @sash-resize=${(e: CustomEvent<{ value: number }>) => this.setSideWidth(e.detail.value, false)}
                    @sash-end=${(e: CustomEvent<{ value: number }>) => this.setSideWidth(e.detail.value, true)}></split-sash>`
              }
              <aside aria-label="Caption and tags">
                <section class="caption" aria-labelledby="caption-title">
                  <h2 class="section-title" id="caption-title">Caption</h2>
                  <suggestion-review .store=${s}></suggestion-review>
                  ${s.selection.size > 1 ? html`<selection-tags .store=${s}></selection-tags>` : natural ? [text, chips] : [chips, text]}
                  <add-tag-input .store=${s}></add-tag-input>
                </section>
                <section class="palette" aria-labelledby="tags-title">
                  <h2 class="section-title" id="tags-title">Tags</h2>
                  <tag-shelves .store=${s}></tag-shelves>
                  <tag-palette .store=${s} .viewState=${this.viewState}></tag-palette>
                </section>
              </aside>
            </div>`
        }
      </main>
      ${
        report
          ? nothing
          : html`<nav aria-label="Images"><split-sash class="film-sash" orientation="horizontal" invert label="Resize the filmstrip thumbnails" step="8"
              .value=${this.thumbSize()} .min=${THUMB_MIN} .max=${THUMB_MAX}
              @sash-resize=${(e: CustomEvent<{ value: number }>) => this.setThumbSize(e.detail.value, false)}
              @sash-end=${(e: CustomEvent<{ value: number }>) => this.setThumbSize(e.detail.value, true)}></split-sash>
            <film-strip .store=${s} .viewState=${this.viewState} .thumbSize=${this.thumbSize()}></film-strip></nav>`
      }
      <footer><caption-run-status .store=${s}></caption-run-status><progress-status .store=${s}></progress-status></footer>
      <shortcut-overlay></shortcut-overlay><find-replace-dialog .store=${s}></find-replace-dialog>`;
  }

  override updated(): void {
    // Through the CSSOM: the CSP forbids style attributes.
    const body = this.renderRoot.querySelector<HTMLElement>('.body');
    body?.style.setProperty('--side', `${this.sideWidth()}px`);
    const h = this.viewState?.get().previewHeight;
    if (h) body?.style.setProperty('--preview', `${Math.round(h)}px`);
    else body?.style.removeProperty('--preview');
  }

  /**
   * Brings the focused control wholly into view: the browser scrolls a half-visible control no further, which
   * leaves the caption text half under the filmstrip at 200% zoom.
   */
  private onFocusIn(e: FocusEvent): void {
    const el = e.composedPath()[0];
    if (el instanceof HTMLElement) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** The side column's width: the one remembered, within what the panel's width allows. */
  private sideWidth(): number {
    const want = this.viewState?.get().sideWidth || SIDE_DEFAULT;
    return Math.round(Math.min(this.sideMax(), Math.max(SIDE_MIN, want)));
  }

  private sideMax(): number {
    return Math.max(SIDE_MIN, (this.bodyWidth || 1280) - PREVIEW_MIN - 16);
  }

  private previewHeight(): number {
    const preview = this.renderRoot.querySelector<HTMLElement>('image-preview');
    return this.viewState?.get().previewHeight || preview?.getBoundingClientRect().height || 240;
  }

  private setSideWidth(px: number, remember: boolean): void {
    this.renderRoot.querySelector<HTMLElement>('.body')?.style.setProperty('--side', `${px}px`);
    if (remember) this.viewState?.set({ sideWidth: px });
  }

  private setPreviewHeight(px: number, remember: boolean): void {
    this.renderRoot.querySelector<HTMLElement>('.body')?.style.setProperty('--preview', `${px}px`);
    if (remember) this.viewState?.set({ previewHeight: px });
  }

  /** The thumbnail size: the one the user set, else 68 px, or less on a short panel. */
  private thumbSize(): number {
    const set = this.viewState?.get().thumbSize;
    if (set) return set;
    return this.bodyHeight && this.bodyHeight < SHORT_PX ? Math.max(THUMB_MIN, Math.round(this.bodyHeight * 0.11)) : 68;
  }

  private setThumbSize(px: number, remember: boolean): void {
    const strip = this.renderRoot.querySelector('film-strip');
    if (strip) strip.thumbSize = px;
    if (remember) {
      this.viewState?.set({ thumbSize: px });
      this.requestUpdate();
    }
  }

  private renderReport() {
    return html`<dataset-report .dataset=${this.store?.datasetView()}></dataset-report>`;
  }

  private onCopy(e: Event): void {
    const text = (e as CustomEvent<{ text?: unknown }>).detail?.text;
    if (typeof text === 'string') this.store?.copy(text);
  }

  private ui(action: UiAction): void {
    const q = <T extends Element>(sel: string) => this.renderRoot.querySelector<T>(sel);
    if (this.store?.view !== 'tagging' && action !== 'showShortcuts' && action !== 'findReplace')
      this.store?.setView('tagging');
    void this.updateComplete.then(() => {
      if (action === 'focusAddTag') q<HTMLElement>('add-tag-input')?.focus();
      else if (action === 'focusFilter') q<HTMLElement & { focusFilter(): void }>('tag-palette')?.focusFilter();
      else if (action === 'goTo') q<HTMLElement & { focusGoTo(): void }>('panel-toolbar')?.focusGoTo();
      else if (action === 'showShortcuts') q<HTMLElement & { open(): void }>('shortcut-overlay')?.open();
      else if (action === 'findReplace') void q<HTMLElement & { open(): Promise<void> }>('find-replace-dialog')?.open();
    });
  }

  private handleKey(e: KeyboardEvent): void {
    const s = this.store;
    // Components stop the propagation of keys they handle; VS Code's frame listens on the window, after this.
    if (!s?.loaded || e.isComposing) return;
    const key = eventKey(e);
    const active = deepActive();
    const inText = isTextEntry(active);
    const inCaption = active instanceof HTMLTextAreaElement;
    const edit = editKeyOf(key);
    if (edit && isTextField(active)) {
      return handleEditKey(e, edit, active, inCaption ? (dir) => (dir === 'undo' ? s.undo() : s.redo()) : undefined);
    }
    let done = true;
    const report = s.view === 'report';
    if (report && (has(LOCAL_KEYS.undo, key) || has(LOCAL_KEYS.redo, key) || has(LOCAL_KEYS.goTo, key))) {
      // No caption or image changes out of sight on the report page (issue 10, item 2).
      s.setStatus('info', 'The report is open: go back to tagging (Tagging, in the toolbar) to work on images.');
    } else if (has(LOCAL_KEYS.save, key)) s.save();
    else if (has(LOCAL_KEYS.undo, key) && !inText) s.undo();
    else if (has(LOCAL_KEYS.redo, key) && !inText) s.redo();
    else if (has(LOCAL_KEYS.goTo, key)) this.ui('goTo');
    else if (has(LOCAL_KEYS.toggleGrid, key)) this.toggleGrid();
    else if (has(LOCAL_KEYS.findReplace, key) && !inText) this.ui('findReplace');
    else if (handleReviewKey(s, key)) {
      // The review's keys (accept, merge, reject, next/previous suggestion): captioning/reviewKeys.ts.
    } else if (!inText && !report && handleSelectionKey(e, key, s)) done = true;
    else {
      const action = actionForKey(key);
      if (action) {
        // VS Code dispatches the keys of host actions itself and sends `action`: handling them here would run them twice.
        // Only the Option character a Mac would type is kept out (VS Code's frame still hears the key: no stopPropagation).
        if (s.hostKeys.has(action)) {
          if (inText && typesOptionCharacter(e)) e.preventDefault();
          return;
        }
        s.runAction(action);
      } else if (!inText && !e.ctrlKey && !e.metaKey && !e.altKey) {
        done = this.plainKey(e.key);
      } else done = false;
    }
    if (!done) return;
    e.preventDefault();
    // The panel's own undo and redo: VS Code would answer them late with a native undo of its own.
    // Ctrl/Cmd+H too: VS Code would open its replace widget in an editor. Alt+G: VS Code would open its Go menu (the
    // menu bar's mnemonic) and take the focus out of the panel.
    if (
      has(LOCAL_KEYS.undo, key) ||
      has(LOCAL_KEYS.redo, key) ||
      has(LOCAL_KEYS.findReplace, key) ||
      has(LOCAL_KEYS.toggleGrid, key)
    )
      e.stopPropagation();
  }

  /** The review grid and back: the single view opens on the image focused in the grid. */
  private toggleGrid(): void {
    const s = this.store;
    if (!s) return;
    const toGrid = s.view !== 'grid';
    s.setView(toGrid ? 'grid' : 'tagging');
    // Render now, not when the store's change event comes: the element to focus must exist when updateComplete settles.
    this.requestUpdate();
    void this.updateComplete.then(async () => {
      const q = (sel: string) =>
        this.renderRoot.querySelector<HTMLElement & { focusCurrent?(): void; updateComplete?: Promise<unknown> }>(sel);
      if (toGrid) return q('review-grid')?.focusCurrent?.();
      const el = q(s.style === 'natural' ? 'caption-text' : 'add-tag-input');
      await el?.updateComplete;
      el?.focus();
    });
  }

  /** Single keys that are shortcuts only outside text fields. */
  private plainKey(k: string): boolean {
    const preview = this.renderRoot.querySelector('image-preview');
    if (k === '?') this.ui('showShortcuts');
    else if (k === '+' || k === '=') preview?.zoomBy(1.25);
    else if (k === '-') preview?.zoomBy(0.8);
    else if (k === '0') preview?.toggleActual();
    else if (k === 'c' || k === 'C') preview?.startCrop();
    else return false;
    return true;
  }
}

customElements.define('lora-tagger-app', LoraTaggerApp);

declare global {
  interface HTMLElementTagNameMap {
    'lora-tagger-app': LoraTaggerApp;
  }
}
