// Generates real, decodable PNG and JPEG files (pure JS encoders, no native modules) for the demo folder,
// tests and benchmarks. Each image is distinct: a seeded gradient with a few shapes.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

/** RGBA pixels of a w x h picture that differs by `seed`. */
export function pixels(w, h, seed = 1) {
  const data = Buffer.alloc(w * h * 4);
  const r0 = (seed * 97) % 256,
    g0 = (seed * 57) % 256,
    b0 = (seed * 23) % 256;
  const cx = (((seed * 37) % 100) / 100) * w,
    cy = (((seed * 61) % 100) / 100) * h,
    rad = Math.max(4, Math.min(w, h) / 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad;
      const stripe = ((x + seed * 7) >> 4) % 2 === 0 && y > h * 0.7;
      data[i] = inside ? 255 - r0 : (r0 + (x * 255) / w) % 256;
      data[i + 1] = stripe ? 240 : (g0 + (y * 255) / h) % 256;
      data[i + 2] = inside ? g0 : (b0 + ((x + y) * 128) / (w + h)) % 256;
      data[i + 3] = 255;
    }
  }
  return data;
}

/** Encodes a PNG buffer. */
export function pngBuffer(w, h, seed = 1) {
  const png = new PNG({ width: w, height: h });
  pixels(w, h, seed).copy(png.data);
  return PNG.sync.write(png);
}

/** Encodes a JPEG buffer (quality 0-100). */
export function jpegBuffer(w, h, seed = 1, quality = 85) {
  return jpeg.encode({ data: pixels(w, h, seed), width: w, height: h }, quality).data;
}

/** Writes a PNG or JPEG (by the file's extension) and returns its path. */
export function writeImage(path, w, h, seed = 1, quality = 85) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, /\.jpe?g$/i.test(path) ? jpegBuffer(w, h, seed, quality) : pngBuffer(w, h, seed));
  return path;
}
