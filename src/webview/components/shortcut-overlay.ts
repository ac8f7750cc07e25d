/** `<shortcut-overlay>`: the `?` dialog listing every key of the panel, from the keymap table. */
import { LitElement, css, html } from 'lit';
import { LOCAL_KEYS, PANEL_KEYMAP, keyLabel } from '../keymap';
import type { PanelAction } from '../../shared/protocol';
import { baseStyles } from './styles';
import { SELECTION_TITLES } from '../selectionKeys';
import { REVIEW_KEYS, REVIEW_KEY_LABELS } from './captioning/reviewKeys';
import { FILTER_TERMS } from './images/image-query';
import { ModalDialog, deepActive } from './modalDialog';

const ACTION_TITLES: Record<PanelAction, string> = {
  previousImage: 'Previous image',
  nextImage: 'Next image',
  nextUntagged: 'Next untagged image',
  toggleFavourite: 'Toggle favourite',
  toggleNsfw: 'Toggle NSFW',
  toggleSkipped: 'Toggle skip (left out of export)',
  focusAddTag: 'Add tag',
  focusFilter: 'Filter tags',
  showShortcuts: 'This list',
  togglePinned1: 'Toggle pinned tag 1',
  togglePinned2: 'Toggle pinned tag 2',
  togglePinned3: 'Toggle pinned tag 3',
  togglePinned4: 'Toggle pinned tag 4',
  togglePinned5: 'Toggle pinned tag 5',
  togglePinned6: 'Toggle pinned tag 6',
  togglePinned7: 'Toggle pinned tag 7',
  togglePinned8: 'Toggle pinned tag 8',
  togglePinned9: 'Toggle pinned tag 9',
};

const LOCAL_TITLES: Array<[string, readonly string[]]> = [
  ['Save now', LOCAL_KEYS.save],
  ['Undo caption edit', LOCAL_KEYS.undo],
  ['Redo caption edit', LOCAL_KEYS.redo],
  ['Go to image number', LOCAL_KEYS.goTo],
  [
    'Review grid / back to the focused image (in the grid: arrows move, Enter edits, Escape stops)',
    LOCAL_KEYS.toggleGrid,
  ],
  ['Zoom in / out', [...LOCAL_KEYS.zoomIn.slice(0, 1), ...LOCAL_KEYS.zoomOut]],
  ['Fit / 100%', LOCAL_KEYS.zoomToggle],
  ['Remove focused chip', LOCAL_KEYS.removeChip],
  ['Move focused chip', [...LOCAL_KEYS.moveChipUp, ...LOCAL_KEYS.moveChipDown]],
  ['Pin or unpin the focused palette tag (pinned 1-9 toggle with Alt+1…9)', LOCAL_KEYS.pinTag],
  ['Shortcut list (outside text fields)', LOCAL_KEYS.shortcuts],
  ...REVIEW_KEY_LABELS.map(([k, title]): [string, readonly string[]] => [title, REVIEW_KEYS[k]]),
  [
    'Crop for export (outside text fields; then drag, arrows move, Ctrl+arrows resize, Shift bigger, Enter, Escape)',
    LOCAL_KEYS.crop,
  ],
  [
    `Find and replace in captions (outside text fields; in it: Enter previews, ${keyLabel(LOCAL_KEYS.replaceAll[0])} replaces all)`,
    LOCAL_KEYS.findReplace,
  ],
];

/** A modal list of shortcuts (modalDialog.ts: Tab stays inside); Escape closes it and focus returns where it was. */
export class ShortcutOverlay extends LitElement {
  static override styles = [
    baseStyles,
    css`
      dialog {
        color: var(--vscode-foreground);
        background: var(--vscode-editorWidget-background);
        border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent));
        box-shadow: 0 4px 16px var(--vscode-widget-shadow);
        padding: 12px 16px;
        max-height: 80vh;
        overflow: auto;
        min-width: min(360px, 90vw);
        max-width: 92vw;
      }
      dialog::backdrop { background: rgba(0, 0, 0, 0.3); }
      table { border-collapse: collapse; width: 100%; }
      td { padding: 2px 8px 2px 0; vertical-align: top; }
      kbd {
        font-family: var(--vscode-editor-font-family, monospace);
        font-size: 11px;
        padding: 1px 4px;
        border-radius: 3px;
        border: 1px solid var(--vscode-keybindingLabel-border, var(--vscode-widget-border, transparent));
        background: var(--vscode-keybindingLabel-background);
        color: var(--vscode-keybindingLabel-foreground);
        margin-right: 4px;
        white-space: nowrap;
      }
      .head { display: flex; justify-content: space-between; align-items: center; margin-bottom: 8px; }
      h2 { font-size: 13px; margin: 0; }
      h2.sub { margin: 12px 0 4px; }
    `,
  ];
  private readonly modal = new ModalDialog(this);

  /** Opens the dialog, on its Close button. */
  open(): void {
    if (this.modal.open()) this.renderRoot.querySelector<HTMLElement>('button')?.focus();
  }

  /** True while shown. */
  get isOpen(): boolean {
    return this.modal.isOpen;
  }

  override render() {
    const rows = [
      ...(Object.entries(PANEL_KEYMAP) as Array<[PanelAction, readonly string[]]>)
        .filter(([a]) => !a.startsWith('togglePinned') || a === 'togglePinned1')
        .map(([a, keys]): [string, readonly string[]] =>
          a === 'togglePinned1' ? ['Toggle pinned tag 1…9', ['alt+1', '…', 'alt+9']] : [ACTION_TITLES[a], keys],
        ),
      ...LOCAL_TITLES,
      ...SELECTION_TITLES,
    ];
    return html`<dialog aria-label="Keyboard shortcuts">
      <div class="head"><h2>Keyboard shortcuts</h2><button class="plain" @click=${this.close}>Close (Esc)</button></div>
      <table>
        ${rows.map(([title, keys]) => html`<tr><td>${title}</td><td>${keys.map((k) => html`<kbd>${k === '…' ? '…' : keyLabel(k)}</kbd>`)}</td></tr>`)}
      </table>
      <h2 class="sub">Image filter (the box above the filmstrip)</h2>
      <table aria-label="Image filter terms">
        ${FILTER_TERMS.map(([q, what]) => html`<tr><td><code>${q}</code></td><td>${what}</td></tr>`)}
      </table>
      <p class="muted">In VS Code these keys can be changed in Keyboard Shortcuts (search for "LoRA Tagging").</p>
    </dialog>`;
  }

  /** Closes the dialog; focus returns where it was. */
  close(): void {
    this.modal.close();
  }
}

export { deepActive };

customElements.define('shortcut-overlay', ShortcutOverlay);

declare global {
  interface HTMLElementTagNameMap {
    'shortcut-overlay': ShortcutOverlay;
  }
}
