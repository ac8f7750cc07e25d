/** `<caption-chips>`: the current caption as chips; remove, reorder (drag or Alt+Up/Down) and keyboard roving. */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { cleanTag } from '../../../shared/caption';
import { baseStyles, chipStyles } from '../styles';
import { StoreController } from '../storeController';
import type { TaggerStore } from '../../state/store';

/** The caption's tags in order; the trigger word first and marked. */
export class CaptionChips extends LitElement {
  static override properties = { store: { attribute: false } };
  static override styles = [
    baseStyles,
    chipStyles,
    css`
      .chips { display: flex; flex-wrap: wrap; gap: 4px; min-height: 26px; align-content: flex-start; }
      /* 150 tags must not push the caption text, Add tag and the palette out of reach: the list scrolls. */
      .chips { max-height: clamp(58px, 28vh, 240px); overflow-y: auto; padding: 2px; }
      .chip.dragging { opacity: 0.5; }
      .chip.drop-before { box-shadow: -3px 0 0 var(--vscode-focusBorder); }
      .empty { padding: 3px 0; }
      .trigger-mark { font-size: 10px; opacity: 0.85; margin-right: 2px; }
    `,
  ];
  declare store?: TaggerStore;
  /** Which chip holds the roving tab stop. */
  private active = 0;
  private refocus = false;
  private dragFrom = -1;
  private lastFile = '';

  constructor() {
    super();
    new StoreController(this, ['current', 'caption', 'dataset']);
  }

  /** Focuses the chip list (its active chip). */
  override focus(): void {
    const chip = this.renderRoot.querySelector<HTMLElement>(`.chip[data-i="${this.active}"]`);
    (chip ?? this.renderRoot.querySelector<HTMLElement>('.chips'))?.focus();
  }

  override render() {
    const s = this.store;
    const im = s?.current;
    if (!s || !im) return html`<div class="chips"></div>`;
    if (im.file !== this.lastFile) {
      this.lastFile = im.file;
      this.active = 0;
    }
    const tags = s.model.tagsOf[s.index] ?? [];
    if (this.active >= tags.length) this.active = Math.max(0, tags.length - 1);
    const trig = cleanTag(s.trigger).toLowerCase();
    // A list only when there are chips: an empty role=list is an error to a screen reader (and to axe).
    const list = tags.length > 0;
    return html`<div class="chips" role=${list ? 'list' : nothing} aria-label=${list ? 'Caption tags' : nothing} tabindex="-1"
      @keydown=${this.onKey}>
      ${
        tags.length === 0
          ? html`<span class="empty muted"
            >${
              s.style === 'natural' && (im.caption ?? '').trim()
                ? 'No tags: the caption is prose. Tags you add (Add tag, the palette) go after it.'
                : 'No tags yet. Type below or click a tag in the palette.'
            }</span
          >`
          : repeat(
              tags,
              (t) => t,
              (t, i) => {
                const isTrigger = trig !== '' && t.toLowerCase() === trig;
                return html`<span
                class="chip ${isTrigger ? 'trigger' : ''}"
                role="listitem"
                data-i=${i}
                tabindex=${i === this.active ? 0 : -1}
                aria-label=${t}
                aria-description=${isTrigger ? 'trigger word' : nothing}
                title=${isTrigger ? `${t}: the trigger word (kept first)` : `${t} (Delete removes, Alt+↑/↓ moves)`}
                draggable="true"
                @focus=${() => (this.active = i)}
                @dragstart=${(e: DragEvent) => this.onDragStart(e, i)}
                @dragover=${(e: DragEvent) => this.onDragOver(e)}
                @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('drop-before')}
                @drop=${(e: DragEvent) => this.onDrop(e, i)}
                @dragend=${() => this.onDragEnd()}
              >${isTrigger ? html`<vscode-icon class="trigger-mark" name="zap" size="12"></vscode-icon>` : nothing}<span class="label">${t}</span
                ><button tabindex="-1" aria-label=${`Remove ${t}`} title="Remove (Delete)" @click=${() => this.removeChip(i, t)}>
                  <vscode-icon name="close" size="12"></vscode-icon></button
              ></span>`;
              },
            )
      }
    </div>`;
  }

  override updated(): void {
    if (this.refocus) {
      this.refocus = false;
      this.focus();
    }
  }

  private tags(): string[] {
    const s = this.store;
    return s ? (s.model.tagsOf[s.index] ?? []) : [];
  }

  private removeChip(i: number, tag: string): void {
    const s = this.store;
    if (!s) return;
    const hadFocus = this.matches(':focus-within');
    s.removeTag(tag);
    this.active = Math.max(0, Math.min(i, this.tags().length - 1));
    this.refocus = hadFocus;
  }

  private move(from: number, to: number): void {
    const s = this.store;
    const n = this.tags().length;
    // Natural prose: only its tag tail is rewritten (caption.ts moveTag), the prose is kept as typed.
    if (!s || to < 0 || to >= n) return;
    const tag = this.tags()[from];
    s.moveTag(from, to);
    // The trigger word may have kept its place: follow the moved tag wherever it landed.
    const landed = tag === undefined ? to : this.tags().indexOf(tag);
    this.active = landed === -1 ? to : landed;
    this.refocus = true;
  }

  private onKey(e: KeyboardEvent): void {
    const chip = (e.composedPath()[0] as HTMLElement).closest?.('.chip') as HTMLElement | null;
    if (!chip) return;
    const i = Number(chip.dataset.i);
    const n = this.tags().length;
    const tag = this.tags()[i];
    let handled = true;
    if ((e.key === 'Backspace' || e.key === 'Delete') && !e.altKey && !e.ctrlKey && !e.metaKey && tag !== undefined)
      this.removeChip(i, tag);
    else if (e.altKey && e.key === 'ArrowUp') this.move(i, i - 1);
    else if (e.altKey && e.key === 'ArrowDown') this.move(i, i + 1);
    else if (!e.altKey && (e.key === 'ArrowRight' || e.key === 'ArrowDown')) this.focusChip(Math.min(n - 1, i + 1));
    else if (!e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowUp')) this.focusChip(Math.max(0, i - 1));
    else if (e.key === 'Home') this.focusChip(0);
    else if (e.key === 'End') this.focusChip(n - 1);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private focusChip(i: number): void {
    this.active = i;
    this.requestUpdate();
    this.refocus = true;
  }

  private onDragStart(e: DragEvent, i: number): void {
    this.dragFrom = i;
    e.dataTransfer?.setData('text/plain', this.tags()[i] ?? '');
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
    (e.currentTarget as HTMLElement).classList.add('dragging');
  }

  private onDragOver(e: DragEvent): void {
    if (this.dragFrom < 0) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    (e.currentTarget as HTMLElement).classList.add('drop-before');
  }

  private onDrop(e: DragEvent, to: number): void {
    e.preventDefault();
    (e.currentTarget as HTMLElement).classList.remove('drop-before');
    const from = this.dragFrom;
    this.dragFrom = -1;
    if (from >= 0 && from !== to) this.move(from, to);
  }

  private onDragEnd(): void {
    this.dragFrom = -1;
    for (const el of this.renderRoot.querySelectorAll('.dragging, .drop-before'))
      el.classList.remove('dragging', 'drop-before');
  }
}

customElements.define('caption-chips', CaptionChips);

declare global {
  interface HTMLElementTagNameMap {
    'caption-chips': CaptionChips;
  }
}
