/**
 * Webview bench, in Debian's Chromium with the real bundle and the harness page of the component tests:
 * - next image fully shown (preview decoded with img.decode(), chips and palette updated) for 4000x3000 JPEGs,
 *   for the neighbour the preview prefetched (target < 100 ms), and for a jump to an image nothing has loaded yet:
 *   its host-made thumbnail shown (target < 100 ms), then the full image decoded (target < 250 ms);
 * - the frame interval while the host's thumbnails arrive for a 10,000-image dataset;
 * - one keystroke in the palette filter over 20,000 tags, handler + render (target < 16 ms, one frame);
 * - the panel ready with a 10,000-image dataset, from the message's arrival to the first painted frame (target < 1 s).
 * Times are taken inside the page with performance.now(), so Playwright's own overhead is not counted.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the page.evaluate bodies run in the browser on the panel's untyped test globals */
import { join } from 'node:path';
import { jpegBuffer } from '../scripts/lib/makeImages.mjs';
import { writeFileSync } from 'node:fs';
import { library } from '../src/extension/dataset/images/library';
import { buildWebview, launchChromium, startServer } from '../test/webview/harness.mjs';
import { printRows, type BenchRow } from './harness';

const RUNS = 7;
const BIG_IMAGES = 6;

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['newPage']>>;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** What to load: n images (each its own URL when `unique`), `tags` known tags. */
interface Spec {
  n: number;
  unique: boolean;
  tags: number;
}

/** Opens the harness page and loads a dataset built inside the page (no Playwright serialization in the timing). */
async function openWith(page: Page, url: string, spec: Spec): Promise<number> {
  await page.goto(`${url}/?theme=dark`);
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.body.type === 'ready'));
  return page.evaluate(async ({ n, unique, tags }: Spec) => {
    const words = ['red hair', 'blue eyes', 'long sleeves', 'outdoors', 'smile'];
    const dataset = {
      title: 'bench',
      outputFolder: '/tmp/out',
      prefix: 'bench',
      triggerWord: 'ohwx',
      captionStyle: 'tags',
      images: Array.from({ length: n }, (_, i) => ({
        file: `bench_${String(i + 1).padStart(5, '0')}.jpg`,
        uri: `/img/big_${i % 6}.jpg${unique ? `?n=${i}` : ''}`,
        // The host's thumbnail of it (256 px WebP), as the pipeline would have made it by now.
        thumb: `/img/thumb_${i % 6}.webp${unique ? `?n=${i}` : ''}`,
        width: 4000,
        height: 3000,
        status: i % 4 ? 'tagged' : 'untagged',
        favourite: false,
        nsfw: false,
        caption:
          i % 4 ? `ohwx, woman, tag ${i % 300} ${words[i % 5]}, tag ${(i * 7) % 300} ${words[(i * 7) % 5]}, smile` : '',
      })),
      knownTags: Array.from({ length: tags }, (_, i) => `tag ${i} ${words[i % 5]}`),
      recentTags: [],
      pinnedTags: [],
      categories: [],
      currentIndex: 0,
      hostKeys: [],
    };
    const w = window as any;
    const t0 = performance.now();
    w.__send({ type: 'dataset/load', dataset });
    await new Promise<void>((resolve) => {
      const check = () => (w.loraTagger?.store.loaded ? resolve() : setTimeout(check, 0));
      check();
    });
    const app = document.querySelector('lora-tagger-app') as any;
    await app.updateComplete;
    for (const tag of ['image-preview', 'caption-chips', 'tag-palette', 'film-strip', 'progress-status'])
      await app.shadowRoot.querySelector(tag)?.updateComplete;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, spec);
}

async function main(): Promise<void> {
  await buildWebview();
  const server = await startServer();
  const sharp = await library();
  for (let i = 0; i < BIG_IMAGES; i++) {
    const big = jpegBuffer(4000, 3000, i + 1, 85);
    writeFileSync(join(server.imgDir, `big_${i}.jpg`), big);
    writeFileSync(
      join(server.imgDir, `thumb_${i}.webp`),
      await sharp(big).resize(256).webp({ quality: 80 }).toBuffer(),
    );
  }
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx compiles this file with esbuild's keepNames, which wraps inner functions in __name(); the page has no such helper.
    await context.addInitScript({ content: 'window.__name = (f) => f;' });
    const page = await context.newPage();
    if (process.env.BENCH_VERBOSE) {
      await page.addInitScript({ content: 'window.__benchVerbose = true;' });
      page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    }

    // Ready with 10,000 images.
    const ready: number[] = [];
    for (let r = 0; r < 5; r++) ready.push(await openWith(page, server.url, { n: 10_000, unique: false, tags: 300 }));
    rows.push({ name: 'panel ready, 10,000-image dataset (webview side)', ms: median(ready), target: 1000 });

    // Next image, 4000x3000 JPEGs: each image its own URL so nothing is cached by accident.
    await openWith(page, server.url, { n: 400, unique: true, tags: 300 });
    const nav = async (how: 'next' | 'jump') =>
      page.evaluate(async (mode: string) => {
        const w = window as any;
        const app = document.querySelector('lora-tagger-app') as any;
        const preview = app.shadowRoot.querySelector('image-preview');
        await preview.image.decode().catch(() => undefined);
        // Let the prefetch of the neighbours finish, as it does while a person looks at an image, and the strip's
        // (small, host-made) thumbnails load.
        const strip = app.shadowRoot.querySelector('film-strip');
        await Promise.all(
          [...strip.shadowRoot.querySelectorAll('img')].map((i: HTMLImageElement) => i.decode().catch(() => undefined)),
        );
        await new Promise((r) => setTimeout(r, 50));
        await preview.prefetchDone;
        await new Promise((r) => setTimeout(r, 50));
        const store = w.loraTagger.store;
        const target = mode === 'next' ? store.index + 1 : store.index + 37;
        const t0 = performance.now();
        // Next as the next-image action runs it (the keys are VS Code's keybindings, which the page has not).
        if (mode === 'next') store.runAction('nextImage');
        else store.go(target);
        await app.updateComplete;
        const chips = app.shadowRoot.querySelector('caption-chips');
        const palette = app.shadowRoot.querySelector('tag-palette');
        await Promise.all([preview.updateComplete, chips.updateComplete, palette.updateComplete]);
        const tUpdated = performance.now();
        // A jump shows the thumbnail first: the moment it is decoded and painted is when something is shown.
        let tEarly = tUpdated;
        if (mode === 'jump') {
          if (!preview.early) throw new Error('the far jump showed no thumbnail');
          await preview.early.decode();
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          tEarly = performance.now();
        }
        await preview.image.decode();
        const tDecoded = performance.now();
        const want = store.model.tagsOf[target].join('|');
        const shown = [...chips.shadowRoot.querySelectorAll('.chip')]
          .map((c: Element) => c.getAttribute('aria-label'))
          .join('|');
        if (shown !== want || !preview.image.src.includes(`n=${target}`))
          throw new Error(`not shown: ${shown} vs ${want}`);
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const t = performance.now() - t0;
        if (w.__benchVerbose)
          console.log(
            `update ${(tUpdated - t0).toFixed(1)} decode ${(tDecoded - tUpdated).toFixed(1)} frame ${(t - (tDecoded - t0)).toFixed(1)}`,
          );
        return { full: t, first: tEarly - t0 };
      }, how);
    const next: number[] = [];
    const jumpFirst: number[] = [];
    const jumpFull: number[] = [];
    await nav('next');
    for (let r = 0; r < RUNS; r++) next.push((await nav('next')).full);
    for (let r = 0; r < RUNS; r++) {
      const j = await nav('jump');
      jumpFirst.push(j.first);
      jumpFull.push(j.full);
    }
    rows.push({ name: 'next image shown, 4000x3000 JPEG (prefetched neighbour)', ms: median(next), target: 100 });
    rows.push({ name: 'far jump, 4000x3000 JPEG: its thumbnail shown', ms: median(jumpFirst), target: 100 });
    rows.push({
      name: 'far jump, 4000x3000 JPEG: the full image decoded and shown',
      ms: median(jumpFull),
      target: 250,
    });

    // Thumbnails arriving for a 10,000-image dataset, as thumbs/ready batches at ten times the rate the host
    // makes them (25 every 40 ms), while the frame intervals are recorded.
    await openWith(page, server.url, { n: 10_000, unique: false, tags: 300 });
    const frames = await page.evaluate(async () => {
      const w = window as any;
      const ims = w.loraTagger.store.model.images;
      for (const im of ims) delete im.thumb;
      const gaps: number[] = [];
      let last = performance.now();
      let on = true;
      const tick = (t: number) => {
        gaps.push(t - last);
        last = t;
        if (on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      for (let b = 0; b < 100; b++) {
        w.__send({
          type: 'thumbs/ready',
          thumbs: Array.from({ length: 25 }, (_, k) => ({
            file: ims[b * 25 + k].file,
            uri: `/img/thumb_${k % 6}.webp?b=${b}`,
          })),
        });
        await new Promise((r) => setTimeout(r, 40));
      }
      on = false;
      return gaps.slice(1);
    });
    frames.sort((a, b) => a - b);
    rows.push({
      name: `frame interval while 2,500 thumbnails arrive (median of ${frames.length})`,
      ms: median(frames),
      target: 16.7,
    });
    rows.push({
      name: 'frame interval while they arrive (95th percentile)',
      ms: frames[Math.floor(frames.length * 0.95)]!,
      target: 33.4,
    });

    // Palette filter keystrokes over 20,000 tags.
    await openWith(page, server.url, { n: 200, unique: false, tags: 20_000 });
    const keys = await page.evaluate(async () => {
      const app = document.querySelector('lora-tagger-app') as any;
      const pal = app.shadowRoot.querySelector('tag-palette');
      const field = pal.shadowRoot.querySelector('vscode-textfield');
      const type = async (q: string) => {
        const t0 = performance.now();
        field.value = q;
        field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        await pal.updateComplete;
        return performance.now() - t0;
      };
      const words = ['long sleeves', 'blue eyes', 'tag 1999', 'smle', 'rdhr', 'outdoors'];
      for (const w of words) for (let k = 1; k <= w.length; k++) await type(w.slice(0, k)); // warm-up
      const times: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (const w of words) {
          for (let k = 1; k <= w.length; k++) times.push(await type(w.slice(0, k)));
          for (let k = w.length - 1; k >= 0; k--) times.push(await type(w.slice(0, k)));
        }
      }
      return times;
    });
    keys.sort((a, b) => a - b);
    rows.push({
      name: `palette filter keystroke, 20,000 tags (median of ${keys.length})`,
      ms: median(keys),
      target: 16,
    });
    rows.push({
      name: 'palette filter keystroke, 20,000 tags (95th percentile)',
      ms: keys[Math.floor(keys.length * 0.95)]!,
      target: 16,
    });
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  printRows('Webview (Chromium)', rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
