/**
 * The dataset as the webview holds it in memory: images, each caption's parsed tags, tag counts across the
 * dataset and progress counts, all derived once on load and then updated incrementally per caption change,
 * so navigation, filtering and counting never wait for the host.
 */
import type { DatasetView, ImageView } from '../../shared/protocol';
import type { CaptionStyle, ImageStatus } from '../../shared/model';
import { captionTags, cleanTag, isTagged } from '../../shared/caption';

/** How the palette orders tags. */
export type TagSort = 'count' | 'name' | 'recent';

/** Which images the filmstrip and navigation show ('query': the filter language, src/shared/filterQuery.ts). */
export type ImageFilterKind = 'all' | 'untagged' | 'favourite' | 'nsfw' | 'tag' | 'text' | 'query';

/** In-memory dataset with derived counts. */
export class DatasetModel {
  images: ImageView[] = [];
  /** The tags of each image's caption, by image index (natural style: only the parts that read as tags). */
  tagsOf: string[][] = [];
  /** How many images use each tag. */
  readonly counts = new Map<string, number>();
  /** Every tag: `tags.txt` first, then tags found only in captions. */
  tags: string[] = [];
  /** `tags` lower-cased once, for matching on every keystroke. */
  lower: string[] = [];
  private readonly tagPos = new Map<string, number>();
  private triggerLower = '';
  private trigger = '';
  private style: CaptionStyle = 'tags';
  taggedCount = 0;
  untaggedCount = 0;
  skippedCount = 0;
  /** Bumped whenever counts or the tag list change, so cached orders know to rebuild. */
  version = 0;
  private orderCache = new Map<string, number[]>();
  private orderVersion = -1;

  /** Replaces everything with a freshly loaded dataset. */
  load(ds: DatasetView): void {
    this.images = ds.images.map((im) => ({ ...im }));
    this.trigger = ds.triggerWord;
    this.triggerLower = cleanTag(ds.triggerWord).toLowerCase();
    this.style = ds.captionStyle;
    this.tags = [];
    this.lower = [];
    this.tagPos.clear();
    this.counts.clear();
    this.addTags(ds.knownTags);
    this.tagsOf = this.images.map((im) => captionTags(im.caption, this.style));
    for (const tags of this.tagsOf) {
      for (const t of new Set(tags)) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
    }
    // Tags typed into captions but not (yet) in tags.txt still belong in the palette.
    this.addTags([...this.counts.keys()]);
    this.recount();
    this.version++;
  }

  /** Adds tags to the palette list (no-op for known ones); true when any was new. */
  addTags(tags: Iterable<string>): boolean {
    let added = false;
    for (const raw of tags) {
      const t = cleanTag(raw);
      if (!t || this.tagPos.has(t)) continue;
      this.tagPos.set(t, this.tags.length);
      this.tags.push(t);
      this.lower.push(t.toLowerCase());
      added = true;
    }
    if (added) this.version++;
    return added;
  }

  /** The palette index of a tag, if listed. */
  indexOfTag(tag: string): number | undefined {
    return this.tagPos.get(tag);
  }

  /** Sets one image's caption and updates counts incrementally; true when its set of tags changed. */
  setCaption(i: number, text: string): boolean {
    const im = this.images[i];
    if (!im) return false;
    im.caption = text;
    // A changed caption is no longer the machine's as it wrote it (the host's review/state says so again if it is).
    im.machine = false;
    const before = new Set(this.tagsOf[i]);
    const nextTags = captionTags(text, this.style);
    const after = new Set(nextTags);
    this.tagsOf[i] = nextTags;
    let changed = false;
    for (const t of before) {
      if (after.has(t)) continue;
      const n = (this.counts.get(t) ?? 1) - 1;
      if (n > 0) this.counts.set(t, n);
      else this.counts.delete(t);
      changed = true;
    }
    for (const t of after) {
      if (before.has(t)) continue;
      this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
      changed = true;
    }
    if (changed) {
      this.addTags(after);
      this.version++;
    }
    if (im.status !== 'skipped') this.setStatus(i, this.statusOf(text));
    return changed;
  }

  /** Tagged when the caption holds anything besides the trigger word. */
  statusOf(text: string): ImageStatus {
    return isTagged(text, this.trigger) ? 'tagged' : 'untagged';
  }

  /** The status a skipped image returns to when un-skipped. */
  unskippedStatus(i: number): ImageStatus {
    return this.statusOf(this.images[i]?.caption ?? '');
  }

  /** Sets one image's status and keeps the progress counts right. */
  setStatus(i: number, status: ImageStatus): void {
    const im = this.images[i];
    if (!im || im.status === status) return;
    this.bump(im.status, -1);
    im.status = status;
    this.bump(status, 1);
  }

  private bump(s: ImageStatus, d: number): void {
    if (s === 'tagged') this.taggedCount += d;
    else if (s === 'untagged') this.untaggedCount += d;
    else this.skippedCount += d;
  }

  private recount(): void {
    this.taggedCount = this.untaggedCount = this.skippedCount = 0;
    for (const im of this.images) this.bump(im.status, 1);
  }

  /** Index of an image by its file name. */
  indexOfFile(file: string): number {
    return this.images.findIndex((im) => im.file === file);
  }

  /** Tag indices in palette order; cached until counts or tags change. */
  order(sort: TagSort, recent: readonly string[]): number[] {
    if (this.orderVersion !== this.version) {
      this.orderCache.clear();
      this.orderVersion = this.version;
    }
    const key = sort === 'recent' ? `recent:${recent.join('\u0000')}` : sort;
    const hit = this.orderCache.get(key);
    if (hit) return hit;
    // The trigger word is on every caption by rule and managed by the caption rules, not toggled from the palette.
    const idx: number[] = [];
    for (let i = 0; i < this.tags.length; i++) if (this.lower[i] !== this.triggerLower) idx.push(i);
    const lower = this.lower;
    const byName = (a: number, b: number) => (lower[a]! < lower[b]! ? -1 : lower[a]! > lower[b]! ? 1 : a - b);
    const count = (i: number) => this.counts.get(this.tags[i]!) ?? 0;
    if (sort === 'name') idx.sort(byName);
    else if (sort === 'count') idx.sort((a, b) => count(b) - count(a) || byName(a, b));
    else {
      const rank = new Map(recent.map((t, r) => [t, r]));
      const r = (i: number) => rank.get(this.tags[i]!) ?? Infinity;
      idx.sort((a, b) => r(a) - r(b) || count(b) - count(a) || byName(a, b));
    }
    this.orderCache.set(key, idx);
    return idx;
  }

  /** Image indices matching a filter, or undefined for "all images". */
  filterImages(kind: Exclude<ImageFilterKind, 'query'>, value: string): number[] | undefined {
    const v = value.trim();
    const out: number[] = [];
    const ims = this.images;
    switch (kind) {
      case 'all':
        return undefined;
      case 'untagged':
        for (let i = 0; i < ims.length; i++) if (ims[i]!.status === 'untagged') out.push(i);
        return out;
      case 'favourite':
        for (let i = 0; i < ims.length; i++) if (ims[i]!.favourite) out.push(i);
        return out;
      case 'nsfw':
        for (let i = 0; i < ims.length; i++) if (ims[i]!.nsfw) out.push(i);
        return out;
      case 'tag': {
        if (!v) return undefined;
        const t = cleanTag(v);
        for (let i = 0; i < ims.length; i++) if (this.tagsOf[i]!.includes(t)) out.push(i);
        return out;
      }
      case 'text': {
        if (!v) return undefined;
        const q = v.toLowerCase();
        for (let i = 0; i < ims.length; i++) if (ims[i]!.caption.toLowerCase().includes(q)) out.push(i);
        return out;
      }
    }
  }
}
