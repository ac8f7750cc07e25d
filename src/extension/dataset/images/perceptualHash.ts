/**
 * Perceptual hashing for near-duplicate images: a 64-bit DCT hash (pHash) of a 32 x 32 grayscale thumbnail, taken
 * after applying the EXIF orientation, so an image and an EXIF-rotated copy of it match as they do for a trainer
 * that honours EXIF.
 *
 * pHash: the 8 x 8 lowest frequencies of the thumbnail's 2-D DCT; each bit says whether a coefficient (DC excluded)
 * is above their median. It survives re-encoding, resizing and small edits. We tried dHash (9 x 8 gradients) first:
 * it put the project's own generated gradient images 2 bits apart, pHash keeps them 16+ apart.
 * Grouping compares every pair (n²/2 XOR + popcount: 500,000 compares for 1,000 images, a few milliseconds;
 * fine up to tens of thousands of images, beyond which a multi-index hash would be the next step).
 */

/** A 64-bit perceptual hash as 16 hex digits. */
export type PerceptualHash = string;

/**
 * The Hamming distance up to which two images are near-duplicates (of 64 bits). Measured on a fixture photo:
 * re-encoded at JPEG quality 40-50, halved in size, or brightened, 0 bits; cropped by 5%, 6 bits; mirrored, 30.
 * The 18 fixture photos shown upright: 0 within each scene, 32 across. Two different plasma-noise fixtures
 * (jpg-large, jpg-very-large), all low frequencies, 6; the project's generated images at least 16.
 * So 4: the same picture saved again (any size or quality) is caught, a deliberate re-crop is not.
 */
export const NEAR_DUPLICATE_DISTANCE = 4;

/** Side of the square grayscale image the hash is taken from (the DCT's input). */
export const THUMB_SIDE = 32;

/**
 * Area-averaged grayscale thumbnail (Rec. 601 luma) of gray, RGB or RGBA pixels, THUMB_SIDE on each side (the
 * aspect ratio is not kept). One pass over the pixels with precomputed column bins.
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
  const luma = (i: number) =>
    channels === 1 ? data[i]! : 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  for (let y = 0; y < height; y++) {
    const row = Math.min(side - 1, Math.floor((y * side) / height)) * side;
    let i = y * width * channels;
    for (let x = 0; x < width; x++, i += channels) {
      const b = row + binX[x]!;
      sums[b] += luma(i);
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
        out[b] = luma((y * width + x) * channels);
      }
    }
  }
  return out;
}

const COS = (() => {
  const n = THUMB_SIDE;
  const c = new Float64Array(8 * n);
  for (let u = 0; u < 8; u++)
    for (let x = 0; x < n; x++) c[u * n + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
  return c;
})();

/** The pHash of a THUMB_SIDE x THUMB_SIDE grayscale thumbnail (of the picture shown upright). */
export function pHash(thumb: Float32Array): PerceptualHash {
  const n = THUMB_SIDE;
  // Separable 2-D DCT, only the 8 x 8 lowest frequencies: rows first, then columns.
  const rows = new Float64Array(8 * n);
  for (let u = 0; u < 8; u++) {
    for (let y = 0; y < n; y++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += COS[u * n + x]! * thumb[y * n + x]!;
      rows[u * n + y] = s;
    }
  }
  const d = new Float64Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += COS[v * n + y]! * rows[u * n + y]!;
      d[v * 8 + u] = s;
    }
  }
  const median = Array.from(d.subarray(1)).sort((a, b) => a - b)[31]!;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 64; i++) {
    const bit = i > 0 && d[i]! > median ? 1 : 0;
    if (i < 32) hi = (hi << 1) | bit;
    else lo = (lo << 1) | bit;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Number of differing bits between two hashes. */
export function hammingDistance(a: PerceptualHash, b: PerceptualHash): number {
  return (
    popcount((parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0) +
    popcount((parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16)) >>> 0)
  );
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Groups items whose hashes are within `maxDistance` of each other (single linkage: A~B and B~C put A, B and C
 * together). Returns groups of two or more, each in input order, groups ordered by their first item.
 */
export function groupNearDuplicates<T extends { hash: PerceptualHash }>(
  items: readonly T[],
  maxDistance = NEAR_DUPLICATE_DISTANCE,
): T[][] {
  const n = items.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  items.forEach((it, i) => {
    hi[i] = parseInt(it.hash.slice(0, 8), 16);
    lo[i] = parseInt(it.hash.slice(8), 16);
  });
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (popcount((hi[i]! ^ hi[j]!) >>> 0) + popcount((lo[i]! ^ lo[j]!) >>> 0) <= maxDistance) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const groups = new Map<number, T[]>();
  items.forEach((it, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(it);
    else groups.set(root, [it]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}
