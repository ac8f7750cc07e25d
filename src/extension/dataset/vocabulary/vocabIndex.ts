/**
 * The compact form of a1111 tag-autocomplete CSVs: no object per row. All the files' text is kept as one string
 * (`text`), with a lower-cased copy in which `_` reads as a space (`keys`, the same length, so one position serves
 * both); each name and alias is an entry, a [start, end) range of it; rows and entries are typed arrays; an
 * open-addressing hash over the entries' keys answers exact lookups. Danbooru's 140,000 rows take about 20 MB.
 */
import { categoryName, type CategoryScheme } from './categories';

const MAX_PROBLEMS_PER_FILE = 20;

/** The built index (see the file comment). Entries are in position order; a row's name entry comes first. */
export interface VocabIndex {
  text: string;
  keys: string;
  entryStart: Uint32Array;
  entryEnd: Uint32Array;
  /** The canonical row of each entry (a tag listed again in a later file is merged into its first row). */
  entryRow: Uint32Array;
  /** For each entry: 1 when it is an alias. */
  entryAlias: Uint8Array;
  entries: number;
  /** Per row: its name's entry, its count (the highest of the files), its category (index into `categories`). */
  rowName: Uint32Array;
  rowCount: Float64Array;
  rowCat: Uint16Array;
  /** Rows that are not merged into another. */
  size: number;
  /** Category names; 0 is "none". */
  categories: string[];
  /** Open-addressing table of entry index + 1 (names before aliases), `hashMask + 1` slots. */
  hash: Int32Array;
  hashMask: number;
}

/** One CSV file's text to index, with its scheme. */
export interface VocabSource {
  file: string;
  text: string;
  scheme: CategoryScheme;
}

class Growable {
  start = new Uint32Array(1024);
  end = new Uint32Array(1024);
  row = new Uint32Array(1024);
  alias = new Uint8Array(1024);
  n = 0;
  push(s: number, e: number, row: number, alias: number): void {
    if (this.n === this.start.length) {
      const grow = <T extends Uint32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.row = grow(this.row);
      this.alias = grow(this.alias);
    }
    this.start[this.n] = s;
    this.end[this.n] = e;
    this.row[this.n] = row;
    this.alias[this.n] = alias;
    this.n++;
  }
}

/** Builds the index of these files; bad lines are skipped, counted and reported as `file:line: why`. */
export function buildIndex(sources: readonly VocabSource[], problems: string[]): VocabIndex {
  let rowCap = 16;
  for (const s of sources) rowCap += s.text.length / 16;
  let rowName = new Uint32Array(rowCap);
  let rowCount = new Float64Array(rowCap);
  let rowCat = new Uint16Array(rowCap);
  let rows = 0;
  const categories = [''];
  const catIds = new Map<string, number>();
  const fast = new Growable();
  const slow = new Growable();
  const extras: string[] = [];
  let extraLen = 0;
  let base = 0;

  // A category is one or two digits almost always: those are looked up by number, without a string.
  const digitIds = new Map<number, number>();
  const addRow = (count: number, scheme: CategoryScheme, t: string, cs: number, ce: number): number => {
    if (rows === rowName.length) {
      const n = rowName.length * 2;
      const a = new Uint32Array(n);
      a.set(rowName);
      rowName = a;
      const b = new Float64Array(n);
      b.set(rowCount);
      rowCount = b;
      const c = new Uint16Array(n);
      c.set(rowCat);
      rowCat = c;
    }
    let id = 0;
    if (cs < ce) {
      const d0 = t.charCodeAt(cs) - 48;
      const d1 = ce - cs === 2 ? t.charCodeAt(cs + 1) - 48 : 0;
      const digits = ce - cs <= 2 && d0 >= 0 && d0 <= 9 && d1 >= 0 && d1 <= 9;
      const num = digits ? (ce - cs === 2 ? d0 * 10 + d1 : d0) + (scheme === 'e621' ? 100 : 0) : -1;
      id = digits ? (digitIds.get(num) ?? 0) : (catIds.get(`${scheme}\0${t.slice(cs, ce)}`) ?? 0);
      if (!id) {
        const cat = t.slice(cs, ce);
        id = categories.push(categoryName(scheme, cat)) - 1;
        if (digits) digitIds.set(num, id);
        else catIds.set(`${scheme}\0${cat}`, id);
      }
    }
    rowCount[rows] = count;
    rowCat[rows] = id;
    return rows++;
  };

  for (const src of sources) {
    const t = src.text;
    let bad = 0;
    const fail = (lineNo: number, why: string) => {
      if (++bad <= MAX_PROBLEMS_PER_FILE) problems.push(`${src.file}:${lineNo}: ${why}; the line was skipped.`);
    };
    let nextQuote = -2;
    let lineNo = 0;
    for (let ls = 0; ls < t.length; ) {
      lineNo++;
      let nl = t.indexOf('\n', ls);
      if (nl === -1) nl = t.length;
      let le = nl;
      if (le > ls && t.charCodeAt(le - 1) === 13) le--;
      const lineStart = ls;
      ls = nl + 1;
      if (nextQuote !== -1 && nextQuote < lineStart) nextQuote = t.indexOf('"', lineStart);
      const quoted = nextQuote !== -1 && nextQuote < le;
      const s0 = skipStart(t, lineStart, le);
      const e0 = skipEnd(t, s0, le);
      if (s0 === e0) continue;
      if (lineNo === 1 && /^\s*(name|tag)\s*,\s*(category|type)\b/i.test(t.slice(s0, e0))) continue;
      const c1 = comma(t, lineStart, le);
      const c2 = comma(t, c1 + 1, le);
      const c3 = comma(t, c2 + 1, le);
      // The usual quoted field, the alias list (`"1girls,sole_female"`), is read in place too.
      const qs = quoted ? skipStart(t, c3 + 1, le) : 0;
      const qe = quoted ? skipEnd(t, qs, le) : 0;
      const aliasList =
        quoted && nextQuote === qs && qe - qs >= 2 && t.indexOf('"', qs + 1) === qe - 1 && t.charCodeAt(qe - 1) === 34;
      if (!quoted || aliasList) {
        const c4 = aliasList ? qe - 1 : comma(t, c3 + 1, le);
        const ns = skipStart(t, lineStart, c1);
        const ne = skipEnd(t, ns, c1);
        if (ns === ne) {
          fail(lineNo, 'the tag name (first field) is empty');
          continue;
        }
        const count = parseCount(t, c2 + 1, Math.min(c3, le));
        if (count < 0) {
          fail(lineNo, `the count "${t.slice(c2 + 1, Math.min(c3, le)).trim()}" is not a number`);
          continue;
        }
        const cs = skipStart(t, c1 + 1, Math.min(c2, le));
        const row = addRow(count, src.scheme, t, cs, skipEnd(t, cs, Math.min(c2, le)));
        rowName[row] = fast.n;
        fast.push(base + ns, base + ne, row, 0);
        for (let a = aliasList ? qs + 1 : c3 + 1; a < c4; ) {
          const next = aliasList ? comma(t, a, c4) : c4;
          const as = skipStart(t, a, next);
          const ae = skipEnd(t, as, next);
          if (as < ae) fast.push(base + as, base + ae, row, 1);
          a = next + 1;
        }
        continue;
      }
      const fields = splitCsv(t.slice(lineStart, le));
      if (fields === undefined) {
        fail(lineNo, 'a quoted field is not closed');
        continue;
      }
      const [name = '', cat = '', countText = '', aliases = ''] = fields.map((f) => f.trim());
      if (!name) {
        fail(lineNo, 'the tag name (first field) is empty');
        continue;
      }
      if (/[\r\n]/.test(name)) {
        fail(lineNo, 'the tag name has a line break');
        continue;
      }
      const count = parseCount(countText, 0, countText.length);
      if (count < 0) {
        fail(lineNo, `the count "${countText}" is not a number`);
        continue;
      }
      const row = addRow(count, src.scheme, cat, 0, cat.length);
      const parts = [name, ...aliases.split(',').map((a) => a.trim())];
      parts.forEach((p, i) => {
        if (!p || /[\r\n]/.test(p)) return;
        slow.push(extraLen, extraLen + p.length, row, i === 0 ? 0 : 1);
        extras.push(p);
        extraLen += p.length + 1;
      });
    }
    if (bad > MAX_PROBLEMS_PER_FILE)
      problems.push(`${src.file}: ${bad - MAX_PROBLEMS_PER_FILE} more bad lines were skipped.`);
    base += t.length + 1;
  }

  const text = `${sources.map((s) => s.text).join('\n')}\n${extras.join('\n')}`;
  const entries = fast.n + slow.n;
  const entryStart = new Uint32Array(entries);
  const entryEnd = new Uint32Array(entries);
  const entryRow = new Uint32Array(entries);
  const entryAlias = new Uint8Array(entries);
  entryStart.set(fast.start.subarray(0, fast.n));
  entryEnd.set(fast.end.subarray(0, fast.n));
  entryRow.set(fast.row.subarray(0, fast.n));
  entryAlias.set(fast.alias.subarray(0, fast.n));
  for (let k = 0; k < slow.n; k++) {
    const e = fast.n + k;
    entryStart[e] = slow.start[k]! + base;
    entryEnd[e] = slow.end[k]! + base;
    entryRow[e] = slow.row[k]!;
    entryAlias[e] = slow.alias[k]!;
    if (!slow.alias[k]) rowName[slow.row[k]!] = e;
  }
  const keys = lowerKeys(text);
  const index: VocabIndex = {
    text,
    keys,
    entryStart,
    entryEnd,
    entryRow,
    entryAlias,
    entries,
    rowName: rowName.subarray(0, rows),
    rowCount: rowCount.subarray(0, rows),
    rowCat: rowCat.subarray(0, rows),
    size: rows,
    categories,
    hash: new Int32Array(0),
    hashMask: 0,
  };
  hashEntries(index);
  return index;
}

/** `text` lower-cased with `_` as a space, at the same positions (a character whose lower case is longer stays). */
function lowerKeys(text: string): string {
  let k = text.toLowerCase();
  if (k.length !== text.length) {
    k = text.replace(/[^\x00-\x40\x5b-\x7f]/gu, (ch) => {
      const l = ch.toLowerCase();
      return l.length === ch.length ? l : ch;
    });
  }
  return k.replaceAll('_', ' ');
}

/** Fills the hash (names first, so a name wins over another tag's alias) and merges names listed twice. */
function hashEntries(ix: VocabIndex): void {
  let size = 1024;
  while (size < ix.entries * 2) size *= 2;
  ix.hash = new Int32Array(size);
  ix.hashMask = size - 1;
  for (const aliases of [0, 1]) {
    for (let e = 0; e < ix.entries; e++) {
      if (ix.entryAlias[e] !== aliases) continue;
      const found = findEntry(ix, ix.keys, ix.entryStart[e]!, ix.entryEnd[e]!, e);
      if (found >= 0) {
        if (aliases) continue;
        // The same tag again (another file): one row, the highest count, every alias.
        const keep = ix.entryRow[found]!;
        const drop = ix.entryRow[e]!;
        if (keep === drop) continue;
        ix.rowCount[keep] = Math.max(ix.rowCount[keep]!, ix.rowCount[drop]!);
        for (let a = e; a < ix.entries && ix.entryRow[a] === drop; a++) ix.entryRow[a] = keep;
        ix.size--;
      }
    }
  }
}

/** The entry whose key equals `s[from, to)`, or -1; when not found, `insert` (an entry) takes the empty slot. */
export function findEntry(ix: VocabIndex, s: string, from: number, to: number, insert = -1): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  const len = to - from;
  for (let slot = h & ix.hashMask; ; slot = (slot + 1) & ix.hashMask) {
    const v = ix.hash[slot]!;
    if (v === 0) {
      if (insert >= 0) ix.hash[slot] = insert + 1;
      return -1;
    }
    const e = v - 1;
    const st = ix.entryStart[e]!;
    if (ix.entryEnd[e]! - st === len && sameRange(ix.keys, st, s, from, len)) return e;
  }
}

function sameRange(a: string, at: number, b: string, bt: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a.charCodeAt(at + i) !== b.charCodeAt(bt + i)) return false;
  return true;
}

/** The next comma at or after `from`, or `end` when there is none before it. */
function comma(t: string, from: number, end: number): number {
  if (from >= end) return end;
  const c = t.indexOf(',', from);
  return c === -1 || c > end ? end : c;
}

/** The first position in [s, e) that is not a space or a tab (e when none). */
function skipStart(t: string, s: number, e: number): number {
  while (s < e && (t.charCodeAt(s) === 32 || t.charCodeAt(s) === 9)) s++;
  return s;
}

/** The end of [s, e) without its trailing spaces and tabs. */
function skipEnd(t: string, s: number, e: number): number {
  while (e > s && (t.charCodeAt(e - 1) === 32 || t.charCodeAt(e - 1) === 9)) e--;
  return e;
}

/** A count field as a number (empty is 0), or -1 when it is not one. */
function parseCount(t: string, from: number, to: number): number {
  const s = skipStart(t, from, to);
  const e = skipEnd(t, s, to);
  if (s >= e) return 0;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      const v = Number(t.slice(s, e));
      return Number.isFinite(v) && v >= 0 ? v : -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/** Splits one CSV line (RFC 4180 quoting, `""` inside quotes); undefined when a quote is not closed. */
function splitCsv(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let v = '';
    let j = i;
    if (line[i] === '"') {
      j = i + 1;
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
    }
    const c = line.indexOf(',', j);
    out.push(v + line.slice(j, c === -1 ? line.length : c));
    if (c === -1) break;
    i = c + 1;
  }
  return out;
}
