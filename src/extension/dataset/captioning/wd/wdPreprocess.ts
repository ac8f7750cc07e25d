/**
 * The WD tagger's input, made exactly as kohya-ss/sd-scripts `finetune/tag_images_by_wd14_tagger.py`
 * (`preprocess_image`, read at commit 48d368fa557731ad0488c07304dfeba8c07910eb) and its `library/utils.py`
 * `resize_image` make it: transparency composited on white, RGB -> BGR, padded to a square with white (the odd
 * pixel at the right and bottom), resized to the model's input size with OpenCV's INTER_AREA when shrinking and
 * Lanczos when enlarging, as float32 NHWC values 0-255. Like that script, the EXIF orientation is not applied.
 *
 * The image library (sharp's WebAssembly build, through dataset/images/library.ts) decodes; the area resize is
 * ours, since libvips has no exact INTER_AREA.
 */
import type { Sharp, SharpOptions } from 'sharp';
import { library, MAX_PIXELS } from '../../images/library';

const OPTIONS: SharpOptions = { failOn: 'error', limitInputPixels: MAX_PIXELS };

/** An image as 8-bit RGB pixels, row by row. */
export interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes an image to RGB, compositing any transparency on white (the first frame of an animation). */
export async function decodeRgb(image: Uint8Array): Promise<Rgb> {
  const sharp = await library();
  let img: Sharp = sharp(image, OPTIONS);
  const meta = await img.metadata();
  if (meta.hasAlpha) img = img.flatten({ background: { r: 255, g: 255, b: 255 } });
  const { data, info } = await img
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`the image decoded to ${info.channels} channels, not RGB`);
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** The model input for one image: `size * size * 3` float32 values 0-255, BGR, rows top to bottom. */
export async function wdInput(image: Uint8Array, size: number): Promise<Float32Array> {
  return wdInputFromRgb(await decodeRgb(image), size);
}

/** wdInput after decoding: pad to a white square, resize, swap to BGR. */
export async function wdInputFromRgb(rgb: Rgb, size: number): Promise<Float32Array> {
  const side = Math.max(rgb.width, rgb.height);
  const padLeft = (side - rgb.width) >> 1;
  const padTop = (side - rgb.height) >> 1;
  const out = new Float32Array(size * size * 3);
  if (side >= size) {
    areaResize(rgb, side, padLeft, padTop, size, out);
  } else {
    const square = new Uint8Array(side * side * 3).fill(255);
    for (let y = 0; y < rgb.height; y++) {
      square.set(rgb.data.subarray(y * rgb.width * 3, (y + 1) * rgb.width * 3), ((y + padTop) * side + padLeft) * 3);
    }
    const sharp = await library();
    const raw = { width: side, height: side, channels: 3 as const };
    const up = await sharp(square, { raw }).resize(size, size, { kernel: 'lanczos3', fit: 'fill' }).raw().toBuffer();
    for (let i = 0; i < size * size; i++) {
      out[i * 3] = up[i * 3 + 2]!;
      out[i * 3 + 1] = up[i * 3 + 1]!;
      out[i * 3 + 2] = up[i * 3]!;
    }
  }
  return out;
}

/** For each output index: the first source index and the weights of the source pixels it covers (sum 1). */
interface AreaTable {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  offsets: Int32Array;
}

/** OpenCV's INTER_AREA weights for shrinking `from` samples to `to` (each output averages the span it covers). */
export function areaTable(from: number, to: number): AreaTable {
  const scale = from / to;
  const start = new Int32Array(to);
  const count = new Int32Array(to);
  const offsets = new Int32Array(to);
  const w: number[] = [];
  for (let d = 0; d < to; d++) {
    const s0 = d * scale;
    const s1 = s0 + scale;
    const first = Math.floor(s0);
    const last = Math.min(from - 1, Math.ceil(s1) - 1);
    start[d] = first;
    offsets[d] = w.length;
    for (let s = first; s <= last; s++) {
      const cover = Math.min(s1, s + 1) - Math.max(s0, s);
      if (cover > 1e-9) w.push(cover / scale);
      else if (s === first) start[d] = first + 1;
    }
    count[d] = w.length - offsets[d]!;
  }
  return { start, count, weights: Float64Array.from(w), offsets };
}

/** Area-resizes the image padded (virtually) to a white `side` square into `out` as BGR floats, rounded as uint8. */
function areaResize(rgb: Rgb, side: number, padLeft: number, padTop: number, size: number, out: Float32Array): void {
  const t = areaTable(side, size);
  const { width, height, data } = rgb;
  // Horizontal pass per source row (rows of padding are white); then the vertical pass over those rows.
  const rows = new Float32Array(height * size * 3);
  for (let y = 0; y < height; y++) {
    const rowBase = y * width * 3;
    for (let d = 0; d < size; d++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const o = t.offsets[d]!;
      for (let k = 0; k < t.count[d]!; k++) {
        const x = t.start[d]! + k - padLeft;
        const wt = t.weights[o + k]!;
        if (x < 0 || x >= width) {
          r += 255 * wt;
          g += 255 * wt;
          b += 255 * wt;
        } else {
          const p = rowBase + x * 3;
          r += data[p]! * wt;
          g += data[p + 1]! * wt;
          b += data[p + 2]! * wt;
        }
      }
      const q = (y * size + d) * 3;
      rows[q] = r;
      rows[q + 1] = g;
      rows[q + 2] = b;
    }
  }
  for (let d = 0; d < size; d++) {
    const o = t.offsets[d]!;
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < t.count[d]!; k++) {
        const y = t.start[d]! + k - padTop;
        const wt = t.weights[o + k]!;
        if (y < 0 || y >= height) {
          r += 255 * wt;
          g += 255 * wt;
          b += 255 * wt;
        } else {
          const p = (y * size + x) * 3;
          r += rows[p]! * wt;
          g += rows[p + 1]! * wt;
          b += rows[p + 2]! * wt;
        }
      }
      const q = (d * size + x) * 3;
      // OpenCV rounds to uint8 and the script then converts to float32: whole numbers, channel 0 is blue.
      out[q] = clampRound(b);
      out[q + 1] = clampRound(g);
      out[q + 2] = clampRound(r);
    }
  }
}

function clampRound(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
