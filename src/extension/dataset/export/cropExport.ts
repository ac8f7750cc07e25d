/**
 * Crops at export: an image with a crop in the session is exported as that rectangle of the upright image (EXIF
 * orientation baked in), scaled down to the target's size (shared/buckets/sizes.ts exportSize), in the staged file's
 * own format. Images without a crop are exported byte for byte. The staged file is only read.
 */
import { extname, join } from 'node:path';
import { exportSize } from '../../../shared/buckets/sizes';
import { clampCrop, uprightSize, type CropRect } from '../../../shared/crop';
import { renderCrop, type CropFormat } from '../images/library';
import type { ExportTarget } from './targets';
import { ExportError, openNoFollow } from './zipWriter';

/** What the crop export needs of an image record. */
export interface CropSource {
  file: string;
  width: number;
  height: number;
  orientation?: number;
  crop?: CropRect;
}

/** The encoder for a staged file's extension (the formats staging keeps), or undefined for another. */
export function cropFormat(file: string): CropFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  return ext === '.webp' ? 'webp' : undefined;
}

/**
 * The exported bytes of a cropped image for `target` at `resolution`, or undefined when it has no crop (export
 * the file as it is). Rejects with an ExportError naming the file when it cannot be read or decoded.
 */
export async function renderExportImage(
  outputFolder: string,
  img: CropSource,
  target: ExportTarget,
  resolution?: number,
): Promise<Buffer | undefined> {
  if (!img.crop) return undefined;
  const up = uprightSize(img.width, img.height, img.orientation);
  const crop = clampCrop(img.crop, up.width, up.height);
  const format = cropFormat(img.file);
  if (!crop || !format) return undefined;
  const path = join(outputFolder, img.file);
  let buf: Buffer;
  try {
    const h = await openNoFollow(path);
    try {
      buf = await h.readFile();
    } finally {
      await h.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ExportError(
      `${img.file} could not be read to apply its crop (${e.code ?? e.message}); check it is still a file in ` +
        `${outputFolder}, or remove its crop in the panel, then export again.`,
      'missing-image',
      img.file,
    );
  }
  const [width, height] = exportSize(target, crop.width, crop.height, resolution);
  try {
    const out = await renderCrop(buf, crop, { width, height }, format);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new ExportError(
      `${img.file} could not be cropped for export: ${(err as Error).message}. Remove its crop in the panel to export ` +
        `it as it is, or replace the file.`,
      'io',
      img.file,
    );
  }
}
