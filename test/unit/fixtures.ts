/** The real fixture images for the unit tests, located and skipped by the rule every test layer shares. */
import { join } from 'node:path';
import { realImagesPath, skipWithoutRealImages } from '../fixtures.mjs';

const REPO_ROOT = join(__dirname, '..', '..');

/** `../shared/fixtures/real-images` beside the checkout (absent on a fresh clone elsewhere). */
export const REAL_IMAGES = realImagesPath(REPO_ROOT);

/** Skips the calling suite or test, saying why, when the real images are absent. */
export function needRealImages(ctx: Mocha.Context): void {
  skipWithoutRealImages(ctx, REPO_ROOT);
}
