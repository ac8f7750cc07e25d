/**
 * Pausing, resuming and cancelling a captioning run from the tagging panel's messages in the real extension host
 * (issue 12): captioning/control through the panel's real validation and dispatch, mapped to CaptionRuns for that
 * dataset's run. The run captions through an OpenAI-compatible server on 127.0.0.1 in this test (standing in for
 * Ollama or vLLM) that names the colour of the JPEG it is sent and holds each reply until the test releases it, so
 * the test knows which image is being captioned when it pauses. Asserts on the server's requests and the .txt files.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaggerApi } from '../../../src/extension/extension';
import type { TaggingPanel } from '../../../src/extension/panel/taggingPanel';
import type { ReplyBody, ToWebview } from '../../../src/shared/protocol';
import { colourChatServer, PRIMARY_COLOURS, writeColourImages } from '../chatServer.mjs';
import { activateExtension, cleanupTempDirs, makeTempDir, waitFor } from './helpers';

type RunReport = Extract<ToWebview, { type: 'captioning/run' }>;

/** A chat completions server that names the colour of each image, answering when the test releases it. */
const heldServer = () => colourChatServer({ colours: PRIMARY_COLOURS, answer: (c) => `A ${c} picture.`, hold: true });

let seq = 0;

describe('pause, resume and cancel a captioning run from the panel (real extension host)', function () {
  this.timeout(120_000);
  let api: TaggerApi;
  let panel: TaggingPanel;
  let out: string;
  let chat: Awaited<ReturnType<typeof heldServer>>;
  const posted: ToWebview[] = [];
  const replies = new Map<string, ReplyBody>();
  const caption = (n: number) => fs.readFileSync(path.join(out, `ctl_000${n}.txt`), 'utf8');
  const reports = () => posted.filter((m): m is RunReport => m.type === 'captioning/run');
  const stateOf = (r: RunReport, file: string) => r.run.items.find((i) => i.file === file)?.state;
  /** The images' "machine-written, not reviewed" flags in the next dataset/load (the report and filter read them). */
  const machineFlags = async () => {
    const before = posted.length;
    panel.reload();
    const load = await waitFor(
      () =>
        posted.slice(before).find((m): m is Extract<ToWebview, { type: 'dataset/load' }> => m.type === 'dataset/load'),
      { what: 'dataset/load' },
    );
    return load!.dataset.images.map((i) => i.machine);
  };
  /** Sends a message as the webview would and returns the reply to it. */
  const ask = async (body: unknown): Promise<ReplyBody> => {
    const id = `ctl${++seq}`;
    await panel.receive({ id, body });
    await waitFor(() => replies.get(id), { what: `the reply to ${JSON.stringify(body)}` });
    return replies.get(id)!;
  };

  before(async () => {
    api = (await activateExtension()).exports as TaggerApi;
    const src = makeTempDir('lora-ctl-');
    writeColourImages(src);
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      { prefix: 'ctl', triggerWord: 'ohwx', captionStyle: 'natural' },
    );
    out = r.outputFolder;
    panel = api.panels.get(out)!;
    panel.onDidPost((m) => posted.push(m));
    panel.onDidReply((env) => replies.set(env.inReplyTo!, env.body));
    await waitFor(() => panel.isReady(), { timeout: 30_000, what: 'the real webview to load and say ready' });
    chat = await heldServer();
  });
  after(async () => {
    chat?.server.closeAllConnections();
    chat?.server.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await panel?.dispose();
    cleanupTempDirs();
  });

  it('pauses the run (no image starts while paused), resumes it, and cancels it, each from a panel message', async () => {
    const result = Promise.resolve(
      vscode.commands.executeCommand<{ captioned: number; failed: unknown[] }>(
        'loraTagger.autoCaption',
        vscode.Uri.file(out),
        { provider: 'openai', baseUrl: chat.url, model: 'llava', scope: 'all', mode: 'fill-empty', concurrency: 1 },
      ),
    );
    await waitFor(() => chat.held.length === 1, { what: 'the server to be asked for the first image' });
    assert.equal((await ask({ type: 'captioning/control', action: 'pause' })).ok, true);
    // The image being captioned finishes; the run then waits.
    chat.release(0);
    await waitFor(() => caption(1) === 'ohwx, A red picture.', { what: "image 1's caption" });
    const paused = await waitFor(() => reports().find((r) => r.run.paused && stateOf(r, 'ctl_0001.png') === 'done'), {
      what: 'captioning/run: paused, with image 1 done',
    });
    assert.deepEqual([paused!.run.active, paused!.run.done, paused!.run.total], [true, 1, 3]);
    // That report comes a coalescing interval after image 1 was done, time enough for a next image to have started.
    assert.equal(chat.held.length, 1, 'no image was sent to the server while paused');
    assert.equal(stateOf(reports().at(-1)!, 'ctl_0002.png'), 'queued');
    assert.deepEqual([caption(2), caption(3)], ['ohwx', 'ohwx']);

    assert.equal((await ask({ type: 'captioning/control', action: 'resume' })).ok, true);
    await waitFor(() => chat.held.length === 2, { what: 'the server to be asked for the second image' });
    assert.equal(chat.held[1]!.colour, 'green');
    await waitFor(() => reports().some((r) => !r.run.paused && stateOf(r, 'ctl_0002.png') === 'running'), {
      what: 'captioning/run: running again, image 2 being captioned',
    });

    assert.equal((await ask({ type: 'captioning/control', action: 'cancel' })).ok, true);
    const r = await result;
    assert.equal(r.captioned, 1);
    assert.deepEqual(r.failed, []);
    await waitFor(() => reports().some((x) => !x.run.active), { what: 'captioning/run for the ended run' });
    assert.equal(chat.held.length, 2, 'the third image was never sent');
    assert.deepEqual([1, 2, 3].map(caption), ['ohwx, A red picture.', 'ohwx', 'ohwx']);
  });

  it('marks machine captions reviewed without changing them: a selection, then one; the review state drops them', async () => {
    chat.answerAll();
    const run = Promise.resolve(
      vscode.commands.executeCommand<{ captioned: number }>('loraTagger.autoCaption', vscode.Uri.file(out), {
        provider: 'openai',
        baseUrl: chat.url,
        model: 'llava',
        scope: 'all',
        mode: 'fill-empty',
        concurrency: 1,
      }),
    );
    assert.equal((await run).captioned, 2);
    const lastState = () =>
      posted.filter((m): m is Extract<ToWebview, { type: 'review/state' }> => m.type === 'review/state').at(-1);
    await waitFor(() => lastState()?.unreviewed.length === 3, { what: 'review/state with three unreviewed captions' });
    const texts = [1, 2, 3].map(caption);
    assert.deepEqual(texts, ['ohwx, A red picture.', 'ohwx, A green picture.', 'ohwx, A blue picture.']);

    assert.deepEqual(await machineFlags(), [true, true, true]);
    const two = await ask({ type: 'review/markReviewed', files: ['ctl_0002.png', 'ctl_0003.png'] });
    assert.deepEqual(two, { type: 'reply', ok: true, result: { marked: 2 } });
    await waitFor(() => lastState()?.unreviewed.join() === 'ctl_0001.png', { what: 'review/state: image 1 left' });
    const one = await ask({ type: 'review/markReviewed', files: ['ctl_0001.png', 'ctl_0001.png', 'ctl_0002.png'] });
    assert.deepEqual(one, { type: 'reply', ok: true, result: { marked: 1 } });
    await waitFor(() => lastState()?.unreviewed.length === 0, { what: 'review/state with none unreviewed' });
    assert.deepEqual([1, 2, 3].map(caption), texts, 'no caption changed');
    // Recorded in the session: still the machine's captions, now reviewed, and the next dataset/load says so.
    await panel.flushAll();
    const session = JSON.parse(fs.readFileSync(path.join(out, 'session.json'), 'utf8')) as {
      images: { machine?: { model: string; reviewed?: string } }[];
    };
    assert.deepEqual(
      session.images.map((i) => [i.machine?.model, i.machine?.reviewed]),
      [
        ['llava', 'accepted'],
        ['llava', 'accepted'],
        ['llava', 'accepted'],
      ],
    );
    assert.deepEqual(await machineFlags(), [false, false, false]);
    const bad = await ask({ type: 'review/markReviewed', files: ['../session.json'] });
    assert.match(bad.ok ? '' : bad.error, /^Invalid message: body/);
  });

  it('says why when there is no run on the dataset, and refuses an unknown action', async () => {
    const none = await ask({ type: 'captioning/control', action: 'resume' });
    assert.equal(none.ok, false);
    assert.match(none.ok ? '' : none.error, /^Could not resume AI captioning: no run is going on .*ctl/);
    const bad = await ask({ type: 'captioning/control', action: 'stop' });
    assert.match(bad.ok ? '' : bad.error, /^Invalid message: body/);
  });
});
