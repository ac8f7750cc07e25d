/**
 * Each export target's sizes: the bucket an image lands in, the size a cropped image is exported at, and the crop
 * tool's bucket presets. Each trainer's own computation is in its file here (kohya.ts, aiToolkit.ts,
 * simpleTuner.ts), each transcribed from the trainer's source and checked against it run as Python in the tests.
 */
import { aiToolkitResolutions, aiToolkitSelect } from './aiToolkit';
import { bucketResolutions, CIVITAI_MAX_SIDE, DEFAULT_RESOLUTION, selectBucket, type Size } from './kohya';
import { simpleTunerSelect } from './simpleTuner';
import type { ExportTarget } from '../model';

/** The trainer whose buckets each target uses, as the report and the crop tool name it. */
export const BUCKET_NAMES: Record<ExportTarget, string> = {
  // CivitAI's trainer defaults to the kohya engine with buckets on (civitai/civitai ebed6616
  // src/components/Training/Form/TrainingParams.tsx: engine 'kohya', enableBucket true, resolution 1024 for SDXL).
  civitai: "kohya's (CivitAI's default engine)",
  kohya: "kohya's",
  'ai-toolkit': "ai-toolkit's",
  simpletuner: "SimpleTuner's",
  huggingface: '',
};

/**
 * The bucket an upright `width` x `height` image (after its crop) lands in for `target`, as `WxH`: the size the
 * trainer trains it at. Undefined for Hugging Face imagefolder, which has no buckets (the training script decides).
 */
export function targetBucket(
  target: ExportTarget,
  width: number,
  height: number,
  resolution = DEFAULT_RESOLUTION,
): Size | undefined {
  switch (target) {
    case 'civitai':
    case 'kohya':
      return selectBucket(width, height, resolution).bucket;
    case 'ai-toolkit':
      return aiToolkitSelect(width, height, Math.max(...aiToolkitResolutions(resolution))).bucket;
    case 'simpletuner':
      return simpleTunerSelect(width, height, resolution).target;
    case 'huggingface':
      return undefined;
  }
}

/**
 * The size the trainer resizes the image to before cutting its bucket out, and whether the trainer, reading an
 * image of that size, picks the same bucket and resizes it no further (so exporting at that size loses nothing).
 */
function trainerResize(target: 'kohya' | 'ai-toolkit' | 'simpletuner', w: number, h: number, res: number): Size {
  if (target === 'kohya') return selectBucket(w, h, res).resized;
  if (target === 'simpletuner') return simpleTunerSelect(w, h, res).intermediary;
  return aiToolkitSelect(w, h, Math.max(...aiToolkitResolutions(res))).resized;
}

function sameBuckets(target: 'kohya' | 'ai-toolkit' | 'simpletuner', a: Size, b: Size, res: number): boolean {
  const key = (s: Size, r: number) => {
    if (target === 'kohya') return selectBucket(s[0], s[1], r).bucket.join('x');
    if (target === 'simpletuner') return simpleTunerSelect(s[0], s[1], r).target.join('x');
    return aiToolkitSelect(s[0], s[1], r).bucket.join('x');
  };
  // ai-toolkit trains the folder once per size of its resolution list; every one must keep its bucket.
  const list = target === 'ai-toolkit' ? aiToolkitResolutions(res) : [res];
  return list.every((r) => key(a, r) === key(b, r));
}

/**
 * The size a cropped image of `width` x `height` is exported at for `target`, never larger than the crop:
 * - CivitAI: scaled down to fit CIVITAI_MAX_SIDE a side, as its intake does;
 * - kohya, ai-toolkit, SimpleTuner: the size that trainer itself resizes the crop to before cutting out its bucket
 *   (at `resolution`; ai-toolkit at the largest of its list), when the trainer reading a file of that size lands
 *   it in the same bucket and resizes it no further; otherwise, or when the trainer would scale up, the crop as it
 *   is (the trainer resizes it itself);
 * - Hugging Face: the crop as it is, or scaled down to `resolution` on its long side when one is given.
 */
export function exportSize(target: ExportTarget, width: number, height: number, resolution?: number): Size {
  const crop: Size = [width, height];
  if (target === 'civitai' || target === 'huggingface') {
    const max = target === 'civitai' ? CIVITAI_MAX_SIDE : resolution;
    if (max === undefined) return crop;
    const scale = Math.min(1, max / width, max / height);
    return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
  }
  const res = resolution ?? DEFAULT_RESOLUTION;
  const resized = trainerResize(target, width, height, res);
  if (resized[0] > width || resized[1] > height) return crop;
  const again = trainerResize(target, resized[0], resized[1], res);
  const fixed = again[0] === resized[0] && again[1] === resized[1];
  return fixed && sameBuckets(target, crop, resized, res) ? resized : crop;
}

/** The crop tool's bucket presets for `target` (width, height), or none when the trainer has no fixed list. */
export function bucketPresets(target: ExportTarget, resolution = DEFAULT_RESOLUTION): Size[] {
  return target === 'civitai' || target === 'kohya' ? bucketResolutions(resolution) : [];
}
