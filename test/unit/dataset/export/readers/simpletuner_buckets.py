"""SimpleTuner's aspect bucketing for our export's image backend, for the bucket tests.

From bghira/SimpleTuner bc8e6ab7738ce457a2ed8eb2d26cadd91c6442cb, with StateTracker's args as the defaults
(--aspect_bucket_alignment 64, --aspect_bucket_rounding 2) and no cached resolution per aspect:
- simpletuner/helpers/multiaspect/image.py: _round_to_nearest_multiple, calculate_image_aspect_ratio and
  calculate_new_size_by_pixel_area (verbatim but for the logging, the np.isclose that only logs, and the cache);
- simpletuner/helpers/data_backend/factory.py _handle_resolution_conversion (pixel_area -> area);
- simpletuner/helpers/image_manipulation/training_sample.py _set_resolution (area), calculate_target_size with
  crop off and no stored metadata, correct_intermediary_square_size.

Usage: python3 simpletuner_buckets.py <resolution> <w>x<h> ...; prints JSON
[[target_w, target_h, intermediary_w, intermediary_h, aspect], ...].
"""
import json
import sys
from math import sqrt

ALIGNMENT = 64
ROUNDING = 2


def _round_to_nearest_multiple(value, override_value: int = None):
    multiple = ALIGNMENT if override_value is None else override_value
    rounded = round(value / multiple) * multiple
    return max(rounded, multiple)


def calculate_image_aspect_ratio(image):
    width, height = image
    return round(width / height, ROUNDING)


def calculate_new_size_by_pixel_area(aspect_ratio: float, megapixels: float, original_size: tuple):
    if type(aspect_ratio) not in [float]:
        raise ValueError(f"Aspect ratio must be a float, not {type(aspect_ratio)}")
    target_pixel_area = megapixels * 1e6
    target_pixel_edge = _round_to_nearest_multiple(int(sqrt(target_pixel_area)))

    W_initial, H_initial = original_size
    if W_initial <= 0 or H_initial <= 0:
        raise ValueError(f"Invalid image dimensions: {original_size}")

    if aspect_ratio == 1.0 and W_initial == H_initial:
        return (
            (target_pixel_edge, target_pixel_edge),
            (target_pixel_edge, target_pixel_edge),
            aspect_ratio,
        )

    W_target = _round_to_nearest_multiple(target_pixel_edge * sqrt(aspect_ratio))
    H_target = _round_to_nearest_multiple(target_pixel_edge / sqrt(aspect_ratio))

    original_aspect_ratio_raw = W_initial / H_initial
    if W_target < H_target:
        W_intermediary = W_target
        H_intermediary = int(W_intermediary / original_aspect_ratio_raw)
    else:
        H_intermediary = H_target
        W_intermediary = int(H_intermediary * original_aspect_ratio_raw)

    adjusted_aspect_ratio = calculate_image_aspect_ratio((W_target, H_target))
    target_resolution = (W_target, H_target)

    if W_target > W_intermediary or H_target > H_intermediary:
        if W_target > W_intermediary:
            W_diff = W_target - W_intermediary
            H_diff = int(W_diff / original_aspect_ratio_raw)
        else:
            H_diff = H_target - H_intermediary
            W_diff = int(H_diff * original_aspect_ratio_raw)
        H_intermediary += H_diff
        W_intermediary += W_diff

    intermediary_resolution = (W_intermediary, H_intermediary)
    return (target_resolution, intermediary_resolution, adjusted_aspect_ratio)


def handle_resolution_conversion(pixel_edge_length):
    return (pixel_edge_length * pixel_edge_length) / (1000**2)


def set_resolution(resolution):
    resolution_map = {
        0.25: 512**2,
        0.5: 768**2,
        1.0: 1024**2,
        2.0: 1536**2,
        4.0: 2048**2,
    }
    target_area = None
    for key, value in resolution_map.items():
        if abs(resolution - key) < 0.05:
            target_area = value
            break
    if target_area is None:
        target_area = resolution * 1e6
    return int(_round_to_nearest_multiple(sqrt(target_area)))


def calculate_target_size(original_size, resolution):
    pixel_resolution = set_resolution(resolution)
    aspect_ratio = calculate_image_aspect_ratio(original_size)
    target_size, intermediary_size, aspect_ratio = calculate_new_size_by_pixel_area(
        aspect_ratio, resolution, original_size
    )
    aspect_ratio = calculate_image_aspect_ratio(target_size)
    if aspect_ratio == 1.0 and intermediary_size[0] < pixel_resolution:
        intermediary_size = (pixel_resolution, pixel_resolution)
    if aspect_ratio == 1.0:
        target_size = (pixel_resolution, pixel_resolution)
    return target_size, (int(intermediary_size[0]), int(intermediary_size[1])), aspect_ratio


def main():
    resolution = handle_resolution_conversion(int(sys.argv[1]))
    out = []
    for size in sys.argv[2:]:
        w, h = (int(v) for v in size.split("x"))
        t, i, a = calculate_target_size((w, h), resolution)
        out.append([t[0], t[1], i[0], i[1], a])
    print(json.dumps(out))


main()
