/** RGBA pixels of a w x h picture that differs by `seed`. */
export function pixels(w: number, h: number, seed?: number): Buffer;
/** Encodes a PNG buffer. */
export function pngBuffer(w: number, h: number, seed?: number): Buffer;
/** Encodes a JPEG buffer (quality 0-100). */
export function jpegBuffer(w: number, h: number, seed?: number, quality?: number): Buffer;
/** Writes a PNG or JPEG (by the file's extension) and returns its path. */
export function writeImage(path: string, w: number, h: number, seed?: number, quality?: number): string;
