// Serves the built webview and a harness page that stands in for VS Code (fake acquireVsCodeApi, the panel's
// CSP, a theme's --vscode-* variables), and drives it in Debian's Chromium through playwright-core.
// Used by the component tests (run.mjs) and by bench/webview.bench.ts.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, extname, dirname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { BODY_CLASSES, themeCss } from './themes.mjs';
import { realImagesPath } from '../fixtures.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared real-image fixtures, read in place (never copied into the repo). */
export const realImagesDir = realImagesPath(repoRoot);

const TYPES = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.map': 'application/json',
};

/** Builds the webview bundle with the project's esbuild.mjs; if the host side fails to build (work in progress elsewhere), builds the webview alone with the same options. */
export async function buildWebview() {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status === 0) return;
  console.log(
    `esbuild.mjs failed (${(r.stderr || r.stdout).split('\n').find((l) => l.includes('ERROR')) ?? 'see its output'}); building the webview bundle alone`,
  );
  const esbuild = await import('esbuild');
  await esbuild.build({
    bundle: true,
    sourcemap: 'inline',
    logLevel: 'warning',
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    absWorkingDir: repoRoot,
  });
}

const FAKE_VSCODE = `
window.__posted = [];
window.__csp = [];
window.__vocab = [];
let state = undefined;
try { state = JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null') ?? undefined; } catch {}
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '') + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
let acquired = false;
const bridged = new URLSearchParams(location.search).has('bridge');
let seq = 0;
window.__send = (body, inReplyTo) => {
  if (body.type === 'dataset/load') for (const im of body.dataset.images) window.__hostRevs[im.file] = im.rev ?? 0;
  const revs = window.__hostRevs;
  if (body.type === 'caption/changed') revs[body.file] = Math.max(revs[body.file] ?? 0, body.rev);
  if (body.type === 'captions/changed') for (const c of body.changes) revs[c.file] = Math.max(revs[c.file] ?? 0, c.rev);
  window.postMessage({ id: 'h' + (++seq), ...(inReplyTo ? { inReplyTo } : {}), body }, '*');
};
// The host's caption revisions, as CaptionSync keeps them: each save is answered with the caption's next revision,
// and a caption/changed a test sends moves it on (the latency test runs the real engine instead: realHost.mjs).
window.__hostRevs = {};
// ?vscodeKeys: behave like VS Code's webview frame (its pre/index.html), whose keydown listener on the window is
// registered before the page's: every key that reaches it is forwarded to the workbench (recorded in __forwarded)
// except copy, cut and paste, which a browser workbench leaves to the browser; it prevents the default of
// undo/redo/save; and the workbench answers some keys with document.execCommand a round trip later: undo and redo
// a moment later, select-all (Ctrl/Cmd+A, the workbench's editor.action.selectAll) right after the next character
// typed lands, which is when it arrives in a real workbench (issue 9, case 2). window.__vscodeRan lists each command
// the workbench sent back, once the page has handled it (execCommand returns after the page's input events ran), so a
// test can wait on it rather than for a while; window.__vscodeExec(command) sends one back at once, as the
// workbench's Edit menu (Undo, Redo) does.
window.__forwarded = [];
window.__vscodeRan = [];
window.__vscodeExec = (command) => {
  document.execCommand(command);
  window.__vscodeRan.push(command);
};
if (new URLSearchParams(location.search).has('vscodeKeys')) {
  const afterNextInput = (command) => {
    const fire = () => {
      document.removeEventListener('input', fire, true);
      queueMicrotask(() => window.__vscodeExec(command));
    };
    document.addEventListener('input', fire, true);
  };
  window.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if ((mod && ['c', 'v', 'x'].includes(k)) || (e.shiftKey && e.key === 'Insert')) return;
    if (!['control', 'meta', 'alt', 'shift'].includes(k)) window.__forwarded.push([mod ? 'mod+' : '', e.altKey ? 'alt+' : '', e.shiftKey ? 'shift+' : '', k].join(''));
    if (mod && (k === 'z' || k === 'y' || k === 's')) {
      e.preventDefault();
      if (k !== 's') setTimeout(() => window.__vscodeExec(k === 'y' || e.shiftKey ? 'redo' : 'undo'), 30);
    } else if (mod && k === 'a') afterNextInput('selectAll');
  });
}
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi called twice');
  acquired = true;
  return {
    postMessage(m) {
      const copy = JSON.parse(JSON.stringify(m));
      copy.t = performance.now();
      window.__posted.push(copy);
      // ?bridge: the real engine answers (latency.test.mjs relays to realHost.ts), not this stand-in.
      if (bridged) return void window.__toHost(copy);
      if (copy.body && copy.body.type === 'caption/update') {
        // window.__refuseNext = { rev, text }: the next save is refused, as for a file changed on disk meanwhile.
        const refuse = window.__refuseNext;
        window.__refuseNext = undefined;
        const rev = refuse ? refuse.rev : (window.__hostRevs[copy.body.file] ?? 0) + 1;
        window.__hostRevs[copy.body.file] = rev;
        const result = refuse ? { saved: false, rev, text: refuse.text } : { saved: true, rev, savedAt: '12:00:00' };
        setTimeout(() => {
          window.__send({ type: 'reply', ok: true, result }, copy.id);
          window.__savesAnswered = (window.__savesAnswered ?? 0) + 1;
        }, 5);
      }
      if (copy.body && copy.body.type === 'vocab/categories') {
        // window.__vocabCategories: { tag: category } as the host's vocabulary worker answers.
        const known = window.__vocabCategories ?? {};
        const result = Object.fromEntries(copy.body.tags.filter((t) => known[t]).map((t) => [t, known[t]]));
        setTimeout(() => window.__send({ type: 'reply', ok: true, result }, copy.id), 5);
      }
      // window.__replies[type](body): a test answers requests of its own kind (the suggestion review's answers).
      const custom = copy.body && window.__replies && window.__replies[copy.body.type];
      if (custom) setTimeout(() => window.__send({ type: 'reply', ok: true, result: custom(copy.body) }, copy.id), 5);
      if (copy.body && copy.body.type === 'vocab/query') {
        const p = copy.body.prefix.toLowerCase();
        const result = window.__vocab.filter((v) => v.name.toLowerCase().includes(p)).slice(0, copy.body.limit);
        setTimeout(() => window.__send({ type: 'reply', ok: true, result }, copy.id), 5);
      }
    },
    getState() { return state; },
    setState(s) { state = s; sessionStorage.setItem('vscodeState', JSON.stringify(s)); },
  };
};
`;

function page(theme) {
  // The panel's CSP, with 'self' standing in for webview.cspSource.
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: blob:; style-src 'self'; font-src 'self'; script-src 'nonce-harness'">
<link rel="stylesheet" href="/dist/codicons/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/theme-${theme}.css">
<title>LoRA tagger harness</title></head>
<body class="${BODY_CLASSES[theme]}" data-vscode-theme-kind="${BODY_CLASSES[theme].split(' ')[0]}">
<lora-tagger-app></lora-tagger-app>
<script nonce="harness" src="/fake-vscode.js"></script>
<script type="module" nonce="harness" src="/dist/webview.js"></script>
</body></html>`;
}

/** Starts the server on 127.0.0.1 (random port): `/` the harness, `/dist/` the build, `/img/` a temp folder, `/real/` the real fixtures. */
export async function startServer() {
  const imgDir = mkdtempSync(join(tmpdir(), 'lora-webview-'));
  const roots = { '/dist/': join(repoRoot, 'dist'), '/img/': imgDir, '/real/': realImagesDir };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (code, type, body) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/')
      return send(
        200,
        'text/html',
        page(BODY_CLASSES[url.searchParams.get('theme')] ? url.searchParams.get('theme') : 'dark'),
      );
    if (url.pathname === '/fake-vscode.js') return send(200, 'text/javascript', FAKE_VSCODE);
    const theme = /^\/theme-(light|dark|hc-dark|hc-light)\.css$/.exec(url.pathname);
    if (theme) return send(200, 'text/css', themeCss(theme[1]));
    for (const [prefix, dir] of Object.entries(roots)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
      if (!file.startsWith(dir + sep)) break;
      try {
        if (!(await stat(file)).isFile()) break;
        res.writeHead(200, {
          'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'cache-control': 'max-age=3600',
        });
        return res.end(await readFile(file));
      } catch {
        break;
      }
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    imgDir,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      rmSync(imgDir, { recursive: true, force: true });
    },
  };
}

/** Launches /usr/bin/chromium headless with the flags that work on these machines. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** One image of a test dataset. */
export function imageView(file, uri, caption = '', extra = {}) {
  return {
    file,
    uri,
    width: 64,
    height: 48,
    status: caption ? 'tagged' : 'untagged',
    favourite: false,
    nsfw: false,
    caption,
    ...extra,
  };
}

/** A DatasetView with sensible defaults. */
export function datasetView(images, extra = {}) {
  return {
    title: 'Test dataset',
    outputFolder: '/tmp/out',
    prefix: 'test',
    triggerWord: 'ohwx',
    captionStyle: 'tags',
    images,
    knownTags: [],
    recentTags: [],
    pinnedTags: [],
    categories: [],
    currentIndex: 0,
    hostKeys: [],
    ...extra,
  };
}

/**
 * Opens the harness page, waits for `ready`, sends `dataset/load` and waits until the panel shows it.
 * Returns the Playwright page.
 */
export async function openPanel(
  browser,
  server,
  dataset,
  { theme = 'dark', viewport = { width: 1280, height: 800 }, vscodeKeys = false, scale = 1, vocabCategories } = {},
) {
  // `scale` 2 with half the viewport is VS Code at 200% zoom: the webview gets half the CSS pixels, each drawn twice as big.
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale });
  context.setDefaultTimeout(5000);
  const p = await context.newPage();
  p.on('pageerror', (err) => console.log(`    [page error] ${err.message}`));
  await p.goto(`${server.url}/?theme=${theme}${vscodeKeys ? '&vscodeKeys' : ''}`);
  await p.waitForFunction(() => window.__posted.some((m) => m.body.type === 'ready'));
  if (vocabCategories) await p.evaluate((c) => (window.__vocabCategories = c), vocabCategories);
  await send(p, { type: 'dataset/load', dataset });
  await p.waitForFunction(
    () =>
      window.loraTagger?.store.loaded &&
      !!document.querySelector('lora-tagger-app')?.shadowRoot?.querySelector('tag-palette'),
  );
  return p;
}

/** Sends a host message (in an envelope) to the page. */
export async function send(p, body) {
  await p.evaluate((b) => window.__send(b), body);
}

/** The bodies posted by the webview so far, optionally of one type. */
export async function posted(p, type) {
  const all = await p.evaluate(() => window.__posted.map((m) => m.body));
  return type ? all.filter((b) => b.type === type) : all;
}

/** Waits until a body of `type` matching `pred` has been posted, and returns it. */
export async function waitPosted(p, type, pred = () => true, timeout = 3000) {
  const t0 = Date.now();
  for (;;) {
    const hit = (await posted(p, type)).find(pred);
    if (hit) return hit;
    if (Date.now() - t0 > timeout)
      throw new Error(
        `no '${type}' message matching ${pred} within ${timeout} ms; posted: ${JSON.stringify(await posted(p))}`,
      );
    await p.waitForTimeout(20);
  }
}

/**
 * Makes the page a Mac's to the panel: navigator.platform reads MacIntel (Chromium on Linux stands in for Chrome on
 * macOS), and returns a DevTools session for macKey.
 */
export async function asMac(p) {
  await p.evaluate(() => Object.defineProperty(Navigator.prototype, 'platform', { get: () => 'MacIntel' }));
  return p.context().newCDPSession(p);
}

/**
 * An Option key as Chrome on macOS sends it (trusted, through the DevTools protocol): `code` the key pressed, `key`
 * and the text typed what Option makes of it (⌥⇧F: KeyF, Ï), Shift held unless `shift` is false.
 */
export async function macKey(cdp, { key, code, vk, shift = true }) {
  const modifiers = shift ? 1 | 8 : 1; // Alt (Option), Shift
  await cdp.send('Input.dispatchKeyEvent', {
    type: 'keyDown',
    modifiers,
    key,
    code,
    text: key,
    unmodifiedText: key,
    windowsVirtualKeyCode: vk,
  });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', modifiers, key, code, windowsVirtualKeyCode: vk });
}

/** Forgets what was posted so far. */
export async function clearPosted(p) {
  await p.evaluate(() => (window.__posted.length = 0));
}

export { existsSync };
