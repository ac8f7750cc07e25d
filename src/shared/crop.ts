/**
 * Crops: a rectangle in image pixels of the upright image (EXIF orientation applied), stored per image in
 * session.json and applied only at export; the staged file is never changed. Pure, for the panel's crop tool, the
 * session's repair on load and the export alike.
 */
import { z } from 'zod';

/** The smallest side a crop may have, in pixels (smaller is refused when set and dropped when read). */
export const MIN_CROP_SIDE = 16;

/** A crop rectangle in pixels of the upright image. */
export const CropRect = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().min(MIN_CROP_SIDE),
  height: z.number().int().min(MIN_CROP_SIDE),
});
/** A crop rectangle in pixels of the upright image. */
export type CropRect = z.infer<typeof CropRect>;

/** The crop tool's aspect presets, width:height. */
export const ASPECT_PRESETS: readonly (readonly [number, number])[] = [
  [1, 1],
  [2, 3],
  [3, 2],
  [3, 4],
  [4, 3],
  [9, 16],
  [16, 9],
];

/** Width and height of the image as shown upright: orientations 5-8 turn it a quarter, swapping the sides. */
export function uprightSize(width: number, height: number, orientation?: number): { width: number; height: number } {
  return orientation !== undefined && orientation >= 5 && orientation <= 8
    ? { width: height, height: width }
    : { width, height };
}

/**
 * The crop moved and cut to lie inside a `width` x `height` image, in whole pixels; undefined when what is left
 * is smaller than MIN_CROP_SIDE (or the input is not finite numbers).
 */
export function clampCrop(c: CropRect, width: number, height: number): CropRect | undefined {
  const vals = [c.x, c.y, c.width, c.height];
  if (!vals.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  const x0 = Math.max(0, Math.min(width, Math.round(c.x)));
  const y0 = Math.max(0, Math.min(height, Math.round(c.y)));
  const x1 = Math.max(x0, Math.min(width, Math.round(c.x + c.width)));
  const y1 = Math.max(y0, Math.min(height, Math.round(c.y + c.height)));
  if (x1 - x0 < MIN_CROP_SIDE || y1 - y0 < MIN_CROP_SIDE) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The largest rectangle of aspect `aw:ah` centred in `c` (the crop tool's preset applied to the current box). */
export function fitAspect(c: CropRect, aw: number, ah: number): CropRect {
  const want = aw / ah;
  let width = c.width;
  let height = Math.round(width / want);
  if (height > c.height) {
    height = c.height;
    width = Math.round(height * want);
  }
  width = Math.max(MIN_CROP_SIDE, width);
  height = Math.max(MIN_CROP_SIDE, height);
  return {
    x: c.x + Math.floor((c.width - width) / 2),
    y: c.y + Math.floor((c.height - height) / 2),
    width,
    height,
  };
}

/**
 * Checks the crops of a parsed-but-unvalidated session (from disk: untrusted): a crop that is not a rectangle of
 * numbers is dropped, one that reaches outside its upright image is cut to fit; each change is said in `notices`.
 */
export function sanitizeCrops(raw: Record<string, unknown>, notices: string[]): void {
  const images = Array.isArray(raw.images) ? (raw.images as unknown[]) : [];
  for (const img of images) {
    if (typeof img !== 'object' || img === null || !('crop' in img)) continue;
    const r = img as Record<string, unknown>;
    const name = typeof r.file === 'string' ? r.file : 'an image';
    const c = r.crop as Partial<Record<keyof CropRect, unknown>> | null;
    const nums =
      typeof c === 'object' && c !== null && [c.x, c.y, c.width, c.height].every((v) => typeof v === 'number');
    const w = typeof r.width === 'number' ? r.width : 0;
    const h = typeof r.height === 'number' ? r.height : 0;
    const o = typeof r.orientation === 'number' ? r.orientation : undefined;
    const up = uprightSize(w, h, o);
    const fixed = nums ? clampCrop(c as CropRect, up.width, up.height) : undefined;
    if (!fixed) {
      delete r.crop;
      notices.push(
        `The crop of ${name} in session.json was not a usable rectangle inside its ${up.width}x${up.height} ` +
          `image, so it was dropped; the image exports uncropped until you crop it again in the panel.`,
      );
    } else if (JSON.stringify(fixed) !== JSON.stringify({ x: c!.x, y: c!.y, width: c!.width, height: c!.height })) {
      r.crop = fixed;
      notices.push(
        `The crop of ${name} in session.json reached outside its ${up.width}x${up.height} image; it was cut to ` +
          `${fixed.width}x${fixed.height} at ${fixed.x},${fixed.y}. Check it in the panel's crop tool.`,
      );
    } else r.crop = fixed;
  }
}
