/** Moving between images: to an index, next or previous within the filter, the next untagged, one the host names. */
import type { CaptionEditor } from './captions/captionEditor';
import type { StoreCore } from './core';
import type { ImageFilter } from './imageFilter';

/** Changes the current image, saving the dirty caption first and telling the host. */
export class Navigator {
  constructor(
    private readonly core: StoreCore,
    private readonly captions: CaptionEditor,
    private readonly filter: ImageFilter,
  ) {}

  /** Shows image `i`, saving the dirty caption first; `announce` sends `image/select` to the host. */
  go(i: number, announce = true): void {
    const { core } = this;
    const n = core.model.images.length;
    if (n === 0) return;
    const target = Math.max(0, Math.min(n - 1, i));
    if (target === core.index) return;
    this.captions.flush();
    core.index = target;
    if (announce) core.host.notify({ type: 'image/select', file: core.model.images[target]!.file });
    // The filter follows edits made on the image just left (e.g. it is no longer untagged).
    if (this.filter.setting.kind !== 'all') this.filter.refresh();
    core.emit('current', 'caption', 'flags', 'filter');
  }

  /** Next (+1) or previous (-1) image, within the image filter when one is set. */
  move(dir: 1 | -1): void {
    const list = this.filter.matches;
    const index = this.core.index;
    if (!list) return this.go(index + dir);
    const pos = dir === 1 ? list.findIndex((i) => i > index) : findLastIndex(list, (i) => i < index);
    if (pos !== -1) this.go(list[pos]!);
  }

  /** The next untagged image after the current one, wrapping around. */
  nextUntagged(): void {
    const ims = this.core.model.images;
    for (let k = 1; k < ims.length; k++) {
      const i = (this.core.index + k) % ims.length;
      if (ims[i]!.status === 'untagged') return this.go(i);
    }
    this.core.setStatus('info', 'No untagged images left.');
  }

  /** Shows an image the host asked for (Resume, a Problems-view link), without echoing image/select. */
  reveal(file: string): void {
    const i = this.core.model.indexOfFile(file);
    if (i !== -1) this.go(i, false);
  }
}

function findLastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}
