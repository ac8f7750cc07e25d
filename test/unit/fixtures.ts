/** The real fixture images every unit test layer reads, and the one rule for skipping when they are absent. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `../shared/fixtures/real-images` beside the checkout (absent on a fresh clone elsewhere). */
export const REAL_IMAGES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'real-images');

/** Skips the calling suite or test, saying why, when the real images are absent. */
export function needRealImages(ctx: Mocha.Context): void {
  if (existsSync(REAL_IMAGES)) return;
  console.log(`    (skipped: ${REAL_IMAGES} is absent; these tests read the shared real images in place)`);
  ctx.skip();
}
