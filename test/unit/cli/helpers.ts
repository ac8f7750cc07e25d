/**
 * Helpers of the command-line tests: the CLI bundled as esbuild.mjs bundles dist/cli.js (and dist/decodeWorker.js
 * beside it), run as a child process; temp copies of the real fixture images; a snapshot of a folder tree.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { sharpWasmPlugin, writeSharpWasm } from '../../../scripts/lib/imageLibraryBuild.mjs';
import { onnxRuntimePlugin, writeOnnxRuntime } from '../../../scripts/lib/onnxRuntimeBuild.mjs';
import { REAL_IMAGES } from '../fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const made: string[] = [];
let built: Promise<string> | undefined;
const SHEBANG = '#!/usr/bin/env node';

after(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the run. */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `lora-cli-${tag}-`));
  made.push(d);
  return d;
}

/**
 * Bundles src/cli/main.ts and the decode worker into a temp folder with esbuild.mjs's options for dist/cli.js
 * (node, cjs, node20, the shebang banner, the image library's WebAssembly build beside them), once per run. A
 * folder of its own: another build of dist/ in a shared checkout cannot swap the file under a running test.
 */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const out = tempDir('bundle');
    const options: BuildOptions = {
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outdir: out,
      plugins: [sharpWasmPlugin, onnxRuntimePlugin],
      logLevel: 'warning',
    };
    const entries = [
      'src/cli/main.ts',
      'src/extension/dataset/images/decodeWorker.ts',
      'src/extension/dataset/captioning/wd/wdWorker.ts',
    ];
    const [cli, worker, tagger] = entries.map((p) => join(ROOT, p));
    await Promise.all([
      build({ ...options, entryPoints: { cli: cli! }, banner: { js: SHEBANG } }),
      build({ ...options, entryPoints: { decodeWorker: worker!, wdWorker: tagger! } }),
      writeSharpWasm(out),
    ]);
    await writeOnnxRuntime(out);
    return join(out, 'cli.js');
  })();
  return built;
}

/** What one run of the CLI printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cliCache: string | undefined;

/** Runs the bundled CLI with `args` in `cwd` (pipes, so neither stream is a terminal). */
export async function runCli(args: readonly string[], cwd: string): Promise<CliRun> {
  const cli = await buildCli();
  return new Promise((resolve, reject) => {
    // The check's facts cache goes to a temp folder of the run, never the user's cache folder.
    cliCache ??= tempDir('cache');
    const env = { ...process.env, LORA_TAGGER_CACHE: cliCache };
    const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses stdout as exactly one JSON document (JSON.parse of the whole text fails on anything more or less). */
export function json<T = unknown>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch (err) {
    const why = (err as Error).message;
    throw new Error(`stdout is not one JSON document (${why}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** Copies real fixture images (paths relative to REAL_IMAGES) into `<new temp>/<folder>/`, writable; returns it. */
export function copyRealImages(files: readonly string[], folder = 'images'): string {
  const dir = join(tempDir('src'), folder);
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const to = join(dir, basename(f));
    copyFileSync(join(REAL_IMAGES, f), to);
    chmodSync(to, 0o644);
  }
  return dir;
}

/** Every file and folder under `dir` with its size, modification time and content hash: equal means untouched. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = join(dir, rel);
    const st = statSync(p);
    const hash = st.isFile() ? createHash('sha1').update(readFileSync(p)).digest('hex') : 'dir';
    out[relative(dir, p)] = `${st.size} ${st.mtimeMs} ${hash}`;
  }
  return out;
}
