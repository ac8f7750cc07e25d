// Answering machine suggestions on a real staged dataset: the suggestions come from a real run of the job queue
// (the OpenAI-compatible provider against the local chat server), and the undo history is the real tag-undo.json.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptionJob } from '../../../../src/extension/dataset/captioning/captionJob';
import { openAiProvider } from '../../../../src/extension/dataset/captioning/openai/openaiCompatible';
import { undoRun } from '../../../../src/extension/dataset/captioning/runHistory';
import {
  markReviewed,
  mergedText,
  resolveSuggestion,
  suggestedImages,
  unreviewedImages,
} from '../../../../src/extension/dataset/captioning/suggestions';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { undoLastTagOperation } from '../../../../src/extension/dataset/tags/tagOperations';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { opts, read, tempDir } from '../helpers';
import { startChatServer, type ChatServer } from './openai/chatServer';
import { png } from './wd/wdModels';

describe('Machine suggestions: accept, merge, reject, and the run undo', function () {
  this.timeout(60000);
  let server: ChatServer;
  let ds: Dataset;
  let out: string;
  const txt = (n: number) => read(join(out, `s_000${n}.txt`));

  beforeEach(async () => {
    server = await startChatServer();
    const src = tempDir('sugsrc');
    const colours = [
      [230, 20, 20],
      [20, 230, 20],
      [20, 20, 230],
      [230, 230, 20],
    ];
    for (const [i, c] of colours.entries()) writeFileSync(join(src, `${i + 1}.png`), await png(32, 32, () => c));
    writeFileSync(join(src, '2.txt'), 'ohwx, my own words.');
    out = (await stageDataset(src, opts({ prefix: 's', triggerWord: 'ohwx', captionStyle: 'natural' }))).outputFolder;
    ds = (await Dataset.open(out, { saveDelayMs: 20 })).dataset;
  });
  afterEach(async () => {
    await ds.close();
    await server.close();
  });

  async function suggest() {
    const files = ds.session.images.map((i) => i.file);
    const provider = openAiProvider({ baseUrls: [server.baseUrl], model: 'llava', output: 'caption' });
    return new CaptionJob(ds, {
      provider,
      files,
      mode: 'suggest',
      preset: 'flux-natural',
      prompt: 'Describe.',
      output: 'caption',
    }).start();
  }

  it('accept writes the suggestion, merge keeps the caption and adds to it, reject leaves it; undo takes back both', async () => {
    const r = await suggest();
    assert.equal(suggestedImages(ds).length, 4);
    assert.equal(await resolveSuggestion(ds, 's_0001.png', 'accept'), 'ohwx, A red picture.');
    assert.equal(await resolveSuggestion(ds, 's_0002.png', 'merge'), 'ohwx, my own words. A green picture.');
    assert.equal(await resolveSuggestion(ds, 's_0003.png', 'reject'), 'ohwx');
    assert.deepEqual(
      [txt(1), txt(2), txt(3)],
      ['ohwx, A red picture.', 'ohwx, my own words. A green picture.', 'ohwx'],
    );
    assert.deepEqual(suggestedImages(ds), ['s_0004.png']);
    assert.equal(ds.session.images[0]!.machine?.reviewed, 'accepted');
    assert.deepEqual(unreviewedImages(ds), [], 'accepted captions are reviewed');
    await assert.rejects(resolveSuggestion(ds, 's_0003.png', 'accept'), /has no machine suggestion to accept/);
    const u = await undoRun(ds, r.run);
    assert.deepEqual(u?.restored.sort(), ['s_0001.png', 's_0002.png']);
    assert.deepEqual([txt(1), txt(2)], ['ohwx', 'ohwx, my own words.']);
    assert.deepEqual(suggestedImages(ds), [], "the run's last suggestion went with it");
  });

  it('the plain dataset-wide undo (palette, panel, command line) undoes a run as undoRun does', async () => {
    await suggest();
    await resolveSuggestion(ds, 's_0001.png', 'accept');
    await resolveSuggestion(ds, 's_0002.png', 'merge');
    assert.equal(ds.session.images[1]!.machine?.reviewed, 'accepted');
    const u = await undoLastTagOperation(ds);
    assert.deepEqual(u.restored.sort(), ['s_0001.png', 's_0002.png']);
    assert.deepEqual([txt(1), txt(2)], ['ohwx', 'ohwx, my own words.']);
    assert.deepEqual(
      ds.session.images.map((i) => [i.machine, i.suggestion]),
      [
        [undefined, undefined],
        [undefined, undefined],
        [undefined, undefined],
        [undefined, undefined],
      ],
      'no provenance left on the restored captions, and no suggestion of the undone run',
    );
  });

  it('counts machine captions nobody reviewed until a person edits or marks them', async () => {
    const files = ds.session.images.map((i) => i.file);
    const provider = openAiProvider({ baseUrls: [server.baseUrl], model: 'llava', output: 'caption' });
    await new CaptionJob(ds, {
      provider,
      files,
      mode: 'fill-empty',
      preset: 'short',
      prompt: 'Describe.',
      output: 'caption',
    }).start();
    assert.deepEqual(unreviewedImages(ds), ['s_0001.png', 's_0003.png', 's_0004.png']);
    await ds.setCaption('s_0003.png', 'ohwx, A blue picture, fixed.');
    markReviewed(ds, 's_0004.png');
    assert.deepEqual(unreviewedImages(ds), ['s_0001.png']);
    assert.equal(ds.session.images[2]!.machine?.reviewed, 'edited');
  });

  it('merges tag-style captions by adding only the new tags', () => {
    assert.equal(
      mergedText('ohwx, red hair', 'ohwx, red hair, smile, outdoors', 'tags', 'ohwx'),
      'ohwx, red hair, smile, outdoors',
    );
    assert.equal(mergedText('ohwx', 'ohwx, smile', 'tags', 'ohwx'), 'ohwx, smile');
    assert.equal(mergedText('ohwx, A cat.', 'ohwx, A cat.', 'natural', 'ohwx'), 'ohwx, A cat.');
  });
});
