/**
 * Reads an image's header (never the whole file) to learn its format, size and EXIF orientation, and checks its
 * end for the marker a complete file has, so empty, truncated and fake images are skipped with a reason.
 */
import { imageSize } from 'image-size';
import { describeError, errorCode, nodeFs, type FsLike } from '../io/fsLike';

// Enough for the header of nearly every file; a JPEG whose EXIF block is bigger is read again up to MAX_HEAD_BYTES.
const HEAD_BYTES = 16 * 1024;
// image-size's own limit: JPEGs with a large EXIF block need more than the first 64 KB.
const MAX_HEAD_BYTES = 512 * 1024;
const TAIL_BYTES = 16 * 1024;

/** A readable image: what its header says. */
export interface ProbedImage {
  ok: true;
  /** image-size's type name: 'png', 'jpg', 'webp', 'gif', … */
  format: string;
  width: number;
  height: number;
  orientation?: number;
  size: number;
  mtimeMs: number;
}

/** A file that cannot be staged, and why (in words for the user). */
export interface ProbeFailure {
  ok: false;
  reason: string;
}

const FORMAT_NAMES: Record<string, string> = {
  jpg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  bmp: 'BMP',
  tiff: 'TIFF',
  heif: 'HEIF',
  heic: 'HEIC',
  avif: 'AVIF',
  svg: 'SVG',
  psd: 'Photoshop (PSD)',
  ico: 'ICO',
  jxl: 'JPEG XL',
};

/** The human name of an image-size format ('jpg' -> 'JPEG'). */
export function formatName(format: string): string {
  return FORMAT_NAMES[format] ?? format.toUpperCase();
}

/** Reads the header (and the last bytes) of one file. Never throws for a bad file: it returns the reason. */
export async function probeImage(path: string, fs: FsLike = nodeFs): Promise<ProbedImage | ProbeFailure> {
  let handle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    return { ok: false, reason: unreadable(err) };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
    if (st.size === 0) return { ok: false, reason: 'empty file (0 bytes)' };
    let head = await readAt(handle, Math.min(st.size, HEAD_BYTES), 0);
    let info;
    try {
      info = imageSize(head);
    } catch (err) {
      const tiffIfd = tiffDirectoryEnd(head);
      if (st.size > head.length && tiffIfd !== undefined && tiffIfd <= MAX_TIFF_BYTES) {
        // A TIFF may keep its directory (the size) after the pixels: read up to it.
        head = await readAt(handle, Math.min(st.size, tiffIfd), 0);
        try {
          info = imageSize(head);
        } catch (err2) {
          return { ok: false, reason: notAnImage(err2) };
        }
      } else if (st.size > head.length && /buffer|exceeded|offset|range/i.test(String(err))) {
        head = await readAt(handle, Math.min(st.size, MAX_HEAD_BYTES), 0);
        try {
          info = imageSize(head);
        } catch (err2) {
          return { ok: false, reason: notAnImage(err2) };
        }
      } else {
        return { ok: false, reason: notAnImage(err) };
      }
    }
    const format = (info.type ?? '').toLowerCase();
    if (!format || !(info.width > 0) || !(info.height > 0)) {
      return { ok: false, reason: 'not a readable image: its header has no width and height' };
    }
    const tail =
      st.size <= head.length
        ? head.subarray(Math.max(0, head.length - TAIL_BYTES))
        : await readAt(handle, Math.min(TAIL_BYTES, st.size), Math.max(0, st.size - TAIL_BYTES));
    let beforeVideo: Uint8Array | undefined;
    if (format === 'jpg' && lastIndexOf(tail, JPEG_EOI) === -1) {
      // Only then does the rule look further (a Motion Photo): give it the same bytes the check gives it.
      if (head.length < Math.min(st.size, TRUNCATION_HEAD_BYTES))
        head = await readAt(handle, Math.min(st.size, TRUNCATION_HEAD_BYTES), 0);
      const video = motionPhotoVideoStart(head, st.size);
      if (video !== undefined)
        beforeVideo = await readAt(
          handle,
          Math.min(video, BEFORE_VIDEO_BYTES),
          Math.max(0, video - BEFORE_VIDEO_BYTES),
        );
    }
    const cut = truncationProblem(format, head.subarray(0, TRUNCATION_HEAD_BYTES), tail, st.size, beforeVideo);
    if (cut) return { ok: false, reason: cut };
    const o = info.orientation;
    return {
      ok: true,
      format,
      width: info.width,
      height: info.height,
      ...(o !== undefined && o >= 1 && o <= 8 ? { orientation: o } : {}),
      size: st.size,
      mtimeMs: st.mtimeMs,
    };
  } catch (err) {
    return { ok: false, reason: unreadable(err) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readAt(
  handle: { read(b: Uint8Array, o: number, l: number, p: number): Promise<{ bytesRead: number }> },
  length: number,
  position: number,
): Promise<Uint8Array> {
  // Not zeroed: only the bytes actually read are looked at.
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

// A TIFF read up to its directory: at most this much (a bigger one is refused as unreadable rather than read whole).
const MAX_TIFF_BYTES = 256 * 1024 * 1024;

/** Where a TIFF's first directory ends (its offset plus room for its entries), or undefined when it is no TIFF. */
function tiffDirectoryEnd(head: Uint8Array): number | undefined {
  if (head.length < 8) return undefined;
  const le = head[0] === 0x49 && head[1] === 0x49 && head[2] === 0x2a && head[3] === 0;
  const be = head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && head[3] === 0x2a;
  if (!le && !be) return undefined;
  const offset = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, le);
  return offset + 64 * 1024;
}

function unreadable(err: unknown): string {
  const code = errorCode(err);
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ENOENT') return 'was deleted before it could be read';
  return `cannot be read: ${describeError(err)}`;
}

function notAnImage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/unsupported file type: undefined/.test(msg)) return 'not an image: the content matches no image format';
  return `not a readable image: its header is damaged or the file is cut short (${msg})`;
}

const JPEG_EOI = [0xff, 0xd9];
const PNG_IEND = [0x49, 0x45, 0x4e, 0x44];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function lastIndexOf(hay: Uint8Array, needle: number[]): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Why a file looks cut short (an interrupted download or copy), or undefined when its end is where it should be.
 * The one truncation rule: staging (probeImage) and Check Dataset (the image library's analysis) both apply it to
 * the same bytes: the first TRUNCATION_HEAD_BYTES and the last TRUNCATION_TAIL_BYTES of the file, and for a Motion
 * Photo the bytes just before its video (`beforeVideo`, read at motionPhotoVideoStart).
 *
 * A JPEG must end with its EOI marker, except a Motion Photo (Google, Samsung), which appends a video after the
 * picture: when its XMP gives the video's length, the EOI must sit right before the video; when it does not, the
 * declaration alone is taken (the decode in the check still reads the picture to its end).
 */
export function truncationProblem(
  format: string,
  head: Uint8Array,
  tail: Uint8Array,
  size: number,
  beforeVideo?: Uint8Array,
): string | undefined {
  if (format === 'png' && head.length >= 16 && lastIndexOf(head.subarray(12, 16), ascii('CgBI')) === 0) {
    return 'an Apple-optimised (CgBI) PNG, which browsers and trainers cannot decode: re-save it as a normal PNG';
  }
  if (format === 'png' && lastIndexOf(tail, PNG_IEND) === -1) {
    return 'truncated: the PNG has no end chunk (IEND), so it was cut short, e.g. by an interrupted download';
  }
  if (format === 'jpg' && lastIndexOf(tail, JPEG_EOI) === -1) {
    const text = latin1(head);
    const video = motionPhotoVideoStart(head, size);
    const declared = /MotionPhoto|MicroVideo/.test(text);
    if (!declared || (video !== undefined && !(beforeVideo && lastIndexOf(beforeVideo, JPEG_EOI) !== -1))) {
      return declared
        ? 'truncated: the Motion Photo has no JPEG end marker before its video, so its picture was cut short'
        : 'truncated: the JPEG has no end marker, so it was cut short, e.g. by an interrupted download';
    }
  }
  if (format === 'webp' && head.length >= 12 && lastIndexOf(head.subarray(0, 4), ascii('RIFF')) === 0) {
    const riff = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
    if (riff + 8 > size) return `truncated: the WebP header promises ${riff + 8} bytes but the file has ${size}`;
  }
  return undefined;
}

/** The truncation rule on a whole file in memory (what the check holds), reading the same bytes probeImage reads. */
export function truncationInBuffer(format: string, buf: Uint8Array): string | undefined {
  const head = buf.subarray(0, TRUNCATION_HEAD_BYTES);
  const video = motionPhotoVideoStart(head, buf.length);
  const beforeVideo = video === undefined ? undefined : buf.subarray(Math.max(0, video - BEFORE_VIDEO_BYTES), video);
  return truncationProblem(format, head, buf.subarray(Math.max(0, buf.length - TAIL_BYTES)), buf.length, beforeVideo);
}

/** Bytes from the start of a file that the truncation rule reads (a Motion Photo's XMP can follow a large EXIF). */
export const TRUNCATION_HEAD_BYTES = MAX_HEAD_BYTES;
/** Bytes from the end of a file that the truncation rule reads. */
export const TRUNCATION_TAIL_BYTES = TAIL_BYTES;
/** Bytes before a Motion Photo's video in which the picture's EOI marker must be (some writers pad). */
export const BEFORE_VIDEO_BYTES = 64;

/**
 * Where a Motion Photo's video starts, from its XMP: Google's GCamera:MicroVideoOffset or the Container directory's
 * video item (Item:Length, Motion Photo 1.0), both counted from the end of the file. Undefined when not declared.
 */
export function motionPhotoVideoStart(head: Uint8Array, size: number): number | undefined {
  const text = latin1(head);
  const length =
    /MicroVideoOffset="(\d+)"/.exec(text)?.[1] ?? /Item:Mime="video\/[^"]*"[^>]*?Item:Length="(\d+)"/.exec(text)?.[1];
  if (length === undefined) return undefined;
  const start = size - Number(length);
  return start > 2 && start <= size ? start : undefined;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}
