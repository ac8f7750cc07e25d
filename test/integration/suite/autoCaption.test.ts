/**
 * Caption Images with AI in the real extension host, through the batch form of loraTagger.autoCaption: the WD tagger
 * (dist/wdWorker.js with ONNX Runtime's WebAssembly build, on a tiny model this test builds: no WD weights can be
 * downloaded here), an OpenAI-compatible server on 127.0.0.1 in this test (standing in for Ollama or vLLM), and
 * VS Code's language models with a provider that a second development extension registers (lmProvider/, standing
 * in for Copilot, which needs a GitHub sign-in). Asserts on the .txt files and session.json.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { colourChatServer, PRIMARY_COLOURS, writeColourImages } from '../chatServer.mjs';
import { meanTaggerModel } from '../../unit/dataset/captioning/wd/onnxModel';
import { activateExtension, cleanupTempDirs, makeTempDir } from './helpers';

interface Result {
  captioned: number;
  suggested: number;
  skipped: number;
  failed: { file: string; error: string }[];
}

async function stage(style: 'tags' | 'natural'): Promise<string> {
  const src = makeTempDir('lora-cap-');
  writeColourImages(src);
  const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
    'loraTagger.startTagging',
    vscode.Uri.file(src),
    {
      prefix: 'cap',
      triggerWord: 'ohwx',
      captionStyle: style,
      openPanel: false,
    },
  );
  return r.outputFolder;
}

const caption = (out: string, n: number) => fs.readFileSync(path.join(out, `cap_000${n}.txt`), 'utf8');
const session = (out: string) =>
  JSON.parse(fs.readFileSync(path.join(out, 'session.json'), 'utf8')) as {
    images: { machine?: { provider: string; model: string }; suggestion?: { text: string } }[];
  };
const run = (out: string, options: object) =>
  Promise.resolve(vscode.commands.executeCommand<Result>('loraTagger.autoCaption', vscode.Uri.file(out), options));

/** A chat completions server that names the colour of the JPEG it is sent. */
const chatServer = () =>
  colourChatServer({ colours: PRIMARY_COLOURS, answer: (c) => `The image shows a ${c} picture.` });

describe('Caption Images with AI (real extension host)', function () {
  this.timeout(120000);
  before(() => activateExtension());
  after(() => cleanupTempDirs());

  it('tags with a WD model folder in the worker thread, fills only empty captions, and undoes as one operation', async () => {
    const out = await stage('tags');
    fs.writeFileSync(path.join(out, 'cap_0002.txt'), 'ohwx, mine');
    const folder = makeTempDir('lora-wd-');
    // Features [B, G, R, left B, top G, squares]: red_hair follows R, blue_sky follows B.
    const w = [
      [0, 8, 0],
      [0, 0, 0],
      [8, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    fs.writeFileSync(path.join(folder, 'model.onnx'), meanTaggerModel(16, w, [-4, -4, 2]));
    fs.writeFileSync(
      path.join(folder, 'selected_tags.csv'),
      'tag_id,name,category,count\n1,red_hair,0,9\n2,blue_sky,0,8\n3,solo,0,7\n',
    );
    const r = await run(out, { provider: 'wd-tagger', modelFolder: folder, scope: 'untagged', mode: 'fill-empty' });
    assert.deepEqual(r, { captioned: 2, suggested: 0, skipped: 0, failed: [] });
    assert.deepEqual(
      [1, 2, 3].map((n) => caption(out, n)),
      ['ohwx, red hair, solo', 'ohwx, mine', 'ohwx, blue sky, solo'],
    );
    assert.equal(session(out).images[0]!.machine?.provider, 'wd-tagger');
    await vscode.commands.executeCommand('loraTagger.undoTagOperation', vscode.Uri.file(out));
    assert.deepEqual(
      [1, 2, 3].map((n) => caption(out, n)),
      ['ohwx', 'ohwx, mine', 'ohwx'],
    );
  });

  it('captions through an OpenAI-compatible server: suggest leaves the files alone, replace writes each its own caption', async () => {
    const out = await stage('natural');
    const { url, server, seen } = await chatServer();
    try {
      const base = { provider: 'openai', baseUrl: url, model: 'llava', scope: 'all', concurrency: 3 };
      const s = await run(out, { ...base, mode: 'suggest' });
      assert.equal(s.suggested, 3);
      assert.deepEqual(
        [1, 2, 3].map((n) => caption(out, n)),
        ['ohwx', 'ohwx', 'ohwx'],
      );
      assert.deepEqual(
        session(out).images.map((i) => i.suggestion?.text),
        ['ohwx, A red picture.', 'ohwx, A green picture.', 'ohwx, A blue picture.'],
      );
      const r = await run(out, { ...base, mode: 'replace' });
      assert.equal(r.captioned, 3);
      assert.deepEqual(
        [1, 2, 3].map((n) => caption(out, n)),
        ['ohwx, A red picture.', 'ohwx, A green picture.', 'ohwx, A blue picture.'],
      );
      assert.equal(seen.length, 6);
    } finally {
      server.close();
    }
  });

  it('refuses bad options with a message and writes nothing', async () => {
    const out = await stage('natural');
    await assert.rejects(
      run(out, { provider: 'openai', model: 'm', baseUrl: 'ftp://x', scope: 'all', mode: 'replace' }),
      /not an http\(s\) URL/,
    );
    await assert.rejects(
      run(out, { provider: 'wd-tagger', modelFolder: out, colour: 'red' }),
      /Unrecognized key.*colour/s,
    );
    assert.equal(caption(out, 1), 'ohwx');
  });

  it("captions with a VS Code language model that accepts images (a test extension's provider)", async function () {
    const lm = (vscode as unknown as { lm?: { registerLanguageModelChatProvider?: unknown } }).lm;
    if (typeof lm?.registerLanguageModelChatProvider !== 'function' || !('LanguageModelDataPart' in vscode)) {
      console.log(`      (skipped: VS Code ${vscode.version} has no language-model provider API or image parts)`);
      return this.skip();
    }
    const provider = vscode.extensions.getExtension('lora-dataset-tagger-tests.test-vision-model');
    assert.ok(provider, 'the test provider extension is loaded');
    await provider.activate();
    const out = await stage('natural');
    const r = await run(out, { provider: 'vscode-lm', model: 'test-vision-1', scope: 'all', mode: 'fill-empty' });
    assert.deepEqual(r, { captioned: 3, suggested: 0, skipped: 0, failed: [] });
    assert.deepEqual(
      [1, 2, 3].map((n) => caption(out, n)),
      ['ohwx, A red picture.', 'ohwx, A green picture.', 'ohwx, A blue picture.'],
    );
    assert.equal(session(out).images[0]!.machine?.model, 'test-vision-1');
    const seen = (provider.exports as { requests: { mime?: string }[] }).requests;
    assert.deepEqual(
      seen.map((x) => x.mime),
      ['image/jpeg', 'image/jpeg', 'image/jpeg'],
    );
  });
});
