/** File names of a staged dataset: natural sort, the file-safe prefix, `<prefix>_<NNNN>.<ext>`, format vs extension. */

/** The image extensions staged by default: the set CivitAI's trainer accepts. */
export const DEFAULT_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];

/** Formats (image-size's names) Start can convert to PNG or JPEG, and the extensions they come under. */
export const CONVERTIBLE_FORMATS = new Set(['bmp', 'gif', 'tiff', 'avif', 'heic', 'heif']);
/** The extensions of CONVERTIBLE_FORMATS. */
export const CONVERTIBLE_EXTENSIONS = ['bmp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif'];

/** Image extensions recognised but not staged unless added to the set: listed as skipped, with a reason. */
export const KNOWN_IMAGE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'webp',
  'gif',
  'bmp',
  'tif',
  'tiff',
  'heic',
  'heif',
  'avif',
  'svg',
  'psd',
  'ico',
  'cur',
  'jxl',
  'jp2',
  'j2c',
  'dds',
  'icns',
  'ktx',
  'tga',
  'pnm',
  'pbm',
  'pgm',
  'ppm',
  'raw',
  'dng',
  'cr2',
  'cr3',
  'nef',
  'arw',
  'orf',
  'rw2',
]);

// A fixed locale so the numbering of a folder does not depend on the machine's language; ties broken by code unit.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order of relative paths (`img2` before `img10`), folder by folder; deterministic on every machine. */
export function naturalCompare(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  const n = Math.min(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const c = collator.compare(as[i]!, bs[i]!);
    if (c !== 0) return c;
  }
  if (as.length !== bs.length) return as.length - bs.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts items by naturalCompare of `key(item)`, splitting each key once instead of on every comparison. */
export function naturalSort<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => {
    const k = key(item);
    return { item, k, parts: k.split('/') };
  });
  keyed.sort((x, y) => {
    const n = Math.min(x.parts.length, y.parts.length);
    for (let i = 0; i < n; i++) {
      const c = collator.compare(x.parts[i]!, y.parts[i]!);
      if (c !== 0) return c;
    }
    if (x.parts.length !== y.parts.length) return x.parts.length - y.parts.length;
    return x.k < y.k ? -1 : x.k > y.k ? 1 : 0;
  });
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i]!.item;
  return items;
}

/** A folder name made file-safe for use as a prefix: ASCII letters, digits, `_` and `-`; never starts with `-` or `.`. */
export function defaultPrefix(folderName: string): string {
  const ascii = folderName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const safe = ascii
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 64)
    .replace(/[-_]+$/, '');
  if (windowsDeviceName(safe)) return `${safe}_images`;
  return safe || 'image';
}

/** Why a prefix cannot be used in file names, or undefined when it can. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0) return 'it is empty';
  if (prefix.length > 100) return 'it is longer than 100 characters';
  if (/[\\/:*?"<>|]/.test(prefix))
    return 'it contains one of \\ / : * ? " < > |, which file names cannot hold on every system';
  if (/[\u0000-\u001f\u007f]/.test(prefix)) return 'it contains a control character';
  if (/^[-.]/.test(prefix))
    return 'it starts with "-" or ".", which command-line tools and file managers treat specially';
  if (/[ .]$/.test(prefix)) return 'it ends with a space or a dot, which Windows drops from file names';
  const device = windowsDeviceName(prefix);
  if (device) {
    return (
      `Windows reserves "${device}" for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9), so files named with ` +
      `it cannot be created or opened there; add to it, e.g. "${device}_set"`
    );
  }
  return undefined;
}

/**
 * The device name Windows reads in a file name (`NUL`, `com1.tar.gz`, `Aux .x`: any case, whatever follows the
 * first dot, spaces before it ignored), or undefined. Such names stay usable on Linux and macOS, not on Windows.
 */
export function windowsDeviceName(name: string): string | undefined {
  const base = name.split('.')[0]!.replace(/ +$/, '');
  return /^(con|prn|aux|nul|conin\$|conout\$|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])$/i.test(base)
    ? base
    : undefined;
}

/** Digits used for numbers up to `max`: at least four, more when needed (5 above 9999). */
export function numberWidth(max: number): number {
  return Math.max(4, String(max).length);
}

/** The staged name `<prefix>_<NNNN>.<ext>`. */
export function stagedName(prefix: string, n: number, width: number, ext: string): string {
  return `${prefix}_${String(n).padStart(width, '0')}.${ext}`;
}

/** The number of a staged name of this prefix (`cat_0012.png` -> 12), or undefined when it is not one. */
export function stagedNumber(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix + '_')) return undefined;
  const m = /^(\d{4,})\.[A-Za-z0-9]+$/.exec(name.slice(prefix.length + 1));
  return m ? Number(m[1]) : undefined;
}

/** The `.txt` beside a staged image (`cat_0001.png` -> `cat_0001.txt`). */
export function captionName(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot > 0 ? file.slice(0, dot) : file) + '.txt';
}

/** Lower-case extension without the dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** True when an extension names the format image-size detected ('jpg' covers jpeg/jpe/jfif, 'tiff' covers tif). */
export function extensionMatches(ext: string, format: string): boolean {
  if (ext === format) return true;
  if (format === 'jpg') return ext === 'jpeg' || ext === 'jpe' || ext === 'jfif';
  if (format === 'tiff') return ext === 'tif';
  if (format === 'heif' || format === 'heic') return ext === 'heic' || ext === 'heif';
  return false;
}

/** The extension to stage a file of this detected format under, chosen from the accepted set, or undefined. */
export function extensionForFormat(format: string, sourceExt: string, accepted: readonly string[]): string | undefined {
  if (accepted.includes(sourceExt) && extensionMatches(sourceExt, format)) return sourceExt;
  return accepted.find((e) => extensionMatches(e, format));
}

/** A time stamp usable in file names on every system: `2026-11-21T02-31-05`. */
export function fileTimeStamp(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace(/:/g, '-');
}
