/**
 * `<review-grid>`: the review view beside the single-image view (issue 13, item 2). The images the filter shows,
 * as the host's thumbnails with each caption under them, machine-written and untagged ones marked; virtualized by
 * fixed-height rows, so only the rows in view (and a margin) exist in the DOM at 10,000 images. Arrows move the
 * focus (and the current image), Enter edits the focused caption in place through the store's caption path (the
 * same rules, revisions and refusals as the main editor), Escape leaves editing. The selection is the store's,
 * shared with the filmstrip.
 */
import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { toFileText } from '../../../shared/caption';
import { baseStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';
import { wantVisibleThumbs } from '../../state/thumbRequests';
import { GRID_ROW_PX, gridColumns, gridMove, gridPoolSize, gridWindow, isGridKey } from './gridLayout';
import { gridStyles } from './gridStyles';

/** The review grid. */
export class ReviewGrid extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [baseStyles, gridStyles];
  declare store?: TaggerStore;
  private top = 0;
  private viewW = 0;
  private viewH = 600;
  /** The image whose caption is being edited in place, or -1. */
  private editing = -1;
  private refocus: 'cell' | 'edit' | '' = '';
  private revealed = -1;
  /** The window last drawn, as "first end": a scroll within it draws nothing. */
  private drawn = '';
  /** What updated() last set, so it writes the CSSOM only when something moved. */
  private placed = new WeakMap<HTMLElement, string>();
  private shape = '';
  private readonly resize = new ResizeObserver((entries) => {
    const r = entries[0]?.contentRect;
    if (!r || (Math.abs(r.width - this.viewW) < 1 && Math.abs(r.height - this.viewH) < 1)) return;
    this.viewW = r.width;
    this.viewH = r.height;
    this.requestUpdate();
  });

  constructor() {
    super();
    new StoreController(this, ['dataset', 'current', 'caption', 'flags', 'filter', 'thumbs', 'selection']);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override firstUpdated(): void {
    const vp = this.viewport;
    if (!vp) return;
    // Measure now rather than on the observer's first report, so the first cells drawn are already in their
    // columns (no one-column flash); the observer follows later changes of size.
    const r = vp.getBoundingClientRect();
    if (r.width > 0) {
      this.viewW = r.width;
      this.viewH = r.height;
      this.requestUpdate();
    }
    this.resize.observe(vp);
  }

  /** Focuses the current image's cell (scrolled into view). */
  focusCurrent(): void {
    this.revealed = -1;
    this.refocus = 'cell';
    this.requestUpdate();
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector('.viewport');
  }

  private get columns(): number {
    return gridColumns(this.viewW - 8);
  }

  /** The image indices shown, in order (the filmstrip's filter). */
  private order(): readonly number[] {
    const s = this.store!;
    return s.filtered ?? s.model.images.map((_, i) => i);
  }

  /** The position of image i in the shown order (-1 when the filter hides it). */
  private posOf(i: number): number {
    const list = this.store?.filtered;
    return list ? list.indexOf(i) : i;
  }

  override willUpdate(): void {
    // Editing follows the current image: navigating away (Alt+→, a filmstrip click) ends it; the text is saved.
    if (this.editing !== -1 && this.editing !== this.store?.index) this.editing = -1;
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const list = s.filtered;
    const total = list ? list.length : s.model.images.length;
    const cols = this.columns;
    const { first, end } = gridWindow(this.top, this.viewH, cols, total);
    this.drawn = `${first} ${end}`;
    // A fixed pool of cell elements: position p is drawn by element p mod pool, so a row scrolling out lends its
    // elements, where they are, to the row scrolling in, which only rebinds them (nothing made, dropped or moved in
    // the DOM). The list's aria-owns gives assistive technology the order on screen.
    const pool = gridPoolSize(this.viewH, cols);
    const slots: (number | undefined)[] = [];
    const order: string[] = [];
    // Until the viewport has a width, the number of columns is unknown: no cells rather than one column.
    if (this.viewW > 0)
      for (let p = first; p < end; p++) {
        slots[p % pool] = p;
        order.push(`c${p % pool}`);
      }
    const n = s.selection.size;
    return html`<div class="head">
        <h2 id="grid-title">Review grid</h2>
        <span class="muted" aria-live="polite"
          >${list ? `${total} of ${s.model.images.length} images` : `${total} images`}${n > 1 ? ` · ${n} selected` : ''}</span
        >
      </div>
      <div class="viewport" tabindex="-1" @scroll=${this.onScroll} @keydown=${this.onKey}>
        <div
          class="canvas"
          role="list"
          aria-labelledby="grid-title"
          aria-owns=${order.length ? order.join(' ') : nothing}
          data-columns=${this.viewW > 0 ? cols : nothing}
        >
          ${Array.from(slots, (p, k) => (p === undefined ? nothing : this.cell(list ? list[p]! : p, p, k)))}
        </div>
        ${total ? nothing : html`<p class="empty-list muted">No image matches the filter.</p>`}
      </div>`;
  }

  private cell(i: number, pos: number, slot: number) {
    const s = this.store!;
    const im = s.model.images[i]!;
    const cur = i === s.index;
    const sel = s.selection.size > 1 && s.selection.has(i);
    const untagged = im.status === 'untagged';
    const state = `${untagged ? ', untagged' : im.status === 'skipped' ? ', skipped' : ''}${
      im.machine ? ', machine-written, not reviewed' : ''
    }${sel ? ', selected' : ''}`;
    const editing = this.editing === i;
    return html`<div role="listitem" id="c${slot}" class="cell ${im.status} ${cur ? 'cur' : ''} ${sel ? 'sel' : ''}" data-pos=${pos}>
      <button
        class="pick"
        data-i=${i}
        tabindex=${cur ? 0 : -1}
        aria-current=${cur ? 'true' : 'false'}
        aria-label="${i + 1}: ${im.file}${state}"
        title="${i + 1}: ${im.file} (Enter edits the caption)"
        @click=${(e: MouseEvent) => this.onClick(e, i)}
        @dblclick=${() => this.edit(i)}
      >
        ${
          im.thumb
            ? html`<img src=${im.thumb} alt="" decoding="async" draggable="false" />`
            : html`<span class="ph" aria-hidden="true"></span>`
        }
      </button>
      <div class="meta" aria-hidden="true">
        <span class="name">${i + 1} · ${im.file}</span>
        ${untagged ? html`<span class="mark untagged">Untagged</span>` : nothing}
        ${im.machine ? html`<span class="mark machine" title="Written by a captioning model, not reviewed yet">AI</span>` : nothing}
      </div>
      ${
        editing
          ? html`<textarea
            aria-label="Caption of ${im.file}"
            spellcheck="false"
            .value=${live(im.caption)}
            @input=${this.onInput}
            @focusout=${this.onEditBlur}
          ></textarea>`
          : html`<p class="cap ${im.caption ? '' : 'empty'}" title=${im.caption} @click=${() => this.edit(i)}>
            ${im.caption || 'No caption'}
          </p>`
      }
    </div>`;
  }

  override updated(): void {
    const vp = this.viewport;
    const s = this.store;
    if (!vp || !s) return;
    const list = s.filtered;
    const total = list ? list.length : s.model.images.length;
    const cols = this.columns;
    const { first, end } = gridWindow(this.top, this.viewH, cols, total);
    // Through the CSSOM (the CSP forbids style attributes), and only what changed: a style written is a style
    // recalculated, and most updates move no cell.
    const shape = `${cols} ${Math.ceil(total / cols) * GRID_ROW_PX}`;
    if (shape !== this.shape) {
      this.shape = shape;
      this.style.setProperty('--cols', String(cols));
      vp.querySelector<HTMLElement>('.canvas')?.style.setProperty(
        'height',
        `${Math.ceil(total / cols) * GRID_ROW_PX}px`,
      );
    }
    for (const cell of vp.querySelectorAll<HTMLElement>('.cell')) {
      const pos = Number(cell.dataset.pos);
      const at = `${Math.floor(pos / cols)} ${pos % cols}`;
      if (this.placed.get(cell) === at) continue;
      this.placed.set(cell, at);
      cell.style.setProperty('--row', String(Math.floor(pos / cols)));
      cell.style.setProperty('--col', String(pos % cols));
    }
    // The thumbnails drawn that have none yet are asked of the host (the filmstrip asks through the same helper).
    wantVisibleThumbs(s, first, end);
    if (s.index !== this.revealed && this.viewW) {
      this.revealed = s.index;
      if (this.reveal(s.index)) return;
    }
    if (this.refocus === 'edit') {
      const area = vp.querySelector<HTMLTextAreaElement>('textarea');
      if (area) {
        this.refocus = '';
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
      }
    } else if (this.refocus === 'cell') {
      const cell = vp.querySelector<HTMLElement>(`.pick[data-i="${s.index}"]`);
      if (cell) {
        this.refocus = '';
        cell.focus({ preventScroll: true });
      }
    }
    this.keepFocusTrue(vp, s.index);
  }

  /**
   * The cell elements are a fixed pool, refilled as rows scroll: a focused cell scrolled out of view (by the wheel or
   * the scroll bar) is refilled with another image and would keep the focus, so a screen reader would name the wrong
   * image. The focus moves to the scrolling list itself (the keys still act on the current image, see onKey), and
   * back to the current image's cell when it is drawn again.
   */
  private keepFocusTrue(vp: HTMLElement, index: number): void {
    const active = this.shadowRoot?.activeElement;
    if (active instanceof HTMLElement && active.classList.contains('pick') && active.dataset.i !== String(index))
      vp.focus({ preventScroll: true });
    else if (active === vp) vp.querySelector<HTMLElement>(`.pick[data-i="${index}"]`)?.focus({ preventScroll: true });
  }

  /** Scrolls so image i's row is in view; true when it scrolled (a render follows). */
  private reveal(i: number): boolean {
    const vp = this.viewport;
    const p = this.posOf(i);
    if (!vp || p < 0) return false;
    const rowTop = Math.floor(p / this.columns) * GRID_ROW_PX;
    let to = vp.scrollTop;
    if (rowTop < vp.scrollTop) to = rowTop;
    else if (rowTop + GRID_ROW_PX > vp.scrollTop + vp.clientHeight) to = rowTop + GRID_ROW_PX - vp.clientHeight;
    if (to === vp.scrollTop) return false;
    vp.scrollTop = to;
    this.top = vp.scrollTop;
    this.requestUpdate();
    return true;
  }

  private onScroll(): void {
    const vp = this.viewport;
    if (!vp || vp.scrollTop === this.top) return;
    this.top = vp.scrollTop;
    // Within the rows already drawn (and their margin) the compositor scrolls what is there: nothing to render.
    const s = this.store;
    const total = s ? (s.filtered?.length ?? s.model.images.length) : 0;
    const { first, end } = gridWindow(this.top, this.viewH, this.columns, total);
    if (`${first} ${end}` !== this.drawn) this.requestUpdate();
  }

  private onClick(e: MouseEvent, i: number): void {
    const s = this.store;
    if (!s) return;
    if (e.shiftKey) s.selection.select(i, 'range', this.order());
    else if (e.ctrlKey || e.metaKey) s.selection.select(i, 'toggle');
    else {
      s.go(i);
      s.selection.select(i, 'only');
    }
  }

  /** Starts editing image i's caption in place (it becomes the current image: the store edits that one). */
  private edit(i: number): void {
    const s = this.store;
    if (!s) return;
    s.go(i);
    this.editing = i;
    this.refocus = 'edit';
    this.requestUpdate();
  }

  /** Leaves editing (the text is saved now) and gives the focus back to the cell. */
  private stopEditing(refocus: boolean): void {
    if (this.editing === -1) return;
    this.editing = -1;
    this.store?.flush();
    if (refocus) this.refocus = 'cell';
    this.requestUpdate();
  }

  private onInput(e: Event): void {
    const area = e.currentTarget as HTMLTextAreaElement;
    let value = area.value;
    if (/[\r\n]/.test(value)) {
      // Pasted line breaks: trainers read each line as its own caption, so they become spaces (as in the main editor).
      const caret = toFileText(value.slice(0, area.selectionStart)).length;
      value = toFileText(value);
      area.value = value;
      area.setSelectionRange(caret, caret);
    }
    this.store?.typeCaption(value);
  }

  private onEditBlur(e: FocusEvent): void {
    // Focus moving out of the page (to VS Code) keeps the edit open; anywhere else in the panel ends it.
    if (e.relatedTarget) this.stopEditing(false);
    else this.store?.flush();
  }

  private onKey(e: KeyboardEvent): void {
    const s = this.store;
    if (!s || e.isComposing) return;
    const target = e.composedPath()[0];
    if (target instanceof HTMLTextAreaElement) {
      // Enter never types a line break (it is never written): like Escape, it ends the edit.
      if ((e.key === 'Escape' || e.key === 'Enter') && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        this.stopEditing(true);
      }
      return;
    }
    // On a cell, or on the list itself while the current image's cell is scrolled out of view (keepFocusTrue).
    if (!(target instanceof HTMLElement) || !(target.classList.contains('pick') || target === this.viewport)) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && !e.shiftKey && e.code === 'KeyA') {
      s.selection.selectAll(this.order());
    } else if (e.key === 'Enter' && !mod && !e.altKey && !e.shiftKey) {
      this.edit(s.index);
    } else if (isGridKey(e.key) && !mod && !e.altKey) {
      const order = this.order();
      const to = order[gridMove(this.posOf(s.index), e.key, this.columns, order.length)];
      if (to === undefined) return;
      // The range first, while the current image is still the one the focus leaves: with nothing selected yet, a
      // range starts there (Selection's rule).
      s.selection.select(to, e.shiftKey ? 'range' : 'only', order);
      s.go(to);
      this.refocus = 'cell';
      this.requestUpdate();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }
}

customElements.define('review-grid', ReviewGrid);

declare global {
  interface HTMLElementTagNameMap {
    'review-grid': ReviewGrid;
  }
}
