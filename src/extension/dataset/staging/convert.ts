/**
 * Staging one image as a conversion (Start's convert option): a BMP, GIF (first frame), TIFF, AVIF or decodable
 * HEIC source is read by the image library and written as the record's PNG or JPEG, atomically; the source is only
 * read, in move mode too. The record then describes the staged file (its size, upright dimensions, format).
 */
import type { ImageRecord } from '../session/schema';
import { writeFileAtomic } from '../io/atomicWrite';
import type { FsLike } from '../io/fsLike';
import type { Decoder } from '../images/decodePool';
import { formatName, probeImage } from '../images/probe';

/** Converts `src` into `final`; returns a skip reason when the library cannot read it. */
export async function convertInto(
  src: string,
  final: string,
  rec: ImageRecord,
  decoder: Decoder,
  fs: FsLike,
): Promise<{ note?: string } | string> {
  const from = rec.convertedFrom!;
  const to = rec.format === 'png' ? 'png' : 'jpeg';
  const r = await decoder.convert({ path: src, to }, { pixels: rec.width * rec.height });
  if (!r.ok)
    return `it could not be converted from ${formatName(from.format)} to ${formatName(rec.format)}: ${r.reason}`;
  // On disk before it has its name, like a copy (see place.ts).
  await writeFileAtomic(final, r.data, fs);
  const p = await probeImage(final, fs);
  if (!p.ok) return `its conversion to ${formatName(rec.format)} did not read back (${p.reason})`;
  Object.assign(rec, {
    size: p.size,
    width: p.width,
    height: p.height,
    convertedFrom: { format: from.format, size: r.size ?? from.size },
  });
  // The conversion is shown upright: there is no orientation left to honour.
  delete rec.orientation;
  return {
    note: `${rec.source} (${formatName(from.format)}) was converted to ${formatName(rec.format)} as ${rec.file}; the original is unchanged.`,
  };
}
