/**
 * One WD tagger model loaded in ONNX Runtime (the WebAssembly build, onnxruntime-web, which runs the same on every
 * platform the extension host runs on): its folder read and checked, the image preprocessed and scored. Runs on
 * the calling thread; wdEngine.ts runs it in a worker thread for the extension and the command line.
 */
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import type { InferenceSession as Session } from 'onnxruntime-web';
import { describeError, errorCode } from '../../io/fsLike';
import { parseSelectedTags, type WdLabel } from './wdTags';
import { wdInput } from './wdPreprocess';

/** The files a WD model folder holds. */
export const WD_MODEL_FILE = 'model.onnx';
export const WD_TAGS_FILE = 'selected_tags.csv';

const TAGS_LIMIT = 64 * 1024 * 1024;

/** What a loaded model tells its users. */
export interface WdModelInfo {
  /** The model folder's name (recorded in the provenance). */
  name: string;
  /** The side of the square input, e.g. 448. */
  size: number;
  labels: WdLabel[];
}

type Ort = typeof import('onnxruntime-web');
let ortLoaded: Ort | undefined;

async function ort(): Promise<Ort> {
  if (!ortLoaded) {
    const mod = (await import('onnxruntime-web')) as unknown as { default?: Ort } & Ort;
    ortLoaded = mod.default ?? mod;
    // ONNX Runtime's own WebAssembly threads; one core is left for the extension host and the image decode.
    ortLoaded.env.wasm.numThreads = Math.max(1, Math.min(4, availableParallelism() - 1));
  }
  return ortLoaded;
}

/** The ONNX Runtime version and backend, for the bench and the log. */
export async function runtimeInfo(): Promise<string> {
  const o = await ort();
  return `onnxruntime-web ${o.env.versions.web ?? o.env.versions.common ?? '?'} (WebAssembly, ${o.env.wasm.numThreads} threads)`;
}

/** A WD tagger model ready to score images. */
export class WdModel {
  private constructor(
    readonly info: WdModelInfo,
    private readonly session: Session,
    private readonly ortModule: Ort,
  ) {}

  /** Loads `model.onnx` and `selected_tags.csv` from a folder; throws an Error saying what is wrong and what to do. */
  static async load(folder: string): Promise<WdModel> {
    const modelPath = join(folder, WD_MODEL_FILE);
    const tagsPath = join(folder, WD_TAGS_FILE);
    const labels = parseSelectedTags(await readSmall(tagsPath, folder), tagsPath);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(modelPath);
    } catch (err) {
      throw new Error(missing(modelPath, folder, err));
    }
    const o = await ort();
    let session: Session;
    try {
      session = await o.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new Error(
        `ONNX Runtime could not load ${modelPath}: ${describeError(err)}. Is it a complete download of a WD tagger's model.onnx?`,
      );
    }
    const input = session.inputMetadata[0];
    const output = session.outputMetadata[0];
    const dims = input && input.isTensor ? input.shape : [];
    const size = Number(dims[1]);
    if (session.inputNames.length !== 1 || dims.length !== 4 || dims[2] !== dims[1] || dims[3] !== 3 || !(size > 0)) {
      await session.release();
      throw new Error(
        `${modelPath} does not take one image as [batch, size, size, 3] (it takes ${JSON.stringify(dims)}), so it is not a WD tagger.`,
      );
    }
    const outDims = output && output.isTensor ? output.shape : [];
    const tags = Number(outDims[outDims.length - 1]);
    if (Number.isFinite(tags) && tags > 0 && tags !== labels.length) {
      await session.release();
      throw new Error(
        `${modelPath} scores ${tags} tags but ${tagsPath} lists ${labels.length}: the two files are from different models.`,
      );
    }
    return new WdModel({ name: basename(folder), size, labels }, session, o);
  }

  /** The model's probabilities for one image file's bytes (one per label). */
  async score(image: Uint8Array): Promise<Float32Array> {
    const pixels = await wdInput(image, this.info.size);
    return this.run(pixels);
  }

  /** session.run on one preprocessed image (the bench compares the whole pipeline with this alone). */
  async run(pixels: Float32Array): Promise<Float32Array> {
    const s = this.info.size;
    const feeds = { [this.session.inputNames[0]!]: new this.ortModule.Tensor('float32', pixels, [1, s, s, 3]) };
    const result = await this.session.run(feeds);
    const out = result[this.session.outputNames[0]!];
    if (!out || !(out.data instanceof Float32Array)) throw new Error(`the model's output is not float32 scores`);
    if (out.data.length !== this.info.labels.length) {
      throw new Error(`the model returned ${out.data.length} scores for ${this.info.labels.length} tags`);
    }
    return out.data;
  }

  /** Frees the session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

async function readSmall(file: string, folder: string): Promise<string> {
  try {
    const st = await stat(file);
    if (st.size > TAGS_LIMIT)
      throw new Error(`${file} is ${Math.round(st.size / 2 ** 20)} MB, far larger than a tag list`);
    return await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === undefined && err instanceof Error) throw err;
    throw new Error(missing(file, folder, err));
  }
}

function missing(file: string, folder: string, err: unknown): string {
  if (errorCode(err) === 'ENOENT') {
    return `${file} does not exist. A WD model folder holds ${WD_MODEL_FILE} and ${WD_TAGS_FILE} (download both from the model's Hugging Face page, e.g. SmilingWolf/wd-vit-tagger-v3), and ${folder} lacks one.`;
  }
  return `Could not read ${file}: ${describeError(err)}.`;
}
