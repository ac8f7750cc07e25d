/**
 * The compact form of a1111 tag-autocomplete CSVs: no object and no string per row. Each name and alias is an
 * entry; its key (lower case, a space as `_`) is a range of `keys`, one string of the keys' UTF-8 bytes, one
 * character per byte (so it is a compact string, made by native calls: the files' bytes, lower-cased).
 *
 * A file sorted by count (tagcomplete's are) is its own part of the keys, in place: its entries are ranges of it,
 * between the counts and commas. The rows that cannot stay in place (a tag listed twice and merged, a line read by
 * RFC 4180 rules, a name whose lower case is not its bytes', every row of a file not sorted by count) are copied
 * after the files, sorted by count. Each part is thus a `segment` in which the most used tags come first, so a scan
 * can stop in it as soon as no later tag can rank (vocabulary.ts). An entry that was copied is dead in place.
 * Rows and entries are typed arrays; an open-addressing hash over the keys answers exact lookups. Danbooru's
 * 140,000 rows take about 15 MB.
 */
import { parseSources, utf8, type VocabSource } from './vocabCsv';

export type { VocabSource } from './vocabCsv';

/** The entryRow of an entry whose row was copied after the files. */
export const DEAD = 0xffffffff;

/** A part of the keys in which rows are in count order, most used first. */
export interface Segment {
  /** [from, to) in `keys`, and its first entry. */
  from: number;
  to: number;
  firstEntry: number;
}

/** The built index (see the file comment). Entries are in key order. */
export interface VocabIndex {
  /** The files' bytes (and the fields of lines read by RFC 4180 rules): a name as written is a UTF-8 range. */
  bytes: Uint8Array;
  srcStart: Uint32Array;
  srcEnd: Uint32Array;
  keys: string;
  keyStart: Uint32Array;
  keyEnd: Uint32Array;
  segments: Segment[];
  /** The canonical row of each entry (a tag listed again is merged into its first row), or DEAD. */
  entryRow: Uint32Array;
  /** For each entry: 1 when it is an alias. */
  entryAlias: Uint8Array;
  entries: number;
  /** Per row: its name's entry, its count (the highest of its listings), its category (index into `categories`). */
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

/** A key as `keys` holds it (see keyText) for a name as written. */
function keyOf(name: string): string {
  return keyText(name.toLowerCase());
}

/** Builds the index of these files; bad lines are skipped, counted and reported as `file:line: why`. */
export function buildIndex(sources: readonly VocabSource[], problems: string[]): VocabIndex {
  const p = parseSources(sources, problems);
  const { bytes, rows, filesEnd } = p;
  const rowCount = p.rowCount.subarray(0, rows);
  const rowEnd = (r: number) => (r + 1 < rows ? p.rowFirst[r + 1]! : p.entries);
  const moved = new Uint8Array(rows);

  // The files' keys in place: their text lower-cased, spaces as `_` (two native passes; tagcomplete's files have
  // no spaces). A key that is not so (a field read by RFC 4180 rules, or a name outside ASCII, whose bytes that
  // lower-casing does not know) goes after them.
  const lower = p.text.toLowerCase();
  const fileKeys = lower.includes(' ') ? lower.replaceAll(' ', '_') : lower;
  const pending: string[] = [];
  let pendingAt = filesEnd;
  const kStart = p.entryStart.slice(0, p.entries);
  const kEnd = p.entryEnd.slice(0, p.entries);
  const movedEntries: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (!p.rowWide[r]) continue;
    for (let e = p.rowFirst[r]!; e < rowEnd(r); e++) {
      const s = p.entryStart[e]!;
      const k = keyOf(utf8(bytes, s, p.entryEnd[e]!));
      if (s < filesEnd && fileKeys.startsWith(k, s) && k.length === p.entryEnd[e]! - s) continue;
      moved[r] = 1;
      kStart[e] = pendingAt;
      kEnd[e] = pendingAt + k.length;
      pending.push(k);
      pendingAt += k.length + 1;
    }
  }
  const keys0 = pending.length ? `${fileKeys}${pending.join('\n')}\n` : fileKeys;

  // The hash (names first, so a name wins over another tag's alias); a name listed again is merged into its row.
  let slots = 1024;
  while (slots < p.entries * 2) slots *= 2;
  const mask = slots - 1;
  const hash = new Int32Array(slots);
  const entryRow = p.entryRow.slice(0, p.entries);
  // Rows merged into a row, as a chain: rowNext[r] is the next (-1 ends it), rowTail[r] the last of r's chain.
  const rowNext = new Int32Array(rows).fill(-1);
  const rowTail = new Int32Array(rows);
  for (let r = 0; r < rows; r++) rowTail[r] = r;
  let size = rows;
  for (const aliases of [0, 1]) {
    for (let e = 0; e < p.entries; e++) {
      if (p.entryAlias[e] !== aliases) continue;
      const found = probe(hash, mask, keys0, kStart, kEnd, keys0, kStart[e]!, kEnd[e]!, e);
      if (found < 0 || aliases) continue;
      // The same tag again: one row, the highest count, every alias.
      const keep = entryRow[found]!;
      const drop = entryRow[e]!;
      if (keep === drop) continue;
      rowCount[keep] = Math.max(rowCount[keep]!, rowCount[drop]!);
      for (let r = drop; r >= 0; r = rowNext[r]!) entryRow.fill(keep, p.rowFirst[r]!, rowEnd(r));
      rowNext[rowTail[keep]!] = drop;
      rowTail[keep] = rowTail[drop]!;
      moved[keep] = 1;
      moved[drop] = 1;
      size--;
    }
  }

  // Files not sorted by count move whole; then the moved rows are copied after the files, by count.
  const sorted = p.files.map((file, f) => {
    const last = f + 1 < p.files.length ? p.files[f + 1]!.firstRow : rows;
    for (let r = file.firstRow + 1; r < last; r++) if (rowCount[r]! > rowCount[r - 1]!) return false;
    return true;
  });
  p.files.forEach((file, f) => {
    if (!sorted[f]) moved.fill(1, file.firstRow, f + 1 < p.files.length ? p.files[f + 1]!.firstRow : rows);
  });
  const copied: number[] = [];
  for (let r = 0; r < rows; r++) if (moved[r] && entryRow[p.rowFirst[r]!] === r) copied.push(r);
  const order = byCount(Uint32Array.from(copied), rowCount);
  // Every entry read keeps its index (dead in place when its row is copied), then the copies.
  const inPlace = p.entries;
  let extra = 0;
  for (const r of order) for (let m = r; m >= 0; m = rowNext[m]!) extra += rowEnd(m) - p.rowFirst[m]!;
  const entries = inPlace + extra;
  const keyStart = new Uint32Array(entries);
  const keyEnd = new Uint32Array(entries);
  const srcStart = new Uint32Array(entries);
  const srcEnd = new Uint32Array(entries);
  const finalRow = new Uint32Array(entries);
  const entryAlias = new Uint8Array(entries);
  const rowName = new Uint32Array(rows);
  // Where each copied entry went, + 1 (0: it stays).
  const to = new Uint32Array(p.entries);
  keyStart.set(p.entryStart.subarray(0, inPlace));
  keyEnd.set(p.entryEnd.subarray(0, inPlace));
  srcStart.set(p.entryStart.subarray(0, inPlace));
  srcEnd.set(p.entryEnd.subarray(0, inPlace));
  finalRow.set(entryRow.subarray(0, inPlace));
  entryAlias.set(p.entryAlias.subarray(0, inPlace));
  rowName.set(p.rowFirst.subarray(0, rows));
  for (let r = 0; r < rows; r++) {
    if (!moved[r]) continue;
    finalRow.fill(DEAD, p.rowFirst[r]!, rowEnd(r));
    // A field read by RFC 4180 rules is not in the files' keys: in place it is empty, where its line was.
    for (let e = p.rowFirst[r]!; e < rowEnd(r); e++) {
      if (p.entryStart[e]! >= filesEnd) keyStart[e] = keyEnd[e] = e > 0 ? keyEnd[e - 1]! : 0;
      movedEntries.push(e);
    }
  }
  const copies: string[] = [];
  let k = inPlace;
  let at = filesEnd;
  for (const canon of order) {
    for (let r = canon; r >= 0; r = rowNext[r]!) {
      for (let e = p.rowFirst[r]!; e < rowEnd(r); e++) {
        const key = keys0.slice(kStart[e], kEnd[e]);
        copies.push(key);
        keyStart[k] = at;
        keyEnd[k] = at + key.length;
        at += key.length + 1;
        srcStart[k] = p.entryStart[e]!;
        srcEnd[k] = p.entryEnd[e]!;
        finalRow[k] = canon;
        entryAlias[k] = p.entryAlias[e]!;
        to[e] = ++k;
      }
    }
  }
  // The hash points at the copies: a few are looked up again, many by one pass over the table.
  if (movedEntries.length > slots >> 5) {
    for (let slot = 0; slot < slots; slot++) {
      const v = hash[slot]!;
      if (v && to[v - 1]) hash[slot] = to[v - 1]!;
    }
  } else {
    for (const e of movedEntries) {
      if (probe(hash, mask, keys0, kStart, kEnd, keys0, kStart[e]!, kEnd[e]!, -1) === e) hash[lastSlot] = to[e]!;
    }
  }
  for (let r = 0; r < rows; r++) if (moved[r]) rowName[r] = to[p.rowFirst[r]!]! - 1;
  const segments: Segment[] = [];
  p.files.forEach(({ start, end, firstRow }, f) => {
    if (sorted[f])
      segments.push({ from: start, to: end, firstEntry: firstRow < rows ? p.rowFirst[firstRow]! : inPlace });
  });
  if (copies.length) segments.push({ from: filesEnd, to: at, firstEntry: inPlace });
  return {
    bytes,
    srcStart,
    srcEnd,
    keys: copies.length ? `${fileKeys}${copies.join('\n')}\n` : fileKeys,
    keyStart,
    keyEnd,
    segments,
    entryRow: finalRow,
    entryAlias,
    entries,
    rowName,
    rowCount,
    rowCat: p.rowCat.subarray(0, rows),
    size,
    categories: p.categories,
    hash,
    hashMask: mask,
  };
}

/**
 * The rows in count order, most used first, rows of equal count in the order read: a merge of the runs already in
 * order (a file sorted by count is one run), so linear when sorted and n log n otherwise.
 */
function byCount(rows: Uint32Array<ArrayBuffer>, count: Float64Array): Uint32Array {
  let a = rows;
  const n = a.length;
  let runs: number[] = [0];
  for (let i = 1; i < n; i++) if (count[a[i]!]! > count[a[i - 1]!]!) runs.push(i);
  runs.push(n);
  let b = new Uint32Array(n);
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r]!;
      const mid = runs[r + 1]!;
      const hi = r + 2 < runs.length ? runs[r + 2]! : mid;
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) b[o++] = count[a[j]!]! > count[a[i]!]! ? a[j++]! : a[i++]!;
      while (i < mid) b[o++] = a[i++]!;
      while (j < hi) b[o++] = a[j++]!;
      next.push(hi);
    }
    [a, b] = [b, a];
    runs = next;
  }
  return a;
}

/**
 * A hash of a key from its length and at most ten of its characters (the first four, the middle two, the last
 * four): no loop over the whole key, and keys that share all of these are few.
 */
function hashOf(s: string, from: number, to: number): number {
  const n = to - from;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  if (n <= 10) {
    for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  }
  const m = from + (n >> 1);
  h = Math.imul(h ^ s.charCodeAt(from), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(from + 1), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(from + 2), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(from + 3), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(m - 1), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(m), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(to - 4), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(to - 3), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(to - 2), 0x01000193);
  return Math.imul(h ^ s.charCodeAt(to - 1), 0x01000193);
}

/**
 * The entry whose key (a range of `keys`) equals `s[from, to)`, or -1; when not found, `insert` (an entry) takes
 * the empty slot.
 */
function probe(
  hash: Int32Array,
  mask: number,
  keys: string,
  start: Uint32Array,
  end: Uint32Array,
  s: string,
  from: number,
  to: number,
  insert: number,
): number {
  const len = to - from;
  for (let slot = hashOf(s, from, to) & mask; ; slot = (slot + 1) & mask) {
    const v = hash[slot]!;
    lastSlot = slot;
    if (v === 0) {
      if (insert >= 0) hash[slot] = insert + 1;
      return -1;
    }
    const st = start[v - 1]!;
    if (end[v - 1]! - st === len && sameRange(keys, st, s, from, len)) return v - 1;
  }
}

/** The slot probe looked at last: the found entry's, or the empty one. */
let lastSlot = 0;

function sameRange(a: string, at: number, b: string, bt: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a.charCodeAt(at + i) !== b.charCodeAt(bt + i)) return false;
  return true;
}

/** The entry whose key is `key` (a vocabKey), or -1. */
export function findEntry(ix: VocabIndex, key: string): number {
  const k = keyText(key);
  return probe(ix.hash, ix.hashMask, ix.keys, ix.keyStart, ix.keyEnd, k, 0, k.length, -1);
}

/** A lower-case key (a vocabKey) as the keys string holds it: spaces as `_`, its UTF-8 bytes one character each. */
export function keyText(key: string): string {
  const k = key.replaceAll(' ', '_');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is its own UTF-8
  return /^[\x00-\x7f]*$/.test(k) ? k : Buffer.from(k, 'utf8').toString('latin1');
}

/** The name of an entry as the file writes it. */
export function entryText(ix: VocabIndex, e: number): string {
  return utf8(ix.bytes, ix.srcStart[e]!, ix.srcEnd[e]!);
}
