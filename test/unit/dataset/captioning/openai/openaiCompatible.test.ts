// The OpenAI-compatible provider against a local server speaking the real wire format (chatServer.ts stands in for
// Ollama, LM Studio or vLLM, which cannot run here): it validates each request and answers from the image it got.
import { strict as assert } from 'node:assert';
import sharp from 'sharp';
import { openAiProvider, retryAfterMs } from '../../../../../src/extension/dataset/captioning/openai/openaiCompatible';
import { ProviderError } from '../../../../../src/extension/dataset/captioning/provider';
import { png } from '../wd/wdModels';
import { startChatServer, type ChatServer } from './chatServer';

const input = (image: Uint8Array) => ({ file: 'a.png', image, prompt: 'Describe it.', system: 'You caption images.' });
const signal = () => new AbortController().signal;

describe('OpenAI-compatible provider (a local server speaking the wire format)', function () {
  this.timeout(30000);
  let server: ChatServer;
  let red: Uint8Array;
  beforeEach(async () => {
    server = await startChatServer();
  });
  afterEach(async () => {
    assert.deepEqual(server.invalid, [], 'every request was valid');
    await server.close();
  });
  before(async () => {
    red = await png(64, 48, () => [230, 20, 20]);
  });

  it('sends the prompt, the system prompt, the key and the image as a JPEG data URL, and reads the answer', async () => {
    const p = openAiProvider({
      baseUrls: [server.baseUrl],
      model: 'qwen2.5vl:7b',
      apiKey: 'sk-test',
      output: 'caption',
    });
    const r = await p.run(input(red), signal());
    assert.deepEqual(r, { kind: 'caption', text: 'The image shows a red picture.' });
    const s = server.seen[0]!;
    assert.deepEqual(
      [s.model, s.prompt, s.system, s.auth, s.stream],
      ['qwen2.5vl:7b', 'Describe it.', 'You caption images.', 'Bearer sk-test', false],
    );
  });

  it('reads a streamed answer (server-sent events)', async () => {
    const p = openAiProvider({ baseUrls: [server.baseUrl], model: 'm', stream: true, output: 'caption' });
    assert.deepEqual(await p.run(input(red), signal()), { kind: 'caption', text: 'The image shows a red picture.' });
    assert.equal(server.seen[0]!.stream, true);
  });

  it('downscales to the long side (EXIF orientation applied) and never enlarges', async () => {
    // 3000x1000 stored, EXIF 6 (shown rotated): arrives 342x1024 (upright, long side 1024).
    const big = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#0000ff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const p = openAiProvider({ baseUrls: [server.baseUrl], model: 'm', output: 'caption' });
    await p.run(input(big), signal());
    assert.deepEqual([server.seen[0]!.width, server.seen[0]!.height, server.seen[0]!.colour], [341, 1024, 'blue']);
    await p.run(input(red), signal());
    assert.deepEqual([server.seen[1]!.width, server.seen[1]!.height], [64, 48]);
  });

  it('uses several base URLs round-robin', async () => {
    const second = await startChatServer();
    try {
      const p = openAiProvider({ baseUrls: [server.baseUrl, second.baseUrl], model: 'm', output: 'caption' });
      for (let i = 0; i < 4; i++) await p.run(input(red), signal());
      assert.deepEqual([server.requests, second.requests], [2, 2]);
    } finally {
      await second.close();
    }
  });

  it('classifies failures: 429 with Retry-After and 500 may be retried, 401 stops the run, 400 fails the image', async () => {
    const p = openAiProvider({ baseUrls: [server.baseUrl], model: 'm', output: 'caption' });
    const codes: Record<number, { status: number; body?: string; headers?: Record<string, string> }> = {
      1: { status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"message":"slow down"}}' },
      2: { status: 500, body: 'boom' },
      3: { status: 401, body: '{"error":{"message":"bad key"}}' },
      4: { status: 400, body: '{"error":{"message":"image too large"}}' },
    };
    server.script = (n) => codes[n];
    const errs: ProviderError[] = [];
    for (let i = 0; i < 4; i++)
      errs.push(
        await p.run(input(red), signal()).then(
          () => assert.fail('should fail'),
          (e: ProviderError) => e,
        ),
      );
    assert.deepEqual(
      errs.map((e) => [e.retryable, e.fatal, e.retryAfterMs]),
      [
        [true, false, 2000],
        [true, false, undefined],
        [false, true, undefined],
        [false, false, undefined],
      ],
    );
    assert.match(errs[0]!.message, /busy \(429 Too Many Requests\): slow down/);
    assert.match(errs[2]!.message, /needs an API key .*bad key/);
    assert.match(errs[3]!.message, /refused the request \(HTTP 400\): image too large/);
    assert.ok(
      errs.every((e) => !/sk-/.test(e.message)),
      'no key in any message',
    );
  });

  it('fails a reply that is not JSON or lacks the content, and a reply slower than the timeout, with clear messages', async () => {
    const p = openAiProvider({ baseUrls: [server.baseUrl], model: 'm', timeoutMs: 300, output: 'caption' });
    server.script = (n) =>
      n === 1
        ? { status: 200, body: '<html>proxy error</html>' }
        : n === 2
          ? { status: 200, body: '{"choices":[]}' }
          : { hold: new Promise(() => undefined) };
    await assert.rejects(p.run(input(red), signal()), /sent a reply that is not JSON \("<html>proxy error/);
    await assert.rejects(p.run(input(red), signal()), /without choices\[0\]\.message\.content/);
    await assert.rejects(
      p.run(input(red), signal()),
      /no answer from 127\.0\.0\.1:\d+ within 0.3 s; raise the timeout/,
    );
  });

  it('stops at once when aborted', async () => {
    const p = openAiProvider({ baseUrls: [server.baseUrl], model: 'm', output: 'caption' });
    server.script = () => ({ hold: new Promise(() => undefined) });
    const ac = new AbortController();
    const run = p.run(input(red), ac.signal);
    while (server.requests === 0) await new Promise((r) => setImmediate(r));
    ac.abort();
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(10_000 + 5000).toUTCString(), 10_000), 5000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});
