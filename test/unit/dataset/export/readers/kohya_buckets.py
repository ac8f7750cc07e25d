"""kohya's aspect-ratio bucketing, transcribed for the bucket tests.

From kohya-ss/sd-scripts 48d368fa557731ad0488c07304dfeba8c07910eb: library/model_util.py make_bucket_resolutions
(verbatim) and library/train_util.py BucketManager.select_bucket (the bucket_no_upscale=False branch; numpy's
argmin over the aspect-ratio errors written as a loop that keeps the first minimum, as argmin does).

Usage: python3 kohya_buckets.py <resolution> <w>x<h> ...; prints JSON [[bucket_w, bucket_h, resized_w, resized_h], ...].
"""
import json
import math
import sys


def make_bucket_resolutions(max_reso, min_size=256, max_size=1024, divisible=64):
    max_width, max_height = max_reso
    max_area = max_width * max_height

    resos = set()

    width = int(math.sqrt(max_area) // divisible) * divisible
    resos.add((width, width))

    width = min_size
    while width <= max_size:
        height = min(max_size, int((max_area // width) // divisible) * divisible)
        if height >= min_size:
            resos.add((width, height))
            resos.add((height, width))
        width += divisible

    resos = list(resos)
    resos.sort()
    return resos


def select_bucket(resos, image_width, image_height):
    predefined_resos_set = set(resos)
    predefined_aspect_ratios = [w / h for w, h in resos]
    aspect_ratio = image_width / image_height
    reso = (image_width, image_height)
    if reso in predefined_resos_set:
        pass
    else:
        errors = [abs(r - aspect_ratio) for r in predefined_aspect_ratios]
        predefined_bucket_id = min(range(len(errors)), key=lambda i: errors[i])
        reso = resos[predefined_bucket_id]

    ar_reso = reso[0] / reso[1]
    if aspect_ratio > ar_reso:
        scale = reso[1] / image_height
    else:
        scale = reso[0] / image_width

    resized_size = (int(image_width * scale + 0.5), int(image_height * scale + 0.5))
    return reso, resized_size


def main():
    res = int(sys.argv[1])
    # dataset.toml as our kohya export writes it: min_bucket_reso 256, max_bucket_reso max(2 res, 1024), steps 64.
    resos = make_bucket_resolutions((res, res), 256, max(res * 2, 1024), 64)
    out = []
    for size in sys.argv[2:]:
        w, h = (int(v) for v in size.split("x"))
        reso, resized = select_bucket(resos, w, h)
        out.append([reso[0], reso[1], resized[0], resized[1]])
    print(json.dumps({"resos": resos, "selected": out}))


main()
