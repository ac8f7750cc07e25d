/**
 * One request/response helper used by both ends of the panel: sends envelopes, matches replies to requests by id,
 * times requests out, checks each reply against its request's result schema, and validates every inbound
 * envelope before handing it on.
 */
import type { z } from 'zod';
import type { ReplyBody, ResultOf, ResultSchemas } from './protocol';

/** A posted envelope. */
export interface Envelope<B> {
  id: string;
  inReplyTo?: string;
  body: B;
}

interface Pending {
  type: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** How long a request waits for its reply before it fails. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options of an endpoint: the result schemas of what it sends, and the default request timeout. */
export interface RpcOptions<S> {
  results?: S;
  timeoutMs?: number;
}

/**
 * One handler per inbound message type, each returning the result its type's schema declares: a missing type or a
 * wrong result fails to compile (the typed counterpart of `switch (msg.type)` with an exhaustiveness check).
 */
export type RequestHandlers<In extends { type: string }, S> = {
  readonly [K in In['type']]: (body: Extract<In, { type: K }>) => ResultOf<S, K> | Promise<ResultOf<S, K>>;
};

/** Hands a body to its handler: the `onRequest` of an endpoint whose handlers are a `RequestHandlers` table. */
export function dispatchRequest<In extends { type: string }>(
  handlers: { readonly [K in In['type']]: (body: Extract<In, { type: K }>) => unknown },
  body: In,
): unknown {
  const handler = handlers[body.type as In['type']] as (b: In) => unknown;
  return handler(body);
}

/**
 * Typed endpoint. `Out` is what this side sends, `In` what it receives (already validated by `schema`), `S` the
 * result schemas of the requests this side sends. `onRequest` handles every inbound non-reply body; what it returns
 * (or throws) becomes the reply.
 */
export class RpcEndpoint<
  Out extends { type: string },
  In extends { type: string },
  S extends ResultSchemas<Out> = Record<never, never>,
> {
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly results: ResultSchemas<Out>;
  private readonly timeoutMs: number;

  constructor(
    private readonly post: (envelope: Envelope<Out | ReplyBody>) => void,
    private readonly schema: z.ZodType<Envelope<In | ReplyBody>>,
    private readonly onRequest: (body: In) => unknown,
    private readonly onInvalid: (problem: string, raw: unknown) => void,
    private readonly prefix: string,
    options: RpcOptions<S> = {},
  ) {
    this.results = options.results ?? {};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Sends a message and does not wait for anything. */
  notify(body: Out): void {
    this.post({ id: this.nextId(), body });
  }

  /**
   * Sends a message and resolves with the other side's result, checked against the result schema of its type.
   * Rejects on an `ok: false` reply, a result that fails its schema, a timeout, or `dispose()`.
   */
  request<B extends Out>(body: B, timeoutMs = this.timeoutMs): Promise<ResultOf<S, B['type']>> {
    const id = this.nextId();
    return new Promise<ResultOf<S, B['type']>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`No reply to '${body.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { type: body.type, resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ id, body });
    });
  }

  /** Feed every raw inbound message here. Invalid ones are reported and, when they carry an id, answered with an error. */
  async receive(raw: unknown): Promise<void> {
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      const problem = describeIssues(parsed.error);
      this.onInvalid(problem, raw);
      const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      if (typeof id === 'string' && id.length <= 64) {
        this.reply(id, { type: 'reply', ok: false, error: `Invalid message: ${problem}` });
      }
      return;
    }
    const { id, inReplyTo, body } = parsed.data;
    if (body.type === 'reply') {
      const p = inReplyTo ? this.pending.get(inReplyTo) : undefined;
      if (!p || !inReplyTo) return;
      this.pending.delete(inReplyTo);
      clearTimeout(p.timer);
      this.settle(p, body as ReplyBody);
      return;
    }
    try {
      const result = await this.onRequest(body as In);
      this.reply(id, { type: 'reply', ok: true, result });
    } catch (err) {
      this.reply(id, { type: 'reply', ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Rejects every request still waiting (the panel closed). */
  dispose(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('The panel was closed'));
      this.pending.delete(id);
    }
  }

  private settle(p: Pending, reply: ReplyBody): void {
    if (!reply.ok) return p.reject(new Error(reply.error));
    const schema = this.results[p.type as Out['type']];
    const mismatch = `The reply to '${p.type}' is not what this version of the extension sends`;
    const advice = 'reload the window so the panel and the extension match';
    // An acknowledgement carries nothing the requester reads, whatever the handler happened to return.
    if (!schema) return p.resolve(undefined);
    const checked = schema.safeParse(reply.result);
    if (checked.success) p.resolve(checked.data);
    else p.reject(new Error(`${mismatch} (${describeIssues(checked.error)}); ${advice}.`));
  }

  private reply(inReplyTo: string, body: ReplyBody): void {
    this.post({ id: this.nextId(), inReplyTo, body });
  }

  private nextId(): string {
    return `${this.prefix}${++this.seq}`;
  }
}

/** Zod's issues as one line: `path: message; …`. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}
