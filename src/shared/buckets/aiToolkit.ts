/**
 * ai-toolkit's bucketing, transcribed from ostris/ai-toolkit 27a03a91f23eb1b757d5ec2e80ee3e129cfcc350:
 * `toolkit/buckets.py` `get_bucket_for_image_size` (the bucket of one image) and `toolkit/dataloader_mixins.py`
 * `BucketsMixin.setup_buckets` (the size the image is resized to before the centre crop to its bucket; the branch
 * without `square_crop`, `scale` 1.0). ai-toolkit has no fixed list of buckets: each image gets the multiple of
 * `bucket_tolerance` (default 64, `toolkit/config_modules.py` DatasetConfig) nearest its own aspect with at most
 * resolution² pixels. A `resolution:` list trains the folder once per size (`config_modules.py`
 * `preprocess_dataset_raw_config` splits the dataset by resolution).
 */
import type { Size } from './kohya';

/** ai-toolkit's default `bucket_tolerance`, the step of its bucket sides. */
export const AI_TOOLKIT_TOLERANCE = 64;

/** The resolution list our ai-toolkit export writes for a training resolution (the sizes up to it). */
export function aiToolkitResolutions(resolution: number): number[] {
  const list = [512, 768, 1024].filter((r) => r <= resolution);
  return list.length ? list : [resolution];
}

/** `get_bucket_for_image_size(width, height, resolution, divisibility)`. */
export function aiToolkitBucket(width: number, height: number, resolution: number, divisibility = 64): Size {
  const totalPixels = width * height;
  const maxPixels = resolution * resolution;
  const targetPixels = Math.min(totalPixels, maxPixels);
  const scaler = (targetPixels / totalPixels) ** 0.5;
  const wRaw = (width * scaler) / divisibility;
  const hRaw = (height * scaler) / divisibility;
  const f = Math.floor;
  const c = Math.ceil;
  const candidates: Size[] = [
    [f(wRaw) * divisibility, f(hRaw) * divisibility],
    [f(wRaw) * divisibility, c(hRaw) * divisibility],
    [c(wRaw) * divisibility, f(hRaw) * divisibility],
    [c(wRaw) * divisibility, c(hRaw) * divisibility],
  ];
  let capped = candidates.filter(([w, h]) => w > 0 && h > 0 && w * h <= maxPixels);
  if (!capped.length) {
    capped = [[Math.max(divisibility, f(wRaw) * divisibility), Math.max(divisibility, f(hRaw) * divisibility)]];
  }
  // Python's min(key=...) keeps the first of equal keys.
  let best = capped[0]!;
  for (const wh of capped.slice(1)) {
    if (Math.abs(wh[0] * wh[1] - targetPixels) < Math.abs(best[0] * best[1] - targetPixels)) best = wh;
  }
  return best;
}

/** The bucket of an image and the size `setup_buckets` resizes it to (`scale_to_width`, `scale_to_height`). */
export function aiToolkitSelect(
  width: number,
  height: number,
  resolution: number,
  divisibility = AI_TOOLKIT_TOLERANCE,
): { bucket: Size; resized: Size } {
  const bucket = aiToolkitBucket(width, height, resolution, divisibility);
  const scale = Math.max(bucket[0] / width, bucket[1] / height);
  return { bucket, resized: [Math.ceil(width * scale), Math.ceil(height * scale)] };
}
