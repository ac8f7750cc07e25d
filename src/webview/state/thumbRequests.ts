/**
 * Which thumbnails to ask the host for: the one place the filmstrip and the review grid both go through. Each
 * view says which positions of the filter's order it draws; the images there that have no thumbnail yet and were
 * not asked for before (by either view, since the dataset was loaded) are sent in one `thumbs/want`, so the host
 * makes them next. A file is asked for once per load: the host keeps the request until it has made it.
 */
import type { TaggerStore } from './store';

/** What the helper reads of the store (the real TaggerStore in the panel). */
export type ThumbSource = Pick<TaggerStore, 'filtered' | 'wantThumbs'> & {
  readonly model: { readonly images: readonly { readonly file: string; readonly thumb?: string }[] };
};

/**
 * Files asked for, per loaded image list: a new dataset (a new array) starts afresh, and an old list's set goes
 * with it.
 */
const askedByList = new WeakMap<object, Set<string>>();

/**
 * Asks for the thumbnails missing at positions [first, end) of what the filter shows (all images without a
 * filter), each file once per load across every view; returns the files asked for now.
 */
export function wantVisibleThumbs(source: ThumbSource, first: number, end: number): string[] {
  const images = source.model.images;
  let asked = askedByList.get(images);
  if (!asked) askedByList.set(images, (asked = new Set()));
  const list = source.filtered;
  const total = list ? list.length : images.length;
  const files: string[] = [];
  for (let p = Math.max(0, first); p < Math.min(end, total); p++) {
    const im = images[list ? list[p]! : p];
    if (im && !im.thumb && !asked.has(im.file)) {
      asked.add(im.file);
      files.push(im.file);
    }
  }
  source.wantThumbs(files);
  return files;
}
