"""ostris/ai-toolkit's caption reading, transcribed for the export tests.

From ostris/ai-toolkit 27a03a91f23eb1b757d5ec2e80ee3e129cfcc350: toolkit/dataloader_mixins.py load_caption (the
caption-file branch; clean_caption is the identity there) and get_caption (no dropout, no shuffle), and
toolkit/prompt_utils.py inject_trigger_into_prompt. caption_ext gets its dot as config_modules.DatasetConfig adds it.

Usage: python3 ai_toolkit_reader.py <folder_path> <caption_ext> [trigger_word]; prints JSON {image name: caption}.
"""
import json
import os
import sys


def clean_caption(caption):
    return caption


def inject_trigger_into_prompt(prompt, trigger=None, to_replace_list=None, add_if_not_present=True):
    if trigger is None:
        trigger = ''
    output_prompt = prompt
    default_replacements = ["[name]", "[trigger]"]
    replace_with = trigger
    if to_replace_list is None:
        to_replace_list = default_replacements
    else:
        to_replace_list += default_replacements
    to_replace_list = list(set(to_replace_list))
    for to_replace in to_replace_list:
        output_prompt = output_prompt.replace(to_replace, replace_with)
    if trigger.strip() != "":
        num_instances = output_prompt.count(replace_with)
        if num_instances == 0 and add_if_not_present:
            output_prompt = replace_with + " " + output_prompt
    return output_prompt


def load_caption(path, caption_ext, default_caption=None):
    path_no_ext = os.path.splitext(path)[0]
    prompt_path = path_no_ext + caption_ext
    if os.path.exists(prompt_path):
        with open(prompt_path, 'r', encoding='utf-8') as f:
            prompt = f.read()
            prompt = clean_caption(prompt)
            if prompt.strip() == '' and default_caption is not None:
                prompt = default_caption
    else:
        prompt = ''
        if default_caption is not None:
            prompt = default_caption
    return prompt


def get_caption(raw_caption, trigger_word, is_reg=False):
    trigger = trigger_word
    add_if_not_present = False
    if trigger is not None and not is_reg:
        add_if_not_present = True
    if raw_caption is None:
        raw_caption = ''
    token_list = raw_caption.split(',')
    caption = ', '.join(token_list)
    return inject_trigger_into_prompt(caption, trigger, None, add_if_not_present)


def main():
    folder, ext = sys.argv[1], sys.argv[2]
    trigger = sys.argv[3] if len(sys.argv) > 3 else None
    if ext and not ext.startswith('.'):
        ext = '.' + ext
    out = {}
    for name in sorted(os.listdir(folder)):
        if os.path.splitext(name)[1].lower() not in ('.jpg', '.jpeg', '.png', '.webp'):
            continue
        out[name] = get_caption(load_caption(os.path.join(folder, name), ext), trigger)
    print(json.dumps(out, ensure_ascii=False))


main()
