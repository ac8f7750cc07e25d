/**
 * Each trainer's buckets (shared/buckets/) against the trainer's own code run as Python (readers/*_buckets.py), and
 * the export sizes: what the trainer, reading the exported file, does with it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bucketResolutions, selectBucket } from '../../../src/shared/buckets/kohya';
import { aiToolkitSelect } from '../../../src/shared/buckets/aiToolkit';
import { pyRound2, simpleTunerSelect } from '../../../src/shared/buckets/simpleTuner';
import { bucketPresets, exportSize, targetBucket } from '../../../src/shared/buckets/sizes';

const READERS = join(__dirname, '..', 'dataset', 'export', 'readers');

/** Runs a trainer's transcribed Python on sizes and parses its JSON. */
function python<T>(script: string, res: number, sizes: readonly (readonly [number, number])[]): T {
  const r = spawnSync('python3', [join(READERS, script), String(res), ...sizes.map(([w, h]) => `${w}x${h}`)], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

// Real photo sizes, the extremes, sizes on a bucket exactly, ties between two buckets' aspect ratios, aspects on
// an exact rounding tie (1152x1024 is 1.125, which Python rounds to 1.12), and near-squares.
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
  [1152, 1024],
  [1003, 1000],
  [1500, 1000],
  [640, 480],
  [3000, 2000],
] as const;
// A spread of crop sizes, as a person drags them.
const crops: [number, number][] = [];
for (let w = 200; w <= 4000; w += 379) for (let h = 180; h <= 4000; h += 421) crops.push([w, h]);

describe('kohya buckets', () => {
  for (const res of [512, 768, 1024]) {
    it(`resolution ${res}: the same buckets, and the same bucket and resized size per image, as kohya's Python`, () => {
      const py = python<{ resos: [number, number][]; selected: number[][] }>('kohya_buckets.py', res, sizes);
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
});

describe('ai-toolkit buckets', () => {
  for (const res of [512, 768, 1024]) {
    it(`resolution ${res}: the same bucket and scale_to size per image as ai-toolkit's Python`, () => {
      const all = [...sizes, ...crops];
      const py = python<number[][]>('ai_toolkit_buckets.py', res, all);
      assert.deepEqual(
        all.map(([w, h]) => {
          const b = aiToolkitSelect(w, h, res);
          return [...b.bucket, ...b.resized];
        }),
        py,
      );
    });
  }
});

describe('SimpleTuner buckets', () => {
  it("Python's round(x, 2), ties to even on the exact value", () => {
    assert.equal(pyRound2(1.125), 1.12);
    assert.equal(pyRound2(1.375), 1.38);
    assert.equal(pyRound2(1.5), 1.5);
    assert.equal(pyRound2(2.675), 2.67, '2.675 is stored below the tie');
    assert.equal(pyRound2(1800 / 1200), 1.5);
  });
  for (const res of [512, 768, 1024, 1536]) {
    it(`resolution ${res} (pixel_area): the same target, intermediary and aspect bucket as SimpleTuner's Python`, () => {
      const all = [...sizes, ...crops];
      const py = python<number[][]>('simpletuner_buckets.py', res, all);
      assert.deepEqual(
        all.map(([w, h]) => {
          const s = simpleTunerSelect(w, h, res);
          return [...s.target, ...s.intermediary, s.aspect];
        }),
        py,
      );
    });
  }
});

describe('export sizes per target', () => {
  it('CivitAI caps a side at 2048; Hugging Face keeps the crop unless a resolution is given; never larger', () => {
    assert.deepEqual(exportSize('civitai', 4800, 3600), [2048, 1536]);
    assert.deepEqual(exportSize('civitai', 900, 600), [900, 600]);
    assert.deepEqual(exportSize('huggingface', 4800, 3600), [4800, 3600]);
    assert.deepEqual(exportSize('huggingface', 4800, 3600, 1024), [1024, 768]);
    assert.deepEqual(exportSize('huggingface', 900, 600, 1024), [900, 600]);
  });

  it('each folder trainer gets its own size: kohya, ai-toolkit and SimpleTuner differ for the same crop', () => {
    assert.deepEqual(exportSize('kohya', 1800, 1200), selectBucket(1800, 1200, 1024).resized);
    assert.deepEqual(exportSize('ai-toolkit', 1800, 1200), [1248, 832]);
    assert.deepEqual(exportSize('simpletuner', 1800, 1200), [1280, 853]);
    for (const t of ['kohya', 'ai-toolkit', 'simpletuner'] as const) {
      assert.deepEqual(exportSize(t, 300, 200), [300, 200], `${t}: a small crop is not scaled up`);
    }
  });

  // The trainer's own Python, given a file of the exported size, must pick the crop's bucket and resize it no
  // further (nothing it uses was lost), and the export is never larger than the crop.
  const cases: [string, number, (row: number[]) => string, (row: number[]) => string][] = [
    ['kohya', 1024, (r) => `${r[0]}x${r[1]}`, (r) => `${r[2]}x${r[3]}`],
    ['ai-toolkit', 1024, (r) => `${r[0]}x${r[1]}`, (r) => `${r[2]}x${r[3]}`],
    ['ai-toolkit', 512, (r) => `${r[0]}x${r[1]}`, (r) => `${r[2]}x${r[3]}`],
    ['simpletuner', 1024, (r) => `${r[0]}x${r[1]}`, (r) => `${r[2]}x${r[3]}`],
  ];
  for (const [target, res, bucketOf, resizeOf] of cases) {
    it(`${target} at ${res}: the trainer's Python lands each exported crop in the crop's bucket, without more resizing`, () => {
      const t = target as 'kohya' | 'ai-toolkit' | 'simpletuner';
      const script = `${t.replace('-', '_')}_buckets.py`;
      const all = [...sizes, ...crops];
      // The kohya export's dataset.toml and ai-toolkit's resolution list train at `res`; for ai-toolkit the exports
      // are made for 1024 (the largest of [512, 768, 1024]) and must keep their bucket at 512 too.
      const exported = all.map(([w, h]) => exportSize(t, w, h, t === 'ai-toolkit' ? 1024 : res));
      const raw = python<unknown>(script, res, all);
      const before = (t === 'kohya' ? (raw as { selected: number[][] }).selected : raw) as number[][];
      const rawAfter = python<unknown>(script, res, exported);
      const after = (t === 'kohya' ? (rawAfter as { selected: number[][] }).selected : rawAfter) as number[][];
      let resized = 0;
      all.forEach(([w, h], i) => {
        const [ew, eh] = exported[i]!;
        assert.ok(ew <= w && eh <= h, `${w}x${h} exported larger, ${ew}x${eh}`);
        assert.equal(bucketOf(after[i]!), bucketOf(before[i]!), `${w}x${h} -> ${ew}x${eh} changed bucket`);
        if (ew !== w || eh !== h) {
          resized++;
          if (res === 1024) assert.equal(resizeOf(after[i]!), `${ew}x${eh}`, `${w}x${h} -> ${ew}x${eh} resized again`);
        }
      });
      assert.ok(resized > all.length / 2, `most crops are scaled down (${resized} of ${all.length})`);
    });
  }

  it("the report's bucket and the crop presets follow the target", () => {
    assert.deepEqual(targetBucket('kohya', 1800, 1200), selectBucket(1800, 1200).bucket);
    assert.deepEqual(targetBucket('civitai', 1800, 1200), selectBucket(1800, 1200).bucket);
    assert.deepEqual(targetBucket('ai-toolkit', 1800, 1200), [1216, 832]);
    assert.deepEqual(targetBucket('simpletuner', 1800, 1200), [1280, 832]);
    assert.equal(targetBucket('huggingface', 1800, 1200), undefined);
    assert.equal(bucketPresets('kohya').length, bucketResolutions(1024).length);
    assert.deepEqual(bucketPresets('ai-toolkit'), []);
    assert.deepEqual(bucketPresets('simpletuner'), []);
  });
});
