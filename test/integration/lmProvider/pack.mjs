// Packs the test language-model provider (extension.js bundled with jpeg-js, its package.json) as a .vsix in
// `outDir`, for code-server's --install-extension: the web workbench loads only one development extension.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Builds the .vsix and returns its path. */
export async function packTestProvider(outDir) {
  const dir = join(outDir, 'lm-provider');
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(here, 'extension.js')],
    outfile: join(dir, 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'package.json'), join(dir, 'package.json'));
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  writeFileSync(join(dir, 'README.md'), 'A language-model provider for the integration tests.\n');
  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  const vsix = join(outDir, 'test-vision-model.vsix');
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix],
    { cwd: dir, stdio: 'pipe' },
  );
  return vsix;
}
