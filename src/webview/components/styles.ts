/** CSS shared by the panel's components: only `--vscode-*` variables, so every theme looks native. */
import { css } from 'lit';

/** Base rules every component adopts: fonts, focus ring, plain buttons, screen-reader-only text. */
export const baseStyles = css`
  :host {
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    color: var(--vscode-foreground);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  :focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  button.plain {
    font: inherit;
    color: inherit;
    background: none;
    border: 1px solid transparent;
    border-radius: 3px;
    padding: 0 4px;
    margin: 0;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  button.plain:hover { background: var(--vscode-toolbar-hoverBackground); }
  /* High Contrast: what the pointer is over gets a dashed outline, as in VS Code's own views. */
  button.plain:hover, .btn:hover {
    outline: 1px dashed var(--vscode-contrastActiveBorder, transparent);
    outline-offset: -1px;
  }
  .btn {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: 4px;
    min-height: 26px;
    padding: 2px 12px;
    border-radius: 2px;
    cursor: pointer;
    white-space: nowrap;
    color: var(--vscode-button-foreground);
    background: var(--vscode-button-background);
    border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent));
  }
  .btn:hover { background: var(--vscode-button-hoverBackground, var(--vscode-button-background)); }
  .btn.secondary {
    color: var(--vscode-button-secondaryForeground);
    background: var(--vscode-button-secondaryBackground);
  }
  .btn.secondary:hover {
    background: var(--vscode-button-secondaryHoverBackground, var(--vscode-button-secondaryBackground));
  }
  .btn:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .muted { color: var(--vscode-descriptionForeground); }
  .section-title {
    font-size: 11px;
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--vscode-descriptionForeground);
    margin: 0;
  }
`;

/** A tag chip: the badge look of VS Code, with a marked variant for the trigger word. */
export const chipStyles = css`
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    max-width: 100%;
    min-height: 22px;
    padding: 1px 2px 1px 8px;
    border-radius: 11px;
    background: var(--vscode-badge-background);
    color: var(--vscode-badge-foreground);
    border: 1px solid var(--vscode-contrastBorder, transparent);
    cursor: default;
    user-select: none;
  }
  /* A chip that is not on the image: its outline must stand out from the page (3:1) in every theme. */
  .chip.off {
    background: transparent;
    color: var(--vscode-foreground);
    border-color: var(--vscode-contrastBorder, color-mix(in srgb, var(--vscode-foreground) 60%, transparent));
  }
  .chip .label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .chip.trigger {
    background: var(--vscode-button-background);
    color: var(--vscode-button-foreground);
    font-weight: 600;
    /* High Contrast themes give badges and buttons the same colour: the trigger chip wears the active border. */
    border-color: var(--vscode-contrastActiveBorder, var(--vscode-contrastBorder, transparent));
  }
  :host-context(.vscode-high-contrast) .chip.trigger {
    background: var(--vscode-editor-background);
    color: var(--vscode-foreground);
    border-style: double;
    border-width: 3px;
  }
  .chip:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  .chip button {
    font: inherit;
    color: inherit;
    background: none;
    border: none;
    border-radius: 50%;
    width: 18px;
    height: 18px;
    padding: 0;
    display: inline-grid;
    place-items: center;
    cursor: pointer;
  }
  .chip button:hover { background: var(--vscode-toolbar-hoverBackground); }
  .chip vscode-icon { color: inherit; }
  mark {
    background: none;
    color: var(--vscode-list-highlightForeground);
    font-weight: 700;
  }
`;
