// The run options both front doors take, which images a scope selects, the local-host rule of the consent prompt,
// and the manifest's promise that a workspace cannot redirect images (endpoint, model and folder settings scoped).
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isLocalUrl,
  parseRunOptions,
  promptOf,
  selectImages,
} from '../../../../src/extension/dataset/captioning/runOptions';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, tempDir } from '../helpers';

describe('captioning run options', () => {
  it('fills the defaults, refuses unknown or missing options with what is wrong', () => {
    const o = parseRunOptions({ provider: 'wd-tagger', modelFolder: '/m' });
    assert.deepEqual(
      [o.scope, o.mode, o.generalThreshold, o.characterThreshold, o.maxTags],
      ['untagged', 'fill-empty', 0.35, 0.85, 50],
    );
    assert.throws(() => parseRunOptions({ provider: 'openai', model: 'x' }), /needs baseUrl and model/);
    assert.throws(() => parseRunOptions({ provider: 'wd-tagger' }), /needs modelFolder/);
    assert.throws(
      () => parseRunOptions({ provider: 'openai', baseUrl: 'u', model: 'm', temprature: 1 }),
      /Unrecognized key.*temprature/s,
    );
    assert.throws(
      () => parseRunOptions({ provider: 'wd-tagger', modelFolder: '/m', generalThreshold: 2 }),
      /generalThreshold/,
    );
    assert.deepEqual(
      promptOf(parseRunOptions({ provider: 'openai', baseUrl: 'u', model: 'm', prompt: 'booru-tags' })).output,
      'tags',
    );
    assert.deepEqual(
      promptOf(parseRunOptions({ provider: 'openai', baseUrl: 'u', model: 'm', prompt: 'Say {trigger}.' })),
      { template: 'Say {trigger}.', preset: 'custom', output: 'caption' },
    );
  });

  it('selects untagged, all (skipped never), current, or named images', async () => {
    const src = tempDir('scope');
    for (let i = 1; i <= 4; i++) img(src, `${i}.png`, i);
    writeFileSync(join(src, '1.txt'), 'ohwx, done');
    const out = (await stageDataset(src, opts({ prefix: 'o', triggerWord: 'ohwx', captionStyle: 'tags' })))
      .outputFolder;
    const { dataset } = await Dataset.open(out);
    try {
      dataset.setFlags('o_0004.png', { skipped: true });
      dataset.select('o_0003.png');
      assert.deepEqual(selectImages(dataset, 'untagged'), ['o_0002.png', 'o_0003.png']);
      assert.deepEqual(selectImages(dataset, 'all'), ['o_0001.png', 'o_0002.png', 'o_0003.png']);
      assert.deepEqual(selectImages(dataset, 'current'), ['o_0003.png']);
      assert.deepEqual(selectImages(dataset, ['o_0002.png']), ['o_0002.png']);
      assert.throws(() => selectImages(dataset, ['../x.png']), /Not images of the dataset/);
    } finally {
      await dataset.close();
    }
  });

  it('knows which hosts are this machine', () => {
    for (const u of [
      'http://localhost:11434/v1',
      'http://127.0.0.1:1234/v1',
      'http://127.8.0.1/v1',
      'http://[::1]:8000/v1',
    ])
      assert.ok(isLocalUrl(u), u);
    for (const u of [
      'http://192.168.1.5:11434/v1',
      'https://api.openai.com/v1',
      'http://localhost.evil.com/v1',
      'nonsense',
    ])
      assert.ok(!isLocalUrl(u), u);
  });

  it('declares the endpoint, model and model-folder settings machine or application scope', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    for (const key of ['openai.baseUrls', 'openai.model', 'wdTagger.modelFolder', 'vscodeLm.model']) {
      assert.ok(['machine', 'application'].includes(props[`loraTagger.captioning.${key}`]?.scope), key);
    }
    assert.ok(!Object.keys(props).some((k) => /apiKey/i.test(k)), 'no API key setting: it lives in SecretStorage');
    const menus = pkg.contributes.menus['explorer/context'].map((m: { command: string }) => m.command);
    assert.ok(menus.includes('loraTagger.autoCaption'));
  });
});
