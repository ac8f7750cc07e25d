// Helpers for the workbench UI tests (test/integration/ui/**/*.test.mjs): mocha in Node drives the real VS Code
// web workbench (code-server, scripts/vscodeHost.mjs) in headless Chromium, as a person would: the Explorer,
// its context menu, the command palette, the tagging panel's webview, colour themes, screenshots.
// Usage (a whole test file):
//   import { openWorkbench } from './workbench.mjs';
//   import { makeTempFolder, writeImages, copyRealImages, waitFor } from './files.mjs';
//   describe('tagging from the Explorer', function () {
//     let wb, folder;
//     before(async function () {
//       folder = makeTempFolder();                       // removed by wb.close()
//       writeImages(`${folder}/shoot`, 4);               // or: copyRealImages(this, 'photos', `${folder}/shoot`)
//       wb = await openWorkbench({ folder, theme: 'Default Dark Modern' });
//     });
//     after(async () => wb?.close());
//     it('opens the panel', async () => {
//       await wb.chooseFromContextMenu('shoot', 'Start LoRA Tagging');
//       const img = await wb.findInWebview('img[alt]');   // a Playwright Locator inside the webview's frame
//       await wb.screenshot('panel-dark');                 // -> .test-artifacts/screenshots/panel-dark.png
//     });
//   });
// Exports:
//   openWorkbench({ folder, theme?, settings?, machineSettings?, viewport?, readyTimeoutMs?, vsix? }) -> Promise<Workbench>
//       starts code-server with this repo as extensionDevelopmentPath, opens `folder` in Chromium, waits until ready.
//       `theme` ('Default Light Modern' | 'Default Dark Modern') goes into User/settings.json before the first paint.
//       `machineSettings` go into the server's Machine/settings.json (remote settings: where a web workbench reads
//       `machine`-scoped settings such as loraTagger.captioning.openai.baseUrls; User settings hold them in vain).
//       `vsix`: a packaged .vsix installed into the server's fresh extensions dir (wb.server.extensionsDir) and run
//       instead of the development build (no extensionDevelopmentPath).
//   Workbench:
//     .page / .browser / .server / .folder      Playwright Page and Browser, the server from startServer()
//     .hostLog                                   extension host console lines seen so far (string[])
//     close()                                    closes the browser, stops the server, removes temp folders
//     waitReady()                                workbench restored and the Explorer shows the folder
//     explorerItem(pathInFolder) -> Locator      the Explorer row for 'a' or 'a/b' (expands the parents)
//     contextMenuItems(pathInFolder) -> string[] right-clicks the row, returns the menu's entries, closes the menu
//     chooseFromContextMenu(pathInFolder, entry, { timeout? })  right-clicks and clicks `entry` (until registered)
//     paletteItems(query) -> string[]            the command palette's entries for `query` (palette left closed)
//     runCommand(title, { timeout? })            runs a palette command by its exact title ("Category: Title")
//     closeQuickInput()                          closes the palette / a quick pick and waits until it is gone
//     findInWebview(target, { timeout? }) -> Locator   first match in any webview frame (a webview is two iframes
//                                                deep); target: a CSS / Playwright selector, or a function
//                                                frame => Locator, e.g. (f) => f.getByRole('button', { name: 'Add tag' })
//     webviewFrame(target, { timeout? }) -> Frame        the frame holding that target
//     setTheme(name)                             'Default Light Modern' | 'Default Dark Modern' | another theme's label:
//                                                picks it in "Preferences: Color Theme", waits until the workbench repaints
//                                                (webview frames may be re-created: find webview elements again after it)
//     waitForTheme(name)                         waits until the workbench wears that theme's light/dark class
//     screenshot(name, { locator? }) -> path     PNG in .test-artifacts/screenshots/ (git-ignored)
//     notifications() -> string[]                texts of the notification toasts on screen (none ever show while
//                                                the smoke-test driver is on, as here: use notificationCenter())
//     notificationCenter() -> string[]           opens the notification centre (the bell), returns its messages
//     pressKey(key)                              page.keyboard.press on the workbench
// files.mjs has the temp folders, images, waitFor and waitSettled; here also LIGHT_THEME, DARK_THEME, SCREENSHOT_DIR.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { ensureHost, launchBrowser, REPO_ROOT } from '../../../scripts/vscodeHost.mjs';
import { startServer } from '../../../scripts/lib/codeServer.mjs';
import { removeTempFolders, waitFor, waitSettled } from './files.mjs';
export { REPO_ROOT };
export const LIGHT_THEME = 'Default Light Modern';
export const DARK_THEME = 'Default Dark Modern';
/** Where screenshots land (git-ignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, '.test-artifacts/screenshots');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const yes = () => true;
const no = () => false;
/** The entry titles a quick-input list shows. */
const rowLabels = (rows) =>
  rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? '').trim()));
const THEME_CLASSES = ['vs', 'vs-dark', 'hc-black', 'hc-light'];

/** One workbench in one browser on one code-server; create it with openWorkbench(). */
export class Workbench {
  constructor(server, browser, page, folder) {
    this.server = server;
    this.browser = browser;
    this.page = page;
    this.folder = folder;
    /** Extension host (and workbench) console lines, formatted. */
    this.hostLog = [];
  }

  /** Closes the browser, stops code-server (its whole process group) and removes temp folders. */
  async close() {
    await this.browser.close().catch(() => {});
    await this.server.stop();
    removeTempFolders();
  }

  /** Waits until the workbench is restored and the Explorer lists the folder's contents. */
  async waitReady(timeout = 60000) {
    const { page } = this;
    await page.waitForFunction(() => !!window.driver, null, { timeout });
    await page.evaluate(() => window.driver.whenWorkbenchRestored());
    await page.locator('.explorer-folders-view').waitFor({ timeout });
  }

  /** The Explorer row of `pathInFolder` ('shoot' or 'shoot/img_01.png'), expanding parent folders as needed. */
  async explorerItem(pathInFolder, { timeout = 15000 } = {}) {
    const parts = pathInFolder.split('/').filter(Boolean);
    const rowFor = (name, depth) =>
      this.page.locator(
        `.explorer-folders-view .monaco-list-row[aria-level="${depth}"][aria-label="${name.replace(/"/g, '\\"')}"]`,
      );
    // In a single-folder workspace the folder's children are the rows at aria-level 1.
    let row;
    for (let i = 0; i < parts.length; i++) {
      row = rowFor(parts[i], i + 1);
      await row.first().waitFor({ timeout });
      if (i < parts.length - 1 && (await row.first().getAttribute('aria-expanded')) === 'false')
        await row.first().click();
    }
    return row.first();
  }

  async #openContextMenu(pathInFolder) {
    const row = await this.explorerItem(pathInFolder);
    await row.click({ button: 'right' });
    const menu = this.page.getByRole('menu').first();
    await menu.waitFor({ timeout: 10000 });
    return menu;
  }

  /** Right-clicks the Explorer row, returns the context menu's entries, then closes the menu. */
  async contextMenuItems(pathInFolder) {
    const menu = await this.#openContextMenu(pathInFolder);
    const labels = (await menu.getByRole('menuitem').allInnerTexts())
      .map((t) => t.split('\n')[0].trim())
      .filter(Boolean);
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /**
   * Right-clicks the Explorer row of `pathInFolder` and clicks the context-menu entry named `entry`. The menu lists
   * what was registered when it opened, so it is closed and reopened until the entry shows up.
   */
  async chooseFromContextMenu(pathInFolder, entry, { timeout = 30000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const menu = await this.#openContextMenu(pathInFolder);
      // Matched on the visible label: an entry's accessible name also carries its keybinding ("Find in Folder... Shift+Alt+F").
      const items = menu.getByRole('menuitem');
      const at = (await items.allInnerTexts()).map((t) => t.split('\n')[0].trim()).indexOf(entry);
      if (at >= 0) {
        const item = items.nth(at);
        // VS Code's menu ignores a mouse-up that comes right after it opened (so the right-click's own release
        // cannot pick an entry), and Playwright clicks at once: a click the menu ignored leaves it open, so the
        // entry is clicked again until the menu closes, as a person would.
        await item.hover();
        for (let click = 1; ; click++) {
          await item.click({ delay: 60 });
          if (await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(yes, no)) return;
          if (click >= 5) throw new Error(`The Explorer context menu stayed open after ${click} clicks on "${entry}"`);
        }
      }
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) {
        const seen = await this.contextMenuItems(pathInFolder);
        throw new Error(
          `"${entry}" is not in the Explorer context menu of ${pathInFolder} after ${timeout} ms; it shows: ${seen.join(' | ')}`,
        );
      }
      await sleep(500);
    }
  }

  /** Closes the command palette / quick pick if it is open and waits until it is gone. */
  async closeQuickInput() {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible().catch(() => false)) await this.page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
  }

  async #openPalette(query) {
    const { page } = this;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await this.closeQuickInput();
    // A view that takes focus a moment late (Search after "Find in Folder...", a webview) dismisses a palette
    // opened just before; open it again rather than wait on a palette that is gone.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await input.fill(`>${query}`, { timeout: 3000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await this.closeQuickInput();
      }
    }
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    // The list filters asynchronously: it has settled when two looks in a row find the same entries.
    await waitSettled(() => rowLabels(rows), { what: `the command palette to list the matches of "${query}"` });
    return rows;
  }

  /** The command palette's entry titles for `query`; the palette is closed afterwards. */
  async paletteItems(query) {
    const rows = await this.#openPalette(query);
    const labels = (await rowLabels(rows)).filter((l) => l && l !== 'No matching commands');
    await this.closeQuickInput();
    return labels;
  }

  /** Runs a command-palette command by its exact title as shown ("LoRA Tagging: Resume Session"). */
  async runCommand(title, { timeout = 30000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const rows = await this.#openPalette(title);
      const labels = await rowLabels(rows);
      const i = labels.indexOf(title);
      // A view that takes focus a moment late (Search) can hide the palette after it listed the command: a click
      // that finds no visible row opens the palette again, as a person would.
      if (i >= 0 && (await rows.nth(i).click({ timeout: 3000 }).then(yes, no))) return;
      // The palette lists what was registered when it opened: close it and try again.
      await this.closeQuickInput();
      if (Date.now() > deadline)
        throw new Error(
          `No command titled "${title}" in the palette after ${timeout} ms; it offers: ${labels.join(' | ') || '(nothing)'}`,
        );
      await sleep(500);
    }
  }

  /**
   * The frame (usually a webview's inner iframe, two levels deep) holding `target`: a CSS / Playwright selector,
   * or a function frame => Locator such as (f) => f.getByRole('button', { name: 'Add tag' }).
   */
  async webviewFrame(target, { timeout = 30000 } = {}) {
    const locate = typeof target === 'function' ? target : (f) => f.locator(target);
    return waitFor(
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          if (
            await locate(frame)
              .count()
              .catch(() => 0)
          )
            return frame;
        }
        return undefined;
      },
      { timeout, what: `${typeof target === 'function' ? String(target) : `"${target}"`} in a webview` },
    );
  }

  /** A Locator for the first match of `target` (selector or frame => Locator) inside any webview frame. */
  async findInWebview(target, opts) {
    const frame = await this.webviewFrame(target, opts);
    return (typeof target === 'function' ? target(frame) : frame.locator(target)).first();
  }

  /** Waits until the workbench wears the light / dark / high-contrast class that matches theme `name`. */
  async waitForTheme(name, { timeout = 20000 } = {}) {
    const want = /high contrast light/i.test(name)
      ? 'hc-light'
      : /high contrast/i.test(name)
        ? 'hc-black'
        : /dark|abyss|monokai|kimbie/i.test(name)
          ? 'vs-dark'
          : 'vs';
    await this.page.waitForFunction(
      ([w, all]) => {
        const cl = document.querySelector('.monaco-workbench')?.classList;
        return !!cl && cl.contains(w) && all.filter((c) => c !== w).every((c) => !cl.contains(c));
      },
      [want, THEME_CLASSES],
      { timeout },
    );
  }

  /**
   * Switches the colour theme as a person does: "Preferences: Color Theme", then the theme's entry. `name` is the
   * settings id ('Default Dark Modern') or the label the picker shows ('Dark Modern'). The running workbench does
   * not watch User/settings.json written from outside, so the picker is the reliable way.
   */
  async setTheme(name, { timeout = 20000 } = {}) {
    const label = name.replace(/^Default /, '');
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(label);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const i = await waitFor(
      async () => {
        const labels = await rowLabels(rows);
        const at = labels.indexOf(label);
        return at >= 0 ? at + 1 : 0;
      },
      { timeout, what: `the colour theme "${label}" in the theme picker` },
    );
    await rows.nth(i - 1).click();
    await this.closeQuickInput();
    // Webviews repaint from the new --vscode-* variables a moment later: callers wait for the colour they need.
    await this.waitForTheme(name, { timeout });
  }

  /** Saves a PNG of the page (or of `locator`) to .test-artifacts/screenshots/<name>.png and returns its path. */
  async screenshot(name, { locator } = {}) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await (locator ?? this.page).screenshot({ path });
    return path;
  }

  /** Texts of the notification toasts currently shown. */
  async notifications() {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /**
   * Opens the notification centre, as a person clicks the bell, and returns its messages, newest first. With the
   * smoke-test driver on (which these tests need) the workbench shows no toasts: every notification lands here.
   */
  async notificationCenter() {
    const center = this.page.locator('.notifications-center');
    if (!(await center.isVisible().catch(() => false))) {
      await this.runCommand('Notifications: Show Notifications');
      await center.waitFor({ state: 'visible', timeout: 10000 });
    }
    return center.locator('.notification-list-item-message').allInnerTexts();
  }

  /** Closes the notification centre if it is open. */
  async hideNotificationCenter() {
    const center = this.page.locator('.notifications-center');
    if (!(await center.isVisible().catch(() => false))) return;
    // The centre's own header button: the palette does not always list "Hide Notifications" (opening the palette
    // takes focus from the centre, and the command is only enabled while it is visible and focused).
    await center
      .locator('.notifications-center-header')
      .getByRole('button', { name: /Hide Notifications/ })
      .click();
    await center.waitFor({ state: 'hidden', timeout: 10000 });
  }

  /** Presses a key (Playwright syntax, e.g. 'Control+S') in the workbench. */
  async pressKey(key) {
    await this.page.keyboard.press(key);
  }
}

/**
 * Starts code-server with this repo as the extension in development mode, opens `folder` in headless Chromium
 * and waits until the workbench is ready. `theme` sets workbench.colorTheme before the first paint; `settings`
 * are more User settings, `machineSettings` remote (Machine) ones; `vsix` installs that package and runs it instead of the development build.
 * Close it with wb.close().
 */
export async function openWorkbench({
  folder,
  theme,
  settings = {},
  machineSettings,
  viewport = { width: 1280, height: 800 },
  readyTimeoutMs = 60000,
  vsix,
} = {}) {
  if (!folder)
    throw new Error('openWorkbench needs { folder }: the folder the workbench opens (makeTempFolder() makes one).');
  await ensureHost();
  const server = await startServer({
    folder,
    extensionDevelopmentPath: vsix ? null : REPO_ROOT,
    installExtensions: vsix ? [vsix] : [],
    settings: theme ? { ...settings, 'workbench.colorTheme': theme } : settings,
    machineSettings,
    verbose: !!process.env.LORA_VERBOSE,
  });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport });
    const wb = new Workbench(server, browser, page, folder);
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      wb.hostLog.push(line);
      if (process.env.LORA_VERBOSE) console.log(`      [host] ${line}`);
    });
    await page.goto(server.url);
    await wb.waitReady(readyTimeoutMs);
    // The theme from settings.json is applied a moment after the workbench is restored; once on CI it never was: then
    // the picker, which always applies one, is the second way (what the workbench wore is logged, with a screenshot).
    if (theme)
      await wb.waitForTheme(theme).catch(async () => {
        const worn = await page.evaluate(() => document.querySelector('.monaco-workbench')?.className).catch(String);
        await wb.screenshot('theme-from-settings-not-applied').catch(() => {});
        console.log(`      [workbench] "${theme}" from settings.json not applied (${worn}); choosing it in the picker`);
        await wb.setTheme(theme);
      });
    return wb;
  } catch (err) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw err;
  }
}
