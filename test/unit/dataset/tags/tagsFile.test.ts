import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { captionInfo, captionTags, cleanTag, parseTags } from '../../../../src/shared/caption';
import { appendTags, MAX_TAG_LENGTH, parseTagsFile } from '../../../../src/extension/dataset/tags/tagsFile';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, size, tempDir, text } from '../helpers';

describe('tags.txt and caption tags', () => {
  it('parseTags (which skips cleanTag where it can) equals cleanTag on every part, on awkward white space', () => {
    const pieces = ['a', ' b', 'c  d', '\te\t', 'f\ng', ' ', '', 'h\u00a0i', 'j\r\nk', '  l  m  '];
    for (let i = 0; i < 500; i++) {
      const s = Array.from({ length: 1 + (i % 7) }, (_, k) => pieces[(i * 31 + k * 17) % pieces.length]).join(
        i % 3 ? ',' : ', ',
      );
      const reference = s.split(',').map(cleanTag).filter(Boolean);
      assert.deepEqual(parseTags(s), reference, JSON.stringify(s));
    }
  });
  it('in natural style only the tag tail is tags; the trigger word alone is not "tagged"', () => {
    const prose = 'ohwx woman standing in a field. She smiles., film grain, soft light';
    assert.deepEqual(captionTags(prose, 'natural'), ['film grain', 'soft light']);
    assert.deepEqual(captionTags('ohwx woman standing in a field. She smiles, film grain, soft light', 'natural'), []);
    assert.deepEqual(captionTags('a, b', 'tags'), ['a', 'b']);
    assert.equal(captionInfo('ohwx', 'tags', 'OHWX').tagged, false);
    assert.equal(captionInfo(' ohwx , ', 'tags', 'ohwx').tagged, false);
    assert.equal(captionInfo('ohwx, hat', 'tags', 'ohwx').tagged, true);
    assert.equal(captionInfo('anything', 'natural', '').tagged, true);
  });
  it('appends only missing tags, keeping the file as the user left it (CRLF, no final newline, hand-added lines)', async () => {
    const d = tempDir();
    text(d, 'tags.txt', '\uFEFFmine\r\nsecond');
    assert.deepEqual(await appendTags(d, ['second', 'third', ' third ', 'fourth']), [
      'mine',
      'second',
      'third',
      'fourth',
    ]);
    assert.equal(read(join(d, 'tags.txt')), '\uFEFFmine\r\nsecond\r\nthird\r\nfourth\r\n');
    assert.deepEqual(parseTagsFile(read(join(d, 'tags.txt'))), ['mine', 'second', 'third', 'fourth']);
    const empty = tempDir();
    assert.deepEqual(await appendTags(empty, [], undefined, { create: true }), []);
    assert.equal(read(join(empty, 'tags.txt')), '');
  });
  it('never lists a tag longer than MAX_TAG_LENGTH: a 50 MB caption does not become one tag in tags.txt', async () => {
    assert.equal(MAX_TAG_LENGTH, 200);
    const d = tempDir();
    const longest = 'y'.repeat(MAX_TAG_LENGTH);
    assert.deepEqual(await appendTags(d, ['ok', 'x'.repeat(MAX_TAG_LENGTH + 1), longest]), ['ok', longest]);
    assert.equal(read(join(d, 'tags.txt')), `ok\n${longest}\n`);

    const src = tempDir('src');
    img(src, 'a.png', 1);
    img(src, 'b.png', 2);
    const blob = 'b'.repeat(50 * 1024 * 1024);
    text(src, 'a.txt', `ohwx, red hair, ${blob}`);
    const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx', captionStyle: 'tags' }));
    assert.equal(
      size(join(r.outputFolder, 'p_0001.txt')),
      blob.length + 'ohwx, red hair, '.length,
      'the caption itself is kept whole',
    );
    assert.equal(read(join(r.outputFolder, 'tags.txt')), 'ohwx\nred hair\n');
    const { dataset } = await Dataset.open(r.outputFolder);
    assert.deepEqual(dataset.knownTags(), ['ohwx', 'red hair']);
    await dataset.setCaption('p_0002.png', `ohwx, hat, ${'c'.repeat(300)}`);
    assert.equal(read(join(r.outputFolder, 'tags.txt')), 'ohwx\nred hair\nhat\n');
    assert.deepEqual(dataset.knownTags(), ['ohwx', 'red hair', 'hat']);
    await dataset.close();
  });
});
