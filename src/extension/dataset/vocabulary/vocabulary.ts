/**
 * Tag vocabularies for autocomplete: the CSV files of the a1111 tag-autocomplete extension
 * (`name,category,count,aliases`, e.g. `1girl,0,4114588,"1girls,sole_female"`), in the compact index of
 * vocabIndex.ts.
 *
 * A query is one `indexOf` scan of the keys string: each hit is a prefix match (at the start of a name or alias),
 * a word-start match (after a space, `-`, `(`, `/` or `:`) or a substring match, and each class keeps its best
 * few by count as it goes. The keys are laid out most used tag first, so the scan stops as soon as every class is
 * full and the next tag's count is below the last of each: a common query stops in the first few thousand tags,
 * a rare one costs one native search through the keys. One- and two-letter queries are then kept in a small cache.
 */
import { readFile } from 'node:fs/promises';
import type { VocabSuggestion } from '../../../shared/model';
import { displayTag, schemeOf } from './categories';
import { DEAD, buildIndex, entryText, findEntry, keyText, type VocabIndex, type VocabSource } from './vocabIndex';

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
    const e = key ? findEntry(this.ix, key) : -1;
    return e < 0 ? -1 : this.ix.entryRow[e]!;
  }

  private nameOf(row: number): string {
    return displayTag(entryText(this.ix, this.ix.rowName[row]!));
  }

  private suggestion(h: Hit): VocabSuggestion {
    const ix = this.ix;
    const s: VocabSuggestion = { name: this.nameOf(h.row), count: ix.rowCount[h.row]! };
    const cat = ix.categories[ix.rowCat[h.row]!];
    if (cat) s.category = cat;
    if (ix.entryAlias[h.entry]) s.alias = displayTag(entryText(ix, h.entry));
    return s;
  }

  /**
   * One pass over each segment of the keys, most used tag first: the best `n` of each class, one hit per row (its
   * best class, a name before an alias), until every class is full and the next tag's count is below each class's
   * last. A pass that reaches the end keeps the entries that hold the query (up to NARROW_LIMIT), so the next
   * keystroke, whose query holds this one, looks only at them instead of the whole text.
   */
  private scan(query: string, n: number): [Hit[], Hit[], Hit[]] {
    const ix = this.ix;
    const keys = ix.keys;
    const q = keyText(query);
    const lists: [Hit[], Hit[], Hit[]] = [[], [], []];
    const found: number[] = [];
    let record = true;
    let stopped = false;
    let curRow = -1;
    let curClass = 3;
    let curEntry = -1;
    // A tag whose count is below this enters no list (-Infinity while one has room).
    let floor = Number.NEGATIVE_INFINITY;
    const flush = () => {
      if (curRow >= 0 && this.offer(lists[curClass]!, curRow, curEntry, n)) floor = this.floor(lists, n);
      curRow = -1;
    };
    /** Takes a hit; false when its tag, and so every later one in its segment, is below the floor. */
    const visit = (e: number, cls: number): boolean => {
      const row = ix.entryRow[e]!;
      if (row === DEAD) return true;
      if (row !== curRow) {
        flush();
        if (ix.rowCount[row]! < floor) return false;
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
      return true;
    };
    const narrow = this.last && q.includes(this.last.q) ? this.last.entries : undefined;
    if (narrow) {
      const c0 = q.charCodeAt(0);
      let segEnd = -1;
      for (const e of narrow) {
        const st = ix.keyStart[e]!;
        if (st < segEnd) continue;
        const last = ix.keyEnd[e]! - q.length;
        for (let pos = st; pos <= last; pos++) {
          if (keys.charCodeAt(pos) !== c0 || !keys.startsWith(q, pos)) continue;
          const cls = pos === st ? 0 : isWordBreak(keys.charCodeAt(pos - 1)) ? 1 : 2;
          if (!visit(e, cls)) {
            // The rest of this segment is below the floor.
            stopped = true;
            segEnd = ix.segments.find((g) => g.from <= st && st < g.to)?.to ?? Number.POSITIVE_INFINITY;
            break;
          }
          if (cls === 0) break;
        }
      }
    } else {
      for (const seg of ix.segments) {
        // Hits between fields (a count, a comma, a quote) are in no entry; a segment's keys hold no line break.
        let e = seg.firstEntry;
        for (let pos = keys.indexOf(q, seg.from); pos !== -1 && pos < seg.to; pos = keys.indexOf(q, pos + 1)) {
          while (e < ix.entries && ix.keyEnd[e]! < pos + q.length) e++;
          if (e >= ix.entries) break;
          const st = ix.keyStart[e]!;
          // Between fields: search again from the next entry.
          if (st > pos) {
            pos = st - 1;
            continue;
          }
          const row = ix.entryRow[e]!;
          const cls = pos === st ? 0 : isWordBreak(keys.charCodeAt(pos - 1)) ? 1 : 2;
          if (!visit(e, cls)) {
            stopped = true;
            break;
          }
          if (row === DEAD || (cls === 0 && !ix.entryAlias[e])) {
            // Nothing later in this entry (dead), or in this row (a prefix of its name), can count for more. The
            // row's other entries are kept for the next keystroke all the same (it looks again at each).
            while (e + 1 < ix.entries && ix.entryRow[e + 1] === row) {
              e++;
              if (row === DEAD || !record) continue;
              if (found.length < NARROW_LIMIT) found.push(e);
              else record = false;
            }
            pos = ix.keyEnd[e]!;
          } else if (cls === 0) pos = ix.keyEnd[e]!;
        }
        flush();
      }
    }
    flush();
    this.last = record && !stopped ? { q, entries: Int32Array.from(found) } : undefined;
    return lists;
  }

  /** The lowest count that can still enter a list: the least of the lists' last counts, -Infinity while one has room. */
  private floor(lists: Hit[][], n: number): number {
    let f = Number.POSITIVE_INFINITY;
    for (const l of lists) {
      if (l.length < n) return Number.NEGATIVE_INFINITY;
      f = Math.min(f, this.ix.rowCount[l[n - 1]!.row]!);
    }
    return f;
  }

  /** Puts a hit into a class's list if it is among the best `n` (a row comes once); true when it went in. */
  private offer(list: Hit[], row: number, entry: number, n: number): boolean {
    if (list.length === n && !this.better(row, entry, list[n - 1]!)) return false;
    let i = list.length;
    while (i > 0 && this.better(row, entry, list[i - 1]!)) i--;
    list.splice(i, 0, { row, entry });
    if (list.length > n) list.pop();
    return true;
  }

  /** The order within a class: by count, a name before an alias, the shorter first, then the order read. */
  private better(row: number, entry: number, b: Hit): boolean {
    const ix = this.ix;
    const ca = ix.rowCount[row]!;
    const cb = ix.rowCount[b.row]!;
    if (ca !== cb) return ca > cb;
    const aa = ix.entryAlias[entry]!;
    const ab = ix.entryAlias[b.entry]!;
    if (aa !== ab) return ab > aa;
    const la = ix.keyEnd[entry]! - ix.keyStart[entry]!;
    const lb = ix.keyEnd[b.entry]! - ix.keyStart[b.entry]!;
    return la !== lb ? la < lb : row < b.row;
  }
}

/** A space (`_` in the keys), `-`, `(`, `/` or `:`: what starts a word inside a tag. */
function isWordBreak(c: number): boolean {
  return c === 95 || c === 45 || c === 40 || c === 47 || c === 58;
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
      sources.push({ file, text: await readFile(file), scheme: schemeOf(file) });
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
