/**
 * Helpers for tests that run inside the VS Code extension host (test/integration/suite/**\/*.test.ts).
 * Mocha BDD (describe/it), 60 s timeout. The window's workspace folder (workspaceFolders[0]) is a fresh temp
 * folder holding images/gen_1.png … gen_3.png; tests that change files should work on their own temp copies.
 *
 *   EXTENSION_ID                       'lora-dataset-tagger.lora-dataset-tagger'
 *   activateExtension()                activates it (Extension.activate) and returns it
 *   repoRoot()                         the extension's folder (the repo, in development mode)
 *   realImagesDir()                    ../shared/fixtures/real-images, or undefined when absent
 *   skipWithoutRealImages(ctx)         in a mocha `function ()` body: prints why and skips when absent
 *   makeTempDir(prefix)                a fresh folder under the OS temp dir (removed by cleanupTempDirs)
 *   copyRealImages(subdir?, dest?)     copies the fixtures (or one subfolder) into a temp folder; returns its path
 *   writeGeneratedImages(dir, n, opts) writes n distinct generated PNG/JPEG images; returns their paths
 *   waitFor(fn, { timeout, interval, what })  polls until fn() is truthy; throws saying what never happened
 *   cleanupTempDirs()                  removes every folder makeTempDir made (call in `after`)
 *   captionChanges(posted)             the caption changes a panel posted, out of their `captions/changed` batches
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToWebview } from '../../../src/shared/protocol';
import { writeImage } from '../../../scripts/lib/makeImages.mjs';
import { realImagesDir as sharedRealImagesDir, skipWithoutRealImages as skipWithout } from '../../fixtures.mjs';

export const EXTENSION_ID = 'lora-dataset-tagger.lora-dataset-tagger';

/** Activates the extension and returns it. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`Extension ${EXTENSION_ID} is not loaded: is extensionDevelopmentPath the repo root?`);
  await ext.activate();
  return ext;
}

/** The repository root: the extension's own folder in development mode. */
export function repoRoot(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  return ext ? ext.extensionPath : path.resolve(__dirname, '../../..');
}

/** ../shared/fixtures/real-images beside the repo, or undefined when this machine has none. */
export function realImagesDir(): string | undefined {
  return sharedRealImagesDir(repoRoot());
}

/** Skips the current test (or hook) with a printed reason when the shared fixtures are absent. */
export function skipWithoutRealImages(ctx: Mocha.Context): string {
  return skipWithout(ctx, repoRoot());
}

const temps: string[] = [];

/** A fresh empty folder under the OS temp dir. */
export function makeTempDir(prefix = 'lora-it-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Copies the shared real images (all, or one subfolder such as 'photos') into `dest` (default: a new temp folder). */
export function copyRealImages(subdir = '', dest = makeTempDir('lora-real-')): string {
  const src = realImagesDir();
  if (!src)
    throw new Error('../shared/fixtures/real-images is absent: guard the test with skipWithoutRealImages(this).');
  fs.cpSync(path.join(src, subdir), dest, { recursive: true });
  return dest;
}

/** Writes `count` distinct images into `dir` (`img_01.png`…; every `jpgEvery`-th one a .jpg); returns their paths. */
export function writeGeneratedImages(
  dir: string,
  count: number,
  opts: { width?: number; height?: number; jpgEvery?: number; prefix?: string } = {},
): string[] {
  const { width = 64, height = 48, jpgEvery = 0, prefix = 'img_' } = opts;
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const ext = jpgEvery && i % jpgEvery === 0 ? 'jpg' : 'png';
    out.push(writeImage(path.join(dir, `${prefix}${String(i).padStart(2, '0')}.${ext}`), width + i, height + i, i));
  }
  return out;
}

/** Polls `fn` until it returns a truthy value (which it returns), or throws after `timeout` ms saying `what`. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeout = 10_000, interval = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Removes every folder makeTempDir created. */
export function cleanupTempDirs(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Every caption change the panel posted, taken out of its `captions/changed` batches, in the order sent. */
export function captionChanges(posted: readonly ToWebview[]): { file: string; text: string; rev: number }[] {
  return posted.flatMap((m) => (m.type === 'captions/changed' ? m.changes : []));
}
