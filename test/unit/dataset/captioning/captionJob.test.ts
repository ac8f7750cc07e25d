// The job queue end to end: the real OpenAI-compatible provider against the local chat server (standing in for
// Ollama/vLLM), the real Dataset on a staged folder, the real undo history. Every write policy and safeguard.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptionJob, type JobEvent, type JobOptions } from '../../../../src/extension/dataset/captioning/captionJob';
import { openAiProvider } from '../../../../src/extension/dataset/captioning/openai/openaiCompatible';
import { findPreset } from '../../../../src/extension/dataset/captioning/prompts';
import { isUnreviewed } from '../../../../src/extension/dataset/captioning/provenance';
import { undoRun } from '../../../../src/extension/dataset/captioning/runHistory';
import { wdTaggerProvider } from '../../../../src/extension/dataset/captioning/wd/wdTagger';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { parseSession } from '../../../../src/extension/dataset/session/sessionFile';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { indexVocabulary } from '../../../../src/extension/dataset/vocabulary/vocabulary';
import { opts, read, tempDir } from '../helpers';
import { startChatServer, type ChatServer } from './openai/chatServer';
import { modelFolder, png } from './wd/wdModels';

const COLOURS: Record<string, number[]> = {
  red: [230, 20, 20],
  green: [20, 230, 20],
  blue: [20, 20, 230],
  yellow: [230, 230, 20],
  cyan: [20, 230, 230],
  magenta: [230, 20, 230],
};
const NAMES = Object.keys(COLOURS);
const file = (i: number) => `d_000${i + 1}.png`;

async function staged(captions: Record<number, string> = {}, style: 'natural' | 'tags' = 'natural'): Promise<string> {
  const src = tempDir('capsrc');
  for (const [i, c] of NAMES.entries()) {
    writeFileSync(join(src, `${i + 1}.png`), await png(48, 32, () => COLOURS[c]!));
    if (captions[i] !== undefined) writeFileSync(join(src, `${i + 1}.txt`), captions[i]!);
  }
  return (await stageDataset(src, opts({ prefix: 'd', triggerWord: 'ohwx', captionStyle: style }))).outputFolder;
}

const caption = (out: string, i: number) => read(join(out, file(i).replace('.png', '.txt')));
const onDisk = (out: string) => parseSession(read(join(out, 'session.json')));

describe('Captioning job queue (OpenAI-compatible provider against a local server)', function () {
  this.timeout(60000);
  let server: ChatServer;
  let ds: Dataset;
  let out: string;
  beforeEach(async () => {
    server = await startChatServer();
  });
  afterEach(async () => {
    assert.deepEqual(server.invalid, [], 'every request was valid');
    await ds?.close();
    await server.close();
  });

  async function open(captions: Record<number, string> = {}, style: 'natural' | 'tags' = 'natural') {
    out = await staged(captions, style);
    ds = (await Dataset.open(out, { saveDelayMs: 20 })).dataset;
  }

  function job(o: Partial<JobOptions> = {}, events: JobEvent[] = []) {
    const preset = findPreset('flux-natural')!;
    return new CaptionJob(ds, {
      provider: openAiProvider({ baseUrls: [server.baseUrl], model: 'llava', output: preset.output, timeoutMs: 5000 }),
      files: ds.session.images.map((i) => i.file),
      mode: 'fill-empty',
      preset: preset.id,
      prompt: preset.prompt,
      output: preset.output,
      concurrency: 3,
      retryBaseMs: 10,
      onEvent: (e) => events.push(e),
      ...o,
    });
  }

  it('fills only empty captions, each with its own image under concurrency, and records the provenance', async () => {
    await open({ 1: 'ohwx, a person wrote this' });
    server.latencyMs = 30;
    const r = await job().start();
    assert.deepEqual([r.captioned, r.suggested, r.skipped, r.failed], [5, 0, 1, []]);
    for (const [i, c] of NAMES.entries()) {
      assert.equal(caption(out, i), i === 1 ? 'ohwx, a person wrote this' : `ohwx, A ${c} picture.`);
    }
    assert.equal(server.maxInFlight, 3, 'three requests in flight at once');
    const s = onDisk(out);
    assert.equal(s.captioning, undefined, 'the finished queue is not kept');
    const rec = s.images[0]!;
    assert.deepEqual(
      [rec.machine?.provider, rec.machine?.model, rec.machine?.preset, rec.machine?.run],
      ['openai', 'llava', 'flux-natural', r.run],
    );
    assert.ok(isUnreviewed(rec.machine, caption(out, 0)));
    assert.equal(s.images[1]!.machine, undefined, 'the caption a person wrote has no machine record');
    assert.match(server.seen[0]!.prompt, /The subject's name is "ohwx"/);
  });

  it('appends to, or replaces, what is there; replace after an edit marks the old record reviewed', async () => {
    await open({ 0: 'ohwx, a person' });
    await job({ mode: 'append', files: [file(0), file(1)] }).start();
    assert.deepEqual([caption(out, 0), caption(out, 1)], ['ohwx, a person. A red picture.', 'ohwx, A green picture.']);
    await ds.setCaption(file(1), 'ohwx, edited by hand');
    assert.equal(ds.session.images[1]!.machine?.reviewed, 'edited');
    await job({ mode: 'replace', files: [file(0)] }).start();
    assert.equal(caption(out, 0), 'ohwx, A red picture.');
  });

  it('suggests without touching a file, the suggestion kept in session.json', async () => {
    await open({ 2: 'ohwx, mine' });
    const r = await job({ mode: 'suggest' }).start();
    assert.deepEqual([r.captioned, r.suggested], [0, 6]);
    assert.equal(caption(out, 2), 'ohwx, mine');
    assert.equal(caption(out, 0), 'ohwx');
    await ds.flush();
    assert.deepEqual(
      onDisk(out).images.map((i) => i.suggestion?.text),
      NAMES.map((c) => `ohwx, A ${c} picture.`),
    );
  });

  it('never overwrites a caption a person edits after it was queued: the result becomes a suggestion', async () => {
    await open();
    server.script = (_n, seen) =>
      seen.colour === 'blue'
        ? { hold: ds.setCaption(file(2), 'ohwx, typed while it ran').then(() => undefined) }
        : undefined;
    const r = await job({ mode: 'replace' }).start();
    assert.deepEqual([r.captioned, r.suggested], [5, 1]);
    assert.equal(caption(out, 2), 'ohwx, typed while it ran');
    assert.equal(ds.session.images[2]!.suggestion?.text, 'ohwx, A blue picture.');
  });

  it('is one undoable operation that never undoes a later human edit', async () => {
    await open({ 0: 'ohwx, before' });
    const r = await job({ mode: 'replace' }).start();
    await ds.setCaption(file(3), 'ohwx, fixed by hand after the run');
    const u = await undoRun(ds, r.run);
    assert.equal(u?.label, 'Caption with AI (openai: llava)');
    assert.deepEqual(u?.skipped, [file(3)]);
    assert.equal(caption(out, 0), 'ohwx, before');
    assert.equal(caption(out, 1), 'ohwx');
    assert.equal(caption(out, 3), 'ohwx, fixed by hand after the run');
    assert.equal(ds.session.images[0]!.machine, undefined, 'the restored caption has no machine record');
    assert.equal(await undoRun(ds, r.run), undefined, 'the run is no longer in the history');
  });

  it('retries 429 (honouring Retry-After) and 500, and fails a slow or malformed reply with its reason', async () => {
    await open();
    const plan: Record<string, ReturnType<NonNullable<ChatServer['script']>>[]> = {
      red: [{ status: 429, headers: { 'retry-after': '1' } }],
      green: [{ status: 500 }, { status: 503 }],
      blue: [{ hold: new Promise(() => undefined) }],
      yellow: [{ status: 200, body: '{"choices":"nope"}' }],
    };
    server.script = (_n, seen) => plan[seen.colour]?.shift();
    const started = Date.now();
    const r = await job({
      mode: 'replace',
      provider: openAiProvider({ baseUrls: [server.baseUrl], model: 'llava', output: 'caption', timeoutMs: 1500 }),
    }).start();
    assert.equal(r.captioned, 4);
    assert.deepEqual(r.failed.map((f) => f.file).sort(), [file(2), file(3)]);
    assert.match(r.failed.find((f) => f.file === file(2))!.error, /no answer from 127\.0\.0\.1:\d+ within 1\.5 s/);
    assert.match(r.failed.find((f) => f.file === file(3))!.error, /without choices\[0\]\.message\.content/);
    assert.equal(caption(out, 0), 'ohwx, A red picture.');
    assert.equal(caption(out, 1), 'ohwx, A green picture.');
    assert.equal(server.seen.filter((s) => s.colour === 'green').length, 3, 'green was tried three times');
    assert.ok(Date.now() - started >= 1000, 'the 429 was retried after its Retry-After');
  });

  it('stops the whole run when the server refuses the key, writing nothing more', async () => {
    await open();
    server.script = () => ({ status: 401, body: '{"error":{"message":"invalid api key"}}' });
    const r = await job({ concurrency: 1 }).start();
    assert.equal(r.captioned, 0);
    assert.equal(r.failed.length, 6);
    assert.match(r.failed[0]!.error, /needs an API key/);
    assert.match(r.failed[5]!.error, /^not captioned: .*needs an API key/);
    assert.ok(server.requests < 6, 'it did not go on asking');
  });

  it('pauses (no new image starts) and resumes', async () => {
    await open();
    const events: JobEvent[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.script = (n) => (n <= 2 ? { hold: gate } : undefined);
    const j = job({ concurrency: 2 }, events);
    const run = j.start();
    while (server.requests < 2) await new Promise((r) => setImmediate(r));
    j.pause();
    release();
    while (events.filter((e) => e.type === 'item' && e.state === 'done').length < 2)
      await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(
      events.filter((e) => e.type === 'item' && e.state === 'running').length,
      2,
      'nothing started while paused',
    );
    assert.ok(events.some((e) => e.type === 'progress' && e.paused));
    j.resume();
    assert.equal((await run).captioned, 6);
  });

  it('sends the next request while the last caption is still being written, never more in flight than asked', async () => {
    await open();
    // The first caption's write waits until the server has the second request: a slot that waited on its write
    // before asking again would never get there (the run would hang and the test time out).
    let release!: () => void;
    const secondAsked = new Promise<void>((r) => (release = r));
    server.script = (n) => {
      if (n === 2) release();
      return undefined;
    };
    let writes = 0;
    const write = async (f: string, t: string) => {
      if (++writes === 1) await secondAsked;
      await ds.setCaption(f, t);
    };
    const r = await job({ concurrency: 1, write }).start();
    assert.equal(r.captioned, 6);
    for (const [i, c] of NAMES.entries()) assert.equal(caption(out, i), `ohwx, A ${c} picture.`);
    assert.equal(server.maxInFlight, 1, 'the next image is read ahead, but its request waits for its turn');
  });

  it('keeps the unfinished part in session.json when interrupted, and a reopened dataset resumes only that', async () => {
    await open();
    const events: JobEvent[] = [];
    server.script = (n) => (n > 2 ? { hold: new Promise(() => undefined) } : undefined);
    const j = job({ concurrency: 2, recorded: { baseUrl: server.baseUrl, model: 'llava' } }, events);
    const run = j.start();
    while (events.filter((e) => e.type === 'item' && e.state === 'done').length < 2)
      await new Promise((r) => setImmediate(r));
    j.interrupt();
    const r = await run;
    assert.equal(r.stopped, true);
    const before = server.seen.length;
    await ds.close();
    const queue = onDisk(out).captioning;
    assert.deepEqual(
      queue?.pending.map((p) => p.file),
      [file(2), file(3), file(4), file(5)],
    );
    assert.deepEqual(queue?.options, { baseUrl: server.baseUrl, model: 'llava' });
    server.script = undefined;
    ds = (await Dataset.open(out, { saveDelayMs: 20 })).dataset;
    const again = await job({ resume: ds.session.captioning }).start();
    assert.equal(again.run, r.run, 'the same run, so one undo takes back both parts');
    assert.equal(again.captioned, 4);
    // A request cut off by the interrupt may still reach the server late: only the set of colours asked is exact.
    const asked = new Set(server.seen.slice(before).map((x) => x.colour));
    assert.deepEqual(
      [...asked].sort(),
      ['blue', 'cyan', 'magenta', 'yellow'],
      'the two finished images were not asked for again',
    );
    assert.deepEqual(
      NAMES.map((_, i) => caption(out, i)),
      NAMES.map((c) => `ohwx, A ${c} picture.`),
    );
    assert.equal(onDisk(out).captioning, undefined);
  });

  it('reads a tags preset answer as tags: vocabulary aliases mapped, unknown tags marked, the trigger first', async () => {
    await open({}, 'tags');
    const preset = findPreset('booru-tags')!;
    server.answer = (s) => `${s.colour}, 1girls, Simple_Background, red`;
    const vocabulary = indexVocabulary(
      [{ file: 'tags.csv', text: '1girl,0,9,1girls\nsimple_background,0,5,', scheme: 'danbooru' }],
      [],
    );
    await job({
      mode: 'suggest',
      files: [file(0)],
      preset: preset.id,
      prompt: preset.prompt,
      output: 'tags',
      vocabulary,
    }).start();
    const s = ds.session.images[0]!.suggestion!;
    assert.equal(s.text, 'ohwx, red, 1girl, simple background');
    assert.deepEqual(s.tags, [{ tag: 'red', unknown: true }, { tag: '1girl' }, { tag: 'simple background' }]);
  });
});

describe('Captioning job queue with the WD tagger', function () {
  this.timeout(60000);
  it('writes the tags in a tags-style dataset, trigger first, with the scores in a suggestion', async () => {
    const out = await staged({ 1: 'ohwx, mine' }, 'tags');
    const { dataset } = await Dataset.open(out, { saveDelayMs: 20 });
    const folder = modelFolder(16, [
      ['red_hair', 0, [0, 0, 8], -4],
      ['green_eyes', 0, [0, 8], -4],
      ['solo', 0, [], 2],
    ]);
    const provider = await wdTaggerProvider({ modelFolder: folder });
    try {
      const base = { provider, preset: '', prompt: '', output: 'tags' as const };
      const r = await new CaptionJob(dataset, { ...base, files: [file(0), file(1)], mode: 'fill-empty' }).start();
      assert.deepEqual([r.captioned, r.skipped], [1, 1]);
      assert.equal(read(join(out, 'd_0001.txt')), 'ohwx, red hair, solo');
      await new CaptionJob(dataset, { ...base, files: [file(1)], mode: 'suggest' }).start();
      const s = dataset.session.images[1]!.suggestion!;
      assert.equal(s.text, 'ohwx, green eyes, solo');
      assert.ok(s.tags!.every((t) => typeof t.score === 'number' && t.score >= 0.35));
      assert.equal(dataset.session.images[0]!.machine?.model, 'tiny-wd-tagger');
    } finally {
      await provider.dispose();
      await dataset.close();
    }
  });
});
