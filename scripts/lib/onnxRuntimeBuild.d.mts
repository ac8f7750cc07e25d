import type { Plugin } from 'esbuild';

/** The folder beside the bundles that holds ONNX Runtime. */
export const ORT_DIR: string;
/** esbuild plugin: `onnxruntime-web` resolves to the copy in ./onnxruntime-web/ at run time. */
export const onnxRuntimePlugin: Plugin;
/** Copies ONNX Runtime's Node build into `<outdir>/onnxruntime-web/`. */
export function writeOnnxRuntime(outdir: string): Promise<void>;
