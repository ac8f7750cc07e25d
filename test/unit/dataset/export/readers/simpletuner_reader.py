"""SimpleTuner's textfile caption strategy, transcribed for the export tests.

From bghira/SimpleTuner bc8e6ab7738ce457a2ed8eb2d26cadd91c6442cb, simpletuner/helpers/prompts.py
PromptHandler.prepare_instance_prompt_from_textfile, with the local data backend's read (the file's bytes). The
backend entry comes from our multidatabackend.json (instance_data_dir, caption_strategy).

Usage: python3 simpletuner_reader.py <multidatabackend.json>; prints JSON {image name: caption or [captions]}.
"""
import json
import os
import sys


def prepare_instance_prompt_from_textfile(image_path, use_captions, prepend_instance_prompt, instance_prompt=None,
                                          disable_multiline_split=False):
    if not use_captions:
        if not instance_prompt:
            raise ValueError("Instance prompt is required when instance_prompt_only is enabled.")
        return instance_prompt
    caption_file = os.path.splitext(image_path)[0] + ".txt"
    if not os.path.exists(caption_file):
        raise FileNotFoundError(f"Caption file {caption_file} not found.")
    with open(caption_file, "rb") as f:
        image_caption = f.read()
    if type(image_caption) == bytes:
        image_caption = image_caption.decode("utf-8")
    if not disable_multiline_split and "\n" in image_caption:
        image_caption = image_caption.split("\n")
        image_caption = [x for x in image_caption if x]
    if prepend_instance_prompt:
        if type(image_caption) is list:
            image_caption = [instance_prompt + " " + x for x in image_caption]
        else:
            image_caption = instance_prompt + " " + image_caption
    return image_caption


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        backends = json.load(f)
    out = {}
    for b in backends:
        if b.get("dataset_type", "image") != "image":
            continue
        assert b["caption_strategy"] == "textfile", b
        folder = b["instance_data_dir"]
        for name in sorted(os.listdir(folder)):
            if os.path.splitext(name)[1].lower() not in (".jpg", ".jpeg", ".png", ".webp"):
                continue
            out[name] = prepare_instance_prompt_from_textfile(
                os.path.join(folder, name), True, b.get("prepend_instance_prompt", False), b.get("instance_prompt"))
    print(json.dumps(out, ensure_ascii=False))


main()
