/**
 * `<crop-tool>`: draws the export crop of the current image on its preview. Drag a rectangle on the picture, or
 * use the keys: arrows move it, Ctrl+arrows resize it (right and bottom edges), Shift makes the steps ten times
 * bigger; Enter applies, Escape cancels. An aspect preset (1:1 … 16:9, or one of the export target's buckets where
 * its trainer has a fixed list: kohya's, which CivitAI's default engine uses too) keeps the shape; the bar says the
 * bucket the crop lands in for that trainer and the size it is exported at (shared/buckets/sizes.ts).
 * Coordinates are pixels of the upright image (EXIF orientation applied), as the session stores them; the image
 * itself never changes (the crop is applied at export).
 */
import { LitElement, css, html, nothing } from 'lit';
import { ASPECT_PRESETS, MIN_CROP_SIDE, clampCrop, fitAspect, uprightSize, type CropRect } from '../../../shared/crop';
import { DEFAULT_RESOLUTION } from '../../../shared/buckets/kohya';
import { BUCKET_NAMES, bucketPresets, exportSize, targetBucket } from '../../../shared/buckets/sizes';
import type { ExportTarget } from '../../../shared/model';
import type { ImageView } from '../../../shared/protocol';
import { baseStyles } from '../styles';

/** What the crop tool reports when it closes: the crop to keep (null removes it), or cancelled. */
export type CropResult = { crop: CropRect | null } | { cancelled: true };

/** The crop tool for one image. Fires `crop-done` (detail: CropResult). */
export class CropTool extends LitElement {
  static override properties = { image: { attribute: false }, target: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; min-width: 0; flex: 1 1 auto; }
      .spacer { flex: 1; }
      .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 2px 4px; }
      select { font: inherit; color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background);
        border: 1px solid var(--vscode-dropdown-border, transparent); border-radius: 2px; padding: 1px 2px; }
      select:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
      button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground);
        border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 1px 8px; cursor: pointer; }
      button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
      button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
      .area { position: relative; flex: 1 1 auto; min-height: 0; overflow: hidden; display: grid; place-items: center;
        background: var(--vscode-editor-background); border: 1px solid var(--vscode-panel-border, transparent); }
      .area:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
      .frame { position: relative; touch-action: none; cursor: crosshair; }
      img { display: block; image-orientation: from-image; user-select: none; -webkit-user-drag: none; max-width: none; }
      .rect { position: absolute; box-sizing: border-box; pointer-events: none;
        border: 2px dashed var(--vscode-focusBorder, #0078d4); box-shadow: 0 0 0 9999px rgba(0, 0, 0, 0.55); }
    `,
  ];
  declare image?: ImageView;
  /** The session's export target, whose buckets are offered and named. */
  declare target?: ExportTarget;
  private rect: CropRect | undefined;
  private aspect = 'free';
  private drag: { x: number; y: number; id: number } | undefined;
  private resize = new ResizeObserver(() => this.layout());

  /** The rectangle shown now, in pixels of the upright image (for tests). */
  get value(): CropRect | undefined {
    return this.rect && { ...this.rect };
  }

  private get size(): { width: number; height: number } {
    const im = this.image;
    return im ? uprightSize(im.width, im.height, im.orientation) : { width: 0, height: 0 };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const { width, height } = this.size;
    this.rect = this.image?.crop ?? { x: 0, y: 0, width, height };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override firstUpdated(): void {
    const area = this.renderRoot.querySelector<HTMLElement>('.area');
    if (area) {
      this.resize.observe(area);
      area.focus();
    }
  }

  override updated(): void {
    this.layout();
  }

  override render() {
    const im = this.image;
    if (!im) return nothing;
    const r = this.rect;
    const target = this.target ?? 'civitai';
    const presets = bucketPresets(target);
    const ratio = (w: number, h: number) =>
      html`<option value="${w}:${h}" ?selected=${this.aspect === `${w}:${h}`}>${w}:${h}</option>`;
    return html`<div class="bar">
        <label>Aspect
          <select aria-label="Crop aspect" @change=${this.onAspect}>
            <option value="free" ?selected=${this.aspect === 'free'}>Free</option>
            ${ASPECT_PRESETS.map(([w, h]) => ratio(w, h))}
            ${
              presets.length
                ? html`<optgroup label="${BUCKET_NAMES[target]} buckets at ${DEFAULT_RESOLUTION}">
                    ${presets.map(([w, h]) => html`<option value="${w}:${h}" ?selected=${this.aspect === `${w}:${h}`}>${w}×${h}</option>`)}
                  </optgroup>`
                : nothing
            }
          </select>
        </label>
        <span class="muted" aria-live="polite">${r ? `${r.width} × ${r.height} at ${r.x}, ${r.y}` : ''}</span>
        <span class="muted bucket" aria-live="polite">${r ? this.trainsAt(target, r) : ''}</span>
        <span class="spacer"></span>
        <button class="primary" title="Apply the crop (Enter)" @click=${this.apply}>Apply crop</button>
        <button title="Leave the crop as it was (Escape)" @click=${this.cancel}>Cancel</button>
        ${im.crop ? html`<button title="Export the whole image again" @click=${this.removeCrop}>Remove crop</button>` : nothing}
      </div>
      <div
        class="area"
        tabindex="0"
        role="group"
        aria-label="Crop rectangle of ${im.file}: drag on the image, or arrows to move, Ctrl+arrows to resize, Shift for bigger steps; Enter applies, Escape cancels"
        @keydown=${this.onKey}
      >
        <div class="frame" @pointerdown=${this.onDown} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointercancel=${this.onUp}>
          <img src=${im.uri} alt="" draggable="false" @load=${() => this.layout()} />
          <div class="rect"></div>
        </div>
      </div>`;
  }

  /** What the export target does with the crop `r`: its bucket and the size the export writes. */
  private trainsAt(target: ExportTarget, r: CropRect): string {
    const [ew, eh] = exportSize(target, r.width, r.height);
    const b = targetBucket(target, r.width, r.height);
    const out = `exported ${ew} × ${eh}`;
    return b ? `${BUCKET_NAMES[target]} bucket ${b[0]} × ${b[1]}, ${out}` : out;
  }

  /** Image pixels per screen pixel is 1 / scale(). */
  private scale(): number {
    const area = this.renderRoot.querySelector<HTMLElement>('.area');
    const { width, height } = this.size;
    if (!area || !width || !height) return 1;
    return Math.min(area.clientWidth / width, area.clientHeight / height, 1e3);
  }

  private layout(): void {
    const k = this.scale();
    const { width, height } = this.size;
    // Through the CSSOM: the CSP forbids style attributes.
    const img = this.renderRoot.querySelector<HTMLElement>('img');
    img?.style.setProperty('width', `${Math.max(1, Math.floor(width * k))}px`);
    img?.style.setProperty('height', `${Math.max(1, Math.floor(height * k))}px`);
    const box = this.renderRoot.querySelector<HTMLElement>('.rect');
    const r = this.rect;
    if (!box || !r) return;
    box.style.setProperty('left', `${r.x * k}px`);
    box.style.setProperty('top', `${r.y * k}px`);
    box.style.setProperty('width', `${r.width * k}px`);
    box.style.setProperty('height', `${r.height * k}px`);
  }

  private ratio(): number | undefined {
    if (this.aspect === 'free') return undefined;
    const [w, h] = this.aspect.split(':').map(Number);
    return w && h ? w / h : undefined;
  }

  private set(r: CropRect | undefined): void {
    const { width, height } = this.size;
    const fixed = r && clampCrop(r, width, height);
    if (!fixed) return;
    this.rect = fixed;
    this.requestUpdate();
  }

  private onAspect(e: Event): void {
    this.aspect = (e.target as HTMLSelectElement).value;
    const ar = this.ratio();
    if (ar && this.rect) {
      const [w, h] = this.aspect.split(':').map(Number) as [number, number];
      this.set(fitAspect(this.rect, w, h));
    } else this.requestUpdate();
  }

  /** The image pixel under a pointer event, inside the image. */
  private point(e: PointerEvent): { x: number; y: number } {
    const frame = e.currentTarget as HTMLElement;
    const b = frame.getBoundingClientRect();
    const k = this.scale();
    const { width, height } = this.size;
    return {
      x: Math.max(0, Math.min(width, (e.clientX - b.left) / k)),
      y: Math.max(0, Math.min(height, (e.clientY - b.top) / k)),
    };
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const p = this.point(e);
    this.drag = { ...p, id: e.pointerId };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    e.preventDefault();
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    const p = this.point(e);
    const { width, height } = this.size;
    const right = p.x >= d.x;
    const down = p.y >= d.y;
    let w = Math.abs(p.x - d.x);
    let h = Math.abs(p.y - d.y);
    const ar = this.ratio();
    if (ar) {
      // The shape is kept: the longer drag wins, then both shrink to fit the room on that side.
      w = Math.max(w, h * ar);
      h = w / ar;
      const roomW = right ? width - d.x : d.x;
      const roomH = down ? height - d.y : d.y;
      if (w > roomW) [w, h] = [roomW, roomW / ar];
      if (h > roomH) [w, h] = [roomH * ar, roomH];
    }
    if (w < MIN_CROP_SIDE || h < MIN_CROP_SIDE) return;
    this.set({ x: right ? d.x : d.x - w, y: down ? d.y : d.y - h, width: w, height: h });
  }

  private onUp(e: PointerEvent): void {
    if (this.drag?.id === e.pointerId) this.drag = undefined;
  }

  private onKey(e: KeyboardEvent): void {
    const r = this.rect;
    if (e.key === 'Enter') this.apply();
    else if (e.key === 'Escape') this.cancel();
    else if (r && e.key.startsWith('Arrow') && !e.altKey) {
      const { width, height } = this.size;
      const step = Math.max(1, Math.round(Math.max(width, height) / 100)) * (e.shiftKey ? 10 : 1);
      const dx = e.key === 'ArrowLeft' ? -step : e.key === 'ArrowRight' ? step : 0;
      const dy = e.key === 'ArrowUp' ? -step : e.key === 'ArrowDown' ? step : 0;
      if (e.ctrlKey || e.metaKey) {
        const ar = this.ratio();
        let w = Math.min(width - r.x, Math.max(MIN_CROP_SIDE, r.width + (dx || (ar ? dy * ar : 0))));
        let h = Math.min(height - r.y, Math.max(MIN_CROP_SIDE, r.height + (dy || (ar ? dx / ar : 0))));
        if (ar) [w, h] = w / h > ar ? [Math.round(h * ar), h] : [w, Math.round(w / ar)];
        this.set({ ...r, width: w, height: h });
      } else {
        const x = Math.max(0, Math.min(width - r.width, r.x + dx));
        const y = Math.max(0, Math.min(height - r.height, r.y + dy));
        this.set({ ...r, x, y });
      }
    } else return;
    // The crop tool's keys are its own: not the filmstrip's arrows nor VS Code's Alt-free bindings.
    e.preventDefault();
    e.stopPropagation();
  }

  private done(detail: CropResult): void {
    this.dispatchEvent(new CustomEvent<CropResult>('crop-done', { detail, bubbles: true, composed: true }));
  }

  private apply(): void {
    const { width, height } = this.size;
    const r = this.rect;
    const whole = !r || (r.x === 0 && r.y === 0 && r.width === width && r.height === height);
    this.done({ crop: whole ? null : { ...r } });
  }

  private cancel(): void {
    this.done({ cancelled: true });
  }

  private removeCrop(): void {
    this.done({ crop: null });
  }
}

customElements.define('crop-tool', CropTool);

declare global {
  interface HTMLElementTagNameMap {
    'crop-tool': CropTool;
  }
}
