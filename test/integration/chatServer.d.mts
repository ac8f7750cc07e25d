import type { Server } from 'node:http';

/**
 * Starts a local OpenAI-compatible chat completions server on 127.0.0.1 that names the colour (one of `colours`,
 * else 'grey') of the JPEG it is sent and answers `answer(colour)`.
 */
export function colourChatServer(opts: {
  colours: [string, number[]][];
  answer: (colour: string) => string;
}): Promise<{ url: string; server: Server; seen: string[] }>;
