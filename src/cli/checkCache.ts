/**
 * The command line's image facts cache: the same FactsCache the panel and Check Dataset keep (factsCache.ts), in
 * the user's cache folder instead of VS Code's storage, so a second `check` of a dataset decodes only the images
 * that changed (by size and mtime) since the first.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dataset } from '../extension/dataset/session/dataset';
import type { Decoder } from '../extension/dataset/images/decodePool';
import { pruneImageCache } from '../extension/dataset/images/cachePrune';
import { ImagePipeline } from '../extension/dataset/images/pipeline';
import { checkForTarget, type AnyFinding } from '../extension/dataset/export/targetExport';
import type { ExportTarget } from '../extension/dataset/export/targets';
import type { ProgressHook } from '../extension/dataset/export/datasetExport';

/**
 * Where the command line keeps its cache: $LORA_TAGGER_CACHE when set, else the platform's cache folder
 * (~/.cache or $XDG_CACHE_HOME on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
 */
export function cliCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LORA_TAGGER_CACHE) return resolve(env.LORA_TAGGER_CACHE);
  if (platform === 'win32')
    return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'lora-dataset-tagger', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'lora-dataset-tagger');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lora-dataset-tagger');
}

/**
 * Checks `dataset` for `target` with its image facts from the cache in `cacheDir`, written back after; then prunes
 * that cache as the extension does at each start (cachePrune.ts: the facts of datasets whose folder is gone), so
 * a CLI-only user's cache does not grow without bound either.
 */
export async function checkWithCache(
  dataset: Dataset,
  target: ExportTarget,
  cacheDir: string,
  decoder: Decoder,
  opts: { signal?: AbortSignal; onProgress?: ProgressHook } = {},
): Promise<AnyFinding[]> {
  const facts = await ImagePipeline.open(
    { outputFolder: resolve(dataset.outputFolder), cacheDir, decoder, background: false },
    dataset.session.images,
  );
  try {
    return await checkForTarget(dataset, target, { facts, ...opts });
  } finally {
    await facts.dispose();
    // A cache that could not be pruned is only a cache: the check's findings stand.
    await pruneImageCache(cacheDir).catch(() => undefined);
  }
}
