// `lora-tagger caption` as a user runs it: the bundled CLI as a child process (the WD tagger in its worker thread
// with ONNX Runtime's WebAssembly build beside the bundle), and the OpenAI-compatible provider against the local
// chat server (standing in for Ollama or vLLM), the key from LORA_TAGGER_API_KEY.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageDataset } from '../../../src/extension/dataset/staging/stage';
import { opts, tempDir } from '../dataset/helpers';
import { startChatServer } from '../dataset/captioning/openai/chatServer';
import { modelFolder, png } from '../dataset/captioning/wd/wdModels';
import { buildCli, json, runCli, type CliRun } from './helpers';

interface Result {
  captioned: number;
  suggested: number;
  skipped: number;
  failed: { file: string; error: string }[];
}

async function dataset(style: 'natural' | 'tags'): Promise<string> {
  const src = tempDir('clicap');
  writeFileSync(join(src, '1.png'), await png(40, 30, () => [230, 20, 20]));
  writeFileSync(join(src, '2.png'), await png(30, 40, () => [20, 20, 230]));
  writeFileSync(join(src, '3.png'), await png(30, 30, () => [20, 230, 20]));
  writeFileSync(join(src, '3.txt'), 'ohwx, mine');
  return (await stageDataset(src, opts({ prefix: 'c', triggerWord: 'ohwx', captionStyle: style }))).outputFolder;
}

/** Runs the CLI with an environment variable set (runCli passes the parent's environment as is). */
async function runWithEnv(args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  const cli = await buildCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lora-tagger caption', function () {
  this.timeout(120000);

  it('tags the untagged images with a WD model folder, in a worker thread, and prints the result as JSON', async () => {
    const out = await dataset('tags');
    const folder = modelFolder(16, [
      ['red_hair', 0, [0, 0, 8], -4],
      ['blue_sky', 0, [8], -4],
      ['solo', 0, [], 2],
      ['hatsune_miku', 4, [], 1],
    ]);
    const r = await runCli(
      ['caption', out, '--provider', 'wd-tagger', '--model-folder', folder, '--character-threshold', '0.7', '--json'],
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json<Result>(r), { captioned: 2, suggested: 0, skipped: 0, failed: [] });
    assert.equal(readFileSync(join(out, 'c_0001.txt'), 'utf8'), 'ohwx, red hair, solo, hatsune miku');
    assert.equal(readFileSync(join(out, 'c_0002.txt'), 'utf8'), 'ohwx, blue sky, solo, hatsune miku');
    assert.equal(readFileSync(join(out, 'c_0003.txt'), 'utf8'), 'ohwx, mine');
    const undo = await runCli(['tags', 'undo', out, '--json'], out);
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(join(out, 'c_0001.txt'), 'utf8'), 'ohwx', 'the run is undone like a tag operation');
  });

  it('captions through an OpenAI-compatible server with the key from LORA_TAGGER_API_KEY, in suggest mode', async () => {
    const out = await dataset('natural');
    const server = await startChatServer();
    try {
      const args = [
        'caption',
        out,
        '--provider',
        'openai',
        '--base-url',
        server.baseUrl,
        '--model',
        'llava',
        '--scope',
        'all',
        '--mode',
        'suggest',
        '--json',
      ];
      const r = await runWithEnv(args, out, { LORA_TAGGER_API_KEY: 'sk-from-env' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(json<Result>(r), { captioned: 0, suggested: 3, skipped: 0, failed: [] });
      assert.deepEqual(
        server.seen.map((s) => s.auth),
        ['Bearer sk-from-env', 'Bearer sk-from-env', 'Bearer sk-from-env'],
      );
      const session = JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')) as {
        images: { suggestion?: { text: string } }[];
      };
      assert.deepEqual(
        session.images.map((i) => i.suggestion?.text),
        ['ohwx, A red picture.', 'ohwx, A blue picture.', 'ohwx, A green picture.'],
      );
      assert.equal(readFileSync(join(out, 'c_0003.txt'), 'utf8'), 'ohwx, mine');
      assert.ok(!r.stdout.includes('sk-from-env') && !r.stderr.includes('sk-from-env'), 'the key is never printed');
    } finally {
      await server.close();
    }
  });

  it('refuses missing provider options as a usage error (exit 2) before anything is written', async () => {
    const out = await dataset('tags');
    const r = await runCli(['caption', out, '--provider', 'openai', '--model', 'x'], out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs baseUrl and model/);
    const failed = await runCli(
      ['caption', out, '--provider', 'wd-tagger', '--model-folder', join(out, 'nowhere'), '--json'],
      out,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /model\.onnx does not exist|selected_tags\.csv does not exist/);
  });
});
