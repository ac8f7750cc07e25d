"""kohya-ss/sd-scripts' caption reading, transcribed for the export tests.

From kohya-ss/sd-scripts 48d368fa557731ad0488c07304dfeba8c07910eb, library/train_util.py: read_caption (inside
DreamBoothDataset.__init__), the caption loop of load_dreambooth_dir (class_tokens when there is no caption file)
and the shuffle / keep_tokens part of BaseDataset.process_caption. The subset comes from our dataset.toml
(tomllib, as kohya's config_util reads it with toml).

Usage: python3 kohya_reader.py <dataset.toml> <seed>; prints JSON {image name: [caption read, caption shuffled]}.
"""
import json
import os
import random
import sys
import tomllib

IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".PNG", ".JPG", ".JPEG", ".WEBP", ".BMP"]


def read_caption(img_path, caption_extension, enable_wildcard):
    base_name = os.path.splitext(img_path)[0]
    base_name_face_det = base_name
    tokens = base_name.split("_")
    if len(tokens) >= 5:
        base_name_face_det = "_".join(tokens[:-4])
    cap_paths = [base_name + caption_extension, base_name_face_det + caption_extension]

    caption = None
    for cap_path in cap_paths:
        if os.path.isfile(cap_path):
            with open(cap_path, "rt", encoding="utf-8") as f:
                lines = f.readlines()
                assert len(lines) > 0, f"caption file is empty: {cap_path}"
                if enable_wildcard:
                    caption = "\n".join([line.strip() for line in lines if line.strip() != ""])
                else:
                    caption = lines[0].strip()
            break
    return caption


def process_caption(caption, shuffle_caption, keep_tokens, caption_separator=","):
    # The no-wildcard, no-dropout path of process_caption.
    caption = caption.split("\n")[0]
    if shuffle_caption:
        tokens = [t.strip() for t in caption.strip().split(caption_separator)]
        flex_tokens = tokens[:]
        fixed_tokens = []
        if keep_tokens > 0:
            fixed_tokens = flex_tokens[:keep_tokens]
            flex_tokens = tokens[keep_tokens:]
        random.shuffle(flex_tokens)
        caption = ", ".join(fixed_tokens + flex_tokens)
    return caption


def main():
    with open(sys.argv[1], "rb") as f:
        config = tomllib.load(f)
    random.seed(int(sys.argv[2]))
    general = config.get("general", {})
    out = {}
    for dataset in config["datasets"]:
        for subset in dataset["subsets"]:
            ext = subset.get("caption_extension", general.get("caption_extension", ".caption"))
            shuffle = subset.get("shuffle_caption", general.get("shuffle_caption", False))
            keep = subset.get("keep_tokens", general.get("keep_tokens", 0))
            class_tokens = subset.get("class_tokens")
            image_dir = subset["image_dir"]
            for name in sorted(os.listdir(image_dir)):
                if os.path.splitext(name)[1] not in IMAGE_EXTENSIONS:
                    continue
                cap = read_caption(os.path.join(image_dir, name), ext, False)
                if cap is None:
                    cap = class_tokens if class_tokens is not None else ""
                out[name] = [cap, process_caption(cap, shuffle, keep)]
    print(json.dumps(out, ensure_ascii=False))


main()
