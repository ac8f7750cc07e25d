import { strict as assert } from 'node:assert';
import type { VocabSuggestion } from '../../../src/shared/model';
import {
  HostEnvelope,
  ToHost,
  ToHostResults,
  WebviewEnvelope,
  type ReplyBody,
  type ToWebview,
} from '../../../src/shared/protocol';
import { RpcEndpoint, dispatchRequest, type Envelope, type RequestHandlers } from '../../../src/shared/rpc';

type Posted = Envelope<ToHost | ToWebview | ReplyBody>;

/** The webview's end, as main.ts builds it, posting into `posted`. */
function webviewEnd(onRequest: (body: ToWebview) => unknown = () => undefined) {
  const posted: Posted[] = [];
  const invalid: string[] = [];
  const rpc = new RpcEndpoint<ToHost, ToWebview, typeof ToHostResults>(
    (env) => posted.push(env),
    HostEnvelope,
    onRequest,
    (problem) => invalid.push(problem),
    'w',
    { results: ToHostResults },
  );
  return { rpc, posted, invalid };
}

/** The host's end, as taggingPanel.ts builds it, posting into `posted`. */
function hostEnd(onRequest: (body: ToHost) => unknown) {
  const posted: Posted[] = [];
  const invalid: string[] = [];
  const rpc = new RpcEndpoint<ToWebview, ToHost>(
    (env) => posted.push(env),
    WebviewEnvelope,
    onRequest,
    (problem) => invalid.push(problem),
    'h',
  );
  return { rpc, posted, invalid };
}

type HostHandlers = RequestHandlers<ToHost, typeof ToHostResults>;

/** A handler table that acknowledges every webview message type; tests override the ones they exercise. */
function ackAll(): HostHandlers {
  const types = ToHost.options.map((o) => o.shape.type.value);
  return Object.fromEntries(types.map((t) => [t, () => undefined])) as unknown as HostHandlers;
}

// Checked by `npm run typecheck`: a handler whose result does not match its request's schema does not compile.
// @ts-expect-error vocab/query answers VocabSuggestion[], not plain strings
const _wrongResult: HostHandlers['vocab/query'] = () => ['red hair'];

const query = { type: 'vocab/query', prefix: 'red', limit: 5 } satisfies ToHost;

describe('RpcEndpoint', () => {
  it('rejects a request that gets no reply within its timeout', async () => {
    const { rpc, posted } = webviewEnd();
    await assert.rejects(rpc.request(query, 5), { message: "No reply to 'vocab/query' within 5 ms" });
    assert.equal(posted.length, 1, 'the request itself was posted');
  });

  it('resolves a request with its reply result, checked against the result schema', async () => {
    const { rpc, posted } = webviewEnd();
    const pending = rpc.request(query, 1000);
    const suggestions: VocabSuggestion[] = [{ name: 'red hair', category: 'general', count: 12 }];
    await rpc.receive({ id: 'h1', inReplyTo: posted[0]!.id, body: { type: 'reply', ok: true, result: suggestions } });
    assert.deepEqual(await pending, suggestions);
  });

  it('rejects with the error of an ok:false reply', async () => {
    const { rpc, posted } = webviewEnd();
    const pending = rpc.request(query, 1000);
    const error = 'Could not read vocab.csv: permission denied';
    await rpc.receive({ id: 'h1', inReplyTo: posted[0]!.id, body: { type: 'reply', ok: false, error } });
    await assert.rejects(pending, { message: error });
  });

  it("rejects a reply whose result fails the request type's schema, saying which request and what is wrong", async () => {
    const { rpc, posted } = webviewEnd();
    const pending = rpc.request(query, 1000);
    await rpc.receive({ id: 'h1', inReplyTo: posted[0]!.id, body: { type: 'reply', ok: true, result: [{ name: 3 }] } });
    await assert.rejects(pending, (err: Error) => {
      assert.match(err.message, /^The reply to 'vocab\/query' is not what this version of the extension sends/);
      assert.match(err.message, /0\.name: /);
      assert.match(err.message, /reload the window/);
      return true;
    });
  });

  it('resolves an acknowledged request (no result schema) with undefined', async () => {
    const { rpc, posted } = webviewEnd();
    const pending = rpc.request({ type: 'save/flush' }, 1000);
    await rpc.receive({ id: 'h1', inReplyTo: posted[0]!.id, body: { type: 'reply', ok: true } });
    assert.equal(await pending, undefined);
  });

  it('answers a handler that throws with an ok:false reply carrying its message', async () => {
    const { rpc, posted } = hostEnd(() => {
      throw new Error('pan_0009.png is not an image of this dataset (/data/out).');
    });
    await rpc.receive({ id: 'w7', body: { type: 'image/select', file: 'pan_0009.png' } });
    assert.deepEqual(
      posted.map((e) => ({ inReplyTo: e.inReplyTo, body: e.body })),
      [
        {
          inReplyTo: 'w7',
          body: { type: 'reply', ok: false, error: 'pan_0009.png is not an image of this dataset (/data/out).' },
        },
      ],
    );
  });

  it('answers a request with what its handler returns', async () => {
    const handlers: HostHandlers = { ...ackAll(), 'vocab/query': (msg) => [{ name: `${msg.prefix} hair` }] };
    const { rpc, posted } = hostEnd((body) => dispatchRequest(handlers, body));
    await rpc.receive({ id: 'w1', body: query });
    assert.deepEqual(
      posted.map((e) => e.body),
      [{ type: 'reply', ok: true, result: [{ name: 'red hair' }] }],
    );
  });

  it('reports an invalid envelope and answers it with an error reply when it has an id', async () => {
    const seen: ToHost[] = [];
    const { rpc, posted, invalid } = hostEnd((body) => seen.push(body));
    await rpc.receive({
      id: 'w3',
      body: { type: 'caption/update', file: '../escape.txt', text: 'x', base: 0, seq: 1 },
    });
    assert.equal(invalid.length, 1);
    assert.match(invalid[0]!, /file/);
    assert.equal(posted.length, 1);
    const reply = posted[0]!;
    const body = reply.body as { type: string; ok: boolean; error: string };
    assert.equal(reply.inReplyTo, 'w3');
    assert.deepEqual([body.type, body.ok], ['reply', false]);
    assert.match(body.error, /^Invalid message: .*file/);
    assert.deepEqual(seen, [], 'the handler never saw it');
  });

  it('reports an invalid message without an id and answers nothing', async () => {
    const seen: ToHost[] = [];
    const { rpc, posted, invalid } = hostEnd((body) => seen.push(body));
    await rpc.receive('not even an object');
    await rpc.receive({ body: { type: 'ready' } });
    assert.equal(invalid.length, 2);
    assert.deepEqual(posted, []);
    assert.deepEqual(seen, []);
  });

  it('ignores a reply to an id it never sent, and still settles the real request', async () => {
    const { rpc, posted, invalid } = webviewEnd();
    const pending = rpc.request(query, 1000);
    const requestId = posted[0]!.id;
    await rpc.receive({ id: 'h1', inReplyTo: 'w999', body: { type: 'reply', ok: false, error: 'stray' } });
    await rpc.receive({ id: 'h2', body: { type: 'reply', ok: true, result: [] } });
    assert.deepEqual(invalid, []);
    assert.equal(posted.length, 1, 'a reply is never answered');
    await rpc.receive({ id: 'h3', inReplyTo: requestId, body: { type: 'reply', ok: true, result: [{ name: 'red' }] } });
    assert.deepEqual(await pending, [{ name: 'red' }]);
  });

  it('rejects every pending request on dispose()', async () => {
    const { rpc } = webviewEnd();
    const a = rpc.request(query, 60_000);
    const b = rpc.request({ type: 'save/flush' }, 60_000);
    rpc.dispose();
    await assert.rejects(a, { message: 'The panel was closed' });
    await assert.rejects(b, { message: 'The panel was closed' });
  });

  it('answers every host message the webview handles with an acknowledgement', async () => {
    const seen: ToWebview[] = [];
    const { rpc, posted } = webviewEnd((body) => void seen.push(body));
    await rpc.receive({ id: 'h5', body: { type: 'image/reveal', file: 'pan_0002.png' } });
    assert.deepEqual(seen, [{ type: 'image/reveal', file: 'pan_0002.png' }]);
    assert.deepEqual(posted, [{ id: 'w1', inReplyTo: 'h5', body: { type: 'reply', ok: true, result: undefined } }]);
  });
});
