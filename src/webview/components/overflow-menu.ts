/**
 * `<overflow-menu>`: the toolbar's `…` menu, holding the actions that do not fit the toolbar's width, as VS Code's
 * own toolbars do. A `role=menu` popup: ↑/↓, Home/End move, Enter or Space runs, Escape or Tab closes.
 *
 * Events: `closed` ({ detail: { refocus } }) when the menu closes; with `refocus` the toolbar puts focus back on
 * its `…` button (not when focus left the menu for somewhere else).
 */
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { baseStyles } from './styles';

/** One toolbar action, shown as a button in the toolbar or as an entry of this menu. */
export interface ToolbarItem {
  id: string;
  icon: string;
  label: string;
  /** The tooltip (with the key, when there is one). */
  title: string;
  run: () => void;
  /** For on/off actions (favourite, NSFW, skip): whether it is on. */
  checked?: boolean;
  /** A dataset command: a labelled secondary button while there is room. */
  command?: boolean;
  /** Always in the `…` menu, never a toolbar button. */
  menuOnly?: boolean;
}

/** The `…` menu's popup. */
export class OverflowMenu extends LitElement {
  static override properties = { items: { attribute: false }, open: { type: Boolean, reflect: true } };
  static override styles = [
    baseStyles,
    css`
      :host { position: absolute; right: 4px; top: 100%; z-index: 20; display: none; }
      :host([open]) { display: block; }
      .menu {
        min-width: 200px;
        padding: 4px 0;
        background: var(--vscode-menu-background, var(--vscode-editorWidget-background));
        color: var(--vscode-menu-foreground, var(--vscode-foreground));
        border: 1px solid var(--vscode-menu-border, var(--vscode-widget-border, transparent));
        border-radius: 5px;
        box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
      }
      button {
        font: inherit;
        color: inherit;
        background: none;
        border: 1px solid transparent;
        width: 100%;
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 2px 10px;
        min-height: 24px;
        text-align: left;
        cursor: pointer;
      }
      button:hover, button:focus {
        background: var(--vscode-menu-selectionBackground, var(--vscode-list-activeSelectionBackground));
        color: var(--vscode-menu-selectionForeground, var(--vscode-list-activeSelectionForeground, inherit));
        outline: 1px solid var(--vscode-menu-selectionBorder, transparent);
        outline-offset: -1px;
      }
      .check { width: 16px; flex: none; }
    `,
  ];
  declare items: ToolbarItem[];
  declare open: boolean;

  constructor() {
    super();
    this.items = [];
    this.open = false;
  }

  /** Opens the menu and focuses its first (or last) entry. */
  async show(focusLast = false): Promise<void> {
    this.open = true;
    await this.updateComplete;
    const entries = this.entries();
    entries[focusLast ? entries.length - 1 : 0]?.focus();
  }

  /** Closes the menu. */
  hide(refocus = true): void {
    if (!this.open) return;
    this.open = false;
    this.dispatchEvent(new CustomEvent('closed', { detail: { refocus } }));
  }

  private entries(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll('button')];
  }

  override render() {
    if (!this.open) return nothing;
    return html`<div class="menu" role="menu" aria-label="More actions" @keydown=${this.onKey} @focusout=${this.onFocusOut}>
      ${this.items.map(
        (it) => html`<button
          role=${it.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked=${it.checked === undefined ? nothing : it.checked ? 'true' : 'false'}
          tabindex="-1"
          title=${it.title}
          @click=${() => this.choose(it)}
        ><span class="check" aria-hidden="true">${it.checked ? '✓' : ''}</span><vscode-icon name=${it.icon} aria-hidden="true"></vscode-icon
        ><span>${it.label}</span></button>`,
      )}
    </div>`;
  }

  private choose(it: ToolbarItem): void {
    this.hide();
    it.run();
  }

  private onKey(e: KeyboardEvent): void {
    const entries = this.entries();
    const at = entries.indexOf(e.composedPath()[0] as HTMLButtonElement);
    const go = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(entries.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') this.hide();
    else return;
    if (e.key !== 'Tab') e.preventDefault();
    e.stopPropagation();
  }

  private onFocusOut(e: FocusEvent): void {
    // Focus left the menu (a click elsewhere, Alt+Tab): close it, as VS Code's menus do.
    const to = e.relatedTarget as Node | null;
    if (!to || !this.renderRoot.contains(to)) this.hide(false);
  }
}

customElements.define('overflow-menu', OverflowMenu);

declare global {
  interface HTMLElementTagNameMap {
    'overflow-menu': OverflowMenu;
  }
}
