/** Image flags: favourite and NSFW marks and skipping, set in the panel or by the host. */
import type { ImageStatus } from '../../shared/model';
import type { StoreCore } from './core';

/** A flag the user can toggle on the current image. */
export type ImageFlag = 'favourite' | 'nsfw' | 'skipped';

/** Toggles flags on the current image and applies the host's view of an image's flags. */
export class ImageFlags {
  constructor(private readonly core: StoreCore) {}

  /** Toggles favourite, NSFW or skipped on the current image. */
  toggle(flag: ImageFlag): void {
    const { core } = this;
    const im = core.current;
    if (!im) return;
    if (flag === 'skipped') {
      const skipped = im.status !== 'skipped';
      core.model.setStatus(core.index, skipped ? 'skipped' : core.model.unskippedStatus(core.index));
      core.host.notify({ type: 'image/flags', file: im.file, skipped });
    } else {
      im[flag] = !im[flag];
      core.host.notify({ type: 'image/flags', file: im.file, [flag]: im[flag] });
    }
    core.emit('flags');
  }

  /** The host changed one image's flags or status. */
  apply(file: string, status: ImageStatus, favourite: boolean, nsfw: boolean): void {
    const { model } = this.core;
    const i = model.indexOfFile(file);
    const im = model.images[i];
    if (!im) return;
    im.favourite = favourite;
    im.nsfw = nsfw;
    model.setStatus(i, status);
    this.core.emit('flags');
  }
}
