// `node test/webview/extractThemes.mjs`: reads VS Code's four built-in themes (Dark Modern, Light Modern, High
// Contrast Dark, High Contrast Light) from the real workbench (code-server, the same host as the integration tests)
// and writes test/webview/themes.json: for each theme, the `--vscode-*` colour variables the panel and
// @vscode-elements/elements use, with the values VS Code gives a webview. Run it again after a VS Code update.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench } from '../integration/ui/workbench.mjs';
import { makeTempFolder, removeTempFolders, waitFor } from '../integration/ui/files.mjs';
import { REPO_ROOT } from '../../scripts/vscodeHost.mjs';

/**
 * Each theme by the name the webview tests use: its label in the theme picker (picked as a person does: a High
 * Contrast theme set in settings.json is not applied on a normal screen) and the class the workbench wears in it.
 */
const THEMES = {
  dark: ['Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json'],
  light: ['Light Modern', 'vscode-theme-defaults-themes-light_modern-json'],
  'hc-dark': ['Dark High Contrast', 'vscode-theme-defaults-themes-hc_black-json'],
  'hc-light': ['Light High Contrast', 'vscode-theme-defaults-themes-hc_light-json'],
};
/** Variables the webview gets from its editor settings rather than the colour theme (themes.mjs sets them). */
const NOT_COLOURS = new Set([
  '--vscode-font-family',
  '--vscode-font-size',
  '--vscode-font-weight',
  '--vscode-editor-font-family',
  '--vscode-editor-font-size',
  '--vscode-editor-font-weight',
]);

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|js)$/.test(name)) out.push(p);
  }
  return out;
}

const used = new Set();
for (const f of [
  ...sources(join(REPO_ROOT, 'src', 'webview')),
  ...sources(join(REPO_ROOT, 'node_modules', '@vscode-elements', 'elements', 'dist')),
]) {
  for (const m of readFileSync(f, 'utf8').matchAll(/--vscode-[a-zA-Z0-9-]+/g))
    if (!NOT_COLOURS.has(m[0])) used.add(m[0]);
}
const names = [...used].sort();
const out = {};
for (const [key, [label, cls]] of Object.entries(THEMES)) {
  // wb.close() removes the temp folders, so each theme gets its own.
  const wb = await openWorkbench({ folder: makeTempFolder('lora-themes-') });
  try {
    await pick(wb, label);
    await wb.page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c), cls);
    // The workbench declares every theme colour as a variable on .monaco-workbench, named as in a webview.
    out[key] = await wb.page.evaluate((list) => {
      const cs = getComputedStyle(document.querySelector('.monaco-workbench'));
      return Object.fromEntries(list.map((n) => [n, cs.getPropertyValue(n).trim()]).filter(([, v]) => v));
    }, names);
    const fg = out[key]['--vscode-foreground'];
    console.log(`${label}: ${Object.keys(out[key]).length} of ${names.length} variables set (foreground ${fg})`);
  } finally {
    await wb.close();
  }
}
removeTempFolders();
writeFileSync(join(REPO_ROOT, 'test', 'webview', 'themes.json'), JSON.stringify(out, null, 1) + '\n');

/** Picks a colour theme in "Preferences: Color Theme" (reopened until the themes are listed: they load late). */
async function pick(wb, label) {
  const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const labels = () =>
    rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? '').trim()));
  for (let attempt = 1; ; attempt++) {
    await wb.runCommand('Preferences: Color Theme');
    await wb.page.locator('.quick-input-widget .quick-input-box input').fill(label);
    const at = await waitFor(async () => (await labels()).indexOf(label) + 1, { timeout: 3000, what: label }).catch(
      () => 0,
    );
    if (at) return rows.nth(at - 1).click();
    if (attempt === 10) throw new Error(`"${label}" is not in the theme picker: ${(await labels()).join(', ')}`);
    await wb.closeQuickInput();
  }
}
