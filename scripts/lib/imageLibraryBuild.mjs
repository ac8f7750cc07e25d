// How the image library (sharp's WebAssembly build of libvips) is bundled: sharp's JavaScript goes into the host
// bundles, its WebAssembly build (an Emscripten glue script, which also runs its own pthread workers, and the .wasm)
// is copied to dist/sharp-wasm32/ beside them. Native builds of sharp are never loaded, so every platform runs
// the same code as the tests, from one .vsix. Used by esbuild.mjs and by the tests that bundle the decode worker.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const wasmPackage = dirname(require.resolve('@img/sharp-wasm32/package'));
const { version } = JSON.parse(readFileSync(join(wasmPackage, 'package.json'), 'utf8'));
const GLUE = `sharp-wasm32-${version}.node`;

/** The folder beside the bundles that holds the WebAssembly build. */
export const WASM_DIR = 'sharp-wasm32';

/** esbuild plugin: sharp's loader finds the WebAssembly build in ./sharp-wasm32/ and never a native one. */
export const sharpWasmPlugin = {
  name: 'sharp-wasm32-only',
  setup(build) {
    build.onResolve({ filter: /^@img\/sharp-wasm32\/sharp\.node$/ }, () => ({
      path: `./${WASM_DIR}/${GLUE}.js`,
      external: true,
    }));
    build.onResolve({ filter: /^@img\/sharp-[^/]+\/sharp\.node$/ }, (a) =>
      a.path.startsWith('@img/sharp-wasm32/') ? undefined : { path: a.path, namespace: 'not-shipped' },
    );
    build.onLoad({ filter: /.*/, namespace: 'not-shipped' }, (a) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`${a.path} is not shipped: the WebAssembly build is used`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
    // sharp first tries a build from source in its own folder; there is none in a bundle.
    build.onLoad({ filter: /[\\/]sharp[\\/]dist[\\/]sharp\.cjs$/ }, (a) => {
      const src = readFileSync(a.path, 'utf8');
      const out = src.replace(
        /require\(`\.\.\/src\/build\/Release\/[^`]*`\)/g,
        '(() => { throw Object.assign(new Error("no local build of sharp"), { code: "MODULE_NOT_FOUND" }); })()',
      );
      if (/build\/Release/.test(out))
        throw new Error(`${a.path} changed: update scripts/lib/imageLibraryBuild.mjs for this sharp version`);
      return { contents: out, loader: 'js' };
    });
  },
};

/** Writes the WebAssembly build into `<outdir>/sharp-wasm32/`: the glue bundled with its runtime, the .wasm, licences. */
export async function writeSharpWasm(outdir, { minify = false } = {}) {
  const dir = join(outdir, WASM_DIR);
  mkdirSync(dir, { recursive: true });
  // Bundled on its own (with @emnapi/runtime inside), since its pthread workers start this very file.
  await esbuild.build({
    entryPoints: [join(wasmPackage, 'lib', `${GLUE}.js`)],
    outfile: join(dir, `${GLUE}.js`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify,
    logLevel: 'warning',
  });
  copyFileSync(join(wasmPackage, 'lib', `${GLUE}.wasm`), join(dir, `${GLUE}.wasm`));
  copyFileSync(join(wasmPackage, 'LICENSE'), join(dir, 'LICENSE-sharp-wasm32'));
  copyFileSync(join(dirname(require.resolve('sharp')), '..', 'LICENSE'), join(dir, 'LICENSE-sharp'));
}

/** Bundles the decode worker as esbuild.mjs does, with the WebAssembly build beside it; returns the script's path. */
export async function bundleDecodeWorker(outdir) {
  const script = join(outdir, 'decodeWorker.js');
  const entry = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'src',
    'extension',
    'dataset',
    'images',
    'decodeWorker.ts',
  );
  await esbuild.build({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [sharpWasmPlugin],
    logLevel: 'warning',
  });
  await writeSharpWasm(outdir);
  return script;
}
