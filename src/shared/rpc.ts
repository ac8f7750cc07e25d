/**
 * One request/response helper used by both ends of the panel: sends envelopes, matches replies to
 * requests by id, times requests out, and validates every inbound envelope before handing it on.
 */
import type { z } from 'zod';
import type { ReplyBody } from './protocol';

/** A posted envelope. */
export interface Envelope<B> {
  id: string;
  inReplyTo?: string;
  body: B;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** How long a request waits for its reply before it fails. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Typed endpoint. `Out` is what this side sends, `In` what it receives (already validated by `schema`).
 * `onRequest` handles every inbound non-reply body; what it returns (or throws) becomes the reply.
 */
export class RpcEndpoint<Out extends { type: string }, In extends { type: string }> {
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly prefix: string;

  constructor(
    private readonly post: (envelope: Envelope<Out | ReplyBody>) => void,
    private readonly schema: z.ZodType<Envelope<In | ReplyBody>>,
    private readonly onRequest: (body: Exclude<In, ReplyBody>) => unknown | Promise<unknown>,
    private readonly onInvalid: (problem: string, raw: unknown) => void,
    idPrefix: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.prefix = idPrefix;
  }

  /** Sends a message and does not wait for anything. */
  notify(body: Out): void {
    this.post({ id: this.nextId(), body });
  }

  /** Sends a message and resolves with the other side's reply result (rejects on `ok: false` or timeout). */
  request<T = unknown>(body: Out, timeoutMs = this.timeoutMs): Promise<T> {
    const id = this.nextId();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`No reply to '${body.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ id, body });
    });
  }

  /** Feed every raw inbound message here. Invalid ones are reported and, when they carry an id, answered with an error. */
  async receive(raw: unknown): Promise<void> {
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
      this.onInvalid(problem, raw);
      const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      if (typeof id === 'string' && id.length <= 64) this.reply(id, { type: 'reply', ok: false, error: `Invalid message: ${problem}` });
      return;
    }
    const { id, inReplyTo, body } = parsed.data;
    if (body.type === 'reply') {
      const p = inReplyTo ? this.pending.get(inReplyTo) : undefined;
      if (!p || !inReplyTo) return;
      this.pending.delete(inReplyTo);
      clearTimeout(p.timer);
      const reply = body as ReplyBody;
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(reply.error));
      return;
    }
    try {
      const result = await this.onRequest(body as Exclude<In, ReplyBody>);
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

  private reply(inReplyTo: string, body: ReplyBody): void {
    this.post({ id: this.nextId(), inReplyTo, body });
  }

  private nextId(): string {
    return `${this.prefix}${++this.seq}`;
  }
}
