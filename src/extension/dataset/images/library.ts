/**
 * The image library behind every check that looks at pixels, the thumbnails and format conversion: sharp (libvips)
 * in its WebAssembly build, so one `.vsix` runs on every platform VS Code's extension host runs on. BMP, which
 * libvips reads only through ImageMagick (not in the WebAssembly build), is decoded by bmp-ts and handed over as
 * raw pixels. Runs in the decode workers (decodeWorker.ts); nothing here touches the file system.
 */
import { decode as decodeBmp } from 'bmp-ts';
import type sharpFactory from 'sharp';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { grayThumb, pHash, type PerceptualHash } from './perceptualHash';
import { truncationInBuffer } from './probe';

/** Long side of the thumbnails the panel shows (and that the perceptual hash is computed from). */
export const THUMB_LONG_SIDE = 256;

/** Largest image decoded, in pixels: sharp's own default limit (16383 x 16383). */
export const MAX_PIXELS = 16383 * 16383;

/** What a full decode of one image found. */
export interface ImageFacts {
  /** image-size's name of the format ('jpg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heic', 'bmp', 'svg', …). */
  format: string;
  /** As stored (before the EXIF orientation is applied). */
  width: number;
  height: number;
  /** EXIF orientation 1-8 when the file has one. */
  orientation?: number;
  /** Frames of an animation (1 for a still image); trainers read only the first. */
  frames: number;
  /** Perceptual hash of the picture shown upright (EXIF orientation applied). */
  hash: PerceptualHash;
}

/** The outcome of analyseImage: the facts and the thumbnail, or why the image cannot be decoded. */
export type Analysis =
  | { ok: true; facts: ImageFacts; thumb?: Uint8Array }
  | { ok: false; reason: string; tooLarge?: boolean };

/** What convertImage writes: PNG (lossless) or high-quality JPEG. */
export type ConvertTarget = 'png' | 'jpeg';

type SharpFactory = typeof sharpFactory;
let loaded: SharpFactory | undefined;

/** sharp, loaded on first use (compiling its WebAssembly takes a few hundred milliseconds). */
export async function library(): Promise<SharpFactory> {
  if (!loaded) {
    // require, not import: bundled, an import would pick sharp's ES module build, which needs import.meta.url.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('sharp') as SharpFactory;
    // One libvips thread per decode: the pool runs one decode per worker, so the cores are shared between them.
    loaded.concurrency(1);
    // The libvips operation cache keeps decoded pixels around; every image is read once, so it only costs memory.
    loaded.cache(false);
  }
  return loaded;
}

/** Which build of the library runs here, and its libvips version (for the bench and the README). */
export async function libraryBuild(): Promise<{ build: 'wasm32' | 'native'; vips: string; sharp: string }> {
  const s = await library();
  const v = s.versions as Record<string, string | undefined>;
  return { build: v.emscripten ? 'wasm32' : 'native', vips: v.vips ?? '?', sharp: v.sharp ?? '?' };
}

const BASE_OPTIONS: SharpOptions = { failOn: 'error', limitInputPixels: MAX_PIXELS, sequentialRead: true };

/**
 * Decodes one image fully (so a damaged file fails as it would for a trainer) and returns its facts and, when
 * asked, a THUMB_LONG_SIDE WebP thumbnail shown upright. Never throws for a bad image: it returns the reason.
 */
export async function analyseImage(buf: Uint8Array, opts: { thumbnail?: boolean } = {}): Promise<Analysis> {
  const sharp = await library();
  // The truncation rule first, as at staging: a cut file is reported as cut, whatever the decoder would say.
  const cut = truncationInBuffer(sniffFormat(buf), buf);
  if (cut) return { ok: false, reason: cut };
  let meta: Metadata | undefined;
  try {
    const input = await openImage(sharp, buf);
    if ('reason' in input) return { ok: false, reason: input.reason };
    meta = input.meta;
    const format = formatOf(meta);
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (width * height > MAX_PIXELS) {
      return {
        ok: false,
        reason: `it is ${width}x${height}, more than ${Math.round(MAX_PIXELS / 1e6)} megapixels`,
        tooLarge: true,
      };
    }
    const { data, info } = await input
      .image()
      .autoOrient()
      .resize(THUMB_LONG_SIDE, THUMB_LONG_SIDE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const hash = pHash(grayThumb(data, info.width, info.height, info.channels === 4 ? 4 : 3));
    const o = meta.orientation;
    const facts: ImageFacts = {
      format,
      width,
      height,
      ...(o !== undefined && o >= 1 && o <= 8 ? { orientation: o } : {}),
      frames: Math.max(1, meta.pages ?? 1),
      hash,
    };
    if (!opts.thumbnail) return { ok: true, facts };
    const raw = { width: info.width, height: info.height, channels: info.channels };
    const thumb = await sharp(data, { raw }).webp({ quality: 80, alphaQuality: 80 }).toBuffer();
    return { ok: true, facts, thumb: new Uint8Array(thumb.buffer, thumb.byteOffset, thumb.byteLength) };
  } catch (err) {
    const reason = libraryReason(err, meta);
    return { ok: false, reason, ...(/megapixels/.test(reason) ? { tooLarge: true } : {}) };
  }
}

/**
 * Re-encodes an image the trainer does not accept (BMP, GIF's first frame, TIFF, AVIF, HEIC where decodable) as
 * PNG (lossless) or JPEG at quality 95, shown upright, colour profile kept. Throws with the library's reason.
 */
export async function convertImage(buf: Uint8Array, to: ConvertTarget): Promise<Uint8Array> {
  const sharp = await library();
  const input = await openImage(sharp, buf);
  if ('reason' in input) throw new Error(input.reason);
  try {
    const img = input.image().autoOrient().keepIccProfile();
    const out =
      to === 'png'
        ? await img.png({ compressionLevel: 6 }).toBuffer()
        : await img
            .flatten({ background: '#ffffff' })
            .jpeg({ quality: 95, chromaSubsampling: '4:4:4', mozjpeg: false })
            .toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new Error(libraryReason(err, input.meta));
  }
}

/** What renderCrop encodes to: the staged file's own format, so the caption pairing and the extension stay. */
export type CropFormat = 'png' | 'jpeg' | 'webp';

/**
 * Cuts `crop` (pixels of the upright image) out of the image turned upright by its EXIF orientation, scales it to
 * `width` x `height` (lanczos3) and encodes it as `format`: PNG lossless, JPEG and WebP at quality 95, in sRGB.
 * Throws with the library's reason.
 */
export async function renderCrop(
  buf: Uint8Array,
  crop: { x: number; y: number; width: number; height: number },
  size: { width: number; height: number },
  format: CropFormat,
): Promise<Uint8Array> {
  const sharp = await library();
  const input = await openImage(sharp, buf);
  if ('reason' in input) throw new Error(input.reason);
  try {
    // Upright first, as raw pixels, so the crop's coordinates are those the panel showed whatever sharp's op order.
    const { data, info } = await input
      .image()
      .autoOrient()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    let img = sharp(data, { raw }).extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
    if (size.width !== crop.width || size.height !== crop.height)
      img = img.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
    const out =
      format === 'png'
        ? await img.png({ compressionLevel: 6 }).toBuffer()
        : format === 'webp'
          ? await img.webp({ quality: 95 }).toBuffer()
          : await img.flatten({ background: '#ffffff' }).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new Error(libraryReason(err, input.meta));
  }
}

interface Opened {
  meta: Metadata;
  /** A fresh pipeline on the input (the first frame of an animation). */
  image(): Sharp;
}

/** Reads the header (through bmp-ts for BMP); the reason when the library does not know the format. */
async function openImage(sharp: SharpFactory, buf: Uint8Array): Promise<Opened | { reason: string }> {
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) return openBmp(sharp, buf);
  const meta = await sharp(buf, BASE_OPTIONS).metadata();
  return { meta, image: () => sharp(buf, BASE_OPTIONS) };
}

async function openBmp(sharp: SharpFactory, buf: Uint8Array): Promise<Opened | { reason: string }> {
  let bmp;
  try {
    bmp = decodeBmp(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), { toRGBA: true });
  } catch (err) {
    return { reason: `its BMP data is damaged (${err instanceof Error ? err.message : String(err)})` };
  }
  const { width, height, data } = bmp;
  if (!(width > 0) || !(height > 0) || data.length < width * height * 4) return { reason: 'its BMP header is damaged' };
  // Most BMPs leave the fourth byte unused (0): only a file that sets some of it has transparency.
  let anyAlpha = false;
  for (let i = 3; i < data.length && !anyAlpha; i += 4) anyAlpha = data[i] !== 0;
  if (!anyAlpha) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const raw = { width, height, channels: 4 as const };
  const meta = { format: 'bmp', width, height, channels: 4, space: 'srgb', pages: 1 } as unknown as Metadata;
  return { meta, image: () => sharp(data, { raw, limitInputPixels: MAX_PIXELS }) };
}

/** The format the truncation rule knows (jpg, png, webp) from the first bytes, '' for any other. */
function sniffFormat(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'jpg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  return b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP' ? 'webp' : '';
}

/** image-size's format name for what sharp read. */
function formatOf(meta: Metadata): string {
  const f = String(meta.format ?? '');
  if (f === 'jpeg') return 'jpg';
  if (f === 'heif') return meta.compression === 'av1' ? 'avif' : 'heic';
  return f;
}

/**
 * The library's error in words for the user: what it means, with libvips' own words where they help. `meta`, when
 * the header was read, decides what the error text cannot always tell.
 */
export function libraryReason(err: unknown, meta?: Metadata): string {
  const full = err instanceof Error ? err.message : String(err);
  const msg = full.split('\n')[0]!.trim().replace(/:$/, '');
  // libvips keeps its error text per thread: under load the decoder's "no HEVC" can be lost and only the writer's
  // "unable to write to target" reach us. The header says HEVC either way.
  if (/HEVC|libde265/i.test(full) || (meta?.format === 'heif' && meta.compression === 'hevc'))
    return 'it is HEVC-coded HEIC, which the image library cannot decode (it has no HEVC decoder)';
  if (/unsupported image format/i.test(full)) return 'the image library does not read this format';
  if (/pixel limit/i.test(full)) return `it is larger than ${Math.round(MAX_PIXELS / 1e6)} megapixels`;
  if (/premature end|truncated|unexpected end/i.test(full)) return `it is cut short (the image library: ${msg})`;
  if (/corrupt header/i.test(full)) return `its header is damaged (the image library: ${msg})`;
  return `the image library could not decode it: ${msg.replace(/\.$/, '') || 'no reason given'}`;
}
