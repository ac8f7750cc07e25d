// Bundles the extension-host mocha suite for a real VS Code: every test/integration/suite/**/*.test.ts becomes
// out/integration/suite/<same path>.test.js (cjs, node, `vscode` and `mocha` left to the host / node_modules),
// and suite/index.ts becomes out/integration/index.js, the runner whose run() the extension host calls
// (the @vscode/test-electron shape). Used by runInCodeServer.mjs and by `npm run test:electron` (.vscode-test.mjs).
import * as esbuild from 'esbuild';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeImage } from '../../scripts/lib/makeImages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the compiled suite lands; extensionTestsPath points at OUT_DIR/index.js. */
export const OUT_DIR = join(ROOT, 'out/integration');
const SUITE_DIR = join(ROOT, 'test/integration/suite');

/** The suite's test files, relative to test/integration/suite. */
export function suiteFiles() {
  return readdirSync(SUITE_DIR, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
}

/**
 * Bundles the runner and every suite file into `outDir` (default out/integration/); returns the runner's path.
 * The folder must sit inside the repo so the runner's require('mocha') finds node_modules.
 */
export async function buildSuite(outDir = OUT_DIR) {
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = { index: join(SUITE_DIR, 'index.ts') };
  for (const f of suiteFiles()) entryPoints[join('suite', f.replace(/\.ts$/, ''))] = join(SUITE_DIR, f);
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}

/**
 * The folder the suite's VS Code opens (its workspaceFolders[0]): a fresh temp folder holding images/ with three
 * generated PNGs (gen_1.png … gen_3.png). Tests that change files should still make their own temp copies.
 */
export function makeSuiteWorkspace() {
  const ws = mkdtempSync(join(tmpdir(), 'lora-it-ws-'));
  for (let i = 1; i <= 3; i++) writeImage(join(ws, 'images', `gen_${i}.png`), 48 + i * 8, 40 + i * 4, i);
  return ws;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runner = await buildSuite();
  console.log(`built ${suiteFiles().length} suite file(s) and ${relative(ROOT, runner)}`);
}
