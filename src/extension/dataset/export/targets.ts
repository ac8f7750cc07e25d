/**
 * Export targets: the trainers our users train with, what each one's caption reader does with a caption (the
 * per-target check rules), and the caption text we write for each so that reader reads what the user typed.
 *
 * Transcribed from (each rule's doc comment names the file):
 * - kohya-ss/sd-scripts 48d368fa557731ad0488c07304dfeba8c07910eb `library/train_util.py`
 * - ostris/ai-toolkit 27a03a91f23eb1b757d5ec2e80ee3e129cfcc350 `toolkit/dataloader_mixins.py`,
 *   `toolkit/prompt_utils.py`
 * - bghira/SimpleTuner bc8e6ab7738ce457a2ed8eb2d26cadd91c6442cb `simpletuner/helpers/prompts.py`
 * - civitai/civitai ebed661630d3407a6d853981d89c97c31a2a4be0 `src/components/Training/Form/TrainingImages.tsx`
 */
// The target ids are shared with the webview (the report's buckets, the crop tool), so they live in shared/model.ts.
import { EXPORT_TARGETS, type CaptionStyle, type ExportTarget } from '../../../shared/model';
import { CLIP_TOKEN_LIMIT, estimateClipTokens, estimateT5Tokens, T5_TOKEN_LIMIT } from '../../../shared/report';
import type { Severity } from './checkRules';

export { EXPORT_TARGETS, type ExportTarget };

/** What each target is called in messages and pickers. */
export const TARGET_LABELS: Record<ExportTarget, string> = {
  civitai: "CivitAI's trainer (zip)",
  kohya: 'kohya_ss / sd-scripts (folder + dataset.toml)',
  'ai-toolkit': 'ostris ai-toolkit (folder + datasets: YAML)',
  simpletuner: 'SimpleTuner (folder + multidatabackend.json)',
  huggingface: 'Hugging Face imagefolder (metadata.jsonl)',
};

/** True for a known target id. */
export function isExportTarget(x: unknown): x is ExportTarget {
  return typeof x === 'string' && (EXPORT_TARGETS as readonly string[]).includes(x);
}

/** Every per-target rule id, with its severity. */
export const TARGET_RULES = {
  /** kohya `train_util.py` read_caption: `assert len(lines) > 0` on a 0-byte file; we write none, so class tokens. */
  'kohya-empty-caption': 'warning',
  /** kohya `train_util.py` read_caption: `lines[0].strip()`, only the first line is the caption. */
  'kohya-multi-line': 'warning',
  /** kohya `train_util.py` process_caption: `keep_tokens` keeps the first comma-separated tokens when shuffling. */
  'kohya-trigger-not-first': 'warning',
  /** kohya `train_util.py` read_caption: opened as "utf-8" (not "utf-8-sig"); `strip()` leaves U+FEFF in place. */
  'kohya-bom': 'warning',
  /** ai-toolkit `dataloader_mixins.py` get_caption: `raw_caption.split(',')` then `', '.join(token_list)`. */
  'ai-toolkit-comma-spacing': 'info',
  /** ai-toolkit `prompt_utils.py` inject_trigger_into_prompt: case-sensitive `count`, prepends `trigger + " "`. */
  'ai-toolkit-trigger-added': 'warning',
  /** ai-toolkit `dataloader_mixins.py` load_caption: `f.read()` keeps every line and U+FEFF in the prompt. */
  'ai-toolkit-multi-line': 'warning',
  /** ai-toolkit `dataloader_mixins.py` load_caption: opened as "utf-8", U+FEFF is kept. */
  'ai-toolkit-bom': 'warning',
  /** SimpleTuner `prompts.py` prepare_instance_prompt_from_textfile: `split("\n")`, each line a caption of its own. */
  'simpletuner-multi-line': 'warning',
  /** SimpleTuner `prompts.py`: bytes `.decode("utf-8")` keep U+FEFF, and `\r` before each `\n`. */
  'simpletuner-bom': 'warning',
  /** SimpleTuner `prompts.py`: an empty `.txt` is an empty prompt (no instance prompt unless prepended). */
  'simpletuner-empty-caption': 'warning',
  /** CivitAI `TrainingImages.tsx` handleNextAfterCheck: `new RegExp(`^${triggerWord}( |$)`)` unescaped. */
  'civitai-trigger-regex': 'error',
  /** CivitAI `TrainingImages.tsx` handleNextAfterCheck: a label the regex does not match gets the trigger prepended. */
  'civitai-trigger-prepended': 'warning',
  /** CivitAI `TrainingImages.tsx`: `firstLabel.length > 80 && split(',').length < length * 0.05` on the first label. */
  'civitai-style-guess': 'warning',
  /** CivitAI `TrainingImages.tsx` handleZip: `async('string')` keeps U+FEFF and `\r` in the label. */
  'civitai-bom-crlf': 'warning',
  /**
   * Every trainer's text encoders: CLIP reads 77 tokens (kohya `train_util.py` `max_token_length` default 75 plus
   * start and end), T5 as Flux dev uses it 512; the rest of the caption is never seen. An estimate (report.ts).
   */
  'token-length': 'info',
} as const satisfies Record<string, Severity>;
/** A per-target rule id. */
export type TargetRule = keyof typeof TARGET_RULES;

/** One per-target finding, shaped as the preflight's. */
export interface TargetFinding {
  file: string;
  rule: TargetRule;
  severity: Severity;
  message: string;
}

/** What the per-target rules look at. */
export interface TargetCheckInput {
  triggerWord: string;
  captionStyle: CaptionStyle;
  /** The images that will be exported, in export order, with the exact text of each `.txt`. */
  images: readonly { file: string; caption: string }[];
  /** ai-toolkit: captions carry `[trigger]` for the trigger word (the config's `trigger_word` fills it in). */
  triggerPlaceholder?: boolean;
  /** kohya: the class word after the trigger in the folder name and `class_tokens` (default none). */
  className?: string;
}

const BOM = '\uFEFF';

/** The caption text as we write it for `target`: what that target's reader turns back into the user's caption. */
export function writtenCaption(target: ExportTarget, caption: string, input: Omit<TargetCheckInput, 'images'>): string {
  let t = caption.startsWith(BOM) ? caption.slice(1) : caption;
  t = t.replace(/\r\n?/g, '\n');
  const trigger = input.triggerWord.trim();
  switch (target) {
    case 'civitai':
      // CivitAI's caption mode reads "trigger first" only as `^trigger( |$)`: `ohwx, a woman` would become
      // `ohwx ohwx, a woman`, so the comma after a leading trigger goes.
      if (input.captionStyle === 'natural' && trigger && t.startsWith(trigger + ',')) {
        t = `${trigger} ${t.slice(trigger.length + 1).trimStart()}`;
      }
      return t;
    case 'kohya':
    case 'simpletuner':
      // Both read a line as a caption (kohya the first only, SimpleTuner each as its own), so one line.
      return t
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ');
    case 'ai-toolkit': {
      // ai-toolkit rejoins its comma split with ", ", so ", " is written as "," to read back as typed.
      let a = t.replace(/, /g, ',');
      if (input.triggerPlaceholder && trigger) a = a.split(trigger).join('[trigger]');
      return a;
    }
    case 'huggingface':
      return t;
  }
}

/** Runs the rules of `target` over every exported image's caption. */
export function checkTarget(target: ExportTarget, input: TargetCheckInput): TargetFinding[] {
  const out: TargetFinding[] = [];
  const add = (file: string, rule: TargetRule, message: string) =>
    out.push({ file, rule, severity: TARGET_RULES[rule], message });
  const trigger = input.triggerWord.trim();
  if (target === 'civitai') civitaiDataset(input, add);
  for (const { file, caption } of input.images) {
    const bom = caption.startsWith(BOM);
    const lines = caption
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const fixedBom =
      'the export writes it without the mark; "LoRA Tagging: Remove Byte-Order Marks and Line Breaks From Captions" removes it from the .txt files (one undo step)';
    if (target === 'kohya') {
      if (caption.trim() === '' || caption === BOM) {
        const cls = [trigger, input.className ?? ''].filter(Boolean).join(' ');
        add(
          file,
          'kohya-empty-caption',
          cls
            ? `${file} has an empty caption; kohya asserts on a 0-byte caption file, so none is written and kohya ` +
                `trains it on the class tokens "${cls}". Tag it in the panel.`
            : `${file} has an empty caption and no trigger word is set, so kohya trains it on an empty prompt. Tag ` +
                `it, or set a trigger word.`,
        );
      }
      if (lines.length > 1)
        add(
          file,
          'kohya-multi-line',
          `${file}'s caption has ${lines.length} lines; kohya reads ` +
            `only the first, so the export joins them into one line.`,
        );
      if (bom)
        add(
          file,
          'kohya-bom',
          `${file}'s caption starts with a byte-order mark, which kohya's strip() keeps ` +
            `in the prompt; ${fixedBom}.`,
        );
      if (trigger && input.captionStyle === 'tags' && caption.trim() !== '') {
        const first = caption.replace(BOM, '').split(',')[0]!.trim();
        if (first !== trigger)
          add(
            file,
            'kohya-trigger-not-first',
            `${file}'s first tag is "${first}", not the ` +
              `trigger "${trigger}"; with shuffle_caption and keep_tokens = 1 kohya keeps that tag first and shuffles ` +
              `the trigger. Move the trigger first.`,
          );
      }
    } else if (target === 'ai-toolkit') {
      const body = caption.replace(BOM, '').replace(/\r\n?/g, '\n');
      if (/,(?! )/.test(body))
        add(
          file,
          'ai-toolkit-comma-spacing',
          `${file}'s caption has a comma not followed by ` +
            `one space; ai-toolkit rejoins its comma split with ", ", so it reads that comma as ", ".`,
        );
      if (trigger && !input.triggerPlaceholder && !body.includes(trigger)) {
        const other = body.toLowerCase().includes(trigger.toLowerCase());
        add(
          file,
          'ai-toolkit-trigger-added',
          other
            ? `${file}'s caption has the trigger in another case; ai-toolkit's search is case-sensitive, so it adds ` +
                `"${trigger} " in front and the prompt has both. Write it as "${trigger}".`
            : `${file}'s caption lacks the trigger "${trigger}"; ai-toolkit adds "${trigger} " at the start of the ` +
                `prompt.`,
        );
      }
      if (lines.length > 1)
        add(
          file,
          'ai-toolkit-multi-line',
          `${file}'s caption has ${lines.length} lines; ` +
            `ai-toolkit reads the whole file, line breaks included, into one prompt.`,
        );
      if (bom)
        add(
          file,
          'ai-toolkit-bom',
          `${file}'s caption starts with a byte-order mark, which ai-toolkit keeps ` + `in the prompt; ${fixedBom}.`,
        );
    } else if (target === 'simpletuner') {
      if (caption.trim() === '' || caption === BOM)
        add(
          file,
          'simpletuner-empty-caption',
          `${file} has an empty ` + `caption; SimpleTuner trains it on an empty prompt. Tag it in the panel.`,
        );
      if (lines.length > 1)
        add(
          file,
          'simpletuner-multi-line',
          `${file}'s caption has ${lines.length} lines; ` +
            `SimpleTuner takes each line as a caption of its own, so the export joins them into one line.`,
        );
      if (bom || caption.includes('\r'))
        add(
          file,
          'simpletuner-bom',
          `${file}'s caption has a byte-order mark or ` +
            `CRLF line ends, which SimpleTuner keeps in the prompt; ${fixedBom}.`,
        );
    } else if (target === 'civitai') {
      civitaiCaption(file, caption, input, add);
    }
    const clip = estimateClipTokens(caption);
    const t5 = estimateT5Tokens(caption);
    // The imagefolder dataset is not a trainer: its users pick the model, and the encoders, later.
    if (clip > CLIP_TOKEN_LIMIT && target !== 'huggingface') {
      const more = t5 > T5_TOKEN_LIMIT ? `, and about ${t5} T5 tokens, past Flux's ${T5_TOKEN_LIMIT}` : '';
      add(
        file,
        'token-length',
        `${file}'s caption is about ${clip} CLIP tokens${more}; CLIP reads ` +
          `${CLIP_TOKEN_LIMIT} (SD, SDXL, and Flux's CLIP-L), so ${target} trains on a cut caption. ` +
          'Put what matters first.',
      );
    }
  }
  return out;
}

type Add = (file: string, rule: TargetRule, message: string) => void;

/** CivitAI's label type as its upload form guesses it from the first non-empty label (TrainingImages.tsx). */
export function civitaiEstimatedType(labels: readonly string[]): 'caption' | 'tag' {
  const first = labels.find((l) => l.length > 0);
  return (first?.length ?? 0) > 80 && (first?.split(',').length ?? 0) < (first?.length ?? 0) * 0.05 ? 'caption' : 'tag';
}

function civitaiDataset(input: TargetCheckInput, add: Add): void {
  const opts = { triggerWord: input.triggerWord, captionStyle: input.captionStyle };
  const labels = input.images.map((i) => writtenCaption('civitai', i.caption, opts));
  const guess = civitaiEstimatedType(labels);
  const ours = input.captionStyle === 'natural' ? 'caption' : 'tag';
  if (labels.some((l) => l.length > 0) && guess !== ours) {
    add(
      '',
      'civitai-style-guess',
      `CivitAI guesses this dataset's labels are ` +
        `${guess === 'caption' ? 'captions (natural language)' : 'tags'} from the first caption, but the session's ` +
        `style is ${input.captionStyle}; pick "${ours}" in CivitAI's label type when you upload.`,
    );
  }
  const trigger = input.triggerWord;
  if (!trigger) return;
  try {
    new RegExp(`^${trigger}( |$)`);
    new RegExp(`^${trigger}(,|$)`);
  } catch {
    add(
      '',
      'civitai-trigger-regex',
      `The trigger word "${trigger}" is not a valid regular expression, and CivitAI ` +
        `builds one from it unescaped, so its packaging fails. Use a trigger word without ( ) [ ] { } * + ? \\ | ^ $ ` +
        `.`,
    );
    return;
  }
  if (/[.*+?^${}()|[\]\\]/.test(trigger)) {
    add(
      '',
      'civitai-trigger-regex',
      `The trigger word "${trigger}" has characters CivitAI reads as a regular ` +
        `expression, so it may not find it and add it again. Use letters, digits and _ only.`,
    );
  }
}

function civitaiCaption(file: string, caption: string, input: TargetCheckInput, add: Add): void {
  const trigger = input.triggerWord;
  const label = writtenCaption('civitai', caption, input);
  if (caption.startsWith(BOM) || caption.includes('\r')) {
    add(
      file,
      'civitai-bom-crlf',
      `${file}'s caption has a byte-order mark or CRLF line ends, which CivitAI keeps ` +
        `in the label; the export writes it without them.`,
    );
  }
  if (!trigger) return;
  let re: RegExp;
  try {
    re = new RegExp(input.captionStyle === 'natural' ? `^${trigger}( |$)` : `^${trigger}(,|$)`);
  } catch {
    return; // reported once for the dataset
  }
  if (!re.test(label)) {
    const sep = input.captionStyle === 'natural' ? ' ' : ', ';
    const becomes = label.length > 0 ? `${trigger}${sep}${label}` : trigger;
    add(
      file,
      'civitai-trigger-prepended',
      `CivitAI does not see the trigger first in ${file}'s caption and trains ` +
        `it as "${becomes.slice(0, 80)}${becomes.length > 80 ? '…' : ''}". Put "${trigger}" first.`,
    );
  }
}
