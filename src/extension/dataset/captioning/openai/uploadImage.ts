/**
 * An image as a chat model receives it: shown upright (EXIF orientation applied), scaled down so its long side is
 * at most `longSide` pixels (never up), transparency on white, re-encoded as JPEG and carried in a data URL.
 * Sending a 24-megapixel original would be slow and is refused by most servers; vision models see about 1 MP.
 */
import { library, MAX_PIXELS } from '../../images/library';

/** The default long side sent, in pixels. */
export const UPLOAD_LONG_SIDE = 1024;

/** The image re-encoded for upload: JPEG bytes and their data URL. */
export async function uploadImage(
  image: Uint8Array,
  longSide = UPLOAD_LONG_SIDE,
): Promise<{ jpeg: Buffer; dataUrl: string }> {
  const sharp = await library();
  const jpeg = await sharp(image, { failOn: 'error', limitInputPixels: MAX_PIXELS })
    .autoOrient()
    .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace('srgb')
    .jpeg({ quality: 90 })
    .toBuffer();
  return { jpeg, dataUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}` };
}
