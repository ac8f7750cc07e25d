/**
 * Tag vocabularies for autocomplete: the CSV files of the a1111 tag-autocomplete extension
 * (`name,category,count,aliases`, e.g. `1girl,0,4114588,"1girls,sole_female"`), in the compact index of
 * vocabIndex.ts.
 *
 * A query is one `indexOf` scan of the keys string: each hit is a prefix match (at the start of a name or alias),
 * a word-start match (after a space, `-`, `(`, `/` or `:`) or a substring match, and each class keeps its best
 * few by count as it goes. The scan costs the length of the text plus the hits; one- and two-letter queries, which
 * hit everything, are answered once and then from a small cache.
 */
import { readFile } from 'node:fs/promises';
import type { VocabSuggestion } from '../../../shared/model';
import { displayTag, schemeOf } from './categories';
import { buildIndex, findEntry, type VocabIndex, type VocabSource } from './vocabIndex';

const MAX_LIMIT = 100;
const CACHE_LIMIT = 2048;
const CACHED_LENGTH = 2;
const NARROW_LIMIT = 50_000;

/** Normalises a tag or a typed prefix for matching: lower case, `_` and runs of white space as one space. */
export function vocabKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .replace(/^ /, '');
}

/** A candidate: its row, the entry that matched, and whether that entry is an alias. */
interface Hit {
  row: number;
  entry: number;
}

/** A loaded, indexed vocabulary. */
export class Vocabulary {
  private readonly cache = new Map<string, VocabSuggestion[]>();
  /** The last scanned query and every entry that holds it (see scan). */
  private last: { q: string; entries: Int32Array } | undefined;

  constructor(private readonly ix: VocabIndex) {}

  /** Number of tags (not counting aliases; a tag in two files once). */
  get size(): number {
    return this.ix.size;
  }

  /**
   * Tags whose name or an alias contains `query` (case-insensitive, `_` same as space), at most `limit` (1-100):
   * prefix matches first, then word-start matches, then other substrings, each by count. Prefix matches leave a
   * third of the list to the others when there are any, so `hair` offers `long hair` beside the many `hair …`
   * tags. A tag found only through an alias carries it in `alias`. An empty query gives nothing.
   */
  query(query: string, limit: number): VocabSuggestion[] {
    const q = vocabKey(query);
    const n = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit) || 1));
    if (!q) return [];
    const cacheKey = `${n}\0${q}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const [prefix, word, inner] = this.scan(q, n);
    const others = Math.min(word.length + inner.length, Math.floor(n / 3));
    const picked: Hit[] = [];
    const seen = new Set<number>();
    const take = (list: Hit[], upTo: number) => {
      for (const h of list) {
        if (picked.length >= upTo) return;
        if (seen.has(h.row)) continue;
        seen.add(h.row);
        picked.push(h);
      }
    };
    take(prefix, n - others);
    take(word, n);
    take(inner, n);
    const out = picked.map((h) => this.suggestion(h));
    if (q.length <= CACHED_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(cacheKey, out);
    }
    return out;
  }

  /** The canonical tag (as captions write it) for a tag or one of its aliases; undefined when unknown. */
  canonical(tag: string): string | undefined {
    const row = this.rowOf(tag);
    return row < 0 ? undefined : this.nameOf(row);
  }

  /** The vocabulary's category of a tag or alias (`character`, `artist`, …); undefined when unknown or unset. */
  categoryOf(tag: string): string | undefined {
    const row = this.rowOf(tag);
    if (row < 0) return undefined;
    return this.ix.categories[this.ix.rowCat[row]!] || undefined;
  }

  private rowOf(tag: string): number {
    const key = vocabKey(tag.trim()).replace(/ $/, '');
    const e = key ? findEntry(this.ix, key, 0, key.length) : -1;
    return e < 0 ? -1 : this.ix.entryRow[e]!;
  }

  private nameOf(row: number): string {
    const e = this.ix.rowName[row]!;
    return displayTag(this.ix.text.slice(this.ix.entryStart[e], this.ix.entryEnd[e]));
  }

  private suggestion(h: Hit): VocabSuggestion {
    const ix = this.ix;
    const s: VocabSuggestion = { name: this.nameOf(h.row), count: ix.rowCount[h.row]! };
    const cat = ix.categories[ix.rowCat[h.row]!];
    if (cat) s.category = cat;
    if (ix.entryAlias[h.entry]) s.alias = displayTag(ix.text.slice(ix.entryStart[h.entry], ix.entryEnd[h.entry]));
    return s;
  }

  /**
   * One pass over the keys: the best `n` of each class, one hit per row (its best class, a name before an alias).
   * The entries that hold the query are kept (up to NARROW_LIMIT), so the next keystroke, whose query holds this
   * one, looks only at them instead of the whole text.
   */
  private scan(q: string, n: number): [Hit[], Hit[], Hit[]] {
    const ix = this.ix;
    const keys = ix.keys;
    const lists: [Hit[], Hit[], Hit[]] = [[], [], []];
    const found: number[] = [];
    let record = true;
    let curRow = -1;
    let curClass = 3;
    let curEntry = -1;
    const visit = (e: number, cls: number) => {
      const row = ix.entryRow[e]!;
      if (row !== curRow) {
        if (curRow >= 0) this.offer(lists[curClass]!, curRow, curEntry, n);
        curRow = row;
        curClass = 3;
      }
      if (cls < curClass || (cls === curClass && ix.entryAlias[curEntry] && !ix.entryAlias[e])) {
        curClass = cls;
        curEntry = e;
      }
      if (record && found[found.length - 1] !== e) {
        if (found.length < NARROW_LIMIT) found.push(e);
        else record = false;
      }
    };
    const narrow = this.last && q.includes(this.last.q) ? this.last.entries : undefined;
    if (narrow) {
      const c0 = q.charCodeAt(0);
      for (const e of narrow) {
        const st = ix.entryStart[e]!;
        const last = ix.entryEnd[e]! - q.length;
        for (let pos = st; pos <= last; pos++) {
          if (keys.charCodeAt(pos) !== c0 || !keys.startsWith(q, pos)) continue;
          const cls = pos === st ? 0 : isWordBreak(keys.charCodeAt(pos - 1)) ? 1 : 2;
          visit(e, cls);
          if (cls === 0) break;
        }
      }
    } else {
      let e = 0;
      for (let pos = keys.indexOf(q); pos !== -1; pos = keys.indexOf(q, pos + 1)) {
        while (e < ix.entries && ix.entryEnd[e]! < pos + q.length) e++;
        if (e >= ix.entries) break;
        const st = ix.entryStart[e]!;
        if (st > pos) continue; // between fields: a count, a comma, a quote
        visit(e, pos === st ? 0 : isWordBreak(keys.charCodeAt(pos - 1)) ? 1 : 2);
      }
    }
    if (curRow >= 0) this.offer(lists[curClass]!, curRow, curEntry, n);
    this.last = record ? { q, entries: Int32Array.from(found) } : undefined;
    return lists;
  }

  /** Puts a hit into a class's list if it is among the best `n`. */
  private offer(list: Hit[], row: number, entry: number, n: number): void {
    if (list.length === n && !this.better(row, entry, list[n - 1]!)) return;
    let at = -1;
    for (let i = 0; i < list.length; i++) if (list[i]!.row === row) at = i;
    if (at !== -1) {
      if (!this.better(row, entry, list[at]!)) return;
      list.splice(at, 1);
    }
    let i = list.length;
    while (i > 0 && this.better(row, entry, list[i - 1]!)) i--;
    list.splice(i, 0, { row, entry });
    if (list.length > n) list.pop();
  }

  /** The order within a class: by count, a name before an alias, the shorter first. */
  private better(row: number, entry: number, b: Hit): boolean {
    const ix = this.ix;
    const ca = ix.rowCount[row]!;
    const cb = ix.rowCount[b.row]!;
    if (ca !== cb) return ca > cb;
    const aa = ix.entryAlias[entry]!;
    const ab = ix.entryAlias[b.entry]!;
    if (aa !== ab) return ab > aa;
    return ix.entryEnd[entry]! - ix.entryStart[entry]! < ix.entryEnd[b.entry]! - ix.entryStart[b.entry]!;
  }
}

/** A space, `-`, `(`, `/` or `:`: what starts a word inside a tag. */
function isWordBreak(c: number): boolean {
  return c === 32 || c === 45 || c === 40 || c === 47 || c === 58;
}

/** Indexes CSV texts already read (the worker and the tests); problems are added to `problems`. */
export function indexVocabulary(sources: readonly VocabSource[], problems: string[]): Vocabulary {
  return new Vocabulary(buildIndex(sources, problems));
}

/**
 * Loads and indexes a1111 tag-autocomplete CSV files. Bad lines are skipped, counted and reported as
 * `file:line: why`; an unreadable file is reported and skipped. A tag in several files keeps the highest count
 * and all aliases.
 */
export async function loadVocabulary(files: readonly string[]): Promise<{ vocab: Vocabulary; problems: string[] }> {
  const problems: string[] = [];
  const unreadable: string[] = [];
  const sources: VocabSource[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: await readFile(file, 'utf8'), scheme: schemeOf(file) });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      unreadable.push(
        `${file}: cannot read this vocabulary file (${e.code ?? e.message}); fix or remove it in the setting loraTagger.vocabularyFiles.`,
      );
    }
  }
  const vocab = indexVocabulary(sources, problems);
  return { vocab, problems: [...problems, ...unreadable] };
}
