/**
 * `<selection-tags>`: the caption area with several images selected (issue 13). The tags all of them have, then
 * those only some have with "n of m"; Delete removes a tag from all, Enter (or +) adds a partial one to all, F2
 * renames it in all. Each is one step of the dataset-wide undo (Ctrl/Cmd+Z).
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { baseStyles, chipStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';

/** Chips drawn in the first frame of a selection, and added in each frame after it. */
const CHUNK = 40;

/** The selected images' tags, each with how many of them have it. */
export class SelectionTags extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    chipStyles,
    css`
      :host { display: flex; flex-direction: column; gap: 6px; }
      .chips { display: flex; flex-wrap: wrap; gap: 4px; align-content: flex-start; padding: 2px;
        max-height: clamp(58px, 32vh, 280px); overflow-y: auto; }
      .count { font-size: 10px; padding: 0 4px; opacity: 0.9; white-space: nowrap; }
      .group { font-size: 11px; }
      .codicon { display: block; font-size: 12px; width: 12px; height: 12px; color: var(--vscode-icon-foreground, currentColor); }
      .rename { display: flex; gap: 4px; align-items: center; }
      .rename input { flex: 1; min-width: 0; background: var(--vscode-input-background); color: var(--vscode-input-foreground);
        border: 1px solid var(--vscode-input-border, var(--vscode-contrastBorder, transparent)); padding: 3px 4px; }
      .rename input:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
    `,
  ];
  declare store?: TaggerStore;
  private active = 0;
  private refocus = false;
  private renaming: string | undefined;
  /** How many chips are drawn: CHUNK more each frame until all are (see `updated`). */
  private shown = CHUNK;
  private growing = false;

  constructor() {
    super();
    new StoreController(this, ['caption', 'dataset', 'selection', 'counts']);
  }

  /** Focuses the tag list (its active tag). */
  override focus(): void {
    const chip = this.renderRoot.querySelector<HTMLElement>(`.chip[data-i="${this.active}"]`);
    (chip ?? this.renderRoot.querySelector<HTMLElement>('.chips'))?.focus();
  }

  override render() {
    const s = this.store;
    if (!s) return nothing;
    const m = s.selection.size;
    const tags = s.selectionEdits.tags();
    if (this.active >= tags.length) this.active = Math.max(0, tags.length - 1);
    const common = tags.filter((t) => t.count === m).length;
    const summary = `${m} images selected: ${common} tag(s) on all, ${tags.length - common} on some`;
    return html`${codiconSheet()}<p class="group muted" id="sel-summary">${summary}. Esc goes back to one image.</p>
      ${
        tags.length === 0
          ? html`<span class="muted">No tags on the selected images yet. Add tag below adds to all of them.</span>`
          : html`<div class="chips" role="list" aria-label="Tags of the selected images" aria-describedby="sel-summary"
            tabindex="-1" @keydown=${this.onKey}>
            ${repeat(
              tags.slice(0, this.shown),
              (t) => t.tag,
              (t, i) => {
                const all = t.count === m;
                return html`<span class="chip ${all ? '' : 'off'}" role="listitem" data-i=${i} tabindex=${i === this.active ? 0 : -1}
                  aria-label="${t.tag}, ${t.count} of ${m}" title="${t.tag}: on ${t.count} of ${m} selected (Delete removes from all${all ? '' : ', Enter adds to all'}, F2 renames)"
                  @focus=${() => (this.active = i)}
                  ><span class="label">${t.tag}</span><span class="count">${t.count} of ${m}</span>
                  ${
                    all
                      ? nothing
                      : html`<button tabindex="-1" aria-label="Add ${t.tag} to all selected" title="Add to all selected (Enter)"
                        @click=${() => this.act(i, () => s.addTags([t.tag]))}>${icon('add')}</button>`
                  }<button tabindex="-1" aria-label="Rename ${t.tag} in the selected" title="Rename in the selected (F2)"
                    @click=${() => this.startRename(t.tag)}>${icon('edit')}</button
                  ><button tabindex="-1" aria-label="Remove ${t.tag} from all selected" title="Remove from all selected (Delete)"
                    @click=${() => this.act(i, () => s.removeTag(t.tag))}>${icon('close')}</button
                ></span>`;
              },
            )}
          </div>`
      }
      ${
        this.renaming === undefined
          ? nothing
          : html`<div class="rename">
            <input aria-label="Rename ${this.renaming} in the ${m} selected images to" .value=${this.renaming}
              @keydown=${this.onRenameKey} />
          </div>`
      }`;
  }

  override updated(): void {
    // A selection of 5,000 images can have thousands of tags: drawn CHUNK a frame, so that no task draws them all.
    const total = this.store?.selectionEdits.tags().length ?? 0;
    if (this.shown < total && !this.growing) {
      this.growing = true;
      requestAnimationFrame(() => {
        this.growing = false;
        this.shown += CHUNK;
        this.requestUpdate();
      });
    }
    const field = this.renderRoot.querySelector<HTMLInputElement>('.rename input');
    if (field && this.renaming !== undefined && !field.dataset.focused) {
      field.dataset.focused = '1';
      field.focus();
      field.select();
    }
    if (this.refocus) {
      this.refocus = false;
      this.focus();
    }
  }

  private act(i: number, fn: () => void): void {
    this.active = i;
    this.refocus = this.matches(':focus-within');
    fn();
  }

  private startRename(tag: string): void {
    this.renaming = tag;
    this.requestUpdate();
  }

  private onRenameKey(e: KeyboardEvent): void {
    const from = this.renaming;
    if (from === undefined) return;
    if (e.key === 'Enter') {
      this.store?.selectionEdits.rename(from, (e.currentTarget as HTMLInputElement).value);
    } else if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    this.renaming = undefined;
    this.refocus = true;
    this.requestUpdate();
  }

  private onKey(e: KeyboardEvent): void {
    const s = this.store;
    const tags = s?.selectionEdits.tags() ?? [];
    const t = tags[this.active];
    if (!s || !t || e.ctrlKey || e.metaKey || e.altKey) return;
    let next = this.active;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(tags.length - 1, this.active + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, this.active - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tags.length - 1;
    else if (e.key === 'Delete' || e.key === 'Backspace') s.removeTag(t.tag);
    else if (e.key === 'Enter' || e.key === '+') s.addTags([t.tag]);
    else if (e.key === 'F2') this.startRename(t.tag);
    else return;
    e.preventDefault();
    e.stopPropagation();
    this.active = next;
    // Home/End or arrows past what is drawn yet: draw the rest now, so that the chip can take the focus.
    if (next >= this.shown) this.shown = tags.length;
    this.refocus = e.key !== 'F2';
    this.requestUpdate();
  }
}

/**
 * The codicon font's stylesheet, once for the whole list. A `<vscode-icon>` links it in a shadow root of its own:
 * with 300 tags on 5,000 selected images that was 900 such elements, and Ctrl/Cmd+A spent 300-800 ms making and
 * styling them in one task.
 */
function codiconSheet(): TemplateResult | typeof nothing {
  const link = document.getElementById('vscode-codicon-stylesheet');
  const href = link?.getAttribute('href');
  return href ? html`<link rel="stylesheet" href=${href} nonce=${link?.nonce ?? ''} />` : nothing;
}

/** A codicon, drawn by the stylesheet above (decorative: its button has the label). */
function icon(name: string): TemplateResult {
  return html`<span class="codicon codicon-${name}" aria-hidden="true"></span>`;
}

customElements.define('selection-tags', SelectionTags);

declare global {
  interface HTMLElementTagNameMap {
    'selection-tags': SelectionTags;
  }
}
