// Builds the bundles: the extension host (node/cjs), the tagging-panel webview (browser/esm) and the command line
// (dist/cli.js, node/cjs, the package's `lora-tagger` bin).
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, mkdirSync } from 'node:fs';
import { sharpWasmPlugin, writeSharpWasm } from './scripts/lib/imageLibraryBuild.mjs';
import { onnxRuntimePlugin, writeOnnxRuntime } from './scripts/lib/onnxRuntimeBuild.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Logs build results in the problem-matcher format VS Code's esbuild watch task understands. */
const reporter = {
  name: 'reporter',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? 'linked' : 'inline',
  sourcesContent: !production,
  logLevel: 'warning',
  plugins: watch ? [reporter] : [],
};

const host = await esbuild.context({
  ...common,
  entryPoints: {
    extension: 'src/extension/extension.ts',
    decodeWorker: 'src/extension/dataset/images/decodeWorker.ts',
    wdWorker: 'src/extension/dataset/captioning/wd/wdWorker.ts',
    vocabWorker: 'src/extension/dataset/vocabulary/vocabWorker.ts',
  },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  plugins: [...common.plugins, sharpWasmPlugin, onnxRuntimePlugin],
});

// The command line: the same engine without VS Code; it finds dist/decodeWorker.js beside itself.
const cli = await esbuild.context({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [
    ...common.plugins,
    sharpWasmPlugin,
    { name: 'executable', setup: (b) => b.onEnd(() => chmodSync('dist/cli.js', 0o755)) },
  ],
});

const webview = await esbuild.context({
  ...common,
  entryPoints: { webview: 'src/webview/main.ts' },
  outdir: 'dist',
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
});

// Codicons ship as a font + CSS; the webview loads them from dist/ under its CSP.
mkdirSync('dist/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);
// The image library's WebAssembly build, loaded by the host bundles from dist/sharp-wasm32/.
await writeSharpWasm('dist', { minify: production });
// ONNX Runtime's WebAssembly build, loaded by dist/wdWorker.js (the WD tagger) from dist/onnxruntime-web/.
await writeOnnxRuntime('dist');

if (watch) {
  await Promise.all([host.watch(), webview.watch(), cli.watch()]);
} else {
  await Promise.all([host.rebuild(), webview.rebuild(), cli.rebuild()]);
  await Promise.all([host.dispose(), webview.dispose(), cli.dispose()]);
}
