/**
 * What a vocabulary query should answer, worked out the slow way for the tests: every tag and alias of the CSV
 * lines as written, merged by name, each tag in its best class, each class sorted in full.
 */
import type { VocabSuggestion } from '../../../../src/shared/model';
import { categoryName, displayTag, type CategoryScheme } from '../../../../src/extension/dataset/vocabulary/categories';
import { vocabKey } from '../../../../src/extension/dataset/vocabulary/vocabulary';

/** One tag of a CSV line: its name, category, count and aliases as the line gives them. */
export interface OracleRow {
  name: string;
  category: string;
  count: number;
  aliases: string[];
  scheme: CategoryScheme;
}

interface Tag {
  index: number;
  count: number;
  category: string;
  /** Names then aliases, of this row and then of each row merged into it. */
  entries: { text: string; key: string; alias: boolean }[];
}

const key = (s: string) => s.toLowerCase().replaceAll('_', ' ');
const isBreak = (c: string | undefined) => c === ' ' || c === '-' || c === '(' || c === '/' || c === ':';

/** The answers of `query(q, n)` over these rows (in file order), by brute force. */
export function oracle(rows: readonly OracleRow[]): (q: string, n: number) => VocabSuggestion[] {
  const tags: Tag[] = [];
  const byName = new Map<string, Tag>();
  for (const r of rows) {
    const entries = [r.name, ...r.aliases].map((text, i) => ({ text, key: key(text), alias: i > 0 }));
    const same = byName.get(key(r.name));
    if (same) {
      same.count = Math.max(same.count, r.count);
      same.entries.push(...entries);
      continue;
    }
    const t: Tag = {
      index: tags.length,
      count: r.count,
      category: r.category ? categoryName(r.scheme, r.category) : '',
      entries,
    };
    tags.push(t);
    byName.set(key(r.name), t);
  }
  return (query, limit) => {
    const q = vocabKey(query);
    const n = Math.max(1, Math.min(100, Math.floor(limit) || 1));
    if (!q) return [];
    const classes: { t: Tag; e: Tag['entries'][number] }[][] = [[], [], []];
    for (const t of tags) {
      let best: { cls: number; e: Tag['entries'][number] } | undefined;
      for (const e of t.entries) {
        for (let pos = e.key.indexOf(q); pos !== -1; pos = e.key.indexOf(q, pos + 1)) {
          const cls = pos === 0 ? 0 : isBreak(e.key[pos - 1]) ? 1 : 2;
          if (!best || cls < best.cls || (cls === best.cls && best.e.alias && !e.alias)) best = { cls, e };
        }
      }
      if (best) classes[best.cls]!.push({ t, e: best.e });
    }
    for (const c of classes)
      c.sort(
        (a, b) =>
          b.t.count - a.t.count ||
          Number(a.e.alias) - Number(b.e.alias) ||
          Buffer.byteLength(a.e.key) - Buffer.byteLength(b.e.key) ||
          a.t.index - b.t.index,
      );
    const [prefix, word, inner] = classes;
    const others = Math.min(Math.min(word!.length, n) + Math.min(inner!.length, n), Math.floor(n / 3));
    const picked = [...prefix!.slice(0, n - others)];
    for (const h of [...word!, ...inner!]) if (picked.length < n) picked.push(h);
    return picked.map(({ t, e }) => {
      const s: VocabSuggestion = { name: displayTag(t.entries[0]!.text), count: t.count };
      if (t.category) s.category = t.category;
      if (e.alias) s.alias = displayTag(e.text);
      return s;
    });
  };
}
