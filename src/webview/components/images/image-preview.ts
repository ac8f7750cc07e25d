/**
 * `<image-preview>`: the current image as large as the panel allows, zoom (wheel, +/-, 100% toggle), pan when
 * zoomed, EXIF orientation respected (Chromium's `image-orientation: from-image`), with name, size and position.
 * An image that was not prefetched shows its host-made thumbnail at once, scaled up, under the full image, which
 * covers it as soon as the browser has decoded it. Crop (or `C`) swaps the preview for the crop tool (crop-tool.ts).
 */
import { LitElement, css, html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';
import type { ViewStateStore } from '../../vscodeApi';
import './crop-tool';
import type { CropResult } from './crop-tool';

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 16;
const STEP = 1.25;

/** The image preview. */
export class ImagePreview extends LitElement {
  static override properties = { store: { attribute: false }, viewState: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: flex; flex-direction: column; min-width: 0; min-height: 0; container-type: inline-size; }
      .info { display: flex; align-items: center; gap: 8px; padding: 2px 4px; min-height: 26px; }
      .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 3ch; }
      .meta { white-space: nowrap; flex: none; }
      /* Narrow (360 px): the size and "cropped" stay whole, the name gives way, the position is the status bar's. */
      @container (max-width: 440px) {
        .info { gap: 4px; }
        .pos { display: none; }
      }
      .spacer { flex: 1; }
      .stage {
        position: relative;
        flex: 1 1 auto;
        min-height: 0;
        overflow: hidden;
        background: var(--vscode-editor-background);
        border: 1px solid var(--vscode-panel-border, transparent);
      }
      .stage.zoomed { overflow: auto; cursor: grab; }
      .stage.panning { cursor: grabbing; }
      .canvas { min-width: 100%; min-height: 100%; display: grid; place-items: center; }
      .canvas > img { grid-area: 1 / 1; }
      img { display: block; image-orientation: from-image; user-select: none; -webkit-user-drag: none; max-width: none; }
      .stage.zoomed img { image-rendering: auto; }
      .empty { padding: 24px; text-align: center; }
      .state { font-size: 11px; padding: 0 6px; border-radius: 8px; border: 1px solid var(--vscode-list-warningForeground, var(--vscode-editorWarning-foreground)); color: var(--vscode-list-warningForeground, var(--vscode-editorWarning-foreground)); }
      .state.skipped { border-color: var(--vscode-descriptionForeground); color: var(--vscode-descriptionForeground); }
      .cropped { white-space: nowrap; flex: none; }
      .zoom { min-width: 44px; text-align: right; font-variant-numeric: tabular-nums; }
    `,
  ];
  declare store?: TaggerStore;
  declare viewState?: ViewStateStore;
  /** 'fit' or a scale factor of the natural size. */
  private zoom: number | 'fit' = 'fit';
  private natW = 0;
  private natH = 0;
  private pan: { x: number; y: number; left: number; top: number; id: number } | undefined;
  private prefetched: HTMLImageElement[] = [];
  private lastShown = -1;
  private shownFile = '';
  private settleShown: (() => void) | undefined;
  /** The full image of `shownFile` is decoded and on screen (its thumbnail is no longer needed under it). */
  private fullShown = false;
  private resize = new ResizeObserver(() => this.layout());
  /** The crop tool is open on the current image. */
  private cropping = false;

  constructor() {
    super();
    // Until the new image has loaded, lay it out from the size the host read from its header.
    new StoreController(this, ['current', 'dataset', 'flags', 'thumbs'], () => {
      const im = this.store?.current;
      if (!im || im.file === this.shownFile) return;
      this.shownFile = im.file;
      this.cropping = false;
      this.fullShown = false;
      if (this.store) this.store.previewShown = new Promise((resolve) => (this.settleShown = resolve));
      const swap = (im?.orientation ?? 1) >= 5;
      this.natW = (swap ? im?.height : im?.width) ?? 0;
      this.natH = (swap ? im?.width : im?.height) ?? 0;
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.zoom = this.viewState?.get().zoom ?? 'fit';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override firstUpdated(): void {
    const stage = this.stage;
    if (stage) this.resize.observe(stage);
  }

  private get stage(): HTMLElement | null {
    return this.renderRoot.querySelector('.stage');
  }

  /** The preview `<img>` of the full image (for tests and the bench). */
  get image(): HTMLImageElement | null {
    return this.renderRoot.querySelector('img.full');
  }

  /** The thumbnail shown under the full image until it is decoded, if any (for tests and the bench). */
  get early(): HTMLImageElement | null {
    return this.renderRoot.querySelector('img.early');
  }

  override render() {
    const s = this.store;
    const im = s?.current;
    if (!s || !im) return html`<div class="stage"><div class="empty muted">No image</div></div>`;
    const n = s.model.images.length;
    // Orientations 5-8 swap width and height on screen.
    const [w, h] = (im.orientation ?? 1) >= 5 ? [im.height, im.width] : [im.width, im.height];
    const pct = this.zoom === 'fit' ? 'Fit' : `${Math.round(this.zoom * 100)}%`;
    return html`<div class="info">
        <span class="name" title=${im.file}>${im.file}</span>
        <span class="muted meta" aria-label="${w} by ${h} pixels">${w} × ${h}</span>
        <span class="muted meta pos" aria-label="Image ${s.index + 1} of ${n}">${s.index + 1} / ${n}</span>
        ${im.status === 'tagged' ? '' : html`<span class="state ${im.status}">${im.status}</span>`}
        ${im.crop ? html`<span class="muted cropped" title="Exported cropped to ${im.crop.width} × ${im.crop.height}" aria-label="Cropped to ${im.crop.width} by ${im.crop.height} for export">cropped</span>` : nothing}
        <span class="spacer"></span>
        <vscode-toolbar-button icon="screen-cut" label="Crop for export" title="Crop for export (C)" ?checked=${this.cropping} @click=${() => this.startCrop()}></vscode-toolbar-button>
        <vscode-toolbar-button icon="zoom-out" label="Zoom out" title="Zoom out (-)" @click=${() => this.zoomBy(1 / STEP)}></vscode-toolbar-button>
        <span class="zoom muted" aria-live="polite">${pct}</span>
        <vscode-toolbar-button icon="zoom-in" label="Zoom in" title="Zoom in (+)" @click=${() => this.zoomBy(STEP)}></vscode-toolbar-button>
        <vscode-toolbar-button
          icon=${this.zoom === 'fit' ? 'screen-full' : 'screen-normal'}
          label=${this.zoom === 'fit' ? 'Actual size' : 'Fit to panel'}
          title=${this.zoom === 'fit' ? 'Actual size, 100% (0)' : 'Fit to panel (0)'}
          @click=${() => this.toggleActual()}
        ></vscode-toolbar-button>
      </div>
      ${this.cropping ? html`<crop-tool .image=${im} .target=${this.store?.exportTarget ?? 'civitai'} @crop-done=${this.onCropDone}></crop-tool>` : nothing}
      ${this.stageView(im)}`;
  }

  private stageView(im: NonNullable<TaggerStore['current']>) {
    // Kept (hidden) while the crop tool is open: its size observer and the image's load state stay.
    return html`<div
        class="stage ${this.zoom === 'fit' ? '' : 'zoomed'}"
        ?hidden=${this.cropping}
        tabindex="0"
        role="img"
        aria-label="Preview of ${im.file}"
        @wheel=${this.onWheel}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
      >
        <div class="canvas">
          ${im.thumb && !this.fullShown ? html`<img class="early" src=${im.thumb} alt="" aria-hidden="true" draggable="false" />` : nothing}
          ${keyed(
            im.file,
            // A new element per image: one reused with a new src keeps showing the previous image until it decodes.
            html`<img class="full" src=${im.uri} alt=${im.file} decoding="async" draggable="false" @load=${this.onLoad} @error=${this.onError} />`,
          )}
        </div>
      </div>
`;
  }

  override updated(): void {
    this.layout();
  }

  /** Opens the crop tool on the current image (the toolbar's Crop, or `C`). */
  startCrop(): void {
    if (!this.store?.current || this.cropping) return;
    this.cropping = true;
    this.requestUpdate();
  }

  private async onCropDone(e: CustomEvent<CropResult>): Promise<void> {
    const s = this.store;
    const im = s?.current;
    this.cropping = false;
    if (s && im && !('cancelled' in e.detail)) {
      const { crop } = e.detail;
      if (crop) im.crop = crop;
      else delete im.crop;
      s.host.notify({ type: 'image/crop', file: im.file, crop });
      s.emit('flags');
    }
    this.requestUpdate();
    await this.updateComplete;
    this.stage?.focus();
  }

  private onLoad(e: Event): void {
    const img = e.currentTarget as HTMLImageElement;
    // naturalWidth/Height already follow the EXIF orientation in Chromium.
    this.natW = img.naturalWidth;
    this.natH = img.naturalHeight;
    this.layout();
    this.prefetchNext();
    const done = this.settleShown;
    const file = this.shownFile;
    void img
      .decode()
      .catch(() => undefined)
      .then(() => {
        done?.();
        if (file !== this.shownFile) return;
        this.fullShown = true;
        this.requestUpdate();
      });
  }

  private onError(): void {
    this.settleShown?.();
    const im = this.store?.current;
    if (im)
      this.store?.setStatus(
        'error',
        `${im.file} could not be shown: the browser cannot decode it. Check dataset lists such files.`,
      );
  }

  /** The scale shown now (fit resolves to the panel size). */
  scale(): number {
    if (this.zoom !== 'fit') return this.zoom;
    const stage = this.stage;
    if (!stage || !this.natW || !this.natH) return 1;
    return Math.min(stage.clientWidth / this.natW, stage.clientHeight / this.natH);
  }

  private layout(): void {
    if (!this.natW) return;
    const k = this.scale();
    // Through the CSSOM: the CSP forbids style attributes. The thumbnail takes the full image's box.
    for (const img of [this.image, this.early]) {
      img?.style.setProperty('width', `${Math.max(1, Math.floor(this.natW * k))}px`);
      img?.style.setProperty('height', `${Math.max(1, Math.floor(this.natH * k))}px`);
    }
  }

  /** Zooms by a factor, keeping the point under (cx, cy) in the stage still (the centre by default). */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const stage = this.stage;
    if (!stage) return;
    const old = this.scale();
    const next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, old * factor));
    const px = cx ?? stage.clientWidth / 2;
    const py = cy ?? stage.clientHeight / 2;
    const contentX = (stage.scrollLeft + px) / old;
    const contentY = (stage.scrollTop + py) / old;
    this.setZoom(next);
    requestAnimationFrame(() => {
      stage.scrollLeft = contentX * next - px;
      stage.scrollTop = contentY * next - py;
    });
  }

  /** Toggles between fit and 100%. */
  toggleActual(): void {
    this.setZoom(this.zoom === 'fit' ? 1 : 'fit');
  }

  private setZoom(z: number | 'fit'): void {
    this.zoom = z;
    this.viewState?.set({ zoom: z });
    this.requestUpdate();
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    this.zoomBy(e.deltaY < 0 ? STEP : 1 / STEP, e.clientX - r.left, e.clientY - r.top);
  }

  private onPointerDown(e: PointerEvent): void {
    const stage = this.stage;
    if (!stage || this.zoom === 'fit' || e.button !== 0) return;
    this.pan = { x: e.clientX, y: e.clientY, left: stage.scrollLeft, top: stage.scrollTop, id: e.pointerId };
    stage.setPointerCapture(e.pointerId);
    stage.classList.add('panning');
  }

  private onPointerMove(e: PointerEvent): void {
    const stage = this.stage;
    if (!stage || !this.pan || e.pointerId !== this.pan.id) return;
    stage.scrollLeft = this.pan.left - (e.clientX - this.pan.x);
    stage.scrollTop = this.pan.top - (e.clientY - this.pan.y);
  }

  private onPointerUp(e: PointerEvent): void {
    if (!this.pan || e.pointerId !== this.pan.id) return;
    this.pan = undefined;
    this.stage?.classList.remove('panning');
  }

  /** Resolves when the neighbours of the shown image are decoded (the bench waits on it). */
  prefetchDone: Promise<void> = Promise.resolve();

  /**
   * Decodes the image the user will most likely show next (the next one, or the previous one when going backwards),
   * so it shows from the decode cache instead of waiting a few hundred ms for the decoder on a 12-megapixel JPEG.
   * Only one: the decode cache is small, and a second prefetch evicts the first.
   */
  private prefetchNext(): void {
    const s = this.store;
    if (!s) return;
    const ims = s.model.images;
    const dir = s.index < this.lastShown ? -1 : 1;
    this.lastShown = s.index;
    const order = [ims[s.index + dir]].filter((x) => x !== undefined);
    const shown = s.index;
    this.prefetched = [];
    this.prefetchDone = (async () => {
      for (const im of order) {
        if (this.store?.index !== shown) return;
        const img = new Image();
        img.decoding = 'async';
        img.src = im.uri;
        this.prefetched.push(img);
        await img.decode().catch(() => undefined);
      }
    })();
  }
}

customElements.define('image-preview', ImagePreview);

declare global {
  interface HTMLElementTagNameMap {
    'image-preview': ImagePreview;
  }
}
