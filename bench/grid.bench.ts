/**
 * Review grid bench (issue 13: "grid scroll over 10,000 images holds 60 frames per second in headless Chromium,
 * report dropped frames"), in Debian's Chromium with the real bundle and the component tests' harness page: a
 * 10,000-image dataset whose every image has its own host-made thumbnail URL (256 px WebP), the grid open at
 * 1280x800, scrolled programmatically one step per animation frame, at a reading pace and at a fling's pace
 * (the whole dataset in about three seconds). Frames are the requestAnimationFrame intervals inside the page; the
 * baseline is the same page's intervals while nothing scrolls, measured in the same run. GRID_BENCH_PLACEHOLDERS=1
 * leaves the thumbnails out (placeholders only), to tell the grid's own cost from the images' decoding.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the page.evaluate bodies run in the browser on the panel's untyped test globals */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { jpegBuffer } from '../scripts/lib/makeImages.mjs';
import { library } from '../src/extension/dataset/images/library';
import { buildWebview, launchChromium, startServer } from '../test/webview/harness.mjs';

const N = 10_000;
/** One 60 Hz frame, in ms. */
const FRAME_MS = 1000 / 60;

interface Run {
  frames: number;
  seconds: number;
  median: number;
  p95: number;
  dropped: number;
  maxCells: number;
  imagesPassed: number;
  /** The grid's render + layout per update, median and p95 in ms. */
  work: [number, number];
}

/** GRID_BENCH_TRACE=1: Chromium's trace of each scrolling run, summed by event and thread (where frame time goes). */
const TRACE = Boolean(process.env.GRID_BENCH_TRACE);
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8'];

/** Prints the trace's busiest events per thread by self time (an event's time less its children's), in ms. */
function traceSummary(name: string, trace: { traceEvents: any[] }): void {
  const threads = new Map<string, string>();
  for (const e of trace.traceEvents)
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const byThread = new Map<string, any[]>();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || !e.dur) continue;
    const thread = (threads.get(`${e.pid}:${e.tid}`) ?? '?').replace(/\d+$/, '');
    if (!/CrRendererMain|Compositor|Raster|ImageDecod/.test(thread)) continue;
    const k = `${e.pid}:${e.tid}:${thread}`;
    (byThread.get(k) ?? byThread.set(k, []).get(k)!).push(e);
  }
  const sums = new Map<string, number>();
  for (const [k, events] of byThread) {
    const thread = k.split(':')[2];
    events.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack: { end: number; key: string; self: number }[] = [];
    const close = (until: number) => {
      while (stack.length && stack[stack.length - 1]!.end <= until) {
        const top = stack.pop()!;
        sums.set(top.key, (sums.get(top.key) ?? 0) + top.self / 1000);
      }
    };
    for (const e of events) {
      close(e.ts);
      const parent = stack[stack.length - 1];
      if (parent) parent.self -= e.dur;
      stack.push({ end: e.ts + e.dur, key: `${thread} ${e.name}`, self: e.dur });
    }
    close(Number.POSITIVE_INFINITY);
  }
  const top = [...sums].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`trace, ${name} (self ms): ${top.map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join('; ')}`);
  // The work itself, which the machine's load does not change: elements restyled, layout objects laid out,
  // image requests.
  let styled = 0;
  let laidOut = 0;
  let requests = 0;
  for (const e of trace.traceEvents) {
    if (e.name === 'UpdateLayoutTree') styled += e.args?.elementCount ?? 0;
    else if (e.name === 'Layout' && e.ph === 'X') laidOut += e.args?.beginData?.dirtyObjects ?? 0;
    else if (e.name === 'ResourceSendRequest') requests++;
  }
  console.log(`trace, ${name}: ${styled} elements restyled, ${laidOut} layout objects laid out, ${requests} requests`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function main(): Promise<void> {
  await buildWebview();
  const server = await startServer();
  const sharp = await library();
  for (let i = 0; i < 6; i++) {
    const big = jpegBuffer(1600, 1200, i + 1, 85);
    writeFileSync(
      join(server.imgDir, `thumb_${i}.webp`),
      await sharp(big).resize(256).webp({ quality: 80 }).toBuffer(),
    );
  }
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx compiles this file with esbuild's keepNames, which wraps inner functions in __name(); the page has no such helper.
    await context.addInitScript({ content: 'window.__name = (f) => f;' });
    const page = await context.newPage();
    await page.goto(`${server.url}/?theme=dark`);
    await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.body.type === 'ready'));
    await page.evaluate(
      ({ n, thumbs }) => {
        const words = ['red hair', 'blue eyes', 'long sleeves', 'outdoors', 'smile'];
        (window as any).__send({
          type: 'dataset/load',
          dataset: {
            title: 'bench',
            outputFolder: '/tmp/out',
            prefix: 'bench',
            triggerWord: 'ohwx',
            captionStyle: 'natural',
            images: Array.from({ length: n }, (_, i) => ({
              file: `bench_${String(i + 1).padStart(5, '0')}.jpg`,
              uri: `/img/big_${i % 6}.jpg?n=${i}`,
              // Each image its own thumbnail URL, as the host's cache names them: nothing is shared by accident.
              thumb: thumbs ? `/img/thumb_${i % 6}.webp?n=${i}` : undefined,
              width: 1600,
              height: 1200,
              status: i % 5 ? 'tagged' : 'untagged',
              favourite: false,
              nsfw: false,
              machine: i % 3 === 0,
              caption:
                i % 5
                  ? `ohwx woman ${i} standing by the window, ${words[i % 5]}, soft light from the left, looking at the viewer.`
                  : '',
            })),
            knownTags: [],
            recentTags: [],
            pinnedTags: [],
            categories: [],
            currentIndex: 0,
            hostKeys: [],
          },
        });
      },
      { n: N, thumbs: !process.env.GRID_BENCH_PLACEHOLDERS },
    );
    await page.waitForFunction(() => (window as any).loraTagger?.store.loaded);
    await page.evaluate(async () => {
      const w = window as any;
      w.loraTagger.store.setView('grid');
      const app = document.querySelector('lora-tagger-app') as any;
      for (;;) {
        await app.updateComplete;
        if (app.shadowRoot.querySelector('review-grid')) break;
        await new Promise((r) => requestAnimationFrame(r));
      }
      await app.shadowRoot.querySelector('review-grid').updateComplete;
    });

    /** Records `frames` animation-frame intervals, moving the grid down `step` px in each frame (0: idle). */
    const run = (step: number, frames: number) =>
      page.evaluate(
        async ({ step, frames }) => {
          const grid = (document.querySelector('lora-tagger-app') as any).shadowRoot.querySelector('review-grid');
          const vp = grid.shadowRoot.querySelector('.viewport') as HTMLElement;
          vp.scrollTop = 0;
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const deltas: number[] = [];
          const work: number[] = [];
          // The grid's own work per frame: its render, with the style and layout it causes forced at once.
          const update = grid.update.bind(grid);
          grid.update = (changed: unknown) => {
            const w0 = performance.now();
            update(changed);
            void grid.shadowRoot.querySelector('.canvas')?.getBoundingClientRect().height;
            work.push(performance.now() - w0);
          };
          let maxCells = 0;
          const firstLabel = () => grid.shadowRoot.querySelector('button.pick')?.getAttribute('aria-label') ?? '0:';
          const startAt = Number.parseInt(firstLabel(), 10);
          const t0 = performance.now();
          await new Promise<void>((done) => {
            let last = performance.now();
            const tick = (t: number) => {
              deltas.push(t - last);
              last = t;
              maxCells = Math.max(maxCells, grid.shadowRoot.querySelectorAll('.cell').length);
              if (step) vp.scrollTop += step;
              if (deltas.length < frames) requestAnimationFrame(tick);
              else done();
            };
            requestAnimationFrame((t) => {
              last = t;
              requestAnimationFrame(tick);
            });
          });
          const seconds = (performance.now() - t0) / 1000;
          grid.update = update;
          return { deltas, work, seconds, maxCells, imagesPassed: Number.parseInt(firstLabel(), 10) - startAt };
        },
        { step, frames },
      );

    const measure = async (step: number, frames: number, name = ''): Promise<Run> => {
      if (name && TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const r = await run(step, frames);
      if (name && TRACE) traceSummary(name, JSON.parse((await browser.stopTracing()).toString('utf8')));
      const dropped = r.deltas.reduce((n, d) => n + Math.max(0, Math.round(d / FRAME_MS) - 1), 0);
      return {
        frames: r.deltas.length,
        seconds: r.seconds,
        median: median(r.deltas),
        p95: p95(r.deltas),
        dropped,
        maxCells: r.maxCells,
        imagesPassed: r.imagesPassed,
        work: r.work.length ? [median(r.work), p95(r.work)] : [0, 0],
      };
    };

    const idle = await measure(0, 120);
    // A reading pace: 60 px a frame (3,600 px/s, about two rows a second at 1280 px).
    // GRID_BENCH_ONLY=fling (or =reading) runs only that one, with the idle baseline.
    const only = process.env.GRID_BENCH_ONLY ?? '';
    const skipped: Run = {
      frames: 0,
      seconds: 1,
      median: 0,
      p95: 0,
      dropped: 0,
      maxCells: 0,
      imagesPassed: 0,
      work: [0, 0],
    };
    const steady = only === 'fling' ? skipped : await measure(60, 600, 'reading pace');
    // A fling: 2,000 px a frame, past all 10,000 images in about three seconds.
    const fling = only === 'reading' ? skipped : await measure(2000, 180, 'fling');
    const line = (name: string, r: Run) =>
      console.log(
        `${name.padEnd(58)} ${(r.frames / r.seconds).toFixed(1)} fps, ${r.dropped} of ${r.frames} frames dropped, ` +
          `interval median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, ` +
          `${(r.median / idle.median).toFixed(2)}x idle; render + layout ${r.work[0].toFixed(1)} ms median, ` +
          `${r.work[1].toFixed(1)} ms p95; at most ${r.maxCells} cells in the DOM, ${r.imagesPassed} images passed`,
      );
    console.log('\n## Review grid, 10,000 images, 1280x800 (headless Chromium)');
    line('idle (baseline: nothing scrolls)', idle);
    line('scrolling 60 px a frame (reading pace)', steady);
    line('scrolling 2,000 px a frame (fling, whole dataset)', fling);
    const fps = steady.frames / steady.seconds;
    console.log(`${'target: 60 fps while scrolling'.padEnd(58)} ${fps >= 57 ? 'ok' : 'UNDER TARGET'}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
