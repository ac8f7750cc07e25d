// Panel sizes, caption lengths and focus checks the layout, theme and accessibility tests share (issue 10).
import { harness } from './context.mjs';
import { datasetView, imageView, openPanel } from './harness.mjs';

/** The sizes of the done-when: [name, viewport, device scale]. 200% zoom is half the CSS pixels, twice as dense. */
export const SIZES = [
  ['360', { width: 360, height: 800 }, 1],
  ['600', { width: 600, height: 800 }, 1],
  ['900', { width: 900, height: 800 }, 1],
  ['1400', { width: 1400, height: 900 }, 1],
  ['docked-1280x400', { width: 1280, height: 400 }, 1],
  ['zoom-200', { width: 640, height: 400 }, 2],
];

const WORDS = ['red hair', 'freckles', 'smile', 'looking at viewer', 'outdoors', 'sunlight', 'blue eyes', 'long hair'];
/** n distinct tags, as a machine tagger gives them. */
export const tags = (n) =>
  Array.from({ length: n }, (_, i) => (i < WORDS.length ? WORDS[i] : `${WORDS[i % WORDS.length]} ${i}`));

/** A 2,000-character Flux caption: long sentences with commas inside, as a captioning model writes them. */
export const PROSE = Array.from(
  { length: 11 },
  (_, i) =>
    `ohwx woman ${i} sits by the window with a calm, steady gaze, soft light coming from low on the left, her hair ` +
    'partly covering her right eye, while the street below, wet from the rain, glows.',
).join(' ');

/** The four caption cases: [name, caption, style]. */
export const CAPTIONS = [
  ['0-tags', 'ohwx', 'tags'],
  ['30-tags', ['ohwx', ...tags(30)].join(', '), 'tags'],
  ['150-tags', ['ohwx', ...tags(150)].join(', '), 'tags'],
  ['prose', PROSE, 'natural'],
];

/** Opens the panel on a dataset whose first image has `caption`, with pinned and recent tags and many known tags. */
export async function openSized(caption, style, viewport, scale, theme = 'dark') {
  const { browser, server } = harness();
  const ims = [caption, 'ohwx, smile', '', 'ohwx, red hair'].map((c, i) =>
    imageView(`ohwx_${String(i + 1).padStart(4, '0')}.png`, `/img/img_${(i % 6) + 1}.png`, c, {
      width: 336 + i * 16,
      height: 240,
    }),
  );
  const ds = datasetView(ims, {
    title: 'ohwx woman: 4 images',
    captionStyle: style,
    knownTags: tags(160),
    pinnedTags: ['smile', 'red hair', 'freckles'],
    recentTags: ['outdoors', 'sunlight', 'smile', 'blue eyes'],
  });
  return openPanel(browser, server, ds, { theme, viewport, scale });
}

/**
 * Where the focus is, seen as a person would: the focused element (through shadow roots), its accessible name or
 * text, its box, whether it lies inside the viewport, and whether it is what is drawn at its centre.
 */
export function focusInfo(p) {
  return p.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return null;
    const r = el.getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    let hit = document.elementFromPoint(cx, cy);
    while (hit?.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(cx, cy);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    // What is drawn there is the element, a part of it, or (for a control inside a custom element) its host.
    const owns = (a, b) => {
      for (let n = b; n; n = n.parentNode ?? n.host) if (n === a) return true;
      return false;
    };
    const name =
      el.getAttribute('aria-label') ||
      el.closest?.('[aria-label]')?.getAttribute('aria-label') ||
      (el.textContent ?? '').trim().slice(0, 40) ||
      el.tagName;
    const host = el.getRootNode()?.host;
    return {
      name,
      id: `${host?.tagName ?? ''}>${el.tagName}:${name}`,
      box: { x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height) },
      inView:
        r.width >= 6 &&
        r.height >= 6 &&
        r.left >= -1 &&
        r.top >= -1 &&
        r.right <= innerWidth + 1 &&
        r.bottom <= innerHeight + 1,
      onTop: !!hit && (owns(el, hit) || owns(hit, el) || owns(host, hit)),
    };
  });
}

/** Presses Tab from the top of the page until the focus comes round again; returns every stop. */
export async function tabStops(p, max = 90) {
  await p.locator('body').click({ position: { x: 1, y: 1 } });
  await p.evaluate(() => document.activeElement?.blur());
  const stops = [];
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const f = await focusInfo(p);
    if (!f) continue;
    if (stops.length && f.id === stops[0].id) return stops;
    stops.push(f);
  }
  return stops;
}
