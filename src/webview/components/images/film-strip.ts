/**
 * `<film-strip>`: thumbnails of the images (all, or those the filter lets through), virtualized so only the
 * visible window exists in the DOM: a 10,000-image dataset scrolls as smoothly as a ten-image one. The thumbnails
 * are the host's (256 px WebP files it makes in the background); an image without one yet shows a placeholder and
 * is asked for, so the strip never decodes a full-size image.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import './image-query';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import { runMarkOf } from '../captioning/run-mark';
import type { TaggerStore } from '../../state/store';
import { wantVisibleThumbs } from '../../state/thumbRequests';
import type { ViewStateStore } from '../../vscodeApi';
import { isMac } from '../../keymap';

/** Thumbnail cell width in px, gap included. */
/** Thumbnail sizes the filmstrip takes (the sash above it sets one; the host's thumbnails are 256 px). */
export const THUMB_MIN = 40;
export const THUMB_MAX = 160;
/** A cell is its thumbnail plus its border and margin. */
const CELL_EXTRA = 8;
const OVERSCAN = 4;

/** The filmstrip and its image filter. */
export class FilmStrip extends LitElement {
  static override properties = { store: { attribute: false }, viewState: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
      .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 6px; padding: 0 4px; }
      .viewport { position: relative; overflow-x: auto; overflow-y: hidden; height: calc(var(--thumb, 68px) + 14px); }
      .spacer { height: 1px; }
      .window { position: absolute; top: 2px; left: 0; display: flex; will-change: transform; }
      .thumb {
        position: relative;
        width: calc(var(--thumb, 68px) + 2px);
        height: var(--thumb, 68px);
        margin: 0 3px;
        padding: 0;
        border: 2px solid transparent;
        border-radius: 3px;
        background: var(--vscode-editor-background);
        cursor: pointer;
        overflow: hidden;
      }
      .thumb img { width: 100%; height: 100%; object-fit: cover; display: block; image-orientation: from-image; }
      .ph { display: block; width: 100%; height: 100%; background: var(--vscode-input-background, var(--vscode-editor-background));
        border: 1px dashed var(--vscode-contrastBorder, transparent); }
      .thumb[aria-current='true'] { border-color: var(--vscode-focusBorder); }
      .thumb.selected { border-color: var(--vscode-list-activeSelectionBackground, var(--vscode-focusBorder));
        outline: 1px dashed var(--vscode-contrastActiveBorder, transparent); }
      .thumb.selected[aria-current='true'] { border-color: var(--vscode-focusBorder); border-style: double; border-width: 3px; }
      .sel { position: absolute; left: 2px; top: 2px; background: var(--vscode-editor-background); border-radius: 2px; }
      .thumb:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
      .thumb.skipped img { opacity: 0.35; }
      .badge { position: absolute; right: 2px; top: 2px; display: flex; gap: 1px; }
      .badge vscode-icon { background: var(--vscode-editor-background); border-radius: 2px; }
      .dot { position: absolute; left: 3px; bottom: 3px; width: 8px; height: 8px; border-radius: 50%;
        background: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); border: 1px solid var(--vscode-editor-background); }
      .num { position: absolute; right: 2px; bottom: 1px; font-size: 10px; padding: 0 2px; border-radius: 2px;
        background: var(--vscode-editor-background); color: var(--vscode-descriptionForeground); }
    `,
  ];
  declare store?: TaggerStore;
  declare viewState?: ViewStateStore;
  private thumbPx = 68;
  private stripLeft = 0;
  private viewW = 800;
  private lastIndex = -1;
  private refocus = false;
  private resize = new ResizeObserver((entries) => {
    const w = entries[0]?.contentRect.width ?? 0;
    if (w && Math.abs(w - this.viewW) > 1) {
      this.viewW = w;
      this.requestUpdate();
    }
  });

  constructor() {
    super();
    new StoreController(this, ['dataset', 'current', 'flags', 'filter', 'thumbs', 'selection', 'captioning']);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override firstUpdated(): void {
    const vp = this.viewport;
    if (!vp) return;
    this.resize.observe(vp);
    const left = this.viewState?.get().filmstripScroll ?? 0;
    if (left) requestAnimationFrame(() => (vp.scrollLeft = left));
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector('.viewport');
  }

  /** The thumbnail size in px (THUMB_MIN to THUMB_MAX). */
  get thumbSize(): number {
    return this.thumbPx;
  }
  set thumbSize(px: number) {
    const v = Math.round(Math.min(THUMB_MAX, Math.max(THUMB_MIN, Number.isFinite(px) ? px : 68)));
    if (v === this.thumbPx) return;
    // The first visible image stays first as the cells grow or shrink.
    const firstShown = this.stripLeft / this.cell;
    this.thumbPx = v;
    // Through the CSSOM: the CSP forbids style attributes.
    this.style.setProperty('--thumb', `${v}px`);
    // Set before the first render too (a size remembered in the view state): then there is no viewport yet.
    const vp = this.hasUpdated ? this.viewport : null;
    this.stripLeft = firstShown * this.cell;
    if (vp) vp.scrollLeft = this.stripLeft;
    this.requestUpdate();
  }

  private get cell(): number {
    return this.thumbPx + CELL_EXTRA;
  }

  /** The image indices shown, in order. */
  private list(): readonly number[] | undefined {
    return this.store?.filtered;
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const list = this.list();
    const total = list ? list.length : s.model.images.length;
    const first = Math.max(0, Math.floor(this.stripLeft / this.cell) - OVERSCAN);
    const last = Math.min(total, Math.ceil((this.stripLeft + this.viewW) / this.cell) + OVERSCAN);
    const cells = [];
    for (let p = first; p < last; p++) cells.push(this.thumb(list ? list[p]! : p));
    return html`<div class="bar">
        <image-query .store=${s} .viewState=${this.viewState}></image-query>
        <span class="muted" aria-live="polite">${list ? `${total} of ${s.model.images.length} images` : `${total} images`}</span>
      </div>
      <div class="viewport" @scroll=${this.onScroll} @wheel=${this.onWheel} @keydown=${this.onKey}>
        <div class="spacer"></div>
        <div class="window" role="list" aria-label="Filmstrip">${cells}</div>
      </div>`;
  }

  private thumb(i: number) {
    const s = this.store!;
    const im = s.model.images[i]!;
    const cur = i === s.index;
    const state = im.status === 'untagged' ? ', untagged' : im.status === 'skipped' ? ', skipped' : '';
    const sel = s.selection.size > 1 && s.selection.has(i);
    const run = runMarkOf(s, im.file);
    return html`<div role="listitem">
      <button
        class="thumb ${im.status} ${sel ? 'selected' : ''}"
        data-i=${i}
        tabindex=${cur ? 0 : -1}
        aria-current=${cur ? 'true' : 'false'}
        aria-label="${i + 1}: ${im.file}${state}${im.favourite ? ', favourite' : ''}${im.nsfw ? ', NSFW' : ''}${im.crop ? ', cropped' : ''}${run.label}${sel ? ', selected' : ''}"
        title="${i + 1}: ${im.file}${run.title} (Shift+click: range, ${isMac() ? '⌘' : 'Ctrl'}+click: add or remove)"
        @click=${(e: MouseEvent) => this.onThumbClick(e, i)}
      >
        ${sel ? html`<vscode-icon class="sel" name="pass-filled" size="12" aria-hidden="true"></vscode-icon>` : nothing}
        ${
          im.thumb
            ? html`<img src=${im.thumb} alt="" decoding="async" width=${this.thumbPx} height=${this.thumbPx} draggable="false" />`
            : html`<span class="ph" aria-hidden="true"></span>`
        }
        ${im.status === 'untagged' ? html`<span class="dot" aria-hidden="true"></span>` : nothing}
        <span class="badge" aria-hidden="true"
          >${im.favourite ? html`<vscode-icon name="star-full" size="12"></vscode-icon>` : nothing}${
            im.nsfw ? html`<vscode-icon name="eye-closed" size="12"></vscode-icon>` : nothing
          }${im.crop ? html`<vscode-icon class="cropped" name="screen-cut" size="12"></vscode-icon>` : nothing}</span
        >
        <span class="num" aria-hidden="true">${i + 1}</span>
        ${run.mark}
      </button>
    </div>`;
  }

  override updated(): void {
    const vp = this.viewport;
    const s = this.store;
    if (!vp || !s) return;
    const list = this.list();
    const total = list ? list.length : s.model.images.length;
    const first = Math.max(0, Math.floor(this.stripLeft / this.cell) - OVERSCAN);
    vp.querySelector<HTMLElement>('.spacer')?.style.setProperty('width', `${total * this.cell}px`);
    vp.querySelector<HTMLElement>('.window')?.style.setProperty('transform', `translateX(${first * this.cell}px)`);
    // The thumbnails drawn that have none yet are asked of the host (the grid asks through the same helper).
    wantVisibleThumbs(s, first, Math.ceil((this.stripLeft + this.viewW) / this.cell) + OVERSCAN);
    if (s.index !== this.lastIndex) {
      this.lastIndex = s.index;
      this.reveal(s.index);
    }
    if (this.refocus) {
      this.refocus = false;
      vp.querySelector<HTMLElement>(`.thumb[data-i="${s.index}"]`)?.focus();
    }
  }

  /** Scrolls so the image at index i is in view. */
  private reveal(i: number): void {
    const vp = this.viewport;
    const list = this.list();
    const p = list ? list.indexOf(i) : i;
    if (!vp || p < 0) return;
    const left = p * this.cell;
    if (left < vp.scrollLeft || left + this.cell > vp.scrollLeft + vp.clientWidth) {
      vp.scrollLeft = Math.max(0, left - (vp.clientWidth - this.cell) / 2);
      this.stripLeft = vp.scrollLeft;
      this.requestUpdate();
    }
  }

  private onScroll(): void {
    const vp = this.viewport;
    if (!vp) return;
    this.stripLeft = vp.scrollLeft;
    this.viewState?.set({ filmstripScroll: vp.scrollLeft });
    this.requestUpdate();
  }

  private onWheel(e: WheelEvent): void {
    const vp = this.viewport;
    if (!vp || Math.abs(e.deltaX) > Math.abs(e.deltaY)) return;
    // A vertical wheel scrolls the strip sideways.
    vp.scrollLeft += e.deltaY;
    e.preventDefault();
  }

  /** Click: this image alone; Shift+click: the range from the anchor; Ctrl/Cmd+click: adds or removes it. */
  private onThumbClick(e: MouseEvent, i: number): void {
    const s = this.store;
    if (!s) return;
    if (e.shiftKey) this.extend(i);
    else if (isMac() ? e.metaKey : e.ctrlKey) {
      s.selection.select(i, 'toggle');
      // Removed from the selection: the image shown stays where it was.
      if (!s.selection.has(i)) return;
    } else s.selection.select(i, 'only');
    s.go(i);
  }

  /** Selects the range from the anchor to image i; with one image selected, from the image shown (it may have moved). */
  private extend(i: number): void {
    const s = this.store!;
    if (s.selection.size < 2) s.selection.anchor = s.index;
    s.selection.select(i, 'range', this.list());
  }

  private onKey(e: KeyboardEvent): void {
    const s = this.store;
    if (!s || e.altKey || e.ctrlKey || e.metaKey) return;
    const list = this.list() ?? null;
    const pos = list ? list.indexOf(s.index) : s.index;
    const n = list ? list.length : s.model.images.length;
    let p: number;
    if (e.key === 'ArrowRight') p = pos + 1;
    else if (e.key === 'ArrowLeft') p = pos - 1;
    else if (e.key === 'Home') p = 0;
    else if (e.key === 'End') p = n - 1;
    else return;
    e.preventDefault();
    p = Math.max(0, Math.min(n - 1, p));
    const i = list ? list[p] : p;
    if (i === undefined) return;
    // Shift+arrows (and Shift+Home/End) extend the selection from its anchor; plain keys select one image.
    if (e.shiftKey) this.extend(i);
    else s.selection.select(i, 'only');
    s.go(i);
    this.refocus = true;
  }
}

customElements.define('film-strip', FilmStrip);

declare global {
  interface HTMLElementTagNameMap {
    'film-strip': FilmStrip;
  }
}
