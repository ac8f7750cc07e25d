/**
 * A local OpenAI-compatible chat completions server for the tests and the bench (127.0.0.1 only). It checks each
 * request as a real server would (the messages, the image part, the data URL), decodes the image it was sent and
 * answers from its pixels ("a red picture"), so a test can prove that every caption belongs to its own image.
 * A test scripts failures per request: 429 with Retry-After, 500, a slow reply, a malformed body, a stream.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/** What the server saw in one valid request. */
export interface Seen {
  colour: string;
  model: string;
  prompt: string;
  system?: string;
  auth?: string;
  stream: boolean;
  width: number;
  height: number;
}

/** What a script may answer instead of the normal reply (undefined: answer normally). */
export type Scripted =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { delayMs: number }
  | { hold: Promise<void> }
  | undefined;

/** Names the colour of an image from its mean: red, green, blue, yellow, cyan, magenta, white, black, grey. */
export function colourName(r: number, g: number, b: number): string {
  const hi = (v: number) => v > 170;
  const lo = (v: number) => v < 85;
  if (hi(r) && lo(g) && lo(b)) return 'red';
  if (lo(r) && hi(g) && lo(b)) return 'green';
  if (lo(r) && lo(g) && hi(b)) return 'blue';
  if (hi(r) && hi(g) && lo(b)) return 'yellow';
  if (lo(r) && hi(g) && hi(b)) return 'cyan';
  if (hi(r) && lo(g) && hi(b)) return 'magenta';
  if (hi(r) && hi(g) && hi(b)) return 'white';
  if (lo(r) && lo(g) && lo(b)) return 'black';
  return 'grey';
}

/** A running server. */
export interface ChatServer {
  baseUrl: string;
  seen: Seen[];
  /** Requests refused as invalid, with why (a test asserts there are none). */
  invalid: string[];
  inFlight: number;
  maxInFlight: number;
  requests: number;
  /** Called per valid request (1-based count) to script a failure or a delay. */
  script?: (n: number, seen: Seen) => Scripted;
  /** The answer text for an image (default `<colour> picture`). */
  answer: (seen: Seen) => string;
  /** Fixed extra latency of every reply, ms. */
  latencyMs: number;
  /** Decode each image and name its colour (default); false only checks the data URL (the bench). */
  decodeImages: boolean;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 on a free port. */
export async function startChatServer(): Promise<ChatServer> {
  const state: ChatServer = {
    baseUrl: '',
    seen: [],
    invalid: [],
    inFlight: 0,
    maxInFlight: 0,
    requests: 0,
    answer: (s) => `The image shows a ${s.colour} picture.`,
    latencyMs: 0,
    decodeImages: true,
    close: async () => undefined,
  };
  const server = createServer((req, res) => void handle(state, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  state.baseUrl = `http://127.0.0.1:${port}/v1`;
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

async function handle(state: ChatServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.inFlight++;
  state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
  try {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const refuse = (why: string) => {
      state.invalid.push(why);
      send(res, 400, JSON.stringify({ error: { message: why, type: 'invalid_request_error' } }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return refuse(`${req.method} ${req.url}`);
    if (!String(req.headers['content-type']).startsWith('application/json')) return refuse('content-type');
    let body: { model?: unknown; messages?: unknown; stream?: unknown; max_tokens?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return refuse('body is not JSON');
    }
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) return refuse('model or messages missing');
    if (typeof body.max_tokens !== 'number') return refuse('max_tokens missing');
    const msgs = body.messages as { role: string; content: unknown }[];
    const user = msgs.find((m) => m.role === 'user');
    const system = msgs.find((m) => m.role === 'system');
    if (!user || !Array.isArray(user.content)) return refuse('no user message with content parts');
    const parts = user.content as { type: string; text?: string; image_url?: { url?: string } }[];
    const text = parts.find((p) => p.type === 'text')?.text;
    const url = parts.find((p) => p.type === 'image_url')?.image_url?.url;
    if (typeof text !== 'string' || typeof url !== 'string') return refuse('text or image_url part missing');
    const m = /^data:image\/jpeg;base64,([A-Za-z0-9+/=]+)$/.exec(url);
    if (!m) return refuse(`not a JPEG data URL: ${url.slice(0, 40)}`);
    let stats = { channels: [{ mean: 128 }, { mean: 128 }, { mean: 128 }], width: 0, height: 0 };
    if (state.decodeImages) {
      try {
        const img = sharp(Buffer.from(m[1]!, 'base64'), { failOn: 'error' });
        const meta = await img.metadata();
        if (meta.format !== 'jpeg') return refuse(`data URL holds ${meta.format}`);
        stats = { ...(await img.stats()), width: meta.width ?? 0, height: meta.height ?? 0 };
      } catch (err) {
        return refuse(`image does not decode: ${(err as Error).message}`);
      }
    }
    const [r, g, b] = stats.channels.map((c) => c.mean) as [number, number, number];
    const seen: Seen = {
      colour: colourName(r, g, b),
      model: body.model,
      prompt: text,
      ...(system ? { system: String(system.content) } : {}),
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      stream: body.stream === true,
      width: stats.width,
      height: stats.height,
    };
    const n = ++state.requests;
    state.seen.push(seen);
    const scripted = state.script?.(n, seen);
    if (scripted && 'status' in scripted) return send(res, scripted.status, scripted.body ?? '', scripted.headers);
    if (scripted && 'delayMs' in scripted) await new Promise((r2) => setTimeout(r2, scripted.delayMs));
    if (scripted && 'hold' in scripted) await scripted.hold;
    if (state.latencyMs) await new Promise((r2) => setTimeout(r2, state.latencyMs));
    if (res.destroyed) return;
    const answer = state.answer(seen);
    if (seen.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of answer.match(/.{1,7}/gs) ?? []) {
        res.write(
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: piece } }] })}\n\n`,
        );
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    send(
      res,
      200,
      JSON.stringify({
        id: 'c',
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      }),
    );
  } finally {
    state.inFlight--;
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}
