/** The envelope every message travels in, the one reply to a request, and the typing of each request's result. */
import { z } from 'zod';

// The two reply shapes share the tag 'reply', which z.discriminatedUnion rejects ("Duplicate discriminator value"),
// so replies are their own union beside each direction's messages.
/**
 * The one reply to a request: its result, or why it failed. `result` is checked against the request's result
 * schema by the requester, which alone knows which request a reply answers.
 */
export const ReplyBody = z.union([
  z.object({ type: z.literal('reply'), ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ type: z.literal('reply'), ok: z.literal(false), error: z.string() }),
]);
export type ReplyBody = z.infer<typeof ReplyBody>;

/** Result schemas by message type: what the reply to each request carries (a type not listed: no result). */
export type ResultSchemas<M extends { type: string }> = { readonly [K in M['type']]?: z.ZodType };

/** The result a message of type `K` is answered with under result schemas `S` (void: a bare acknowledgement). */
export type ResultOf<S, K> = K extends keyof S ? (S[K] extends z.ZodType ? z.output<S[K]> : void) : void;

/** The envelope every message travels in. */
export function envelopeSchema<T extends z.ZodTypeAny>(body: T) {
  return z.object({ id: z.string().min(1).max(64), inReplyTo: z.string().max(64).optional(), body });
}

/** Exhaustiveness check for `switch (msg.type)`: a new message type that is not handled fails to compile. */
export function assertNever(x: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(x)}`);
}
