/** The decode worker bundled the way esbuild.mjs bundles dist/decodeWorker.js, so tests run what the extension runs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDecodeWorker as bundle } from '../../../../scripts/lib/imageLibraryBuild.mjs';

/** Bundles the worker, with the image library's WebAssembly build beside it, into a temp folder. */
export async function bundleDecodeWorker(): Promise<{ script: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'lora-worker-'));
  const script = await bundle(out);
  return { script, remove: () => rmSync(out, { recursive: true, force: true }) };
}
