/**
 * What the image library found in each file of a dataset, kept outside the dataset (in the extension's storage)
 * so a second open and Check Dataset reuse it instead of decoding again. An entry is valid while the file's size
 * and mtime are those it was read with; it carries the SHA-256 of the bytes, which keys the thumbnails (one per
 * content, shared by every dataset and name holding the same image) and finds exact duplicates. The file is
 * untrusted input like any other: entries that do not parse are dropped, and a damaged file starts an empty cache.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../io/atomicWrite';

/**
 * Bumped whenever what an analysis computes changes (the hash's input, the thumbnail's size), so an older cache is
 * not mixed with new results.
 */
export const ANALYSIS_VERSION = 1;

const Facts = z.object({
  format: z.string().min(1).max(16),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  orientation: z.number().int().min(1).max(8).optional(),
  frames: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{16}$/),
});

const Entry = z.object({
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  facts: Facts.optional(),
  /** Why the image does not decode (then there are no facts). */
  problem: z.string().max(2000).optional(),
  tooLarge: z.boolean().optional(),
});
/** One file's cached analysis. */
export type CachedFacts = z.infer<typeof Entry>;

const CacheFile = z.object({
  version: z.literal(ANALYSIS_VERSION),
  folder: z.string(),
  entries: z.record(z.string(), z.unknown()),
});

/** The size and mtime an entry must match (from a stat of the file). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** A dataset's facts, loaded once, written back a moment after they change. */
export class FactsCache {
  private readonly entries = new Map<string, CachedFacts>();
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly cacheDir: string,
    readonly outputFolder: string,
    readonly file: string,
  ) {}

  /** Loads the cache of `outputFolder` from `cacheDir` (empty when there is none or it is damaged). */
  static async open(cacheDir: string, outputFolder: string): Promise<FactsCache> {
    const key = createHash('sha256').update(outputFolder).digest('hex').slice(0, 24);
    const c = new FactsCache(cacheDir, outputFolder, join(cacheDir, 'facts', `${key}.json`));
    const text = await fsp.readFile(c.file, 'utf8').catch(() => undefined);
    if (text === undefined) return c;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return c;
    }
    const file = CacheFile.safeParse(parsed);
    if (!file.success || file.data.folder !== outputFolder) return c;
    for (const [name, raw] of Object.entries(file.data.entries)) {
      const e = Entry.safeParse(raw);
      if (e.success && (e.data.facts || e.data.problem)) c.entries.set(name, e.data);
    }
    return c;
  }

  /** The entry of `file` when it was made from the file as it is now (same size and mtime). */
  get(file: string, stamp: FileStamp): CachedFacts | undefined {
    const e = this.entries.get(file);
    return e && e.size === stamp.size && e.mtimeMs === stamp.mtimeMs ? e : undefined;
  }

  /** Records an analysis; written to disk a moment later (see flush). */
  set(file: string, entry: CachedFacts): void {
    this.entries.set(file, entry);
    this.dirty = true;
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), 2000);
      this.timer.unref();
    }
  }

  /** Where the thumbnail of the content `sha256` is (whether or not it was made yet). */
  thumbPath(sha256: string): string {
    return thumbPathIn(this.cacheDir, sha256);
  }

  /** Writes the cache now if it changed (atomically; a failure leaves the old file and is not fatal: it is a cache). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const body = JSON.stringify({
      version: ANALYSIS_VERSION,
      folder: this.outputFolder,
      entries: Object.fromEntries(this.entries),
    });
    this.writing = this.writing
      .then(() => fsp.mkdir(join(this.cacheDir, 'facts'), { recursive: true }))
      .then(() => writeFileAtomic(this.file, body, undefined, { fsync: false }))
      .catch(() => {
        this.dirty = true;
      });
    return this.writing;
  }
}

/** The thumbnail of the content `sha256` under `cacheDir` (two-hex-digit subfolders keep folders small). */
export function thumbPathIn(cacheDir: string, sha256: string): string {
  return join(cacheDir, 'thumbs', sha256.slice(0, 2), `${sha256}.webp`);
}
