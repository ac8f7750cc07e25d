// Accessibility and contrast in VS Code's four themes (issue 10, items 4 and 5): axe-core 4.11 on every view
// (tagging, report, shortcut overlay, filtered, review grid, editing in it, suggestions open) fails on any serious or critical violation; the
// controls VS Code's own views outline in High Contrast (buttons when hovered or focused, chips, the trigger chip,
// palette rows on the image, the selected suggestion) stay readable and distinct, measured on their computed colours.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness, checkAndClose } from './context.mjs';
import { datasetView, imageView, openPanel, repoRoot } from './harness.mjs';
import { THEME_LABELS } from './themes.mjs';

const AXE = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const THEMES = Object.keys(THEME_LABELS);

/** A small dataset with everything the views show: tags on and off the image, pinned, recent, categories, an untagged image. */
async function openThemed(theme, opts = {}) {
  const { browser, server } = harness();
  const caps = ['', 'ohwx, red hair, smile, freckles', 'ohwx, smile', 'ohwx, blue eyes'];
  const ims = caps.map((c, i) =>
    imageView(`t_${i + 1}.png`, `/img/img_${i + 1}.png`, c, { favourite: i === 1, machine: i === 2 }),
  );
  const ds = datasetView(ims, {
    knownTags: ['red hair', 'smile', 'freckles', 'blue eyes', 'long hair', 'outdoors'],
    pinnedTags: ['smile', 'red hair'],
    recentTags: ['freckles', 'smile'],
    categories: [{ name: 'Hair', tags: ['red hair', 'long hair'] }],
    currentIndex: 1,
    ...opts,
  });
  return openPanel(browser, server, ds, { theme });
}

/**
 * Runs axe-core in the page (injected through the debugging protocol, which the page's CSP does not govern). axe
 * adds <style> elements of its own, which the CSP refuses: those reports (from the injected script, which has no
 * URL) are dropped, the panel's own (from /dist/webview.js) are kept for checkAndClose.
 */
async function axe(p) {
  await p.evaluate(AXE);
  const result = await p.evaluate(() =>
    window.axe.run(document, {
      resultTypes: ['violations'],
      // label-content-name-mismatch is "experimental" in axe 4.11 and off by default: the issue found it, so run it.
      rules: { 'label-content-name-mismatch': { enabled: true } },
    }),
  );
  await p.evaluate(() => (window.__csp = window.__csp.filter((v) => !/ at :\d+:\d+$/.test(v))));
  return result;
}

const serious = (r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
const describeViolations = (vs) =>
  vs
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' > ')}: ${n.failureSummary?.split('\n')[1]?.trim()}`).join(' | ')}`,
    )
    .join('\n');

/** Relative luminance contrast of two CSS colours (rgb/rgba; alpha composited over `under`). */
function contrast(fg, bg, under = [255, 255, 255]) {
  const parse = (c, base) => {
    // rgb(0-255 …) or, for color-mix(), color(srgb 0-1 …).
    const k = c.startsWith('color(') ? 255 : 1;
    const [r, g, b, a = 1] = c
      .match(/[\d.]+/g)
      .map(Number)
      .map((v, i) => (i < 3 ? v * k : v));
    return [r, g, b].map((v, i) => v * a + base[i] * (1 - a));
  };
  const bgc = parse(bg, under);
  const fgc = parse(fg, bgc);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [l1, l2] = [lum(fgc), lum(bgc)].sort((a, b) => b - a);
  return (l1 + 0.05) / (l2 + 0.05);
}

/** The colours that show of an element: its text, and the first opaque background up its ancestors. */
function colours(locator) {
  return locator.evaluate((el) => {
    const cs = getComputedStyle(el);
    let bg = 'rgba(0, 0, 0, 0)';
    for (let n = el; n; n = n.parentElement ?? n.getRootNode().host) {
      const b = getComputedStyle(n).backgroundColor;
      if (!/rgba\(.*, 0\)$/.test(b)) {
        bg = b;
        break;
      }
    }
    return {
      color: cs.color,
      bg,
      outline: `${cs.outlineStyle} ${cs.outlineColor}`,
      border: `${cs.borderTopStyle} ${cs.borderTopColor}`,
      borderWidth: cs.borderTopWidth,
    };
  });
}

const VIEWS = {
  tagging: async () => {},
  report: async (p) => {
    await p.getByRole('button', { name: 'Report', exact: true }).click();
    await p.getByRole('button', { name: 'Copy as Markdown', exact: true }).waitFor();
  },
  overlay: async (p) => {
    await p.keyboard.press('Shift+F1');
    await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  },
  filtered: async (p) => {
    await p.getByRole('textbox', { name: 'Filter tags', exact: true }).fill('hai');
    await p.getByRole('button', { name: 'Previous image', exact: true }).click();
    await p.evaluate(() => window.loraTagger.store.setImageFilter('untagged', ''));
    await p.getByText('1 of 4 images').waitFor();
  },
  grid: async (p) => {
    await p.keyboard.press('Alt+g');
    await p.getByRole('list', { name: 'Review grid' }).waitFor();
    await p.locator('review-grid .canvas[data-columns]').waitFor();
    await p.keyboard.press('Shift+ArrowRight');
  },
  gridEditing: async (p) => {
    await p.keyboard.press('Alt+g');
    await p.locator('review-grid .canvas[data-columns]').waitFor();
    await p.keyboard.press('Enter');
    await p.getByRole('textbox', { name: 'Caption of t_2.png' }).waitFor();
  },
  suggestions: async (p) => {
    const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
    await input.pressSequentially('e');
    await p.getByRole('option').first().waitFor();
    await input.press('ArrowDown');
    await p.locator('add-tag-input li[aria-selected="true"]').waitFor();
  },
};

describe('accessibility in the four themes (axe-core)', function () {
  this.timeout(60_000);
  let p;
  afterEach(async () => {
    await checkAndClose(p);
    p = undefined;
  });

  for (const theme of THEMES) {
    it(`${THEME_LABELS[theme]}: no serious or critical axe violation in any view`, async () => {
      const found = [];
      for (const [view, show] of Object.entries(VIEWS)) {
        p = await openThemed(theme);
        await show(p);
        const bad = serious(await axe(p));
        if (bad.length) found.push(`${view}:\n${describeViolations(bad)}`);
        await checkAndClose(p);
        p = undefined;
      }
      assert.deepEqual(found, [], found.join('\n\n'));
    });

    it(`${THEME_LABELS[theme]}: every button stays readable when hovered and when focused`, async () => {
      p = await openThemed(theme);
      const check = async (name) => {
        const b = p.getByRole('button', { name, exact: true });
        for (const how of ['hover', 'focus']) {
          await (how === 'hover' ? b.hover() : b.focus());
          const c = await colours(b);
          const ratio = contrast(c.color, c.bg);
          assert.ok(ratio >= 4.5, `${name}, ${how}: ${c.color} on ${c.bg} is ${ratio.toFixed(2)}:1`);
          if (theme.startsWith('hc') && how === 'hover')
            assert.match(c.outline, /dashed/, `${name} is outlined on hover, as in VS Code`);
        }
        await p.mouse.move(0, 0);
      };
      for (const name of ['Open caption beside', 'Check dataset', 'Export dataset', 'Report']) await check(name);
      await p.getByRole('button', { name: 'Report', exact: true }).click();
      for (const name of ['Tagging', 'Back to tagging', 'Copy as Markdown']) await check(name);
    });

    it(`${THEME_LABELS[theme]}: chips, the trigger chip, palette rows on the image and the selected suggestion stand out`, async () => {
      p = await openThemed(theme, { currentIndex: 3 });
      const page = await colours(p.locator('tag-palette .viewport'));
      // Pinned and recent chips not on the image: their outline against the page, 3:1 (WCAG 1.4.11).
      const off = await colours(p.getByRole('button', { name: 'Pinned 1: smile' }));
      const [borderStyle, ...borderRgb] = off.border.split(' ');
      assert.equal(borderStyle, 'solid');
      assert.ok(contrast(borderRgb.join(' '), page.bg) >= 3, `an off chip's border ${off.border} on ${page.bg}`);
      // The trigger chip differs from the others by more than its icon.
      const trig = await colours(p.getByRole('listitem', { name: 'ohwx' }));
      const other = await colours(p.getByRole('listitem', { name: 'blue eyes' }));
      assert.notDeepEqual(
        [trig.bg, trig.border, trig.borderWidth],
        [other.bg, other.border, other.borderWidth],
        'the trigger chip looks like the others',
      );
      // A palette row of a tag on the image: a background or (High Contrast) an outline.
      const palette = p.getByRole('list', { name: 'Tag palette', exact: true });
      const on = await colours(palette.getByRole('button', { name: 'blue eyes', exact: true }));
      const offRow = await colours(palette.getByRole('button', { name: 'outdoors', exact: true }));
      assert.ok(
        on.bg !== offRow.bg || /dotted|solid/.test(on.outline),
        `a tag on the image is marked: ${JSON.stringify(on)}`,
      );
      // The selected suggestion's secondary text ("1 in dataset") is readable on the selected row.
      const input = p.getByRole('textbox', { name: 'Add tag', exact: true });
      await input.pressSequentially('ou');
      await p.getByRole('option').first().waitFor();
      await input.press('ArrowDown');
      const src = await colours(p.locator('add-tag-input li[aria-selected="true"] .src'));
      assert.ok(
        contrast(src.color, src.bg) >= 4.5,
        `the selected suggestion's "in dataset" text: ${src.color} on ${src.bg}`,
      );
    });
  }
});
