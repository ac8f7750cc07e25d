"""Hugging Face datasets' imagefolder metadata contract, for the export tests.

As documented in huggingface.co/docs/datasets/image_dataset ("ImageFolder", metadata.jsonl): each line a JSON object
whose file_name is the image's path relative to the metadata file's folder, the other keys its columns; every
file_name must exist and appear once. The split folder (train/) holds the images and metadata.jsonl.

Usage: python3 imagefolder_reader.py <dataset folder>; prints JSON {file_name: text}.
"""
import json
import os
import sys


def main():
    root = sys.argv[1]
    split = os.path.join(root, "train")
    rows = {}
    with open(os.path.join(split, "metadata.jsonl"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            name = row["file_name"]
            assert name not in rows, f"{name} listed twice"
            assert os.path.isfile(os.path.join(split, name)), f"{name} is not in {split}"
            rows[name] = row["text"]
    images = [n for n in os.listdir(split) if os.path.splitext(n)[1].lower() in (".jpg", ".jpeg", ".png", ".webp")]
    assert sorted(images) == sorted(rows), "every image needs a metadata row"
    print(json.dumps(rows, ensure_ascii=False))


main()
