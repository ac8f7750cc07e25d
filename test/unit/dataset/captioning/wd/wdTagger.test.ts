// The WD tagger path with the real ONNX Runtime (onnxruntime-web's WebAssembly build) on tiny models these tests
// build (no WD weights can be downloaded here). The models compute channel means, half-image means and the mean
// of squares of exactly what they are fed, so each test proves one step of kohya's preprocessing, not just a call.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineEngine, type WdEngine } from '../../../../../src/extension/dataset/captioning/wd/wdEngine';
import { wdTaggerProvider } from '../../../../../src/extension/dataset/captioning/wd/wdTagger';
import { indexVocabulary } from '../../../../../src/extension/dataset/vocabulary/vocabulary';
import { features, featureModel, modelFolder, png, type LabelSpec } from './wdModels';

const close = (a: number[], b: number[], eps = 2e-4) =>
  assert.ok(
    a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= eps),
    `got ${a.map((v) => v.toFixed(4))}, want ${b.map((v) => v.toFixed(4))}`,
  );

describe('WD tagger preprocessing, as kohya-ss/sd-scripts does it (real ONNX Runtime, tiny models)', function () {
  this.timeout(60000);
  let e8: WdEngine;
  let e64: WdEngine;
  before(async () => {
    e8 = await inlineEngine(featureModel(8));
    e64 = await inlineEngine(featureModel(64));
  });
  after(async () => {
    await e8?.dispose();
    await e64?.dispose();
  });

  it('feeds the channels as BGR, values 0-255', async () => {
    const f = features(await e64.score(await png(64, 64, () => [10, 100, 200])));
    close(f.slice(0, 3), [200 / 255, 100 / 255, 10 / 255]);
  });

  it('pads to a square with white, centred, the odd row at the bottom (top half sees 1 white row of 4)', async () => {
    // 8 wide, 5 tall, red: 3 rows of padding, 1 on top and 2 below.
    const f = features(await e8.score(await png(8, 5, () => [255, 0, 0])));
    close([f[1]!, f[4]!], [3 / 8, 1 / 4]);
    // 5 wide, 8 tall: 1 column of padding on the left, 2 on the right.
    const g = features(await e8.score(await png(5, 8, () => [255, 0, 0])));
    close([g[0]!, g[3]!], [3 / 8, 1 / 4]);
  });

  it("shrinks with an area average (OpenCV's INTER_AREA), rounded to whole values", async () => {
    // Alternate black and white columns: every 2x2 area averages to 127.5, stored as 128. A sampling resize would
    // keep 0s and 255s (mean of squares 0.5).
    const f = features(await e8.score(await png(16, 16, (x) => (x % 2 ? [255, 255, 255] : [0, 0, 0]))));
    close([f[0]!, f[5]!], [128 / 255, (128 / 255) ** 2]);
  });

  it('enlarges a small image to the model size (Lanczos) without changing a flat colour', async () => {
    const f = features(await e64.score(await png(4, 4, () => [0, 255, 0])));
    close(f.slice(0, 3), [0, 1, 0], 2 / 255);
  });

  it('composites transparency on white', async () => {
    const clear = features(await e8.score(await png(8, 8, () => [255, 0, 0, 0], 4)));
    close(clear, [1, 1, 1, 1, 1, 1], 1 / 255);
    const half = features(await e8.score(await png(8, 8, () => [0, 0, 255, 128], 4)));
    close([half[0]!, half[2]!], [1, 127 / 255], 1.5 / 255);
  });

  it('refuses a model folder whose tag list does not match the model, naming both files', async () => {
    const dir = featureModel(8);
    writeFileSync(join(dir, 'selected_tags.csv'), 'tag_id,name,category,count\n1,a,0,1\n');
    await assert.rejects(inlineEngine(dir), /scores 6 tags but .*selected_tags\.csv lists 1/);
    await assert.rejects(
      inlineEngine(join(dir, 'nope')),
      /does not exist\. A WD model folder holds model\.onnx and selected_tags\.csv/,
    );
  });
});

// Features: [B, G, R, left B, top G, squares]; the tags follow the colour of the image.
const LABELS: LabelSpec[] = [
  ['general', 9, [0, 0, 4], -2],
  ['sensitive', 9, [4], -2],
  ['questionable', 9, [], -3],
  ['explicit', 9, [], -3],
  ['red_bg', 0, [0, 0, 6], -3],
  ['blue_background', 0, [6], -3],
  ['^_^', 0, [], 0],
  ['long_hair', 0, [], -0.4],
  ['hatsune_miku', 4, [], Math.log(0.6 / 0.4)],
  ['solo', 0, [], 2],
];

describe('WD tagger tags: thresholds, ratings, character tags, aliases, underscores', function () {
  this.timeout(60000);
  let folder: string;
  let red: Uint8Array;
  let blue: Uint8Array;
  before(async () => {
    folder = modelFolder(32, LABELS);
    red = await png(40, 30, () => [255, 0, 0]);
    blue = await png(30, 40, () => [0, 0, 255]);
  });

  async function tags(image: Uint8Array, opts: Parameters<typeof wdTaggerProvider>[0] | object = {}) {
    const p = await wdTaggerProvider({ modelFolder: folder, ...opts });
    try {
      const r = await p.run({ file: 'a.png', image, prompt: '', system: '' }, new AbortController().signal);
      assert.equal(r.kind, 'tags');
      return r.kind === 'tags' ? r.tags : [];
    } finally {
      await p.dispose();
    }
  }

  it('keeps general tags at 0.35 and character tags at 0.85 by default, by probability, ratings dropped', async () => {
    const t = await tags(red);
    assert.deepEqual(
      t.map((x) => x.tag),
      ['red bg', 'solo', '^_^', 'long hair'],
    );
    assert.ok(Math.abs(t[0]!.score - 1 / (1 + Math.exp(-3))) < 1e-4, 'the score is the model probability');
    assert.deepEqual(
      (await tags(blue)).map((x) => x.tag),
      ['blue background', 'solo', '^_^', 'long hair'],
    );
  });

  it('adds the top rating first when asked, and a character tag over its own threshold', async () => {
    const t = await tags(blue, { ratings: 'top', characterThreshold: 0.55 });
    assert.deepEqual(
      t.map((x) => `${x.category}:${x.tag}`),
      [
        'rating:sensitive',
        'general:blue background',
        'general:solo',
        'character:hatsune miku',
        'general:^_^',
        'general:long hair',
      ],
    );
  });

  it('applies the general threshold, the maximum count and the exclude list', async () => {
    assert.deepEqual(
      (await tags(red, { generalThreshold: 0.45 })).map((x) => x.tag),
      ['red bg', 'solo', '^_^'],
    );
    assert.deepEqual(
      (await tags(red, { maxTags: 2 })).map((x) => x.tag),
      ['red bg', 'solo'],
    );
    assert.deepEqual(
      (await tags(red, { exclude: ['Solo', 'long hair'] })).map((x) => x.tag),
      ['red bg', '^_^'],
    );
  });

  it("maps the vocabulary's aliases to the canonical tag, and keeps underscores when asked", async () => {
    const vocabulary = indexVocabulary(
      [{ file: 'tags.csv', text: 'red_background,0,9,red_bg', scheme: 'danbooru' }],
      [],
    );
    assert.deepEqual(
      (await tags(red, { vocabulary })).map((x) => x.tag),
      ['red background', 'solo', '^_^', 'long hair'],
    );
    assert.deepEqual(
      (await tags(red, { keepUnderscores: true })).map((x) => x.tag),
      ['red_bg', 'solo', '^_^', 'long_hair'],
    );
  });

  it('fails an image it cannot read with the reason, and the next image still works', async () => {
    const p = await wdTaggerProvider({ modelFolder: folder });
    try {
      const signal = new AbortController().signal;
      await assert.rejects(
        p.run({ file: 'x.png', image: new Uint8Array([1, 2, 3]), prompt: '', system: '' }, signal),
        /the tagger could not read it/,
      );
      const ok = await p.run({ file: 'a.png', image: red, prompt: '', system: '' }, signal);
      assert.equal(ok.kind === 'tags' && ok.tags[0]!.tag, 'red bg');
    } finally {
      await p.dispose();
    }
  });
});
