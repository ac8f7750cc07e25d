import type { Plugin } from 'esbuild';
/** The folder beside the bundles that holds the WebAssembly build. */
export const WASM_DIR: string;
/** esbuild plugin: sharp's loader finds the WebAssembly build in ./sharp-wasm32/ and never a native one. */
export const sharpWasmPlugin: Plugin;
/** Writes the WebAssembly build into `<outdir>/sharp-wasm32/`. */
export function writeSharpWasm(outdir: string, opts?: { minify?: boolean }): Promise<void>;
/** Bundles the decode worker as esbuild.mjs does, with the WebAssembly build beside it; returns the script's path. */
export function bundleDecodeWorker(outdir: string): Promise<string>;
