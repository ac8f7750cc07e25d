/** The panel's crop messages: the crop tool sets or removes an image's export crop (kept in session.json). */
import { clampCrop, uprightSize } from '../../../shared/crop';
import type { ToHost, ToHostResults } from '../../../shared/protocol';
import type { RequestHandlers } from '../../../shared/rpc';
import type { Dataset } from '../../dataset/session/dataset';

/** The handlers of `image/crop`, for TaggingPanel's table; `dataset` gives the panel's open dataset. */
export function cropHandlers(
  dataset: () => Dataset,
): Pick<RequestHandlers<ToHost, typeof ToHostResults>, 'image/crop'> {
  return {
    'image/crop': (msg) => {
      const ds = dataset();
      const rec = ds.session.images.find((i) => i.file === msg.file);
      if (!rec)
        throw new Error(`${msg.file} is not an image of the dataset in ${ds.outputFolder}; nothing was cropped.`);
      if (msg.crop === null) return ds.setImageExtra('crop', msg.file, undefined);
      const up = uprightSize(rec.width, rec.height, rec.orientation);
      // The webview is untrusted: the rectangle must lie inside the image (cut to it, never past it).
      const crop = clampCrop(msg.crop, up.width, up.height);
      if (!crop)
        throw new Error(
          `The crop of ${msg.file} does not lie inside its ${up.width}x${up.height} image; nothing was changed. ` +
            'Draw it again on the preview.',
        );
      ds.setImageExtra('crop', msg.file, crop);
    },
  };
}
