/** CSS of `<review-grid>`: fixed-height cells in a CSS grid, theme colours only (light, dark, high contrast). */
import { css, unsafeCSS } from 'lit';
import { GRID_ROW_PX } from './gridLayout';

/** The review grid's styles. */
export const gridStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
  .head { display: flex; align-items: baseline; gap: 8px; padding: 4px 8px; }
  .head h2 { font-size: 11px; text-transform: uppercase; margin: 0; font-weight: 600; }
  /* Opaque and its own layer: the compositor scrolls it without repainting what is already drawn. */
  .viewport { position: relative; flex: 1 1 auto; min-height: 0; overflow-y: auto; overflow-x: hidden; padding: 0 4px;
    background: var(--vscode-editor-background); will-change: scroll-position; }
  /* The list holds the focus only while the current image's cell is scrolled out of view (review-grid keepFocusTrue). */
  .viewport:focus { outline: none; }
  .viewport:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  /* The scrolled content: each cell is placed at its own row and column, so a cell in view never moves inside it
     while rows come and go, and scrolling repaints only the cells that arrive. */
  .canvas { position: relative; width: 100%; will-change: transform; }
  .cell {
    position: absolute; top: calc(var(--row, 0) * ${unsafeCSS(GRID_ROW_PX)}px);
    left: calc(var(--col, 0) * 100% / var(--cols, 1)); width: calc(100% / var(--cols, 1) - 6px);
    height: ${unsafeCSS(GRID_ROW_PX - 6)}px;
    display: flex; flex-direction: column; gap: 2px; margin: 3px; padding: 4px; min-width: 0; overflow: hidden;
    border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); border-radius: 4px;
    /* Its size never depends on its content: a cell coming into view is laid out and painted on its own. */
    contain: strict;
    /* The margin rows out of sight are neither laid out nor painted until they come near. */
    content-visibility: auto;
  }
  .cell.sel {
    background: var(--vscode-list-inactiveSelectionBackground);
    color: var(--vscode-list-inactiveSelectionForeground, inherit);
    border-color: var(--vscode-list-activeSelectionBackground, var(--vscode-focusBorder));
    outline: 1px dashed var(--vscode-contrastActiveBorder, transparent); outline-offset: -2px;
  }
  /* The muted grey is too faint on the selection background (axe, Dark Modern): take the selection's colour. */
  .cell.sel .name, .cell.sel .cap.empty { color: inherit; }
  .cell.cur { border-color: var(--vscode-focusBorder); }
  .pick {
    position: relative; flex: none; height: 128px; width: 100%; padding: 0; margin: 0; cursor: pointer; overflow: hidden;
    border: 1px solid transparent; border-radius: 3px; background: var(--vscode-editor-background);
  }
  .pick:focus-visible { outline: 2px solid var(--vscode-focusBorder); outline-offset: -2px; }
  .pick img { width: 100%; height: 100%; object-fit: contain; display: block; image-orientation: from-image; }
  .ph { display: block; width: 100%; height: 100%; background: var(--vscode-input-background, var(--vscode-editor-background));
    border: 1px dashed var(--vscode-contrastBorder, transparent); }
  .cell.skipped img { opacity: 0.35; }
  .meta { display: flex; align-items: center; gap: 4px; min-width: 0; height: 18px; font-size: 11px; }
  .name { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
    color: var(--vscode-descriptionForeground); }
  .mark { flex: none; display: inline-flex; align-items: center; gap: 2px; padding: 0 4px; border-radius: 8px;
    line-height: 16px; border: 1px solid var(--vscode-contrastBorder, transparent); }
  .mark.untagged { color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); }
  .mark.untagged::before { content: ''; width: 7px; height: 7px; border-radius: 50%;
    background: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
  .mark.machine { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
  .cap {
    flex: 1 1 auto; margin: 0; min-height: 0; overflow: hidden; cursor: text; line-height: 16px; font-size: 12px;
    display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 4; overflow-wrap: anywhere;
  }
  .cap.empty { font-style: italic; color: var(--vscode-descriptionForeground); }
  textarea {
    flex: 1 1 auto; min-height: 0; width: 100%; resize: none; margin: 0; padding: 2px 4px;
    font: inherit; font-size: 12px; line-height: 16px;
    color: var(--vscode-input-foreground); background: var(--vscode-input-background);
    border: 1px solid var(--vscode-focusBorder); border-radius: 2px;
  }
  textarea:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  .empty-list { padding: 24px; }
`;
