/** kohya's buckets (shared/buckets.ts) against kohya's own code run as Python, and the export sizes. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bucketResolutions, exportSize, selectBucket } from '../../../src/shared/buckets';

const SCRIPT = join(__dirname, '..', 'dataset', 'export', 'readers', 'kohya_buckets.py');

describe('kohya buckets', () => {
  // Real photo sizes, the extremes, sizes on a bucket exactly, and ties between two buckets' aspect ratios.
  const sizes = [
    [1800, 1200],
    [1200, 1800],
    [4800, 3600],
    [1600, 1200],
    [1024, 1024],
    [1216, 832],
    [64, 4000],
    [4000, 64],
    [333, 777],
    [900, 900],
    [1920, 1080],
    [1080, 1920],
    [517, 389],
  ] as const;
  for (const res of [512, 768, 1024]) {
    it(`resolution ${res}: the same buckets, and the same bucket and resized size per image, as kohya's Python`, () => {
      const r = spawnSync('python3', [SCRIPT, String(res), ...sizes.map(([w, h]) => `${w}x${h}`)], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const py = JSON.parse(r.stdout) as { resos: [number, number][]; selected: number[][] };
      assert.deepEqual(
        bucketResolutions(res).map(([w, h]) => [w, h]),
        py.resos,
      );
      const ours = sizes.map(([w, h]) => {
        const b = selectBucket(w, h, res);
        return [...b.bucket, ...b.resized];
      });
      assert.deepEqual(ours, py.selected);
    });
  }

  it('export sizes: CivitAI caps a side at 2048; the folder trainers get the size kohya resizes to; never larger', () => {
    assert.deepEqual(exportSize('civitai', 4800, 3600), [2048, 1536]);
    assert.deepEqual(exportSize('civitai', 900, 600), [900, 600]);
    assert.deepEqual(exportSize('kohya', 1800, 1200), selectBucket(1800, 1200).resized);
    assert.ok(exportSize('kohya', 1800, 1200)[0] < 1800);
    assert.deepEqual(exportSize('kohya', 300, 200), [300, 200], 'a small crop is not scaled up');
  });
});
