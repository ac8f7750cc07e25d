/**
 * Reviewing machine suggestions through the tagging panel's messages in the real extension host (issue 12): a
 * suggest-mode run against an OpenAI-compatible server on 127.0.0.1 in this test (standing in for Ollama or vLLM;
 * it names the colour of the JPEG it is sent), then review/state to the real webview's panel and suggestion/answer
 * from it, the same validation and dispatch path the webview's messages take. Asserts on the .txt files and the
 * session, and that undoing the run takes the accepted and merged captions back.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaggerApi } from '../../../src/extension/extension';
import type { TaggingPanel } from '../../../src/extension/panel/taggingPanel';
import type { ReplyBody, ToWebview } from '../../../src/shared/protocol';
import { colourChatServer, PRIMARY_COLOURS, writeColourImages } from '../chatServer.mjs';
import { activateExtension, captionChanges, cleanupTempDirs, makeTempDir, waitFor } from './helpers';

type ReviewState = Extract<ToWebview, { type: 'review/state' }>;

/** A chat completions server that answers booru-style tags naming the colour of the image it is sent. */
const tagServer = () => colourChatServer({ colours: PRIMARY_COLOURS, answer: (c) => `${c}, solid colour` });

let seq = 0;

describe('suggestion review through the panel (real extension host)', function () {
  this.timeout(120_000);
  let api: TaggerApi;
  let panel: TaggingPanel;
  let out: string;
  let chat: { url: string; server: Server };
  const posted: ToWebview[] = [];
  const replies = new Map<string, ReplyBody>();
  const caption = (n: number) => fs.readFileSync(path.join(out, `rev_000${n}.txt`), 'utf8');
  const lastState = () => posted.filter((m): m is ReviewState => m.type === 'review/state').at(-1);
  /** Sends a message as the webview would and returns the reply to it. */
  const ask = async (body: unknown): Promise<ReplyBody> => {
    const id = `review${++seq}`;
    await panel.receive({ id, body });
    await waitFor(() => replies.get(id), { what: `the reply to ${JSON.stringify(body)}` });
    return replies.get(id)!;
  };

  before(async () => {
    api = (await activateExtension()).exports as TaggerApi;
    const src = makeTempDir('lora-review-');
    writeColourImages(src);
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      { prefix: 'rev', triggerWord: 'ohwx', captionStyle: 'tags' },
    );
    out = r.outputFolder;
    panel = api.panels.get(out)!;
    panel.onDidPost((m) => posted.push(m));
    panel.onDidReply((env) => replies.set(env.inReplyTo!, env.body));
    await waitFor(() => panel.isReady(), { timeout: 30_000, what: 'the real webview to load and say ready' });
    await panel.writeCaption('rev_0002.png', 'ohwx, mine, green');
    chat = await tagServer();
  });
  after(async () => {
    chat?.server.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await panel?.dispose();
    cleanupTempDirs();
  });

  it('sends the suggestions of a suggest-mode run to the panel, and again after each dataset/load', async () => {
    const r = await vscode.commands.executeCommand<{ suggested: number }>(
      'loraTagger.autoCaption',
      vscode.Uri.file(out),
      {
        provider: 'openai',
        baseUrl: chat.url,
        model: 'tagger-vl',
        prompt: 'booru-tags',
        scope: 'all',
        mode: 'suggest',
      },
    );
    assert.equal(r.suggested, 3);
    await waitFor(() => lastState()?.suggestions.length === 3, { what: 'review/state with three suggestions' });
    assert.deepEqual(
      lastState()!.suggestions.map((s) => [s.file, s.text, s.provider, s.model]),
      [
        ['rev_0001.png', 'ohwx, red, solid colour', 'openai', 'tagger-vl'],
        ['rev_0002.png', 'ohwx, green, solid colour', 'openai', 'tagger-vl'],
        ['rev_0003.png', 'ohwx, blue, solid colour', 'openai', 'tagger-vl'],
      ],
    );
    assert.deepEqual(lastState()!.unreviewed, []);
    assert.deepEqual([1, 2, 3].map(caption), ['ohwx', 'ohwx, mine, green', 'ohwx'], 'suggest writes no caption');
    // The filmstrip's per-image states: once more when the run has ended, each image marked as suggested.
    const ended = () =>
      posted.find(
        (m): m is Extract<ToWebview, { type: 'captioning/run' }> => m.type === 'captioning/run' && !m.run.active,
      );
    await waitFor(ended, { what: 'captioning/run for the ended run' });
    assert.deepEqual(
      ended()!.run.items.map((i) => [i.file, i.state]),
      [
        ['rev_0001.png', 'suggested'],
        ['rev_0002.png', 'suggested'],
        ['rev_0003.png', 'suggested'],
      ],
    );
    assert.deepEqual([ended()!.run.done, ended()!.run.total], [3, 3]);
    const before = posted.length;
    panel.reload();
    await waitFor(() => posted.slice(before).some((m) => m.type === 'review/state'), { what: 'review/state' });
    const types = posted.slice(before).map((m) => m.type);
    assert.ok(types.indexOf('dataset/load') < types.indexOf('review/state'), types.join(' '));
  });

  it('accepts, merges keeping the caption order, and rejects; answering twice says why', async () => {
    const accept = await ask({ type: 'suggestion/answer', file: 'rev_0001.png', answer: 'accept' });
    assert.deepEqual(accept, { type: 'reply', ok: true, result: { caption: 'ohwx, red, solid colour' } });
    const merge = await ask({ type: 'suggestion/answer', file: 'rev_0002.png', answer: 'merge' });
    assert.deepEqual(merge, { type: 'reply', ok: true, result: { caption: 'ohwx, mine, green, solid colour' } });
    const reject = await ask({ type: 'suggestion/answer', file: 'rev_0003.png', answer: 'reject' });
    assert.deepEqual(reject, { type: 'reply', ok: true, result: { caption: 'ohwx' } });
    assert.deepEqual([1, 2, 3].map(caption), ['ohwx, red, solid colour', 'ohwx, mine, green, solid colour', 'ohwx']);
    await waitFor(() => lastState()?.suggestions.length === 0, { what: 'review/state with no suggestions' });
    // Accepted and merged captions are the machine's, reviewed: none counts as unreviewed.
    assert.deepEqual(lastState()!.unreviewed, []);
    const rec = panel.dataset.session.images[0]!;
    assert.equal(rec.machine?.reviewed, 'accepted');
    assert.equal(rec.suggestion, undefined);
    const again = await ask({ type: 'suggestion/answer', file: 'rev_0003.png', answer: 'accept' });
    assert.equal(again.ok, false);
    assert.match(again.ok ? '' : again.error, /rev_0003\.png has no machine suggestion to accept/);
    const bad = await ask({ type: 'suggestion/answer', file: 'rev_0001.png', answer: 'maybe' });
    assert.match(bad.ok ? '' : bad.error, /^Invalid message: body/);
  });

  it("undoing the run takes the accepted and merged captions back, and the panel's text follows", async () => {
    await vscode.commands.executeCommand('loraTagger.undoTagOperation', vscode.Uri.file(out));
    assert.deepEqual([1, 2, 3].map(caption), ['ohwx', 'ohwx, mine, green', 'ohwx']);
    await waitFor(
      () => captionChanges(posted).some((c) => c.file === 'rev_0002.png' && c.text === 'ohwx, mine, green'),
      { what: "captions/changed with image 2's caption back" },
    );
  });
});
