/** The filmstrip and navigation filter: which images they show (untagged, favourites, a tag, a text…). */
import type { StoreCore } from './core';
import type { ImageFilterKind } from './datasetModel';

/** The filter setting and the image indices it lets through. */
export class ImageFilter {
  setting: { kind: ImageFilterKind; value: string } = { kind: 'all', value: '' };
  /** Image indices the filter lets through, or undefined for all. */
  matches: number[] | undefined;

  constructor(private readonly core: StoreCore) {}

  /** Sets the filter. */
  set(kind: ImageFilterKind, value: string): void {
    this.setting = { kind, value };
    this.refresh();
    this.core.emit('filter');
  }

  /** Recomputes the matches (after a load, navigation or a flag change; not per keystroke). */
  refresh(): void {
    this.matches = this.core.model.filterImages(this.setting.kind, this.setting.value);
  }
}
