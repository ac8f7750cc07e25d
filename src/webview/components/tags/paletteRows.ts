/**
 * The tag palette's rows: the known tags matched against the filter (substring, then fuzzy), in the chosen order,
 * optionally grouped under the session's categories, then the vocabulary's (character, copyright, artist, …). Recomputed only when an input changes; when only counts
 * changed, the count order is re-sorted a moment later, so typing a caption does not re-sort 20,000 tags.
 */
import { cleanTag } from '../../../shared/caption';
import type { TagSort } from '../../state/datasetModel';
import type { TaggerStore } from '../../state/store';
import { matchTags } from './fuzzy';

/** A category header row. */
export interface Header {
  name: string;
  n: number;
}

/** What the rows are computed from. */
export interface RowInputs {
  query: string;
  sort: TagSort;
  group: boolean;
}

/** What of the store the rows read. */
export type RowSource = Pick<TaggerStore, 'model' | 'categories' | 'recent' | 'vocabCategories'>;

/** How long after a count change the count-sorted list re-sorts. */
const RESORT_DELAY_MS = 400;

/** The palette's rows and category headers, cached between renders. */
export class PaletteRows {
  /** Palette rows: a tag index (>= 0), or a header as -(its index in `headers`) - 1. */
  rows: number[] = [];
  headers: Header[] = [];
  /** The filter as matched (cleaned, lower-cased), for highlighting. */
  q = '';
  private rowsKey = '';
  private baseKey = '';
  private catVersion = 0;
  private resortDue = false;
  private resortTimer: ReturnType<typeof setTimeout> | undefined;
  private catOf = new Map<string, string>();
  private catRef: unknown;

  /** `onResortDue` asks for a render once a delayed re-sort is due. */
  constructor(private readonly onResortDue: () => void) {}

  /**
   * The rows for the store's tags. `holdOrder` is asked only when counts alone changed: true while the keyboard is
   * in the list, so the list never re-sorts under the focused entry.
   */
  compute(s: RowSource, inputs: RowInputs, holdOrder: () => boolean): number[] {
    const m = s.model;
    const { sort, group } = inputs;
    const q = cleanTag(inputs.query).toLowerCase();
    if (s.categories !== this.catRef) {
      this.catRef = s.categories;
      this.catVersion++;
      this.catOf = new Map();
      for (const c of s.categories) for (const t of c.tags) if (!this.catOf.has(t)) this.catOf.set(t, c.name);
    }
    // Rows depend on the query, sort, grouping and tag list; counts only reorder them (count sort).
    const recent = sort === 'recent' ? s.recent.join(',') : '';
    s.vocabCategories.want(m.tags);
    const base = [q, sort, group, m.tags.length, recent, this.catVersion, s.vocabCategories.version].join('\u0000');
    const key = `${base}\u0000${m.version}`;
    if (key === this.rowsKey) return this.rows;
    if (base === this.baseKey) {
      // Only counts changed: counts show live, the order follows a moment later (or once the keyboard leaves).
      if (holdOrder()) return this.rows;
      if (!this.resortDue) {
        this.resortTimer ??= setTimeout(() => {
          this.resortTimer = undefined;
          this.resortDue = true;
          this.onResortDue();
        }, RESORT_DELAY_MS);
        return this.rows;
      }
    }
    this.resortDue = false;
    this.baseKey = base;
    this.rowsKey = key;
    if (group && s.categories.length) {
      // Category tags not yet in the dataset still belong in the palette, so they can be clicked.
      m.addTags(this.catOf.keys());
    }
    this.q = q;
    const matches = matchTags(m.lower, m.order(sort, s.recent), q);
    this.headers = [];
    const vocabGroups = group ? s.vocabCategories.groups() : [];
    if (!group || (s.categories.length === 0 && vocabGroups.length === 0)) {
      this.rows = matches;
      return this.rows;
    }
    const byCat = new Map<string, number[]>(s.categories.map((c) => [c.name, []]));
    // The user's categories come first and win: a vocabulary group of the same name is theirs.
    const vocab = new Map<string, number[]>(vocabGroups.filter((g) => !byCat.has(g)).map((g) => [g, []]));
    const other: number[] = [];
    for (const i of matches) {
      const tag = m.tags[i]!;
      const c = this.catOf.get(tag);
      if (c !== undefined) byCat.get(c)!.push(i);
      else {
        const g = s.vocabCategories.groupOf(tag);
        (g === undefined ? other : (byCat.get(g) ?? vocab.get(g) ?? other)).push(i);
      }
    }
    const rows: number[] = [];
    const section = (name: string, list: number[]) => {
      if (!list.length) return;
      this.headers.push({ name, n: list.length });
      rows.push(-this.headers.length);
      for (const i of list) rows.push(i);
    };
    for (const [name, list] of byCat) section(name, list);
    for (const [name, list] of vocab) section(name, list);
    section('Other tags', other);
    this.rows = rows;
    return rows;
  }
}
