/**
 * The dataset report: counts, tag frequencies, resolution and aspect-ratio histograms, and caption lengths with
 * estimated text-encoder token counts. Pure TypeScript (it runs in the webview and in the extension host).
 *
 * Statistics other than the status counts cover the images that will be exported (not skipped).
 *
 * Token counts are ESTIMATES, not a tokenizer run (shipping CLIP's 49,408-entry BPE vocabulary and T5's
 * SentencePiece model in the webview is not worth it for a warning):
 * - CLIP (SD, SDXL, Flux's CLIP-L): BPE on lower-cased text where each punctuation mark and each digit is its own
 *   token and a word is 1 token when common, 2-3 when rare (trigger words like "ohwx" are 2). Estimated as
 *   ceil(1.3 x words) + digits + punctuation marks + 2 (start and end tokens). The limit is 77 with those two.
 * - T5-XXL (Flux): SentencePiece, also about 1.3 tokens per English word; digits group, punctuation is 1 token each.
 *   Estimated as ceil(1.3 x words) + number groups + punctuation marks + 1 (end token). Flux dev reads 512 tokens.
 * Expect the estimate within about 15% of the real count for English prose and tag lists.
 */
import { DEFAULT_RESOLUTION } from './buckets/kohya';
import { BUCKET_NAMES, exportSize, targetBucket } from './buckets/sizes';
import type { ExportTarget } from './model';
import { uprightSize } from './crop';
import { cleanTag, countTags } from './caption';

/** CLIP's context length, start and end tokens included. */
export const CLIP_TOKEN_LIMIT = 77;
/** T5's context length as Flux dev uses it. */
export const T5_TOKEN_LIMIT = 512;

/** The part of a dataset the report needs (DatasetView fits). */
export interface ReportInput {
  images: ReadonlyArray<{
    file: string;
    width: number;
    height: number;
    status: 'untagged' | 'tagged' | 'skipped';
    caption: string;
    /** EXIF orientation: 5-8 swap the sides the trainer sees. */
    orientation?: number;
    /** The export crop, which is what the trainer buckets. */
    crop?: { width: number; height: number };
    /** The caption is machine-written and nobody has reviewed it yet (issue 12). */
    machine?: boolean;
  }>;
  triggerWord: string;
  captionStyle: 'tags' | 'natural';
  /** The session's export target, whose buckets the report shows (CivitAI when absent, as the check does). */
  exportTarget?: ExportTarget;
}

/** One histogram bar. */
export interface Bucket {
  label: string;
  count: number;
}

/** A caption's length. */
export interface CaptionLength {
  file: string;
  words: number;
  clipTokens: number;
  t5Tokens: number;
}

/** Everything the report page and its Markdown show. */
export interface Report {
  /** `unreviewed`: machine-written captions nobody has reviewed yet, among the images to export. */
  counts: { images: number; tagged: number; untagged: number; skipped: number; unreviewed: number };
  /** Images counted in the statistics below (not skipped). */
  exported: number;
  captionStyle: 'tags' | 'natural';
  tags: {
    /** Distinct tags (comma-separated parts), the trigger word left out. */
    distinct: number;
    /** The most used tags, at most TOP_TAGS, most used first. */
    top: Array<{ tag: string; count: number }>;
    /** Tags on exactly one image, alphabetical. */
    usedOnce: string[];
  };
  /** By the longest side, in px. */
  resolutions: Bucket[];
  /** By the nearest common ratio (width:height). */
  aspectRatios: Bucket[];
  /** The export target whose buckets `buckets` counts. */
  bucketTarget: ExportTarget;
  /** By that target's bucket at DEFAULT_RESOLUTION (shared/buckets/sizes.ts), most images first; none for an
   * imagefolder, which has no buckets. */
  buckets: Bucket[];
  /** Each image's size as exported (upright, cropped, scaled for the target) and the target's bucket for it
   * (`''` for an imagefolder). */
  imageBuckets: Array<{ file: string; width: number; height: number; bucket: string; cropped: boolean }>;
  captions: {
    empty: number;
    minWords: number;
    medianWords: number;
    maxWords: number;
    /** By length in words. */
    lengths: Bucket[];
    /** Captions whose estimated CLIP tokens exceed CLIP_TOKEN_LIMIT (cut by SD/SDXL/CLIP-L), longest first. */
    overClip: CaptionLength[];
    /** Captions whose estimated T5 tokens exceed T5_TOKEN_LIMIT (cut by Flux's T5), longest first. */
    overT5: CaptionLength[];
  };
}

/** How many top tags the report lists. */
export const TOP_TAGS = 25;

const RES_EDGES: Array<[number, string]> = [
  [256, '< 256'],
  [512, '256–511'],
  [768, '512–767'],
  [1024, '768–1023'],
  [1536, '1024–1535'],
  [2049, '1536–2048'],
  [Infinity, '> 2048'],
];

const RATIOS: Array<[number, string]> = [
  [1 / 2, '1:2'],
  [9 / 16, '9:16'],
  [2 / 3, '2:3'],
  [3 / 4, '3:4'],
  [1, '1:1'],
  [4 / 3, '4:3'],
  [3 / 2, '3:2'],
  [16 / 9, '16:9'],
  [2, '2:1'],
];

const WORD_EDGES: Array<[number, string]> = [
  [1, '0'],
  [11, '1–10'],
  [26, '11–25'],
  [51, '26–50'],
  [76, '51–75'],
  [151, '76–150'],
  [Infinity, '> 150'],
];

/** Words in a caption: runs of letters or digits (a tag like "long hair" is two). */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.length ?? 0;
}

/** Estimated CLIP tokens of a caption, start and end tokens included (see the module comment). */
export function estimateClipTokens(text: string): number {
  const words = text.match(/\p{L}[\p{L}'’]*/gu)?.length ?? 0;
  const digits = text.match(/\p{N}/gu)?.length ?? 0;
  const punct = text.match(/[^\s\p{L}\p{N}'’]/gu)?.length ?? 0;
  return Math.ceil(words * 1.3) + digits + punct + 2;
}

/** Estimated T5 tokens of a caption, end token included (see the module comment). */
export function estimateT5Tokens(text: string): number {
  const words = text.match(/\p{L}[\p{L}'’]*/gu)?.length ?? 0;
  const numbers = text.match(/\p{N}+/gu)?.length ?? 0;
  const punct = text.match(/[^\s\p{L}\p{N}'’]/gu)?.length ?? 0;
  return Math.ceil(words * 1.3) + numbers + punct + 1;
}

function bucketOf(value: number, edges: ReadonlyArray<[number, string]>): number {
  const i = edges.findIndex(([edge]) => value < edge);
  return i === -1 ? edges.length - 1 : i;
}

/** The nearest common aspect ratio's label (in log space, so 1:2 and 2:1 are equally far from 1:1). */
export function aspectLabel(width: number, height: number): string {
  const r = Math.log(width / height);
  let best = 0;
  for (let i = 1; i < RATIOS.length; i++)
    if (Math.abs(Math.log(RATIOS[i]![0]) - r) < Math.abs(Math.log(RATIOS[best]![0]) - r)) best = i;
  return RATIOS[best]![1];
}

/** The report's heading of the buckets of `target`, e.g. "Buckets: ai-toolkit's, resolution 1024, after crops". */
export function bucketHeading(target: ExportTarget): string {
  if (target === 'huggingface') return 'Buckets: none for a Hugging Face imagefolder';
  return `Buckets: ${BUCKET_NAMES[target]}, resolution ${DEFAULT_RESOLUTION}, after crops`;
}

/** Builds the report of a dataset. */
export function buildReport(dataset: ReportInput): Report {
  const all = dataset.images;
  const images = all.filter((i) => i.status !== 'skipped');
  const trigger = cleanTag(dataset.triggerWord).toLowerCase();
  const target = dataset.exportTarget ?? 'civitai';

  const counts = new Map<string, number>();
  for (const [tag, n] of countTags(
    images.map((i) => i.caption),
    dataset.captionStyle,
  )) {
    if (tag.toLowerCase() !== trigger) counts.set(tag, n);
  }
  const byCount = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

  const resolutions = RES_EDGES.map(([, label]) => ({ label, count: 0 }));
  const aspectRatios = RATIOS.map(([, label]) => ({ label, count: 0 }));
  const lengths = WORD_EDGES.map(([, label]) => ({ label, count: 0 }));
  const measured: CaptionLength[] = [];
  const imageBuckets: Report['imageBuckets'] = [];
  const bucketCounts = new Map<string, number>();
  for (const img of images) {
    if (img.width > 0 && img.height > 0) {
      const up = img.crop ?? uprightSize(img.width, img.height, img.orientation);
      const b = targetBucket(target, up.width, up.height);
      const bucket = b ? `${b[0]}x${b[1]}` : '';
      // An uncropped image is exported byte for byte; a cropped one at the target's size (cropExport.ts).
      const [width, height] = img.crop ? exportSize(target, up.width, up.height) : [up.width, up.height];
      imageBuckets.push({ file: img.file, width, height, bucket, cropped: !!img.crop });
      if (bucket) bucketCounts.set(bucket, (bucketCounts.get(bucket) ?? 0) + 1);
      resolutions[bucketOf(Math.max(img.width, img.height), RES_EDGES)]!.count++;
      aspectRatios.find((b) => b.label === aspectLabel(img.width, img.height))!.count++;
    }
    const words = countWords(img.caption);
    lengths[bucketOf(words, WORD_EDGES)]!.count++;
    measured.push({
      file: img.file,
      words,
      clipTokens: estimateClipTokens(img.caption),
      t5Tokens: estimateT5Tokens(img.caption),
    });
  }
  const sortedWords = measured.map((m) => m.words).sort((a, b) => a - b);
  const longestFirst = (a: CaptionLength, b: CaptionLength) =>
    b.clipTokens - a.clipTokens || (a.file < b.file ? -1 : 1);

  return {
    counts: {
      images: all.length,
      tagged: all.filter((i) => i.status === 'tagged').length,
      untagged: all.filter((i) => i.status === 'untagged').length,
      skipped: all.length - images.length,
      unreviewed: images.filter((i) => i.machine).length,
    },
    exported: images.length,
    captionStyle: dataset.captionStyle,
    tags: {
      distinct: counts.size,
      top: byCount.slice(0, TOP_TAGS).map(([tag, count]) => ({ tag, count })),
      usedOnce: byCount
        .filter(([, n]) => n === 1)
        .map(([t]) => t)
        .sort(),
    },
    resolutions,
    aspectRatios,
    bucketTarget: target,
    buckets: [...bucketCounts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([label, count]) => ({ label, count })),
    imageBuckets,
    captions: {
      empty: images.filter((i) => !i.caption.trim()).length,
      minWords: sortedWords[0] ?? 0,
      medianWords: sortedWords[Math.floor((sortedWords.length - 1) / 2)] ?? 0,
      maxWords: sortedWords[sortedWords.length - 1] ?? 0,
      lengths,
      overClip: measured.filter((m) => m.clipTokens > CLIP_TOKEN_LIMIT).sort(longestFirst),
      overT5: measured.filter((m) => m.t5Tokens > T5_TOKEN_LIMIT).sort(longestFirst),
    },
  };
}

/** Escapes text for a Markdown table cell. */
function cell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

function table(head: [string, string], rows: Array<[string, string | number]>): string[] {
  return [`| ${head[0]} | ${head[1]} |`, '| --- | ---: |', ...rows.map(([a, b]) => `| ${cell(a)} | ${b} |`)];
}

/** The report as Markdown, for the clipboard (a README, a model card, a forum post). */
export function reportToMarkdown(r: Report): string {
  const c = r.counts;
  const out: string[] = [
    '# Dataset report',
    '',
    `${c.images} images: ${c.tagged} tagged, ${c.untagged} untagged, ${c.skipped} skipped${c.unreviewed ? `, ${c.unreviewed} machine-written caption(s) not reviewed yet` : ''}. Statistics below cover the ${r.exported} images to export. Caption style: ${r.captionStyle === 'tags' ? 'tags' : 'natural language'}.`,
    '',
    '## Tags',
    '',
    `${r.tags.distinct} distinct tags (the trigger word left out).`,
    '',
    ...table(
      ['Top tag', 'Images'],
      r.tags.top.map((t) => [t.tag, t.count]),
    ),
    '',
    r.tags.usedOnce.length
      ? `Used on one image only (${r.tags.usedOnce.length}): ${r.tags.usedOnce.map(cell).join(', ')}.`
      : 'No tag is used on one image only.',
    '',
    '## Resolutions (longest side, px)',
    '',
    ...table(
      ['Longest side', 'Images'],
      r.resolutions.map((b) => [b.label, b.count]),
    ),
    '',
    '## Aspect ratios (nearest, width:height)',
    '',
    ...table(
      ['Aspect ratio', 'Images'],
      r.aspectRatios.map((b) => [b.label, b.count]),
    ),
    '',
    `## ${bucketHeading(r.bucketTarget)}`,
    '',
    ...(r.bucketTarget === 'huggingface'
      ? ['The training script that loads the imagefolder decides the sizes.']
      : table(
          ['Bucket', 'Images'],
          r.buckets.map((b) => [b.label, b.count]),
        )),
    '',
    '## Caption lengths',
    '',
    `Words per caption: min ${r.captions.minWords}, median ${r.captions.medianWords}, max ${r.captions.maxWords}; ${r.captions.empty} empty.`,
    '',
    ...table(
      ['Words', 'Captions'],
      r.captions.lengths.map((b) => [b.label, b.count]),
    ),
    '',
    `Token counts are estimates (about 1.3 tokens per word plus punctuation), not a tokenizer run.`,
    '',
  ];
  const cut = (title: string, list: CaptionLength[], limit: number, key: 'clipTokens' | 't5Tokens') => {
    out.push(`### ${title}`, '');
    if (!list.length) out.push(`None: every caption fits ${limit} tokens.`, '');
    else
      out.push(
        ...table(
          ['Caption', 'Est. tokens'],
          list.map((m) => [m.file, m[key]]),
        ),
        '',
      );
  };
  cut(`Cut by CLIP (over ${CLIP_TOKEN_LIMIT} tokens)`, r.captions.overClip, CLIP_TOKEN_LIMIT, 'clipTokens');
  cut(`Cut by T5 (over ${T5_TOKEN_LIMIT} tokens)`, r.captions.overT5, T5_TOKEN_LIMIT, 't5Tokens');
  return out.join('\n');
}
