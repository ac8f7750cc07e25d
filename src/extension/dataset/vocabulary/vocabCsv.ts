/**
 * Reads a1111 tag-autocomplete CSVs (`name,category,count,aliases`) without a string per line. The files' bytes are
 * read as one string of one character per byte (`text`: UTF-8 left as bytes, so it is a compact string), and lines
 * and fields are found with its native `indexOf`; each name and alias becomes an entry, a [start, end) range of it.
 * A line with quotes other than the usual quoted alias list (`"1girls,sole_female"`) is read by RFC 4180 rules, and
 * its fields' bytes are added after the files'. Rows and entries are typed arrays; vocabIndex.ts builds on them.
 */
import { categoryName, type CategoryScheme } from './categories';

const MAX_PROBLEMS_PER_FILE = 20;

/** One CSV file to index, with its scheme: its bytes as read, or its text. */
export interface VocabSource {
  file: string;
  text: string | Uint8Array;
  scheme: CategoryScheme;
}

/** The files' rows and entries, in the order read. A row's entries are consecutive, its name first. */
export interface ParsedVocab {
  /** All the files' bytes, each followed by a line break, then the fields of the lines read by RFC 4180 rules. */
  bytes: Uint8Array;
  /** `bytes` as one character per byte, up to `filesEnd`. */
  text: string;
  filesEnd: number;
  /** Each file's [start, end) in `bytes`, and its first row. */
  files: { start: number; end: number; firstRow: number }[];
  entryStart: Uint32Array;
  entryEnd: Uint32Array;
  /** For each entry: 1 when it is an alias. */
  entryAlias: Uint8Array;
  /** For each entry: its row. */
  entryRow: Uint32Array;
  entries: number;
  /** Per row: its first entry (its name), its count, its category (an index into `categories`). */
  rowFirst: Uint32Array;
  rowCount: Float64Array;
  rowCat: Uint16Array;
  /** Per row: 1 when its line has a byte outside ASCII (its key is not simply its lower-cased bytes). */
  rowWide: Uint8Array;
  rows: number;
  /** Category names; 0 is "none". */
  categories: string[];
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Parses the files; bad lines are skipped, counted and reported as `file:line: why`. */
export function parseSources(sources: readonly VocabSource[], problems: string[]): ParsedVocab {
  const parts = sources.map((s) => (typeof s.text === 'string' ? encoder.encode(s.text) : s.text));
  let total = 0;
  for (const p of parts) total += p.length + 1;
  const b = Buffer.allocUnsafe(total);
  const files: ParsedVocab['files'] = [];
  let at = 0;
  for (const p of parts) {
    b.set(p, at);
    files.push({ start: at, end: at + p.length, firstRow: 0 });
    at += p.length;
    b[at++] = 10;
  }
  const t = b.toString('latin1', 0, total);
  // Room for a row per 16 bytes and an entry per 10 (danbooru.csv has one per 25 and 20), doubled when full.
  let rowCap = (total >> 4) + 16;
  let entryCap = Math.floor(total / 10) + 16;
  let eStart = new Uint32Array(entryCap);
  let eEnd = new Uint32Array(entryCap);
  let eAlias = new Uint8Array(entryCap);
  let eRow = new Uint32Array(entryCap);
  let rFirst = new Uint32Array(rowCap);
  let rCount = new Float64Array(rowCap);
  let rCat = new Uint16Array(rowCap);
  let rWide = new Uint8Array(rowCap);
  let entries = 0;
  let rows = 0;
  const categories = [''];
  const catIds = new Map<string, number>();
  const extras: Uint8Array[] = [];
  let extraAt = total;

  const entry = (s: number, e: number, alias: number) => {
    if (entries === entryCap) {
      entryCap *= 2;
      eStart = grown(eStart, new Uint32Array(entryCap));
      eEnd = grown(eEnd, new Uint32Array(entryCap));
      eAlias = grown(eAlias, new Uint8Array(entryCap));
      eRow = grown(eRow, new Uint32Array(entryCap));
    }
    eStart[entries] = s;
    eEnd[entries] = e;
    eAlias[entries] = alias;
    eRow[entries] = rows - 1;
    entries++;
  };
  const row = (count: number, cat: number, wide: boolean) => {
    if (rows === rowCap) {
      rowCap *= 2;
      rFirst = grown(rFirst, new Uint32Array(rowCap));
      rCount = grown(rCount, new Float64Array(rowCap));
      rCat = grown(rCat, new Uint16Array(rowCap));
      rWide = grown(rWide, new Uint8Array(rowCap));
    }
    rFirst[rows] = entries;
    rCount[rows] = count;
    rCat[rows] = cat;
    rWide[rows] = wide ? 1 : 0;
    rows++;
  };
  // A category is one or two digits almost always: those are looked up by number, without a string.
  const digitIds: number[] = [];
  const category = (scheme: CategoryScheme, raw: string | undefined, cs: number, ce: number): number => {
    if (raw === undefined && cs >= ce) return 0;
    let num = -1;
    if (raw === undefined && ce - cs <= 2) {
      const d0 = t.charCodeAt(cs) - 48;
      const d1 = ce - cs === 2 ? t.charCodeAt(cs + 1) - 48 : 0;
      if (d0 >= 0 && d0 <= 9 && d1 >= 0 && d1 <= 9)
        num = (ce - cs === 2 ? d0 * 10 + d1 : d0) + (scheme === 'e621' ? 100 : 0);
    }
    if (num >= 0 && digitIds[num]) return digitIds[num]!;
    const text = raw ?? utf8(b, cs, ce);
    if (!text) return 0;
    const key = `${scheme}\0${text}`;
    let id = catIds.get(key);
    if (id === undefined) {
      id = categories.push(categoryName(scheme, text)) - 1;
      catIds.set(key, id);
    }
    if (num >= 0) digitIds[num] = id;
    return id;
  };
  const wideRe = /[\x80-\xff]/g;
  const nextWide = (from: number): number => {
    wideRe.lastIndex = from;
    return wideRe.exec(t)?.index ?? -1;
  };

  sources.forEach((src, f) => {
    const { start, end } = files[f]!;
    files[f]!.firstRow = rows;
    let bad = 0;
    const fail = (lineNo: number, why: string) => {
      if (++bad <= MAX_PROBLEMS_PER_FILE) problems.push(`${src.file}:${lineNo}: ${why}; the line was skipped.`);
    };
    let lineNo = 0;
    let quote = -2;
    let wide = -2;
    for (let ls = t.startsWith('\xef\xbb\xbf', start) ? start + 3 : start; ls < end; ) {
      lineNo++;
      const lineStart = ls;
      const nl = t.indexOf('\n', ls);
      ls = nl + 1;
      const le = nl > lineStart && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const s0 = skipStart(t, lineStart, le);
      const e0 = skipEnd(t, s0, le);
      if (s0 === e0) continue;
      if (lineNo === 1 && /^\s*(name|tag)\s*,\s*(category|type)\b/i.test(t.slice(s0, e0))) continue;
      if (quote !== -1 && quote < lineStart) quote = t.indexOf('"', lineStart);
      if (wide !== -1 && wide < lineStart) wide = nextWide(lineStart);
      const quoted = quote !== -1 && quote < le;
      const c1 = comma(t, lineStart, le);
      const c2 = comma(t, c1 + 1, le);
      const c3 = comma(t, c2 + 1, le);
      // The usual quoted field, the alias list, is read in place too.
      const qs = quoted ? skipStart(t, c3 + 1, le) : 0;
      const qe = quoted ? skipEnd(t, qs, le) : 0;
      const aliasList =
        quoted && quote === qs && qe - qs >= 2 && t.indexOf('"', qs + 1) === qe - 1 && t.charCodeAt(qe - 1) === 34;
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
          fail(lineNo, `the count "${utf8(b, c2 + 1, Math.min(c3, le)).trim()}" is not a number`);
          continue;
        }
        const cs = skipStart(t, c1 + 1, Math.min(c2, le));
        row(count, category(src.scheme, undefined, cs, skipEnd(t, cs, Math.min(c2, le))), wide !== -1 && wide < le);
        entry(ns, ne, 0);
        for (let a = aliasList ? qs + 1 : c3 + 1; a < c4; ) {
          const next = aliasList ? comma(t, a, c4) : c4;
          const as = skipStart(t, a, next);
          const ae = skipEnd(t, as, next);
          if (as < ae) entry(as, ae, 1);
          a = next + 1;
        }
        continue;
      }
      const fields = splitCsv(utf8(b, lineStart, le));
      if (fields === undefined) {
        fail(lineNo, 'a quoted field is not closed');
        continue;
      }
      const [name = '', cat = '', countText = '', aliases = ''] = fields.map((x) => x.trim());
      if (!name) {
        fail(lineNo, 'the tag name (first field) is empty');
        continue;
      }
      if (/[\r\n]/.test(name)) {
        fail(lineNo, 'the tag name has a line break');
        continue;
      }
      const count = countText ? countValue(countText) : 0;
      if (count < 0) {
        fail(lineNo, `the count "${countText}" is not a number`);
        continue;
      }
      row(count, category(src.scheme, cat, 0, 0), true);
      [name, ...aliases.split(',').map((x) => x.trim())].forEach((p, k) => {
        if (!p || /[\r\n]/.test(p)) return;
        const bytes = encoder.encode(p);
        entry(extraAt, extraAt + bytes.length, k === 0 ? 0 : 1);
        extras.push(bytes);
        extraAt += bytes.length;
      });
    }
    if (bad > MAX_PROBLEMS_PER_FILE)
      problems.push(`${src.file}: ${bad - MAX_PROBLEMS_PER_FILE} more bad lines were skipped.`);
  });

  let bytes: Uint8Array = b;
  if (extras.length) {
    bytes = new Uint8Array(extraAt);
    bytes.set(b);
    let x = total;
    for (const e of extras) {
      bytes.set(e, x);
      x += e.length;
    }
  }
  return {
    bytes,
    text: t,
    filesEnd: total,
    files,
    entryStart: eStart,
    entryEnd: eEnd,
    entryAlias: eAlias,
    entryRow: eRow,
    entries,
    rowFirst: rFirst,
    rowCount: rCount,
    rowCat: rCat,
    rowWide: rWide,
    rows,
    categories,
  };
}

/** The UTF-8 text of bytes [s, e). */
export function utf8(b: Uint8Array, s: number, e: number): string {
  return s < e ? decoder.decode(b.subarray(s, e)) : '';
}

/** `to` with `from`'s values at its start. */
function grown<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
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
    if (d < 0 || d > 9) return countValue(t.slice(s, e));
    n = n * 10 + d;
  }
  return n;
}

function countValue(text: string): number {
  const v = Number(text);
  return Number.isFinite(v) && v >= 0 ? v : -1;
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
