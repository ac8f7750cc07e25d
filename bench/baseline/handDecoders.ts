/**
 * The bench's baseline: the hand-made decoders the dataset check used before the image library (PNG with pngjs,
 * JPEG with jpeg-js plus a DC-coefficient fast path for big baseline JPEGs, a structural check of WebP), kept
 * here unchanged only so `npm run bench` can measure the library against them on the same files. Not shipped.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { decodeJpegDc } from './jpegDc';

/** Side of the square grayscale thumbnail made from each decoded image (the perceptual hash's DCT input). */
export const THUMB_SIDE = 32;

/** Largest image decoded, in megapixels (jpeg-js' guard); bigger ones are reported as not checked, not as broken. */
export const MAX_DECODE_MP = 120;

/** Smallest 1/8-scale image (in 8x8 blocks a side, so 768 px) hashed from DC coefficients instead of a full decode. */
const MIN_DC_GRID = 96;

/** Result of decoding one image. */
export type DecodeResult =
  | { ok: true; width: number; height: number; thumb: Float32Array }
  | { ok: false; reason: string; tooLarge?: boolean };

/**
 * Decodes a PNG or JPEG buffer fully (so a truncated or corrupt file fails like it would in a trainer) and returns
 * its size and a THUMB_SIDE x THUMB_SIDE grayscale thumbnail (stored orientation, aspect not kept).
 */
export function decodeToThumb(buf: Buffer, format: string): DecodeResult {
  try {
    if (format === 'png') {
      if (buf.toString('latin1', 12, 16) === 'CgBI') {
        return { ok: false, reason: 'it is an Apple CgBI ("crushed") PNG, which only Apple\'s tools read' };
      }
      const png = PNG.sync.read(buf);
      return { ok: true, width: png.width, height: png.height, thumb: grayThumb(png.data, png.width, png.height, 4) };
    }
    if (format === 'jpg' || format === 'jpeg') {
      const eoi = jpegEndProblem(buf);
      if (eoi) return { ok: false, reason: eoi };
      let fast: ReturnType<typeof decodeJpegDc>;
      try {
        fast = decodeJpegDc(buf);
      } catch {
        // Our fast path refused it: let jpeg-js have the last word (and give the message) rather than trust one decoder.
        fast = undefined;
      }
      // Under MIN_DC_GRID blocks a side, the 1/8-scale image is too coarse to average into the same thumbnail a full
      // decode gives (a 123x456 JPEG's hashes differed by 12 bits); small images decode fully in no time anyway.
      if (fast && fast.dcWidth >= MIN_DC_GRID && fast.dcHeight >= MIN_DC_GRID) {
        return {
          ok: true,
          width: fast.width,
          height: fast.height,
          thumb: grayThumb(fast.dc, fast.dcWidth, fast.dcHeight, 1),
        };
      }
      const img = jpeg.decode(buf, {
        useTArray: true,
        formatAsRGBA: false,
        tolerantDecoding: false,
        maxResolutionInMP: MAX_DECODE_MP,
        maxMemoryUsageInMB: 2048,
      });
      return { ok: true, width: img.width, height: img.height, thumb: grayThumb(img.data, img.width, img.height, 3) };
    }
    return { ok: false, reason: `${format} is not decoded here` };
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/maxResolutionInMP|maxMemoryUsage|allocate enough memory/i.test(msg)) {
      return { ok: false, reason: `it is larger than ${MAX_DECODE_MP} megapixels`, tooLarge: true };
    }
    return { ok: false, reason: msg.replace(/\.$/, '') };
  }
}

/** A JPEG must start with SOI and have its EOI marker (missing when the file was cut short). */
function jpegEndProblem(buf: Buffer): string | undefined {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return 'it does not start like a JPEG (no SOI marker)';
  // Some cameras append data after EOI, so look for it near the end rather than exactly at it.
  const tail = buf.subarray(Math.max(0, buf.length - 65536));
  if (tail.lastIndexOf(Buffer.from([0xff, 0xd9])) === -1) return 'it is cut short (the JPEG end marker is missing)';
  return undefined;
}

/**
 * Checks a WebP's container: RIFF/WEBP signature, a declared size that fits the file, and a known first chunk
 * (VP8, VP8L or VP8X) with plausible dimensions. Undefined when it looks whole.
 */
export function webpProblem(head: Buffer, fileSize: number): string | undefined {
  if (head.length < 30 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WEBP') {
    return 'it does not start like a WebP file (no RIFF/WEBP header)';
  }
  const riffSize = head.readUInt32LE(4) + 8;
  if (riffSize > fileSize) return `it is cut short (the header says ${riffSize} bytes, the file has ${fileSize})`;
  const chunk = head.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) return 'its VP8 frame header is damaged';
  } else if (chunk === 'VP8L') {
    if (head[20] !== 0x2f) return 'its VP8L (lossless) header is damaged';
  } else if (chunk !== 'VP8X') {
    return `its first chunk "${chunk}" is not VP8, VP8L or VP8X`;
  }
  return undefined;
}

/**
 * Area-averaged grayscale thumbnail (Rec. 601 luma) of gray, RGB or RGBA pixels, THUMB_SIDE on each side.
 * One pass over the pixels with precomputed column bins.
 */
export function grayThumb(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  side = THUMB_SIDE,
): Float32Array {
  const sums = new Float64Array(side * side);
  const counts = new Uint32Array(side * side);
  const binX = new Uint16Array(width);
  for (let x = 0; x < width; x++) binX[x] = Math.min(side - 1, Math.floor((x * side) / width));
  for (let y = 0; y < height; y++) {
    const row = Math.min(side - 1, Math.floor((y * side) / height)) * side;
    let i = y * width * channels;
    for (let x = 0; x < width; x++, i += channels) {
      const b = row + binX[x]!;
      sums[b] += channels === 1 ? data[i]! : 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      counts[b]++;
    }
  }
  const out = new Float32Array(side * side);
  // An image smaller than the thumbnail leaves empty bins: fill them from the nearest pixel instead.
  for (let ty = 0; ty < side; ty++) {
    for (let tx = 0; tx < side; tx++) {
      const b = ty * side + tx;
      if (counts[b]) out[b] = sums[b]! / counts[b]!;
      else {
        const x = Math.min(width - 1, Math.floor(((tx + 0.5) * width) / side));
        const y = Math.min(height - 1, Math.floor(((ty + 0.5) * height) / side));
        const i = (y * width + x) * channels;
        out[b] = channels === 1 ? data[i]! : 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      }
    }
  }
  return out;
}
