/** `lora-tagger caption-set` and `caption-import` (built CLI): captions saved as the panel saves them. */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needRealImages } from '../fixtures';
import { copyRealImages, json, runCli, snapshot } from './helpers';

describe('lora-tagger caption-set and caption-import (built CLI)', function () {
  this.timeout(60_000);

  it('sets one caption, or many from a JSON file; a bad image name writes nothing', async function () {
    needRealImages(this);
    const src = copyRealImages(['Landscape_1', 'Portrait_1'].map((n) => `photos/${n}.jpg`));
    const staged = await runCli(['stage', src, '--prefix', 'cs', '--trigger', 'ohwx', '--style', 'tags'], src);
    assert.equal(staged.code, 0, staged.stderr);
    const out = join(src, 'output');
    const set = await runCli(['caption-set', out, 'cs_0001.jpg', 'ohwx, red hair,\nsmile', '--json'], src);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(json(set), { saved: 1, files: ['cs_0001.jpg'] });
    assert.equal(readFileSync(join(out, 'cs_0001.txt'), 'utf8'), 'ohwx, red hair, smile');
    const many = { 'cs_0002.jpg': 'ohwx, beach', 'cs_0001.jpg': 'ohwx, hat' };
    writeFileSync(join(src, 'captions.json'), JSON.stringify(many));
    const imported = await runCli(['caption-import', out, 'captions.json', '--json'], src);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(json(imported), { saved: 2, files: ['cs_0002.jpg', 'cs_0001.jpg'] });
    const tags = readFileSync(join(out, 'tags.txt'), 'utf8').trim().split('\n');
    assert.deepEqual(tags, ['ohwx', 'red hair', 'smile', 'beach', 'hat']);
    const session = JSON.parse(readFileSync(join(out, 'session.json'), 'utf8'));
    const status = session.images.map((i: { status: string }) => i.status);
    assert.deepEqual(status, ['tagged', 'tagged']);
    const before = snapshot(out);
    writeFileSync(join(src, 'bad.json'), JSON.stringify({ 'cs_0002.jpg': 'ohwx, x', 'nope_0009.png': 'y' }));
    const bad = await runCli(['caption-import', out, 'bad.json'], src);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /nope_0009\.png is not an image of the dataset .* nothing was saved/);
    assert.deepEqual(snapshot(out), before);
  });
});
