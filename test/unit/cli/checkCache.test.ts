// `lora-tagger check` keeps what each image holds in the facts cache, as the panel's Check Dataset does: a second
// check of the same dataset decodes nothing (the decodes are counted at the library's seam, the Decoder), finds
// the same, and an image changed since is decoded again, alone.
import { strict as assert } from 'node:assert';
import { readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { checkWithCache, cliCacheDir } from '../../../src/cli/checkCache';
import { inlineDecoder, type Decoder } from '../../../src/extension/dataset/images/decodePool';
import { Dataset } from '../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../src/extension/dataset/staging/stage';
import { needRealImages } from '../fixtures';
import { opts } from '../dataset/helpers';
import { copyRealImages, tempDir } from './helpers';

/** The inline decoder, counting the images it decodes. */
function counting(): Decoder & { paths: string[] } {
  const paths: string[] = [];
  return {
    ...inlineDecoder,
    paths,
    analyse: (req, hints) => {
      paths.push(req.path ?? '(bytes)');
      return inlineDecoder.analyse(req, hints);
    },
  };
}

const SOURCES = [
  'photos/Landscape_1.jpg',
  'photos/Portrait_1.jpg',
  'formats/png-sample.png',
  'formats/webp-lossy.webp',
];

describe('lora-tagger check: the image facts cache', function () {
  this.timeout(120_000);
  before(function () {
    needRealImages(this);
  });

  it('a second check decodes no image and finds the same; an image changed since is decoded again', async () => {
    const src = copyRealImages(SOURCES);
    const out = (await stageDataset(src, opts({ prefix: 'c', triggerWord: 'ohwx' }))).outputFolder;
    const cache = tempDir('facts');
    const run = async () => {
      const decoder = counting();
      const { dataset } = await Dataset.open(out);
      try {
        const findings = await checkWithCache(dataset, 'civitai', cache, decoder);
        return { findings, decoded: decoder.paths.map((p) => p.slice(out.length + 1)).sort() };
      } finally {
        await dataset.close();
      }
    };
    const first = await run();
    assert.deepEqual(first.decoded, ['c_0001.jpg', 'c_0002.png', 'c_0003.jpg', 'c_0004.webp']);
    const second = await run();
    assert.deepEqual(second.decoded, [], 'the second check read every image from the cache');
    assert.deepEqual(second.findings, first.findings);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(out, 'c_0003.jpg'), later, later);
    const third = await run();
    assert.deepEqual(third.decoded, ['c_0003.jpg']);
    assert.deepEqual(third.findings, first.findings);
  });

  it("prunes its cache: a dataset folder that is gone loses its facts at the next check, the others' stay", async () => {
    const cache = tempDir('facts');
    const check = async (out: string) => {
      const { dataset } = await Dataset.open(out);
      try {
        await checkWithCache(dataset, 'civitai', cache, inlineDecoder);
      } finally {
        await dataset.close();
      }
    };
    const stage = async (prefix: string) =>
      (await stageDataset(copyRealImages(SOURCES.slice(0, 1)), opts({ prefix }))).outputFolder;
    const kept = await stage('k');
    const gone = await stage('g');
    await check(kept);
    await check(gone);
    const facts = () => readdirSync(join(cache, 'facts')).filter((n) => n.endsWith('.json'));
    assert.equal(facts().length, 2, 'each dataset checked has its facts in the cache');
    rmSync(gone, { recursive: true, force: true });
    await check(kept);
    assert.equal(facts().length, 1, "the removed dataset's facts are pruned");
    await check(kept);
    assert.equal(facts().length, 1, 'the dataset still there keeps its facts');
  });

  it('keeps its cache in $LORA_TAGGER_CACHE, else the platform cache folder', () => {
    assert.equal(cliCacheDir({ LORA_TAGGER_CACHE: '/tmp/x' }, 'linux'), '/tmp/x');
    assert.equal(cliCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), join('/c', 'lora-dataset-tagger'));
    assert.match(cliCacheDir({}, 'darwin'), /Library[/\\]Caches[/\\]lora-dataset-tagger$/);
    assert.equal(cliCacheDir({ LOCALAPPDATA: 'L' }, 'win32'), join('L', 'lora-dataset-tagger', 'Cache'));
  });
});
