/**
 * `<film-strip>`: thumbnails of the images (all, or those the filter lets through), virtualized so only the
 * visible window exists in the DOM: a 10,000-image dataset scrolls as smoothly as a ten-image one. The thumbnails
 * are the host's (256 px WebP files it makes in the background); an image without one yet shows a placeholder and
 * is asked for, so the strip never decodes a full-size image.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { ImageFilterKind } from '../../state/datasetModel';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import { runMarkOf } from '../captioning/run-mark';
import type { TaggerStore } from '../../state/store';
import type { ViewStateStore } from '../../vscodeApi';

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
      .bar { display: flex; align-items: center; gap: 6px; padding: 0 4px; }
      .bar vscode-single-select { width: 130px; }
      .bar vscode-textfield { width: 200px; }
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
  /** Files whose thumbnail was asked of the host (once each per dataset load). */
  private asked = new Set<string>();
  private askedFor: unknown;
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
    new StoreController(this, ['dataset', 'current', 'flags', 'filter', 'thumbs', 'captioning']);
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
    const f = s.imageFilter;
    const needsValue = f.kind === 'tag' || f.kind === 'text';
    return html`<div class="bar">
        <vscode-single-select position="above" label="Show images" title="Which images the filmstrip and navigation show" .value=${f.kind} @change=${this.onKind}>
          <vscode-option value="all">All images</vscode-option>
          <vscode-option value="untagged">Untagged</vscode-option>
          <vscode-option value="favourite">Favourites</vscode-option>
          <vscode-option value="nsfw">NSFW</vscode-option>
          <vscode-option value="tag">With tag…</vscode-option>
          <vscode-option value="text">Caption contains…</vscode-option>
        </vscode-single-select>
        ${
          needsValue
            ? html`<vscode-textfield
              .label=${f.kind === 'tag' ? 'Image filter tag' : 'Image filter text'}
              placeholder=${f.kind === 'tag' ? 'tag' : 'text in the caption'}
              .value=${f.value}
              @input=${this.onValue}
            ></vscode-textfield>`
            : nothing
        }
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
    const run = runMarkOf(s, im.file);
    return html`<div role="listitem">
      <button
        class="thumb ${im.status}"
        data-i=${i}
        tabindex=${cur ? 0 : -1}
        aria-current=${cur ? 'true' : 'false'}
        aria-label="${i + 1}: ${im.file}${state}${im.favourite ? ', favourite' : ''}${im.nsfw ? ', NSFW' : ''}${run.label}"
        title="${i + 1}: ${im.file}${run.title}"
        @click=${() => s.go(i)}
      >
        ${
          im.thumb
            ? html`<img src=${im.thumb} alt="" decoding="async" width=${this.thumbPx} height=${this.thumbPx} draggable="false" />`
            : html`<span class="ph" aria-hidden="true"></span>`
        }
        ${im.status === 'untagged' ? html`<span class="dot" aria-hidden="true"></span>` : nothing}
        <span class="badge" aria-hidden="true"
          >${im.favourite ? html`<vscode-icon name="star-full" size="12"></vscode-icon>` : nothing}${
            im.nsfw ? html`<vscode-icon name="eye-closed" size="12"></vscode-icon>` : nothing
          }</span
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
    this.askForThumbs(first, Math.min(total, Math.ceil((this.stripLeft + this.viewW) / this.cell) + OVERSCAN));
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

  /** Asks the host for the thumbnails of the cells shown that have none yet, so they are made next. */
  private askForThumbs(first: number, last: number): void {
    const s = this.store!;
    if (this.askedFor !== s.model.images) {
      this.askedFor = s.model.images;
      this.asked.clear();
    }
    const list = this.list();
    const files: string[] = [];
    for (let p = first; p < last; p++) {
      const im = s.model.images[list ? list[p]! : p];
      if (im && !im.thumb && !this.asked.has(im.file)) {
        this.asked.add(im.file);
        files.push(im.file);
      }
    }
    s.wantThumbs(files);
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

  private onKey(e: KeyboardEvent): void {
    const s = this.store;
    if (!s || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
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
    s.go(i);
    this.refocus = true;
  }

  private onKind(e: Event): void {
    const kind = (e.currentTarget as HTMLSelectElement).value as ImageFilterKind;
    const s = this.store;
    if (!s) return;
    s.setImageFilter(kind, s.imageFilter.value);
    this.viewState?.set({ imageFilterKind: kind });
  }

  private onValue(e: Event): void {
    const value = (e.currentTarget as VscodeTextfield).value;
    const s = this.store;
    if (!s) return;
    s.setImageFilter(s.imageFilter.kind, value);
    this.viewState?.set({ imageFilterValue: value });
  }
}

customElements.define('film-strip', FilmStrip);

declare global {
  interface HTMLElementTagNameMap {
    'film-strip': FilmStrip;
  }
}
