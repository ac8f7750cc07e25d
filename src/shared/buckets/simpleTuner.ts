/**
 * SimpleTuner's aspect bucketing for the image backend our export writes (`resolution_type: "pixel_area"`,
 * `resolution` in pixels, `crop` off), transcribed from bghira/SimpleTuner bc8e6ab7738ce457a2ed8eb2d26cadd91c6442cb:
 * - `simpletuner/helpers/data_backend/factory.py` `_handle_resolution_conversion`: pixel_area becomes area,
 *   resolution² / 1e6 megapixels;
 * - `simpletuner/helpers/image_manipulation/training_sample.py` `_set_resolution` (area: the megapixel values near
 *   0.25, 0.5, 1, 2, 4 map to 512², 768², 1024², 1536², 2048²), `calculate_target_size` (crop off),
 *   `correct_intermediary_square_size`;
 * - `simpletuner/helpers/multiaspect/image.py` `calculate_new_size_by_pixel_area`, `_round_to_nearest_multiple`,
 *   `calculate_image_aspect_ratio`, with `--aspect_bucket_alignment` 64 and `--aspect_bucket_rounding` 2 (the
 *   defaults).
 * SimpleTuner resizes the image to the intermediary size (keeping its own aspect) and cuts the target size out of
 * it; its bucket is the target's aspect ratio rounded to 2 places. It has no fixed list of buckets. Left out: the
 * dataset-wide cache of the first target seen per aspect (`StateTracker.get_resolution_by_aspect`, the same answer
 * for the same aspect) and a model's `MAXIMUM_CANVAS_SIZE` (none but HiDream's, 1024²).
 */
import type { Size } from './kohya';

const ALIGN = 64;

/** Python's `round(x)` (ties to even). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Python's `round(x, 2)` on a positive float: rounded on its exact binary value, exact ties to even. */
export function pyRound2(x: number): number {
  const s = x.toFixed(100); // the exact decimal expansion of the double
  const dot = s.indexOf('.');
  const kept = BigInt(s.slice(0, dot) + s.slice(dot + 1, dot + 3));
  const rest = s.slice(dot + 3).replace(/0+$/, '');
  let n = kept;
  if (rest > '5' || (rest === '5' && kept % 2n === 1n)) n += 1n;
  return Number(n) / 100;
}

/** `_round_to_nearest_multiple(value)` with the default alignment. */
function roundToMultiple(value: number): number {
  return Math.max(roundHalfEven(value / ALIGN) * ALIGN, ALIGN);
}

const aspectOf = (w: number, h: number) => pyRound2(w / h);

/** `calculate_new_size_by_pixel_area(aspect_ratio, megapixels, original_size)`: target and intermediary. */
function sizeByPixelArea(aspect: number, megapixels: number, width: number, height: number): [Size, Size] {
  const edge = roundToMultiple(Math.trunc(Math.sqrt(megapixels * 1e6)));
  if (aspect === 1.0 && width === height)
    return [
      [edge, edge],
      [edge, edge],
    ];
  const wT = roundToMultiple(edge * Math.sqrt(aspect));
  const hT = roundToMultiple(edge / Math.sqrt(aspect));
  const raw = width / height;
  let wI: number;
  let hI: number;
  if (wT < hT) {
    wI = wT;
    hI = Math.trunc(wI / raw);
  } else {
    hI = hT;
    wI = Math.trunc(hI * raw);
  }
  if (wT > wI || hT > hI) {
    let wD: number;
    let hD: number;
    if (wT > wI) {
      wD = wT - wI;
      hD = Math.trunc(wD / raw);
    } else {
      hD = hT - hI;
      wD = Math.trunc(hD * raw);
    }
    hI += hD;
    wI += wD;
  }
  return [
    [wT, hT],
    [wI, hI],
  ];
}

/** `_set_resolution` for resolution_type area: the square side SimpleTuner's aspect 1.0 bucket uses. */
function pixelResolution(megapixels: number): number {
  const map: [number, number][] = [
    [0.25, 512 ** 2],
    [0.5, 768 ** 2],
    [1.0, 1024 ** 2],
    [2.0, 1536 ** 2],
    [4.0, 2048 ** 2],
  ];
  const hit = map.find(([k]) => Math.abs(megapixels - k) < 0.05);
  const area = hit ? hit[1] : megapixels * 1e6;
  return Math.trunc(roundToMultiple(Math.sqrt(area)));
}

/**
 * What SimpleTuner does with an upright `width` x `height` image at `resolution` (pixel_area): the size it cuts
 * out (`target`), the size it first resizes the image to (`intermediary`) and its bucket (`aspect`).
 */
export function simpleTunerSelect(
  width: number,
  height: number,
  resolution: number,
): { target: Size; intermediary: Size; aspect: number } {
  const megapixels = (resolution * resolution) / 1000 ** 2;
  const pr = pixelResolution(megapixels);
  let [target, intermediary] = sizeByPixelArea(aspectOf(width, height), megapixels, width, height);
  const aspect = aspectOf(target[0], target[1]);
  if (aspect === 1.0 && intermediary[0] < pr) intermediary = [pr, pr];
  if (aspect === 1.0) target = [pr, pr];
  return { target, intermediary, aspect };
}
