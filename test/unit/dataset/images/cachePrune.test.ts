// The image cache is pruned: facts of a dataset that is gone, and thumbnails nothing refers to (old enough that a
// running panel has written their facts). Real files in a temp cache folder, laid out as factsCache.ts writes them.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEEP_NEW_THUMBS_MS, pruneImageCache } from '../../../../src/extension/dataset/images/cachePrune';
import { ANALYSIS_VERSION, thumbPathIn } from '../../../../src/extension/dataset/images/factsCache';
import { tempDir } from '../helpers';

const sha = (c: string) => c.repeat(64);

function thumb(cache: string, sum: string, ageMs: number): string {
  const p = thumbPathIn(cache, sum);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, Buffer.alloc(1000));
  const t = new Date(Date.now() - ageMs);
  utimesSync(p, t, t);
  return p;
}

function facts(cache: string, name: string, folder: string, entries: Record<string, string>): string {
  mkdirSync(join(cache, 'facts'), { recursive: true });
  const p = join(cache, 'facts', `${name}.json`);
  const e = Object.fromEntries(Object.entries(entries).map(([f, s]) => [f, { size: 1, mtimeMs: 1, sha256: s }]));
  writeFileSync(p, JSON.stringify({ version: ANALYSIS_VERSION, folder, entries: e }));
  return p;
}

describe('pruning the image cache', () => {
  it('removes the facts of a dataset that is gone and each old thumbnail nothing refers to', async () => {
    const cache = tempDir('prune');
    const live = tempDir('live');
    const gone = tempDir('gone');
    writeFileSync(join(live, 'a_0001.png'), 'x');
    const liveFacts = facts(cache, 'live', live, { 'a_0001.png': sha('a'), 'a_0002.png': sha('b') });
    const goneFacts = facts(cache, 'gone', gone, { 'g_0001.png': sha('c') });
    rmSync(gone, { recursive: true });
    const old = KEEP_NEW_THUMBS_MS * 2;
    const kept = thumb(cache, sha('a'), old);
    const ofDeletedImage = thumb(cache, sha('b'), old);
    const ofGoneDataset = thumb(cache, sha('c'), old);
    const unreferenced = thumb(cache, sha('d'), old);
    const fresh = thumb(cache, sha('e'), 0);
    const r = await pruneImageCache(cache);
    assert.deepEqual(r, { factsFiles: 1, thumbnails: 3, bytes: 3000 });
    assert.deepEqual(
      [liveFacts, goneFacts, kept, ofDeletedImage, ofGoneDataset, unreferenced, fresh].map((p) => existsSync(p)),
      [true, false, true, false, false, false, true],
    );
  });

  it('a facts file that does not parse keeps every thumbnail (it may be the one referring to them)', async () => {
    const cache = tempDir('prune');
    mkdirSync(join(cache, 'facts'), { recursive: true });
    writeFileSync(join(cache, 'facts', 'damaged.json'), '{"version": 1, "fol');
    const t = thumb(cache, sha('f'), KEEP_NEW_THUMBS_MS * 2);
    assert.deepEqual(await pruneImageCache(cache), { factsFiles: 0, thumbnails: 0, bytes: 0 });
    assert.ok(existsSync(t));
  });

  it('an empty or missing cache folder is nothing to do', async () => {
    assert.deepEqual(await pruneImageCache(join(tempDir('prune'), 'none')), { factsFiles: 0, thumbnails: 0, bytes: 0 });
  });
});
