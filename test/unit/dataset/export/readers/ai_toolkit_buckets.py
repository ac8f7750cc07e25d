"""ai-toolkit's bucketing, for the bucket tests.

From ostris/ai-toolkit 27a03a91f23eb1b757d5ec2e80ee3e129cfcc350: toolkit/buckets.py get_bucket_for_image_size
(verbatim) and toolkit/dataloader_mixins.py BucketsMixin.setup_buckets (the branch without square_crop, with
dataset_config.scale 1.0: the bucket and scale_to_width / scale_to_height).

Usage: python3 ai_toolkit_buckets.py <resolution> <w>x<h> ...; prints JSON [[bucket_w, bucket_h, scale_w, scale_h], ...].
"""
import json
import math
import sys


def get_bucket_for_image_size(width: int, height: int, resolution: int = 512, divisibility: int = 8):
    total_pixels = width * height
    max_pixels = resolution * resolution

    target_pixels = min(total_pixels, max_pixels)

    scaler = (target_pixels / total_pixels) ** 0.5
    w_raw = (width * scaler) / divisibility
    h_raw = (height * scaler) / divisibility

    candidates = [
        (math.floor(w_raw) * divisibility, math.floor(h_raw) * divisibility),
        (math.floor(w_raw) * divisibility, math.ceil(h_raw) * divisibility),
        (math.ceil(w_raw) * divisibility, math.floor(h_raw) * divisibility),
        (math.ceil(w_raw) * divisibility, math.ceil(h_raw) * divisibility),
    ]
    capped = [(w, h) for w, h in candidates if w > 0 and h > 0 and w * h <= max_pixels]
    if not capped:
        capped = [
            (
                max(divisibility, math.floor(w_raw) * divisibility),
                max(divisibility, math.floor(h_raw) * divisibility),
            )
        ]

    new_width, new_height = min(capped, key=lambda wh: abs(wh[0] * wh[1] - target_pixels))

    return {"width": new_width, "height": new_height}


def setup_bucket(file_width, file_height, resolution, bucket_tolerance=64, scale=1.0):
    width = int(file_width * scale)
    height = int(file_height * scale)
    bucket_resolution = get_bucket_for_image_size(width, height, resolution=resolution, divisibility=bucket_tolerance)
    width_scale_factor = bucket_resolution["width"] / width
    height_scale_factor = bucket_resolution["height"] / height
    max_scale_factor = max(width_scale_factor, height_scale_factor)
    scale_to_width = int(math.ceil(width * max_scale_factor))
    scale_to_height = int(math.ceil(height * max_scale_factor))
    return [bucket_resolution["width"], bucket_resolution["height"], scale_to_width, scale_to_height]


def main():
    res = int(sys.argv[1])
    out = []
    for size in sys.argv[2:]:
        w, h = (int(v) for v in size.split("x"))
        out.append(setup_bucket(w, h, res))
    print(json.dumps(out))


main()
