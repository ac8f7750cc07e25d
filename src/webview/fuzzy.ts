/** Tag matching for the palette filter and the add-tag autocomplete: substring first, then fuzzy (in-order letters). */

/** A match: its quality (lower is better) and the matched character positions to highlight. */
export interface Match {
  index: number;
  score: number;
  /** Positions in the tag of the highlighted characters, ascending. */
  hits: number[];
}

/**
 * Matches `query` (already lower-cased and trimmed) against lower-cased tags, in the order given by `order`
 * (indices into `lower`). Scores: 0 prefix, 1 word-start substring, 2 substring, 3+ fuzzy (by spread).
 * Only the cheap checks run per tag, so 20,000 tags take well under a millisecond or two.
 */
export function matchTags(lower: readonly string[], order: readonly number[], query: string, limit = Infinity): Match[] {
  const out: Match[] = [];
  if (!query) {
    for (const i of order) {
      out.push({ index: i, score: 0, hits: [] });
      if (out.length >= limit) break;
    }
    return out;
  }
  const fuzzy: Match[] = [];
  for (const i of order) {
    const s = lower[i]!;
    const at = s.indexOf(query);
    if (at !== -1) {
      const score = at === 0 ? 0 : /[\s_\-(]/.test(s[at - 1]!) ? 1 : 2;
      out.push({ index: i, score, hits: range(at, query.length) });
    } else if (s.length >= query.length) {
      const hits = subsequence(s, query);
      if (hits) fuzzy.push({ index: i, score: 3 + (hits[hits.length - 1]! - hits[0]! - query.length) / 100, hits });
    }
  }
  // Stable sorts keep the caller's order (count, name or recent) within one quality.
  out.sort((a, b) => a.score - b.score);
  fuzzy.sort((a, b) => a.score - b.score);
  const all = out.concat(fuzzy);
  return all.length > limit ? all.slice(0, limit) : all;
}

function range(start: number, n: number): number[] {
  const r: number[] = [];
  for (let k = 0; k < n; k++) r.push(start + k);
  return r;
}

/** Positions of `q`'s characters appearing in order in `s`, or undefined. */
function subsequence(s: string, q: string): number[] | undefined {
  const hits: number[] = [];
  let from = 0;
  for (let k = 0; k < q.length; k++) {
    const c = q[k]!;
    if (c === ' ') continue;
    const at = s.indexOf(c, from);
    if (at === -1) return undefined;
    hits.push(at);
    from = at + 1;
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
