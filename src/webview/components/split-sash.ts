/**
 * `<split-sash>`: a resize handle between two parts of the panel, like VS Code's sashes: drag it, or focus it and
 * press the arrow keys (Home/End for the limits). A focusable `role=separator` with its value, so a screen reader
 * says the size and keyboard users can resize too.
 *
 * Attributes: `orientation` (`vertical`: a bar between columns, dragged sideways; `horizontal`: between rows),
 * `label`, `value`, `min`, `max`, `step` (arrow-key step), `invert` (dragging left or up makes the value larger).
 * Events: `sash-resize` ({ detail: { value } }) while it moves, `sash-end` ({ detail: { value } }) when a drag or
 * key press is done (the place to remember the size).
 */
import { LitElement, css, html } from 'lit';

/** A resize handle. */
export class SplitSash extends LitElement {
  static override properties = {
    orientation: { reflect: true },
    label: {},
    value: { type: Number },
    min: { type: Number },
    max: { type: Number },
    step: { type: Number },
    invert: { type: Boolean },
  };
  static override styles = css`
    :host { display: block; position: relative; touch-action: none; flex: none; }
    :host([orientation='vertical']) { width: 6px; cursor: col-resize; }
    :host([orientation='horizontal']) { height: 6px; cursor: row-resize; }
    .line { position: absolute; background: transparent; transition: background-color 0.1s ease-out 0.2s; }
    :host([orientation='vertical']) .line { top: 0; bottom: 0; left: 2px; width: 2px; }
    :host([orientation='horizontal']) .line { left: 0; right: 0; top: 2px; height: 2px; }
    :host(:hover) .line, :host(.dragging) .line, .handle:focus-visible .line {
      background: var(--vscode-sash-hoverBorder, var(--vscode-focusBorder));
    }
    .handle { position: absolute; inset: 0; outline: none; }
    .handle:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  `;
  declare orientation: 'vertical' | 'horizontal';
  declare label: string;
  declare value: number;
  declare min: number;
  declare max: number;
  declare step: number;
  declare invert: boolean;
  private start: { at: number; value: number } | undefined;

  constructor() {
    super();
    this.orientation = 'vertical';
    this.label = 'Resize';
    this.value = 0;
    this.min = 0;
    this.max = 10_000;
    this.step = 16;
    this.invert = false;
  }

  override render() {
    const v = Math.round(this.clamp(this.value));
    return html`<div
      class="handle"
      role="separator"
      tabindex="0"
      aria-label=${this.label}
      aria-orientation=${this.orientation}
      aria-valuenow=${v}
      aria-valuemin=${Math.round(this.min)}
      aria-valuemax=${Math.round(Math.max(this.min, this.max))}
      aria-valuetext="${v} pixels"
      title="${this.label} (drag, or the arrow keys)"
      @pointerdown=${this.onDown}
      @pointermove=${this.onMove}
      @pointerup=${this.onUp}
      @pointercancel=${this.onUp}
      @keydown=${this.onKey}
    ><div class="line"></div></div>`;
  }

  private clamp(v: number): number {
    return Math.min(Math.max(this.min, this.max), Math.max(this.min, v));
  }

  private pos(e: PointerEvent): number {
    return this.orientation === 'vertical' ? e.clientX : e.clientY;
  }

  private set(value: number, done: boolean): void {
    const v = Math.round(this.clamp(value));
    if (v !== this.value) {
      this.value = v;
      this.dispatchEvent(new CustomEvent('sash-resize', { detail: { value: v } }));
    }
    if (done) this.dispatchEvent(new CustomEvent('sash-end', { detail: { value: v } }));
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.start = { at: this.pos(e), value: this.clamp(this.value) };
    this.classList.add('dragging');
    e.preventDefault();
  }

  private onMove(e: PointerEvent): void {
    if (!this.start) return;
    const d = this.pos(e) - this.start.at;
    this.set(this.start.value + (this.invert ? -d : d), false);
  }

  private onUp(): void {
    if (!this.start) return;
    this.start = undefined;
    this.classList.remove('dragging');
    this.set(this.value, true);
  }

  private onKey(e: KeyboardEvent): void {
    const grow =
      this.orientation === 'vertical'
        ? this.invert
          ? 'ArrowLeft'
          : 'ArrowRight'
        : this.invert
          ? 'ArrowUp'
          : 'ArrowDown';
    const shrink = { ArrowLeft: 'ArrowRight', ArrowRight: 'ArrowLeft', ArrowUp: 'ArrowDown', ArrowDown: 'ArrowUp' }[
      grow
    ]!;
    const v = this.clamp(this.value);
    if (e.key === grow) this.set(v + this.step, true);
    else if (e.key === shrink) this.set(v - this.step, true);
    else if (e.key === 'Home') this.set(this.min, true);
    else if (e.key === 'End') this.set(this.max, true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  }
}

customElements.define('split-sash', SplitSash);

declare global {
  interface HTMLElementTagNameMap {
    'split-sash': SplitSash;
  }
}
