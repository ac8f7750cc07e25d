/**
 * Tag vocabularies for autocomplete: the CSV files of the a1111 tag-autocomplete extension
 * (`name,category,count,aliases`, e.g. `1girl,0,4114588,"1girls,sole_female"`), indexed for prefix queries.
 *
 * The index is one array of match keys (each name and each alias, lower-cased, `_` read as a space) sorted once at
 * load. A query finds its range with two binary searches; ranges of up to RANGE_SCAN keys are ranked on the spot,
 * larger ones (one- or two-letter prefixes over 100,000 tags) once, then served from a small cache. No query ever
 * scans the whole vocabulary.
 */
import { readFile } from 'node:fs/promises';
import type { VocabSuggestion } from '../../../shared/model';

/** Danbooru's tag categories as used by a1111 tag-autocomplete; other values are passed through as written. */
const CATEGORY_NAMES: Record<string, string> = { '0': 'general', '1': 'artist', '3': 'copyright', '4': 'character' };

const RANGE_SCAN = 2048;
const CACHE_LIMIT = 4096;
const MAX_LIMIT = 100;
const MAX_PROBLEMS_PER_FILE = 20;

interface Row {
  name: string;
  category?: string;
  count: number;
  aliases: string[];
}

/** Normalises a tag or a typed prefix for matching: lower case, `_` and runs of white space as one space. */
export function vocabKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .replace(/^ /, '');
}

/**
 * A tag as it should be written in a caption: danbooru's underscores become spaces, except in emoticons such as
 * `^_^` or `o_o`, where the underscore is the drawing (a name with two letters or digits in a row is a word).
 */
export function displayTag(name: string): string {
  return /[\p{L}\p{N}]{2}/u.test(name) ? name.replace(/_/g, ' ') : name;
}

/** A loaded, indexed vocabulary. */
export class Vocabulary {
  private readonly keys: string[];
  /** For keys[i]: the row index, and the alias index (-1 for the name itself). */
  private readonly rowOf: Int32Array;
  private readonly aliasOf: Int32Array;
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly rows: readonly Row[]) {
    const refs: Array<{ key: string; row: number; alias: number }> = [];
    rows.forEach((r, row) => {
      refs.push({ key: vocabKey(r.name), row, alias: -1 });
      r.aliases.forEach((a, alias) => refs.push({ key: vocabKey(a), row, alias }));
    });
    refs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.keys = refs.map((r) => r.key);
    this.rowOf = Int32Array.from(refs, (r) => r.row);
    this.aliasOf = Int32Array.from(refs, (r) => r.alias);
  }

  /** Number of tags (not counting aliases). */
  get size(): number {
    return this.rows.length;
  }

  /**
   * Tags whose name or an alias starts with `prefix` (case-insensitive, `_` same as space), most used first,
   * at most `limit` (1-100). A tag found through an alias carries it in `alias`. An empty prefix gives nothing.
   */
  query(prefix: string, limit: number): VocabSuggestion[] {
    const p = vocabKey(prefix);
    const n = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit) || 1));
    if (!p) return [];
    const lo = this.lowerBound(p);
    const hi = this.lowerBound(p + '\uffff');
    if (lo >= hi) return [];
    let ranked: number[];
    if (hi - lo <= RANGE_SCAN) {
      ranked = this.rank(lo, hi, n);
    } else {
      ranked = this.cache.get(p) ?? this.rank(lo, hi, MAX_LIMIT);
      if (!this.cache.has(p)) {
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(p, ranked);
      }
    }
    return ranked.slice(0, n).map((k) => this.suggestion(k));
  }

  /** The canonical tag (as captions write it) for a tag or one of its aliases; undefined when unknown. */
  canonical(tag: string): string | undefined {
    const key = vocabKey(tag.trim());
    let found = -1;
    for (let k = this.lowerBound(key); k < this.keys.length && this.keys[k] === key; k++) {
      if (found < 0 || this.aliasOf[k]! < 0) found = k;
    }
    return found < 0 ? undefined : displayTag(this.rows[this.rowOf[found]!]!.name);
  }

  private suggestion(k: number): VocabSuggestion {
    const r = this.rows[this.rowOf[k]!]!;
    const a = this.aliasOf[k]!;
    const s: VocabSuggestion = { name: displayTag(r.name), count: r.count };
    if (r.category !== undefined) s.category = CATEGORY_NAMES[r.category] ?? r.category;
    if (a >= 0) s.alias = displayTag(r.aliases[a]!);
    return s;
  }

  /**
   * The best `n` keys in [lo, hi): one per tag (its name match preferred over an alias match), by count, then
   * name matches first, then shorter keys. A bounded insertion list, so a 20,000-key range costs one pass.
   */
  private rank(lo: number, hi: number, n: number): number[] {
    const top: number[] = [];
    const better = (a: number, b: number): boolean => {
      const ca = this.rows[this.rowOf[a]!]!.count;
      const cb = this.rows[this.rowOf[b]!]!.count;
      if (ca !== cb) return ca > cb;
      const aa = this.aliasOf[a]! >= 0;
      if (aa !== this.aliasOf[b]! >= 0) return !aa;
      const la = this.keys[a]!.length;
      const lb = this.keys[b]!.length;
      return la !== lb ? la < lb : this.keys[a]! < this.keys[b]!;
    };
    for (let k = lo; k < hi; k++) {
      if (top.length === n && !better(k, top[n - 1]!)) continue;
      const row = this.rowOf[k]!;
      const at = top.findIndex((t) => this.rowOf[t] === row);
      if (at !== -1) {
        if (!better(k, top[at]!)) continue;
        top.splice(at, 1);
      }
      let i = top.length;
      while (i > 0 && better(k, top[i - 1]!)) i--;
      top.splice(i, 0, k);
      if (top.length > n) top.pop();
    }
    return top;
  }

  private lowerBound(s: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Loads and indexes a1111 tag-autocomplete CSV files. Bad lines are skipped and reported as `file:line: why`;
 * an unreadable file is reported and skipped. A tag in several files keeps the highest count and all aliases.
 */
export async function loadVocabulary(files: readonly string[]): Promise<{ vocab: Vocabulary; problems: string[] }> {
  const problems: string[] = [];
  const byKey = new Map<string, Row>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.push(
        `${file}: cannot read this vocabulary file (${e.code ?? e.message}); fix or remove it in the setting loraTagger.vocabularyFiles.`,
      );
      continue;
    }
    let bad = 0;
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      // A header line (`name,category,count,…`) is allowed on the first line.
      if (i === 0 && /^\s*(name|tag)\s*,\s*(category|type)\b/i.test(line)) return;
      const parsed = parseLine(line);
      if (typeof parsed === 'string') {
        if (++bad <= MAX_PROBLEMS_PER_FILE) problems.push(`${file}:${i + 1}: ${parsed}; the line was skipped.`);
        return;
      }
      const key = vocabKey(parsed.name);
      const had = byKey.get(key);
      if (!had) byKey.set(key, parsed);
      else {
        if (parsed.count > had.count) had.count = parsed.count;
        for (const a of parsed.aliases) if (!had.aliases.includes(a)) had.aliases.push(a);
      }
    });
    if (bad > MAX_PROBLEMS_PER_FILE)
      problems.push(`${file}: ${bad - MAX_PROBLEMS_PER_FILE} more bad lines were skipped.`);
  }
  return { vocab: new Vocabulary([...byKey.values()]), problems };
}

/** One CSV line as a row, or the reason it is not one. */
function parseLine(line: string): Row | string {
  const fields = splitCsv(line);
  if (fields === undefined) return 'a quoted field is not closed';
  const [name = '', category = '', count = '', aliases = ''] = fields.map((f) => f.trim());
  if (!name) return 'the tag name (first field) is empty';
  if (/[\r\n]/.test(name)) return 'the tag name has a line break';
  let n = 0;
  if (count) {
    n = Number(count);
    if (!Number.isFinite(n) || n < 0) return `the count "${count}" is not a number`;
  }
  const row: Row = {
    name,
    count: n,
    aliases: aliases
      ? aliases
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)
      : [],
  };
  if (category) row.category = category;
  return row;
}

/** Splits one CSV line (RFC 4180 quoting, `""` inside quotes); undefined when a quote is not closed. */
function splitCsv(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) return undefined;
        v += line.slice(j, q);
        if (line[q + 1] === '"') {
          v += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', j);
      out.push(v + line.slice(j, comma === -1 ? line.length : comma));
      if (comma === -1) break;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      out.push(line.slice(i, comma === -1 ? line.length : comma));
      if (comma === -1) break;
      i = comma + 1;
    }
  }
  return out;
}
