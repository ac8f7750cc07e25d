/**
 * kohya's aspect-ratio buckets, transcribed from kohya-ss/sd-scripts 48d368fa557731ad0488c07304dfeba8c07910eb:
 * `library/model_util.py` `make_bucket_resolutions` (the bucket sizes) and `library/train_util.py`
 * `BucketManager.select_bucket` (the bucket an image lands in and the size it is resized to, with
 * `bucket_no_upscale` off, kohya's default). The parameters are the ones our kohya export writes in dataset.toml:
 * `min_bucket_reso = 256`, `max_bucket_reso = max(2 x resolution, 1024)`, `bucket_reso_steps = 64`.
 */

/** A width and height in pixels. */
export type Size = readonly [width: number, height: number];

/** CivitAI's intake scales an image down to at most this on each side (`maxWidth`/`maxHeight` in civitai/civitai
 * ebed661630d3407a6d853981d89c97c31a2a4be0 `src/components/Training/Form/TrainingImages.tsx`). */
export const CIVITAI_MAX_SIDE = 2048;

/** The training resolution our exports default to (dataset.toml's `resolution`, ai-toolkit's largest size). */
export const DEFAULT_RESOLUTION = 1024;

const cache = new Map<number, { resos: Size[]; ratios: number[]; set: Set<string> }>();

/** `make_bucket_resolutions((res, res), 256, max(2 res, 1024), 64)`, sorted as Python sorts tuples. */
export function bucketResolutions(resolution = DEFAULT_RESOLUTION): Size[] {
  return buckets(resolution).resos;
}

function buckets(resolution: number) {
  const hit = cache.get(resolution);
  if (hit) return hit;
  const divisible = 64;
  const minSize = 256;
  const maxSize = Math.max(resolution * 2, 1024);
  const maxArea = resolution * resolution;
  const seen = new Map<string, Size>();
  const add = (w: number, h: number) => seen.set(`${w}x${h}`, [w, h]);
  const side = Math.floor(Math.sqrt(maxArea) / divisible) * divisible;
  add(side, side);
  for (let width = minSize; width <= maxSize; width += divisible) {
    const height = Math.min(maxSize, Math.floor(Math.floor(maxArea / width) / divisible) * divisible);
    if (height >= minSize) {
      add(width, height);
      add(height, width);
    }
  }
  const resos = [...seen.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const made = { resos, ratios: resos.map(([w, h]) => w / h), set: new Set(seen.keys()) };
  cache.set(resolution, made);
  return made;
}

/** Python's `int(x + 0.5)` for the non-negative sizes here. */
const round = (x: number) => Math.trunc(x + 0.5);

/** The bucket an image of `width` x `height` lands in, and the size kohya resizes it to before cropping to it. */
export function selectBucket(
  width: number,
  height: number,
  resolution = DEFAULT_RESOLUTION,
): { bucket: Size; resized: Size } {
  const b = buckets(resolution);
  const aspect = width / height;
  let reso: Size;
  if (b.set.has(`${width}x${height}`)) reso = [width, height];
  else {
    // numpy's argmin: the first of equal errors wins.
    let best = 0;
    for (let i = 1; i < b.ratios.length; i++) {
      if (Math.abs(b.ratios[i]! - aspect) < Math.abs(b.ratios[best]! - aspect)) best = i;
    }
    reso = b.resos[best]!;
  }
  const scale = aspect > reso[0] / reso[1] ? reso[1] / height : reso[0] / width;
  return { bucket: reso, resized: [round(width * scale), round(height * scale)] };
}

/** The bucket as the report writes it, e.g. `1216x832`. */
export function bucketLabel(width: number, height: number, resolution = DEFAULT_RESOLUTION): string {
  const [w, h] = selectBucket(width, height, resolution).bucket;
  return `${w}x${h}`;
}
