// How ONNX Runtime (onnxruntime-web, its WebAssembly build for Node) ships: not inside the host bundles, but in
// dist/onnxruntime-web/ beside them: its Node entry bundled with onnxruntime-common, the Emscripten glue it imports
// from its own folder, and the .wasm; the bundles load it from there. One copy serves every platform.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('onnxruntime-web'));
const FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** The folder beside the bundles that holds ONNX Runtime. */
export const ORT_DIR = 'onnxruntime-web';

/** esbuild plugin: `onnxruntime-web` resolves to the copy in ./onnxruntime-web/ at run time. */
export const onnxRuntimePlugin = {
  name: 'onnxruntime-web-beside',
  setup(build) {
    build.onResolve({ filter: /^onnxruntime-web$/ }, () => ({ path: `./${ORT_DIR}/ort.node.min.js`, external: true }));
  },
};

/** Copies ONNX Runtime's Node build into `<outdir>/onnxruntime-web/`. */
export async function writeOnnxRuntime(outdir) {
  const dir = join(outdir, ORT_DIR);
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(dist, 'ort.node.min.js')],
    outfile: join(dir, 'ort.node.min.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  for (const f of FILES) copyFileSync(join(dist, f), join(dir, f));
}
