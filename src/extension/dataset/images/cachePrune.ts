/**
 * Keeps the image cache (facts and thumbnails, outside every dataset) from growing without bound: the facts of a
 * dataset whose folder is gone are removed, and so is each thumbnail that no dataset's facts refer to any more (its
 * image was deleted or changed, or its dataset is gone). A thumbnail made in the last day is kept whatever the
 * facts say, since a running panel writes its facts a moment after its thumbnails. Everything read here is
 * untrusted: a facts file that does not parse is left alone, and so is every thumbnail while one does not.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** A thumbnail younger than this is never removed (its facts may not be written yet). */
export const KEEP_NEW_THUMBS_MS = 24 * 60 * 60 * 1000;

/** What a prune removed. */
export interface PruneResult {
  factsFiles: number;
  thumbnails: number;
  bytes: number;
}

/** Removes from `cacheDir` the facts of datasets that are gone and the thumbnails nothing refers to. */
export async function pruneImageCache(cacheDir: string, now = Date.now()): Promise<PruneResult> {
  const result: PruneResult = { factsFiles: 0, thumbnails: 0, bytes: 0 };
  const used = new Set<string>();
  let unsure = false;
  const factsDir = join(cacheDir, 'facts');
  for (const name of await fsp.readdir(factsDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const path = join(factsDir, name);
    let parsed: { folder?: unknown; entries?: Record<string, { sha256?: unknown }> };
    try {
      parsed = JSON.parse(await fsp.readFile(path, 'utf8'));
    } catch {
      unsure = true;
      continue;
    }
    const folder = typeof parsed.folder === 'string' ? parsed.folder : undefined;
    if (!folder || typeof parsed.entries !== 'object' || parsed.entries === null) {
      unsure = true;
      continue;
    }
    if (!(await isFolder(folder))) {
      await fsp.unlink(path).then(
        () => result.factsFiles++,
        () => undefined,
      );
      continue;
    }
    for (const [file, entry] of Object.entries(parsed.entries)) {
      // An image no longer in its dataset does not keep its thumbnail.
      if (typeof entry?.sha256 === 'string' && (await isFile(join(folder, file)))) used.add(entry.sha256);
    }
  }
  if (unsure) return result;
  const thumbsDir = join(cacheDir, 'thumbs');
  for (const sub of await fsp.readdir(thumbsDir).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    for (const name of await fsp.readdir(join(thumbsDir, sub)).catch(() => [] as string[])) {
      const m = /^([0-9a-f]{64})\.webp$/.exec(name);
      if (!m || used.has(m[1]!)) continue;
      const path = join(thumbsDir, sub, name);
      const st = await fsp.lstat(path).catch(() => undefined);
      if (!st?.isFile() || now - st.mtimeMs < KEEP_NEW_THUMBS_MS) continue;
      await fsp.unlink(path).then(
        () => {
          result.thumbnails++;
          result.bytes += st.size;
        },
        () => undefined,
      );
    }
  }
  return result;
}

async function isFolder(path: string): Promise<boolean> {
  return (await fsp.stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await fsp.lstat(path).catch(() => undefined))?.isFile() ?? false;
}
