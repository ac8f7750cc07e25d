// What run.mjs sets up for every test file: the browser, the server, and shortcuts to the harness helpers.
import { datasetView, imageView, openPanel } from './harness.mjs';

/** The shared browser and server. */
export function harness() {
  return globalThis.webviewHarness;
}

/** n generated images with the given captions (cycled through the six generated files). */
export function images(captions) {
  return captions.map((c, i) =>
    imageView(`test_${String(i + 1).padStart(4, '0')}.png`, `/img/img_${(i % 6) + 1}.png`, c),
  );
}

/** Opens the panel on a dataset built from captions (and DatasetView overrides). */
export async function open(captions, extra = {}, opts = {}) {
  const { browser, server } = harness();
  const ds = datasetView(images(captions), extra);
  return openPanel(browser, server, ds, opts);
}

/** After a test: fails it if its page hit the CSP, then closes the page (nothing when no page was opened). */
export async function checkAndClose(p) {
  if (!p) return;
  await assertNoCspViolations(p);
  await p.context().close();
}

/** Fails the test when the page hit the CSP (an inline style, a stray script). */
export async function assertNoCspViolations(p) {
  const v = await p.evaluate(() => window.__csp);
  if (v.length) throw new Error(`CSP violations: ${v.join(' | ')}`);
}
