import { strict as assert } from 'node:assert';
import { selectBucket } from '../../../src/shared/buckets/kohya';
import {
  buildReport,
  reportToMarkdown,
  estimateClipTokens,
  estimateT5Tokens,
  countWords,
  aspectLabel,
  type ReportInput,
} from '../../../src/shared/report';

type Img = ReportInput['images'][number];
const img = (file: string, width: number, height: number, caption: string, status: Img['status'] = 'tagged'): Img => ({
  file,
  width,
  height,
  caption,
  status,
});
const long = Array.from({ length: 80 }, (_, i) => `word${'abcdefghij'[i % 10]}`).join(' ');

const dataset: ReportInput = {
  triggerWord: 'ohwx',
  captionStyle: 'tags',
  images: [
    img('a_0001.png', 1024, 1024, 'ohwx, red hair, smile, outdoors'),
    img('a_0002.png', 832, 1216, 'ohwx, red hair, smile'),
    img('a_0003.jpg', 1920, 1080, 'ohwx, red hair, hat'),
    img('a_0004.jpg', 200, 150, '', 'untagged'),
    img('a_0005.jpg', 4000, 3000, `ohwx, ${long}`),
    img('a_0006.png', 512, 512, 'ohwx, skipped tag', 'skipped'),
  ],
};

describe('dataset report', () => {
  it('counts the machine-written captions nobody has reviewed, leaving skipped images out', () => {
    const images = dataset.images.map((i, k) => ({ ...i, machine: k === 0 || k === 2 || k === 5 }));
    const r = buildReport({ ...dataset, images });
    assert.equal(r.counts.unreviewed, 2);
    assert.match(reportToMarkdown(r), /1 skipped, 2 machine-written caption\(s\) not reviewed yet\./);
    assert.doesNotMatch(reportToMarkdown(buildReport(dataset)), /not reviewed/);
  });

  it('counts images by status, and leaves skipped images out of the statistics', () => {
    const r = buildReport(dataset);
    assert.deepEqual(r.counts, { images: 6, tagged: 4, untagged: 1, skipped: 1, unreviewed: 0 });
    assert.equal(r.exported, 5);
    assert.ok(!r.tags.usedOnce.includes('skipped tag'));
  });

  it('ranks tag frequencies without the trigger word and lists tags used once', () => {
    const r = buildReport(dataset);
    assert.deepEqual(r.tags.top.slice(0, 2), [
      { tag: 'red hair', count: 3 },
      { tag: 'smile', count: 2 },
    ]);
    assert.ok(!r.tags.top.some((t) => t.tag === 'ohwx'));
    assert.deepEqual(r.tags.usedOnce.slice(0, 2), ['hat', 'outdoors']);
    assert.equal(r.tags.distinct, 5);
  });

  it('buckets resolutions by the longest side and aspect ratios by the nearest common ratio', () => {
    const r = buildReport(dataset);
    const res = Object.fromEntries(r.resolutions.map((b) => [b.label, b.count]));
    assert.deepEqual(res, {
      '< 256': 1,
      '256–511': 0,
      '512–767': 0,
      '768–1023': 0,
      '1024–1535': 2,
      '1536–2048': 1,
      '> 2048': 1,
    });
    const ar = Object.fromEntries(r.aspectRatios.filter((b) => b.count).map((b) => [b.label, b.count]));
    assert.deepEqual(ar, { '1:1': 1, '2:3': 1, '16:9': 1, '4:3': 2 });
    assert.equal(aspectLabel(832, 1216), '2:3');
    assert.equal(aspectLabel(3000, 1000), '2:1');
    assert.equal(aspectLabel(1000, 3000), '1:2');
  });

  it('puts each image in the kohya bucket of its exported size: EXIF orientation turned, the crop when it has one', () => {
    const img = (file: string, width: number, height: number, extra = {}) => ({
      file,
      width,
      height,
      status: 'tagged' as const,
      caption: 'ohwx',
      ...extra,
    });
    const r = buildReport({
      triggerWord: 'ohwx',
      captionStyle: 'tags',
      images: [
        img('a.jpg', 1800, 1200),
        img('b.jpg', 1200, 1800, { orientation: 6 }), // shown 1800x1200
        img('c.jpg', 1800, 1200, { crop: { x: 0, y: 0, width: 900, height: 900 } }),
        img('d.jpg', 1800, 1200, { status: 'skipped' }),
      ],
    });
    const [landscape] = [selectBucket(1800, 1200).bucket.join('x')];
    assert.deepEqual(r.buckets, [
      { label: landscape, count: 2 },
      { label: '1024x1024', count: 1 },
    ]);
    assert.deepEqual(r.imageBuckets, [
      { file: 'a.jpg', width: 1800, height: 1200, bucket: landscape, cropped: false },
      { file: 'b.jpg', width: 1800, height: 1200, bucket: landscape, cropped: false },
      { file: 'c.jpg', width: 900, height: 900, bucket: '1024x1024', cropped: true },
    ]);
    assert.match(
      reportToMarkdown(r),
      new RegExp(
        `## Buckets: kohya's \\(CivitAI's default engine\\), resolution 1024, after crops[\\s\\S]*\\| ${landscape} \\| 2 \\|`,
      ),
    );
  });

  it("shows the session's export target's bucket and exported size for each image", () => {
    const images = [
      { file: 'a.jpg', width: 1800, height: 1200, status: 'tagged' as const, caption: 'ohwx' },
      {
        file: 'c.jpg',
        width: 1800,
        height: 1200,
        status: 'tagged' as const,
        caption: 'ohwx',
        crop: { x: 0, y: 0, width: 1600, height: 1000 },
      },
    ];
    // 1600x1000 is cut to 1280x768 by kohya, 1344x768 by ai-toolkit, 1280x832 by SimpleTuner (shared/buckets/).
    const want = {
      kohya: ['1216x832', '1280x768', [1280, 800], "Buckets: kohya's, resolution 1024"],
      'ai-toolkit': ['1216x832', '1344x768', [1344, 840], "Buckets: ai-toolkit's, resolution 1024"],
      simpletuner: ['1280x832', '1280x832', [1331, 832], "Buckets: SimpleTuner's, resolution 1024"],
      huggingface: ['', '', [1600, 1000], 'Buckets: none for a Hugging Face imagefolder'],
    } as const;
    for (const [target, [a, c, size, heading]] of Object.entries(want)) {
      const r = buildReport({ triggerWord: 'ohwx', captionStyle: 'tags', images, exportTarget: target as 'kohya' });
      assert.equal(r.bucketTarget, target);
      assert.deepEqual(
        r.imageBuckets.map((b) => [b.bucket, b.width, b.height]),
        [
          [a, 1800, 1200],
          [c, ...size],
        ],
        target,
      );
      assert.equal(
        r.buckets.reduce((n, b) => n + b.count, 0),
        target === 'huggingface' ? 0 : 2,
        target,
      );
      assert.ok(reportToMarkdown(r).includes(`## ${heading}`), target);
    }
  });

  it('measures captions in words, estimates CLIP and T5 tokens, and lists the captions CLIP will cut', () => {
    assert.equal(countWords('ohwx, red hair, smile'), 4);
    assert.equal(countWords(''), 0);
    // 4 words -> ceil(5.2) = 6, 2 commas, + start/end = 10; T5: 6 + 2 + 1 = 9.
    assert.equal(estimateClipTokens('ohwx, red hair, smile'), 10);
    assert.equal(estimateT5Tokens('ohwx, red hair, smile'), 9);
    // CLIP gives each digit a token; T5 keeps a number together. "1990s": the word "s" is ceil(1.3) = 2.
    assert.equal(estimateClipTokens('1990s'), 2 + 4 + 2);
    assert.equal(estimateT5Tokens('1990s'), 2 + 1 + 1);
    const r = buildReport(dataset);
    assert.equal(r.captions.empty, 1);
    assert.equal(r.captions.maxWords, 81);
    assert.equal(r.captions.minWords, 0);
    assert.equal(r.captions.medianWords, 4);
    assert.deepEqual(
      r.captions.overClip.map((c) => c.file),
      ['a_0005.jpg'],
    );
    assert.ok(r.captions.overClip[0]!.clipTokens > 77);
    assert.deepEqual(r.captions.overT5, []);
    assert.deepEqual(Object.fromEntries(r.captions.lengths.filter((b) => b.count).map((b) => [b.label, b.count])), {
      '0': 1,
      '1–10': 3,
      '76–150': 1,
    });
  });

  it('writes Markdown with every section, tables escaped', () => {
    const md = reportToMarkdown(
      buildReport({ ...dataset, images: [...dataset.images, img('a_0007.png', 64, 64, 'a|b tag, red hair')] }),
    );
    for (const h of [
      '# Dataset report',
      '## Tags',
      '## Resolutions',
      '## Aspect ratios',
      '## Caption lengths',
      '### Cut by CLIP',
      '### Cut by T5',
    ]) {
      assert.ok(md.includes(h), `missing ${h}`);
    }
    assert.match(md, /7 images: 5 tagged, 1 untagged, 1 skipped/);
    assert.match(md, /\| red hair \| 4 \|/);
    assert.match(md, /a\\\|b tag/);
    assert.match(md, /\| a_0005\.jpg \| \d+ \|/);
    assert.match(md, /None: every caption fits 512 tokens/);
    assert.match(md, /estimates/);
  });

  it('reports an empty dataset without failing', () => {
    const r = buildReport({ images: [], triggerWord: '', captionStyle: 'natural' });
    assert.deepEqual(r.counts, { images: 0, tagged: 0, untagged: 0, skipped: 0, unreviewed: 0 });
    assert.equal(r.captions.medianWords, 0);
    assert.match(reportToMarkdown(r), /0 images/);
  });
});
