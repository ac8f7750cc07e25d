/**
 * Which images are selected (issue 13): by image index, shared by the filmstrip and the review grid. The current
 * image is always part of a selection of one; a selection of several is what multi-image edits apply to.
 */
import type { StoreCore } from '../core';

/** How a click or key changes the selection. */
export type SelectMode = 'only' | 'toggle' | 'range';

/** The selected image indices, with the anchor that Shift+click and Shift+arrows extend from. */
export class Selection {
  private readonly set = new Set<number>();
  /** Where a range starts (the last plain or Ctrl/Cmd click). */
  anchor = 0;

  constructor(private readonly core: StoreCore) {}

  /** The selected indices in image order; empty means "just the current image". */
  get indices(): number[] {
    return [...this.set].sort((a, b) => a - b);
  }

  /** How many images are selected (at least one once a dataset is loaded: the current image). */
  get size(): number {
    return this.set.size || (this.core.model.images.length ? 1 : 0);
  }

  /** True when image `i` is selected (or is the current image of a selection of one). */
  has(i: number): boolean {
    return this.set.size ? this.set.has(i) : i === this.core.index;
  }

  /**
   * Changes the selection at image `i`. `visible`: the image indices the filter shows, in order (a range covers
   * only what the user can see).
   */
  select(i: number, mode: SelectMode, visible?: readonly number[]): void {
    if (mode === 'only') {
      this.set.clear();
      this.anchor = i;
    } else if (mode === 'toggle') {
      if (!this.set.size) this.set.add(this.core.index);
      if (this.set.has(i) && this.set.size > 1) this.set.delete(i);
      else this.set.add(i);
      this.anchor = i;
    } else {
      const order = visible ?? this.core.model.images.map((_, k) => k);
      const from = order.indexOf(this.anchor);
      const to = order.indexOf(i);
      this.set.clear();
      if (from < 0 || to < 0) this.set.add(i);
      else for (const k of order.slice(Math.min(from, to), Math.max(from, to) + 1)) this.set.add(k);
    }
    if (this.set.size === 1) this.set.clear();
    this.core.emit('selection');
  }

  /** Selects exactly these images (Ctrl/Cmd+A: what the filter shows). */
  selectAll(indices: readonly number[]): void {
    this.set.clear();
    for (const i of indices) this.set.add(i);
    if (this.set.size === 1) this.set.clear();
    this.core.emit('selection');
  }

  /** Back to a selection of one (the current image); after a load the old indices mean nothing. */
  clear(): void {
    if (!this.set.size) return;
    this.set.clear();
    this.core.emit('selection');
  }
}
