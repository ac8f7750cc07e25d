// Configuration for @vscode/test-cli (`npm run test:electron`): the same extension-host suite that
// `npm run test:integration` runs in code-server, here in a desktop VS Code that test-electron downloads
// (so it works only where Microsoft's update servers are reachable; `npm test` uses the offline host instead).
// Loading this file builds the extension and bundles test/integration/suite/**/*.test.ts to out/integration/.
import { spawnSync } from 'node:child_process';
import { defineConfig } from '@vscode/test-cli';
import { buildSuite, makeSuiteWorkspace } from './test/integration/build.mjs';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0)
  throw new Error('`node esbuild.mjs` failed: the extension does not build, so there is nothing to test.');
await buildSuite();

export default defineConfig({
  label: 'integration',
  files: 'out/integration/suite/**/*.test.js',
  version: 'stable',
  extensionDevelopmentPath: '.',
  workspaceFolder: makeSuiteWorkspace(),
  // Other installed extensions stay out of the way; workspace trust would block the extension (it needs trust).
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60_000, slow: 5_000 },
});
