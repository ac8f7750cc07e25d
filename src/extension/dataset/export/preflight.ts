/**
 * "Check Dataset": CivitAI's real upload and training rules, and what else makes a LoRA worse, as findings that
 * each name the image, the rule, and what to do. Skipped images are left out of every check (they are not
 * exported). VS Code-free: the command turns findings into Problems-view diagnostics on each image's `.txt`.
 */
import { hasLineBreak, looksNatural, triggerState } from '../../../shared/caption';
import {
  ACCEPTED_FORMATS,
  PREFLIGHT_RULES,
  type Add,
  type PreflightImage,
  type PreflightOptions,
  type PreflightRule,
  type Severity,
} from './checkRules';
import { checkFiles } from './fileChecks';

/** One problem found in the dataset. */
export interface Finding {
  /** Staged name of the image concerned, or '' for the dataset as a whole. */
  file: string;
  /** Stable rule id, e.g. 'too-many-images' (see PREFLIGHT_RULES). */
  rule: PreflightRule;
  severity: Severity;
  /** What is wrong, with which file, and what to do. */
  message: string;
}

/** CivitAI's trainer takes at most this many images. */
export const MAX_IMAGES = 1000;
/** CivitAI rejects images with a side under this many pixels. */
export const MIN_SIDE = 64;
/** Images with both sides under this are upscaled by the trainer. */
export const UPSCALE_BELOW = 256;
/** Images with a side over this are downscaled by the trainer. */
export const DOWNSCALE_ABOVE = 2048;
/** The dataset to check. */
export interface PreflightInput {
  outputFolder: string;
  images: readonly PreflightImage[];
  triggerWord: string;
  captionStyle: 'tags' | 'natural';
  /** Training a Flux LoRA (CivitAI's default): tag-style captions get a warning. Default true. */
  flux?: boolean;
}

const ORIENTATION_NAMES: Record<number, string> = {
  2: 'mirrored',
  3: 'rotated 180°',
  4: 'flipped upside down',
  5: 'mirrored and rotated 90°',
  6: 'rotated 90°',
  7: 'mirrored and rotated 270°',
  8: 'rotated 270°',
};

/**
 * Checks a dataset against CivitAI's rules and the usual LoRA dataset mistakes. Findings come dataset-wide first,
 * then in image order. Rejects only when cancelled (an Error named 'AbortError').
 */
export async function checkDataset(input: PreflightInput, opts: PreflightOptions = {}): Promise<Finding[]> {
  const images = input.images.filter((i) => i.status !== 'skipped');
  const out: Finding[] = [];
  const add = (file: string, rule: PreflightRule, message: string) =>
    out.push({ file, rule, severity: PREFLIGHT_RULES[rule], message });

  if (images.length > MAX_IMAGES) {
    add(
      '',
      'too-many-images',
      `The dataset has ${images.length} images to export; CivitAI's trainer takes ${MAX_IMAGES} at most. Skip ${images.length - MAX_IMAGES} of them in the panel.`,
    );
  }
  for (const img of images) checkRecord(img, input, add);
  checkCaptionStyle(images, input, add);
  await checkFiles(images, input.outputFolder, opts, add);

  const order = new Map(images.map((img, i) => [img.file, i]));
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (order.get(a.f.file) ?? -1) - (order.get(b.f.file) ?? -1) || a.i - b.i)
    .map(({ f }) => f);
}

/** The rules that need only the session record and the caption. */
function checkRecord(img: PreflightImage, input: PreflightInput, add: Add): void {
  const f = img.file;
  const format = (img.format || f.split('.').pop() || '').toLowerCase();
  if (!(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    add(
      f,
      'unsupported-format',
      `${f} is ${format.toUpperCase() || 'of an unknown format'}; CivitAI's trainer takes PNG, JPEG and WebP only. Convert it to PNG or JPEG, or skip it.`,
    );
  }
  const { width: w, height: h } = img;
  if (w > 0 && h > 0) {
    if (Math.min(w, h) < MIN_SIDE) {
      add(
        f,
        'too-small',
        `${f} is ${w}x${h}; CivitAI rejects images with a side under ${MIN_SIDE} px. Replace it with a larger image, or skip it.`,
      );
    } else if (w < UPSCALE_BELOW && h < UPSCALE_BELOW) {
      add(
        f,
        'will-upscale',
        `${f} is only ${w}x${h}; the trainer will upscale it and it will look soft. Use a larger version if you have one.`,
      );
    }
    if (Math.max(w, h) > DOWNSCALE_ABOVE) {
      add(
        f,
        'will-downscale',
        `${f} is ${w}x${h}; the trainer will downscale it to fit ${DOWNSCALE_ABOVE} px, which makes the upload bigger than it needs to be.`,
      );
    }
  }
  if (img.orientation !== undefined && img.orientation !== 1) {
    const how = ORIENTATION_NAMES[img.orientation] ?? `orientation ${img.orientation}`;
    add(
      f,
      'exif-orientation',
      `${f} is stored ${how} and only shown upright through its EXIF orientation (${img.orientation}); trainers that ignore EXIF see it ${how}. Re-save it upright (an image editor's export does this).`,
    );
  }
  const cap = img.caption;
  if (!cap.trim()) {
    add(
      f,
      'empty-caption',
      `${f} has an empty caption; the LoRA learns nothing about what is in it. Tag it, or skip it.`,
    );
    return;
  }
  if (hasLineBreak(cap)) {
    add(
      f,
      'line-breaks',
      `The caption of ${f} has line breaks; SimpleTuner and kohya's wildcard mode read each line as a separate caption. Join it into one line.`,
    );
  }
  const t = input.triggerWord.trim();
  const state = triggerState(cap, t);
  if (state === 'missing')
    add(f, 'trigger-missing', `The caption of ${f} does not contain the trigger word "${t}"; put it first.`);
  else if (state === 'not-first')
    add(f, 'trigger-not-first', `The caption of ${f} has the trigger word "${t}" but not first; move it to the front.`);
  else if (state === 'repeated')
    add(f, 'trigger-repeated', `The caption of ${f} has the trigger word "${t}" more than once; keep only the first.`);
}

/**
 * Flux: CivitAI says natural-language captions work best and guesses the style with looksNatural. One dataset-wide
 * warning when the dataset is tag-style (its caption style is 'tags', or most captions look like tags); in a
 * natural-language dataset, an info on each caption that still looks like tags (it is probably unfinished).
 */
function checkCaptionStyle(images: readonly PreflightImage[], input: PreflightInput, add: Add): void {
  if (input.flux === false) return;
  const captioned = images.filter((i) => i.caption.trim());
  if (!captioned.length) return;
  const tagLike = captioned.filter((i) => !looksNatural(i.caption.trim()));
  if (input.captionStyle === 'tags' || tagLike.length * 2 > captioned.length) {
    if (tagLike.length) {
      add(
        '',
        'flux-tag-captions',
        `${tagLike.length} of ${captioned.length} captions read as tag lists; for Flux, CivitAI recommends natural-language captions (a sentence or two over 80 characters, few commas). Tags still train, but usually less well on Flux.`,
      );
    }
    return;
  }
  for (const i of tagLike) {
    add(
      i.file,
      'flux-tag-caption',
      `The caption of ${i.file} reads as a tag list in a natural-language dataset (CivitAI counts a caption as natural language when it is over 80 characters with commas under 5% of it). Write it as a sentence.`,
    );
  }
}
