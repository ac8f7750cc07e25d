// The shared real-image fixtures (../shared/fixtures/real-images beside the checkout) and the one rule every test
// layer uses when they are absent: say why, and skip. Each layer passes its repository root, since the integration
// suite runs bundled inside the extension host, where this file's own location is not the repository's.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the real images are expected for the checkout at `repoRoot` (whether or not they exist). */
export function realImagesPath(repoRoot) {
  return resolve(repoRoot, '..', 'shared', 'fixtures', 'real-images');
}

/** The real images folder, or undefined when this machine has none. */
export function realImagesDir(repoRoot) {
  const dir = realImagesPath(repoRoot);
  return existsSync(dir) ? dir : undefined;
}

/** In a mocha `function ()` test or hook: returns the real images folder, or prints why and skips when absent. */
export function skipWithoutRealImages(ctx, repoRoot) {
  const dir = realImagesDir(repoRoot);
  if (!dir) {
    console.log(`    (skipped: ${realImagesPath(repoRoot)} is absent on this machine)`);
    ctx.skip();
  }
  return dir;
}

// The find-and-replace tests' dataset (the webview and integration layers caption their images with it) and the
// query they start from: "red hair" to "auburn hair", whole tags, the trigger word kept, over all images.
/** Five captions: three hold the tag "red hair", one other tags only, one the trigger word alone. */
export const FIND_REPLACE_CAPTIONS = Object.freeze([
  'ohwx, red hair, smile',
  'ohwx, blue eyes',
  'ohwx, red hair',
  'ohwx, red hair, hat',
  'ohwx',
]);

/** A findReplace/preview or apply query: "red hair" to "auburn hair" in whole tags of all images, with `more` over it. */
export function findReplaceQuery(more = {}) {
  return {
    find: 'red hair',
    replace: 'auburn hair',
    regex: false,
    wholeTags: true,
    caseSensitive: false,
    protectTrigger: true,
    scope: 'all',
    ...more,
  };
}
