/** Tag matching for the palette filter and the add-tag autocomplete: substring first, then fuzzy (letters in order). */

const WORD_BREAK = new Set([' ', '_', '-', '(', '/', ':']);

/**
 * Tag indices matching `query` (lower-cased, trimmed) among lower-cased tags, in four tiers: prefix, word-start
 * substring, other substring, fuzzy; within a tier the caller's `order` (count, name or recent) is kept.
 * No per-tag allocation and no sorting, so a keystroke over 20,000 tags costs a few milliseconds.
 */
export function matchTags(
  lower: readonly string[],
  order: readonly number[],
  query: string,
  limit = Infinity,
): number[] {
  if (!query) return order.length > limit ? order.slice(0, limit) : (order as number[]);
  const prefix: number[] = [];
  const word: number[] = [];
  const inner: number[] = [];
  const fuzzy: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const s = lower[i]!;
    const at = s.indexOf(query);
    if (at === 0) {
      prefix.push(i);
      if (prefix.length >= limit) break;
    } else if (at > 0) (WORD_BREAK.has(s[at - 1]!) ? word : inner).push(i);
    else if (isSubsequence(s, query)) fuzzy.push(i);
  }
  const all = prefix.concat(word, inner, fuzzy);
  return all.length > limit ? all.slice(0, limit) : all;
}

/** True when q's characters (spaces ignored) appear in s in order. */
function isSubsequence(s: string, q: string): boolean {
  if (q.length > s.length) return false;
  let from = 0;
  for (let k = 0; k < q.length; k++) {
    const c = q[k]!;
    if (c === ' ') continue;
    const at = s.indexOf(c, from);
    if (at === -1) return false;
    from = at + 1;
  }
  return true;
}

/** Positions to highlight in one (lower-cased) tag for a query: the substring, else the fuzzy letters. Run only for visible rows. */
export function matchHits(s: string, query: string): number[] {
  if (!query) return [];
  const at = s.indexOf(query);
  const hits: number[] = [];
  if (at !== -1) {
    for (let k = 0; k < query.length; k++) hits.push(at + k);
    return hits;
  }
  let from = 0;
  for (let k = 0; k < query.length; k++) {
    const c = query[k]!;
    if (c === ' ') continue;
    const pos = s.indexOf(c, from);
    if (pos === -1) return [];
    hits.push(pos);
    from = pos + 1;
  }
  return hits;
}

/** Splits a tag into plain and highlighted runs for rendering. */
export function highlightRuns(tag: string, hits: readonly number[]): Array<{ text: string; hit: boolean }> {
  if (hits.length === 0) return [{ text: tag, hit: false }];
  const runs: Array<{ text: string; hit: boolean }> = [];
  const set = new Set(hits);
  let cur = '';
  let curHit = set.has(0);
  for (let i = 0; i < tag.length; i++) {
    const h = set.has(i);
    if (h !== curHit) {
      if (cur) runs.push({ text: cur, hit: curHit });
      cur = '';
      curHit = h;
    }
    cur += tag[i];
  }
  if (cur) runs.push({ text: cur, hit: curHit });
  return runs;
}
