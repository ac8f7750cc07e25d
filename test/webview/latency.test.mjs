// Issue 9, case 2: a slow link (Remote-SSH, a loaded machine). The panel talks to the real engine (realHost.ts: the
// Dataset, PanelSaves, a late watcher event for every write) through a relay that delays every message both ways by
// 300 ms and more, and lets the messages the protocol orders by revision (saves, their replies, caption changes)
// overtake one another. A person types fast right after palette clicks, navigation and undo; every character must
// land, in order, on disk and in the panel. Seeded: LATENCY_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeImage } from '../../scripts/lib/makeImages.mjs';
import { checkAndClose, harness } from './context.mjs';
import { repoRoot } from './harness.mjs';

const LATENCY_MS = 300;

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Delivers messages late: in order for most, in any order for those that carry a revision or a save count. */
class Relay {
  constructor(seed) {
    this.random = mulberry32(seed);
    this.pending = 0;
    this.lastInOrder = 0;
    this.waiters = [];
  }

  /** Runs `deliver` at least LATENCY_MS from now; `any` lets it overtake others (up to a further LATENCY_MS). */
  send(deliver, any) {
    const now = Date.now();
    const due = any ? now + LATENCY_MS + this.random() * LATENCY_MS : Math.max(now + LATENCY_MS, this.lastInOrder);
    if (!any) this.lastInOrder = due;
    this.pending++;
    setTimeout(async () => {
      try {
        await deliver();
      } finally {
        if (--this.pending === 0) for (const w of this.waiters.splice(0)) w();
      }
    }, due - now);
  }

  /** Settles when nothing is on its way. */
  idle() {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

const REORDERABLE = new Set(['caption/update', 'caption/changed', 'reply']);
const reorderable = (body) => REORDERABLE.has(body.type);

describe('with every message delayed 300 ms and reordered, against the real engine (issue 9, case 2)', function () {
  this.timeout(180_000);
  let p;
  let child;
  afterEach(async () => {
    await checkAndClose(p);
    child?.stdin.end();
    p = undefined;
  });

  it('typing fast after palette clicks, navigation and undo: every character lands, in order', async () => {
    const { browser, server } = harness();
    const seed = Number(process.env.LATENCY_SEED ?? 20261121);
    const relay = new Relay(seed);
    const src = mkdtempSync(join(server.imgDir, 'lat-'));
    ['ohwx, red hair', 'ohwx, blue eyes', 'ohwx, smile'].forEach((c, i) => {
      writeImage(join(src, `p${i + 1}.png`), 320, 240, i + 1);
      writeFileSync(join(src, `p${i + 1}.txt`), c);
    });
    const args = ['--import', 'tsx', 'test/webview/realHost.ts', src, '/img/', server.imgDir, String(seed)];
    child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    const drained = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const toHost = (env) => relay.send(() => child.stdin.write(JSON.stringify(env) + '\n'), reorderable(env.body));
    await context.exposeBinding('__toHost', (_source, env) => toHost(env));
    p = await context.newPage();
    p.on('pageerror', (err) => console.log(`    [page error] ${err.message}`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line);
      if (msg.control === 'drained') return drained.shift()?.(msg.captions);
      relay.send(() => p.evaluate((e) => window.postMessage(e, '*'), msg), reorderable(msg.body));
    });
    await p.goto(`${server.url}/?bridge`);
    await p.waitForFunction(() => {
      const app = document.querySelector('lora-tagger-app');
      return window.loraTagger?.store.loaded && !!app?.shadowRoot?.querySelector('tag-palette');
    });

    const area = p.getByRole('textbox', { name: 'Caption text', exact: true });
    const list = p.getByRole('list', { name: 'Tag palette', exact: true });
    const palette = (name) => list.getByRole('button', { name, exact: true });
    const typeAtEnd = async (text) => {
      await area.focus();
      await p.keyboard.press('End');
      await p.keyboard.type(text);
    };
    await palette('smile').click();
    await typeAtEnd(' and more');
    await p.keyboard.press('Alt+ArrowRight');
    await p.keyboard.press('End');
    await p.keyboard.insertText(', second');
    await p.keyboard.press('Control+z');
    await p.keyboard.type(', after undo');
    await p.keyboard.press('Alt+ArrowRight');
    // A burst of saves, each one at once: reordered on the way, the newest must still win.
    for (const tag of ['red hair', 'blue eyes', 'red hair', 'smile', 'smile']) await palette(tag).click();
    await typeAtEnd(' end');
    await p.keyboard.press('Alt+ArrowLeft');
    await p.keyboard.press('Alt+ArrowLeft');
    await palette('blue eyes').click();
    await typeAtEnd(' x');

    // Everything sent, delivered and answered, every late watcher event handled, the session written.
    let captions;
    for (;;) {
      await p.evaluate(() => window.loraTagger.store.flush());
      await relay.idle();
      captions = await new Promise((resolve) => {
        drained.push(resolve);
        child.stdin.write(JSON.stringify({ control: 'drain' }) + '\n');
      });
      if (relay.pending === 0) break;
    }
    const expected = {
      'lat_0001.png': 'ohwx, red hair, smile and more, blue eyes x',
      'lat_0002.png': 'ohwx, blue eyes, after undo',
      'lat_0003.png': 'ohwx, blue eyes, smile end',
    };
    const txt = (f) => readFileSync(join(src, 'output', f.replace('.png', '.txt')), 'utf8');
    const onDisk = Object.fromEntries(Object.keys(expected).map((f) => [f, txt(f)]));
    assert.deepEqual(onDisk, expected, 'on disk');
    assert.deepEqual(captions, expected, 'in the engine');
    const shown = await p.evaluate(() =>
      Object.fromEntries(window.loraTagger.store.model.images.map((im) => [im.file, im.caption])),
    );
    assert.deepEqual(shown, expected, 'in the panel');
    const status = await p.evaluate(() => window.loraTagger.store.status);
    assert.notEqual(status.kind, 'error', status.message);
  });
});
