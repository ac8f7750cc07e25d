import type { Server } from 'node:http';

/** Red, green and blue: the colours most captioning tests' images are, one an image. */
export const PRIMARY_COLOURS: [string, number[]][];

/** Writes one solid-colour PNG per colour into `dir`, named 1.png, 2.png, … in the order of `colours`. */
export function writeColourImages(
  dir: string,
  colours?: [string, number[]][],
  size?: { width?: number; height?: number },
): void;

/**
 * Starts a local OpenAI-compatible chat completions server on 127.0.0.1 that names the colour (one of `colours`,
 * else 'grey') of the JPEG it is sent and answers `answer(colour)`; with `hold`, each reply waits for `release(i)`
 * (`answerAll()`: every later one at once).
 */
export function colourChatServer(opts: {
  colours: [string, number[]][];
  answer: (colour: string) => string;
  hold?: boolean;
}): Promise<{
  url: string;
  server: Server;
  seen: string[];
  held: { colour: string }[];
  release: (i: number) => void;
  answerAll: () => void;
}>;
