/** The decode worker bundled the way esbuild.mjs bundles dist/decodeWorker.js, so tests run what the extension runs. */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharpWasmPlugin, writeSharpWasm } from '../../../../scripts/lib/imageLibraryBuild.mjs';

const WORKER_SRC = join(__dirname, '..', '..', '..', '..', 'src', 'extension', 'dataset', 'images', 'decodeWorker.ts');

/** Bundles the worker, with the image library's WebAssembly build beside it, into a temp folder. */
export async function bundleDecodeWorker(): Promise<{ script: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'lora-worker-'));
  const script = join(out, 'decodeWorker.js');
  await build({ entryPoints: [WORKER_SRC], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, plugins: [sharpWasmPlugin], logLevel: 'warning' });
  await writeSharpWasm(out);
  return { script, remove: () => rmSync(out, { recursive: true, force: true }) };
}
