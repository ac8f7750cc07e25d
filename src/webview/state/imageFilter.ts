/** The filmstrip and navigation filter: which images they show (a filter-language query, or an older kind). */
import type { StoreCore } from './core';
import type { ImageFilterKind } from './datasetModel';
import { parseFilter, type FilterError, type FilterNode } from '../../shared/filterQuery';
import { runFilter } from '../../shared/filterEval';

/** The filter setting and the image indices it lets through. */
export class ImageFilter {
  setting: { kind: ImageFilterKind; value: string } = { kind: 'all', value: '' };
  /** Image indices the filter lets through, or undefined for all. */
  matches: number[] | undefined;
  /** Why the query typed cannot be read, and where; the matches of the last valid query stay meanwhile. */
  error: FilterError | undefined;
  /** Files the last Check Dataset found to be exact or near duplicates (the `duplicate` term). */
  duplicates: ReadonlySet<string> = new Set();
  private parsed: { query: string; node: FilterNode | undefined } | undefined;

  constructor(private readonly core: StoreCore) {}

  /** Sets the filter. */
  set(kind: ImageFilterKind, value: string): void {
    this.setting = { kind, value };
    this.refresh();
    this.core.emit('filter');
  }

  /** Sets the files the `duplicate` term matches, and re-runs the filter. */
  setDuplicates(files: readonly string[]): void {
    this.duplicates = new Set(files);
    this.refresh();
    this.core.emit('filter');
  }

  /** Recomputes the matches (after a load, navigation or a flag change; not per keystroke). */
  refresh(): void {
    const { kind, value } = this.setting;
    if (kind !== 'query') {
      this.error = undefined;
      this.matches = this.core.model.filterImages(kind, value);
      return;
    }
    if (this.parsed?.query !== value) {
      const p = parseFilter(value);
      this.error = p.ok ? undefined : p.error;
      if (!p.ok) return;
      this.parsed = { query: value, node: p.node };
    }
    const m = this.core.model;
    const node = this.parsed.node;
    this.matches = node ? runFilter(node, m.images, { tagsOf: m.tagsOf, duplicates: this.duplicates }) : undefined;
  }
}
