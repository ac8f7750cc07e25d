// Types of the harness exports that TypeScript callers (bench/*.bench.ts) use; the tests themselves are plain .mjs.
import type { Browser } from 'playwright-core';

/** The repository's root folder. */
export const repoRoot: string;
/** The shared real-image fixtures, read in place. */
export const realImagesDir: string;
/** Builds the webview bundle with the project's esbuild.mjs (the webview alone if the host side fails to build). */
export function buildWebview(): Promise<void>;
/** The harness server on 127.0.0.1: `/` the harness page, `/dist/` the build, `/img/` a temp folder (imgDir). */
export function startServer(): Promise<{ url: string; imgDir: string; close(): Promise<void> }>;
/** Launches Chromium headless with the flags that work on these machines. */
export function launchChromium(): Promise<Browser>;
