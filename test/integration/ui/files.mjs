// The files side of the workbench UI tests: temp folders, generated and real images, and waitFor (poll until a
// condition a person would see holds). workbench.mjs drives the workbench itself.
//
//   makeTempFolder(prefix?) -> path              a fresh folder under the OS temp dir, removed by close()/removeTempFolders()
//   writeImages(dir, count, { width?, height?, jpgEvery?, prefix? }) -> paths   distinct generated PNG/JPEGs
//   realImagesDir() -> path | undefined          ../shared/fixtures/real-images beside the repo
//   copyRealImages(mochaContext, subdir?, dest?) -> path   copies the fixtures; skips the test with a printed reason
//                                                when they are absent (call it with `this` in a `function ()`)
//   waitFor(fn, { timeout?, interval?, what? })  polls until fn() is truthy and returns it
//   removeTempFolders()                          removes every folder makeTempFolder made
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/vscodeHost.mjs';
import { writeImage } from '../../../scripts/lib/makeImages.mjs';
import { realImagesDir as sharedRealImagesDir, skipWithoutRealImages } from '../../fixtures.mjs';

const temps = [];

/** A fresh empty folder under the OS temp dir; removed by Workbench.close() or removeTempFolders(). */
export function makeTempFolder(prefix = 'lora-ui-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Removes every folder makeTempFolder created. */
export function removeTempFolders() {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes `count` distinct images into `dir` (img_01.png …; every `jpgEvery`-th a .jpg); returns their paths. */
export function writeImages(dir, count, { width = 96, height = 72, jpgEvery = 0, prefix = 'img_' } = {}) {
  const out = [];
  for (let i = 1; i <= count; i++) {
    const ext = jpgEvery && i % jpgEvery === 0 ? 'jpg' : 'png';
    out.push(writeImage(join(dir, `${prefix}${String(i).padStart(2, '0')}.${ext}`), width + i * 4, height + i * 2, i));
  }
  return out;
}

/** ../shared/fixtures/real-images beside the repo, or undefined when this machine has none. */
export function realImagesDir() {
  return sharedRealImagesDir(REPO_ROOT);
}

/**
 * Copies the shared real images (all, or `subdir` such as 'photos') into `dest` (default: a new temp folder).
 * When they are absent, prints why and skips the test: pass mocha's `this` from a `function ()` test or hook.
 */
export function copyRealImages(ctx, subdir = '', dest = makeTempFolder('lora-real-')) {
  const src = skipWithoutRealImages(ctx, REPO_ROOT);
  cpSync(join(src, subdir), dest, { recursive: true });
  return dest;
}

/** Polls `fn` until it returns something truthy (returned), or throws after `timeout` ms naming `what`. */
export async function waitFor(fn, { timeout = 15000, interval = 150, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message ?? last}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits until `read()` gives the same non-empty answer twice in a row (a list filled asynchronously has settled). */
export async function waitSettled(read, { timeout, what = 'a list to settle' } = {}) {
  let last;
  return waitFor(
    async () => {
      const now = JSON.stringify(await read());
      const settled = now === last && now !== '[]';
      last = now;
      return settled && JSON.parse(now);
    },
    { timeout, what },
  );
}
