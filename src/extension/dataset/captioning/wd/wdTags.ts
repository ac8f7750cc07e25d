/**
 * The WD tagger's labels (`selected_tags.csv`: `tag_id,name,category,count`, one row per model output, ratings
 * category 9, general 0, character 4) and what becomes of its probabilities: separate thresholds for general and
 * character tags (kept at `>=`, as kohya's script does), the top rating or none, a maximum count, underscores as
 * spaces except in emoticons, an exclude list and the vocabulary's aliases mapped to the canonical tag.
 */
import { displayTag } from '../../vocabulary/categories';
import type { ScoredTag } from '../provider';

/** One label of the model, in output order. */
export interface WdLabel {
  name: string;
  category: ScoredTag['category'] | 'other';
}

/** How probabilities become tags. */
export interface WdTagOptions {
  /** Default 0.35. */
  generalThreshold?: number;
  /** Default 0.85. */
  characterThreshold?: number;
  /** 'drop' (the default) or 'top': add the most probable rating first. */
  ratings?: 'drop' | 'top';
  /** Most general plus character tags kept, highest first (default 50). */
  maxTags?: number;
  /** Tags never written (compared case-insensitively, `_` same as a space). */
  exclude?: readonly string[];
  /** Keep danbooru's underscores (default false: `long_hair` becomes `long hair`; `^_^` always stays). */
  keepUnderscores?: boolean;
  /** Maps an alias to its canonical tag. */
  vocabulary?: TagLookup;
}

/** Exact tag lookup in the user's vocabulary: the canonical name of a tag or alias, undefined when unknown. */
export interface TagLookup {
  canonical(tag: string): string | undefined;
}

/** The defaults kohya's script and the WD model cards use. */
export const WD_DEFAULTS = { generalThreshold: 0.35, characterThreshold: 0.85, maxTags: 50 } as const;

const MAX_LABELS = 200_000;

/** Parses `selected_tags.csv`; throws an Error naming the file and the line when it is not one. */
export function parseSelectedTags(text: string, file: string): WdLabel[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const nameAt = header.indexOf('name');
  const catAt = header.indexOf('category');
  if (nameAt < 0 || catAt < 0) {
    throw new Error(
      `${file} is not a WD tagger's selected_tags.csv: its first line should be "tag_id,name,category,count".`,
    );
  }
  const out: WdLabel[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const f = splitCsvLine(line);
    const name = (f[nameAt] ?? '').trim();
    const cat = (f[catAt] ?? '').trim();
    if (!name || !/^\d+$/.test(cat))
      throw new Error(`${file}:${i + 1}: expected a tag name and a numeric category, found "${line.slice(0, 80)}".`);
    out.push({
      name,
      category: cat === '9' ? 'rating' : cat === '0' ? 'general' : cat === '4' ? 'character' : 'other',
    });
    if (out.length > MAX_LABELS)
      throw new Error(`${file} has more than ${MAX_LABELS} tags, far more than a WD tagger's.`);
  }
  if (out.length === 0) throw new Error(`${file} lists no tags.`);
  return out;
}

/** The tags of one image from the model's probabilities (one per label), rating first, then by probability. */
export function tagsFromScores(
  labels: readonly WdLabel[],
  scores: ArrayLike<number>,
  opts: WdTagOptions = {},
): ScoredTag[] {
  const general = opts.generalThreshold ?? WD_DEFAULTS.generalThreshold;
  const character = opts.characterThreshold ?? WD_DEFAULTS.characterThreshold;
  const max = Math.max(0, opts.maxTags ?? WD_DEFAULTS.maxTags);
  const excluded = new Set((opts.exclude ?? []).map(excludeKey));
  let rating: ScoredTag | undefined;
  const picked: ScoredTag[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const p = Number(scores[i]);
    if (l.category === 'rating') {
      if (!rating || p > rating.score) rating = { tag: l.name, score: p, category: 'rating' };
    } else if ((l.category === 'general' && p >= general) || (l.category === 'character' && p >= character)) {
      picked.push({ tag: l.name, score: p, category: l.category });
    }
  }
  picked.sort((a, b) => b.score - a.score);
  const out: ScoredTag[] = [];
  const seen = new Set<string>();
  const add = (t: ScoredTag): boolean => {
    const shown = opts.keepUnderscores ? t.tag : displayTag(t.tag);
    if (excluded.has(excludeKey(t.tag)) || excluded.has(excludeKey(shown))) return false;
    const tag = opts.vocabulary?.canonical(shown) ?? shown;
    if (seen.has(tag)) return false;
    seen.add(tag);
    out.push({ ...t, tag });
    return true;
  };
  if (rating && opts.ratings === 'top') add(rating);
  let kept = 0;
  for (const t of picked) {
    if (kept >= max) break;
    if (add(t)) kept++;
  }
  return out;
}

function excludeKey(tag: string): string {
  return tag
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, ' ');
}

/** Splits one CSV line (RFC 4180 quotes, `""` inside them). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
