/**
 * `<tag-palette>`: every known tag with its count across the dataset; filter (substring + fuzzy, highlighted),
 * sort, group by category, pin; a click toggles the tag on the current image. The list is virtualized: only the
 * rows in view exist in the DOM, so 20,000 tags filter within a frame.
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { cleanTag } from '../../../shared/caption';
import { LOCAL_KEYS } from '../../keymap';
import type { TagSort } from '../../state/datasetModel';
import { highlightRuns, matchHits } from './fuzzy';
import { PaletteRows } from './paletteRows';
import { baseStyles, chipStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';
import type { ViewStateStore } from '../../vscodeApi';

/** Row height in px (fixed, so the window is computed, not measured). */
const ROW = 24;
/** Rows rendered beyond the visible ones on each side. */
const OVERSCAN = 6;

/** The tag palette. */
export class TagPalette extends LitElement {
  static override properties = { store: { attribute: false }, viewState: { attribute: false } };
  static override styles = [
    baseStyles,
    chipStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; gap: 4px; }
      .controls { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
      .controls vscode-textfield { flex: 1 1 140px; min-width: 100px; }
      .controls vscode-single-select { width: 92px; }
      .viewport { position: relative; flex: 1 1 auto; min-height: 72px; overflow-y: auto; overflow-x: hidden; }
      .viewport:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
      .spacer { width: 1px; }
      .window { position: absolute; left: 0; right: 0; top: 0; will-change: transform; }
      .row { height: ${ROW}px; display: flex; align-items: center; gap: 2px; padding-right: 2px; }
      .row.header { font-size: 11px; font-weight: 700; text-transform: uppercase; color: var(--vscode-descriptionForeground); padding-left: 4px; }
      .tag {
        flex: 1 1 auto;
        min-width: 0;
        height: 22px;
        font: inherit;
        color: inherit;
        text-align: left;
        background: none;
        border: 1px solid transparent;
        border-radius: 3px;
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 0 4px;
        cursor: pointer;
      }
      .tag:hover { background: var(--vscode-list-hoverBackground); }
      .tag.on { background: var(--vscode-list-inactiveSelectionBackground); color: var(--vscode-list-inactiveSelectionForeground, inherit); }
      /* High Contrast themes have no selection background: a tag on the image is outlined, as VS Code's lists do. */
      .tag.on { outline: 1px dotted var(--vscode-contrastActiveBorder, transparent); outline-offset: -1px; }
      .tag:hover { outline: 1px dashed var(--vscode-contrastActiveBorder, transparent); outline-offset: -1px; }
      .tag:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
      .check { width: 14px; flex: none; text-align: center; color: var(--vscode-textLink-foreground); }
      .name { flex: 1 1 auto; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .count {
        flex: none;
        font-size: 11px;
        min-width: 18px;
        padding: 0 5px;
        border-radius: 8px;
        text-align: center;
        background: var(--vscode-badge-background);
        color: var(--vscode-badge-foreground);
      }
      .pin { flex: none; opacity: 0; width: 22px; height: 22px; justify-content: center; padding: 0; }
      .row:hover .pin, .pin:focus-visible, .pin.pinned { opacity: 1; }
      .none { padding: 6px 4px; }
    `,
  ];
  declare store?: TaggerStore;
  declare viewState?: ViewStateStore;
  private query = '';
  private sort: TagSort = 'count';
  private group = false;
  private listTop = 0;
  private viewH = 300;
  /** Row index holding the roving tab stop. */
  private focusRow = -1;
  private refocus = false;
  private readonly list = new PaletteRows(() => this.requestUpdate());
  private resize = new ResizeObserver((entries) => {
    const h = entries[0]?.contentRect.height ?? 0;
    if (h && Math.abs(h - this.viewH) > 1) {
      this.viewH = h;
      this.requestUpdate();
    }
  });

  constructor() {
    super();
    new StoreController(this, ['dataset', 'current', 'caption', 'counts', 'lists']);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const vs = this.viewState?.get();
    if (vs) {
      this.query = vs.paletteFilter;
      this.sort = vs.paletteSort;
      this.group = vs.groupByCategory;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override firstUpdated(): void {
    const vp = this.viewport;
    if (vp) {
      this.resize.observe(vp);
      const top = this.viewState?.get().paletteScroll ?? 0;
      if (top) requestAnimationFrame(() => (vp.scrollTop = top));
    }
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector('.viewport');
  }

  /** Focuses the filter box and selects its text. */
  focusFilter(): void {
    const f = this.renderRoot.querySelector<VscodeTextfield>('vscode-textfield');
    f?.focus();
    (f?.wrappedElement as HTMLInputElement | undefined)?.select();
  }

  /** Sets the filter text (as if typed). */
  setFilter(text: string): void {
    this.query = text;
    const f = this.renderRoot.querySelector<VscodeTextfield>('vscode-textfield');
    if (f && f.value !== text) f.value = text;
    this.scrollList(0);
    this.viewState?.set({ paletteFilter: text });
    this.requestUpdate();
  }

  private computeRows(): number[] {
    const inputs = { query: this.query, sort: this.sort, group: this.group };
    return this.list.compute(this.store!, inputs, () => !!this.viewport?.matches(':focus-within'));
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const rows = this.computeRows();
    const first = Math.max(0, Math.floor(this.listTop / ROW) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((this.listTop + this.viewH) / ROW) + OVERSCAN);
    if (this.focusRow >= rows.length || (this.focusRow >= 0 && rows[this.focusRow]! < 0)) this.focusRow = -1;
    let stop = this.focusRow >= first && this.focusRow < last ? this.focusRow : first;
    while (stop < last && rows[stop]! < 0) stop++;
    const onImage = new Set(s.model.tagsOf[s.index] ?? []);
    const pinned = new Set(s.pinned);
    const nTags = rows.length - this.list.headers.length;
    return html`<div class="controls">
        <vscode-textfield
          .label=${'Filter tags'}
          placeholder="Filter tags"
          title="Filter tags (Alt+Shift+T): substring or fuzzy; Enter toggles the first match, ↓ enters the list"
          .value=${this.query}
          @input=${this.onFilterInput}
          @keydown=${this.onFilterKey}
        ><vscode-icon slot="content-before" name="filter"></vscode-icon></vscode-textfield>
        <vscode-single-select label="Sort tags" title="Sort tags" .value=${this.sort} @change=${this.onSort}>
          <vscode-option value="count">Count</vscode-option>
          <vscode-option value="name">Name</vscode-option>
          <vscode-option value="recent">Recent</vscode-option>
        </vscode-single-select>
        ${
          s.categories.length || s.vocabCategories.groups().length
            ? html`<vscode-checkbox label="Group" title="Group by tag category" .checked=${this.group} @change=${this.onGroup}></vscode-checkbox>`
            : nothing
        }
      </div>
      <span class="sr-only" aria-live="polite">${this.query ? `${nTags} tags match` : ''}</span>
      <div class="viewport" @scroll=${this.onScroll} @keydown=${this.onListKey} @focusout=${() => this.requestUpdate()}>
        <div class="spacer"></div>
        <div class="window" role="list" aria-label="Tag palette">
          ${
            rows.length === 0
              ? html`<div class="none muted" role="listitem">${this.query ? `No tag matches “${this.query}”. Enter adds it.` : 'No tags yet.'}</div>`
              : rows.slice(first, last).map((row, k) => this.renderRow(row, first + k, stop, onImage, pinned))
          }
        </div>
      </div>`;
  }

  private renderRow(row: number, r: number, stop: number, onImage: Set<string>, pinned: Set<string>) {
    if (row < 0) {
      const h = this.list.headers[-row - 1]!;
      return html`<div class="row header" role="listitem" aria-setsize=${this.list.rows.length} aria-posinset=${r + 1} data-r=${r}
        >${h.name} · ${h.n}</div>`;
    }
    const m = this.store!.model;
    const tag = m.tags[row]!;
    const n = m.counts.get(tag) ?? 0;
    const on = onImage.has(tag);
    const isPinned = pinned.has(tag);
    // Only the rows in view exist: each says where it stands in the whole list (role=list takes no aria-rowcount).
    return html`<div class="row" role="listitem" aria-setsize=${this.list.rows.length} aria-posinset=${r + 1} data-r=${r}>
      <button
        class="tag ${on ? 'on' : ''}"
        tabindex=${r === stop ? 0 : -1}
        aria-label=${tag}
        aria-pressed=${on ? 'true' : 'false'}
        title="${tag}: used by ${n} image${n === 1 ? '' : 's'}. Click toggles it on this image."
        @click=${() => this.store?.toggleTag(tag)}
        @focus=${() => (this.focusRow = r)}
      >
        <span class="check" aria-hidden="true">${on ? '✓' : ''}</span>
        <span class="name">${highlightRuns(tag, matchHits(m.lower[row]!, this.list.q)).map((run) => (run.hit ? html`<mark>${run.text}</mark>` : run.text))}</span>
        <span class="count" aria-hidden="true">${n}</span>
      </button>
      <button
        class="plain pin ${isPinned ? 'pinned' : ''}"
        tabindex="-1"
        aria-label="${isPinned ? 'Unpin' : 'Pin'} ${tag}"
        title=${isPinned ? 'Unpin (P on the focused tag)' : 'Pin (P on the focused tag; the first nine toggle with Alt+1…9)'}
        @click=${() => this.store?.pin(tag, !isPinned)}
      ><vscode-icon name=${isPinned ? 'pinned' : 'pin'}></vscode-icon></button>
    </div>`;
  }

  override updated(): void {
    const vp = this.viewport;
    if (!vp) return;
    const spacer = vp.querySelector<HTMLElement>('.spacer');
    const win = vp.querySelector<HTMLElement>('.window');
    const first = Math.max(0, Math.floor(this.listTop / ROW) - OVERSCAN);
    // Set through the CSSOM: the panel's CSP forbids style attributes.
    spacer?.style.setProperty('height', `${this.list.rows.length * ROW}px`);
    win?.style.setProperty('transform', `translateY(${first * ROW}px)`);
    if (this.refocus) {
      this.refocus = false;
      vp.querySelector<HTMLElement>(`.row[data-r="${this.focusRow}"] .tag`)?.focus();
    }
  }

  private onScroll(): void {
    const vp = this.viewport;
    if (!vp) return;
    this.listTop = vp.scrollTop;
    this.viewState?.set({ paletteScroll: vp.scrollTop });
    this.requestUpdate();
  }

  private scrollList(top: number): void {
    const vp = this.viewport;
    if (vp) vp.scrollTop = top;
    this.listTop = top;
  }

  private onFilterInput(e: Event): void {
    this.query = (e.currentTarget as VscodeTextfield).value;
    this.focusRow = -1;
    this.scrollList(0);
    this.viewState?.set({ paletteFilter: this.query });
    this.requestUpdate();
  }

  private onFilterKey(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown') {
      this.moveFocus(0, 1);
    } else if (e.key === 'Enter') {
      // The fastest keyboard path: type part of a tag, Enter toggles the best match (or adds what was typed).
      const first = this.list.rows.find((r) => r >= 0);
      const typed = cleanTag(this.query);
      if (first !== undefined) this.store?.toggleTag(this.store.model.tags[first]!);
      else if (typed) this.store?.addTags([typed]);
      this.focusFilter();
    } else if (e.key === 'Escape' && this.query) {
      this.setFilter('');
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  private onListKey(e: KeyboardEvent): void {
    const btn = (e.composedPath()[0] as HTMLElement).closest?.('.row');
    if (!btn || e.altKey || e.ctrlKey || e.metaKey) return;
    const r = Number((btn as HTMLElement).dataset.r);
    // PageUp/PageDown are left alone: they navigate images everywhere in the panel (issue 4).
    if (e.key === 'ArrowDown') this.moveFocus(r + 1, 1);
    else if (e.key === 'ArrowUp') {
      if (!this.moveFocus(r - 1, -1)) this.focusFilter();
    } else if (e.key === 'Home') this.moveFocus(0, 1);
    else if (e.key === 'End') this.moveFocus(this.list.rows.length - 1, -1);
    else if ((LOCAL_KEYS.pinTag as readonly string[]).includes(e.key.toLowerCase())) {
      const row = this.list.rows[r];
      if (row !== undefined && row >= 0) {
        const tag = this.store!.model.tags[row]!;
        this.store!.pin(tag, !this.store!.pinned.includes(tag));
      }
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  /** Moves the roving focus to the first tag row from `r` in direction `dir`; false when there is none. */
  private moveFocus(r: number, dir: 1 | -1): boolean {
    let i = r;
    while (i >= 0 && i < this.list.rows.length && this.list.rows[i]! < 0) i += dir;
    if (i < 0 || i >= this.list.rows.length) return false;
    this.focusRow = i;
    const vp = this.viewport;
    if (vp) {
      const top = i * ROW;
      if (top < vp.scrollTop) this.scrollList(top);
      else if (top + ROW > vp.scrollTop + this.viewH) this.scrollList(top + ROW - this.viewH);
    }
    this.refocus = true;
    this.requestUpdate();
    return true;
  }

  private onSort(e: Event): void {
    this.sort = (e.currentTarget as HTMLSelectElement).value as TagSort;
    this.viewState?.set({ paletteSort: this.sort });
    this.requestUpdate();
  }

  private onGroup(e: Event): void {
    this.group = (e.currentTarget as HTMLInputElement).checked;
    this.viewState?.set({ groupByCategory: this.group });
    this.requestUpdate();
  }
}

customElements.define('tag-palette', TagPalette);

declare global {
  interface HTMLElementTagNameMap {
    'tag-palette': TagPalette;
  }
}
