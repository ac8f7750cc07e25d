// VS Code's four built-in themes as the `--vscode-*` variables VS Code sets on a webview's <html>: the colours the
// panel and @vscode-elements/elements use, read from the real workbench by extractThemes.mjs into themes.json,
// and the font variables a webview gets from the editor settings.
import { readFileSync } from 'node:fs';

const common = {
  '--vscode-font-family':
    '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

/** Colour variables per theme, keyed dark, light, hc-dark, hc-light. */
export const themes = JSON.parse(readFileSync(new URL('./themes.json', import.meta.url), 'utf8'));

/** The themes' names as the tests use them, with the label VS Code shows. */
export const THEME_LABELS = {
  dark: 'Dark Modern',
  light: 'Light Modern',
  'hc-dark': 'High Contrast Dark',
  'hc-light': 'High Contrast Light',
};

/** The body classes VS Code gives a webview in each theme (High Contrast Light carries both of its classes). */
export const BODY_CLASSES = {
  dark: 'vscode-dark',
  light: 'vscode-light',
  'hc-dark': 'vscode-high-contrast',
  'hc-light': 'vscode-high-contrast-light vscode-high-contrast',
};

/** The theme as a stylesheet (served as a file: the page's CSP allows styles from 'self' only). */
export function themeCss(name) {
  const vars = { ...common, ...(themes[name] ?? themes.dark) };
  return `:root {\n${Object.entries(vars)
    .map(([k, v]) => `  ${k}: ${v};`)
    .join('\n')}\n}\n`;
}
