// A local OpenAI-compatible chat completions server for the captioning tests of both integration layers (the
// extension-host suite imports it bundled, the workbench UI tests from Node). It stands in for Ollama, LM Studio or
// vLLM: it decodes the JPEG data URL of each request, finds which of `colours` the picture's mean colour is (within
// 40 per channel, else 'grey'), and answers what `answer(colour)` says, so each caption belongs to its own image.
// With `hold`, each reply waits until the test releases it, so a test knows which image is being captioned.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Red, green and blue: the colours most captioning tests' images are, one an image. */
export const PRIMARY_COLOURS = [
  ['red', [230, 20, 20]],
  ['green', [20, 230, 20]],
  ['blue', [20, 20, 230]],
];

/** Writes one solid-colour PNG per colour into `dir`, named 1.png, 2.png, … in the order of `colours`. */
export function writeColourImages(dir, colours = PRIMARY_COLOURS, { width = 40, height = 30 } = {}) {
  colours.forEach(([, rgb], i) => {
    const png = new PNG({ width, height });
    for (let k = 0; k < width * height; k++) png.data.set([...rgb, 255], k * 4);
    writeFileSync(join(dir, `${i + 1}.png`), PNG.sync.write(png));
  });
}

/**
 * Starts the server on 127.0.0.1 (a free port); resolves with its /v1 base URL, the server, and the colours seen.
 * With `hold`, also `held` (each request's colour, in arrival order), `release(i)` (answers the i-th) and
 * `answerAll()` (from now on answers every request at once; those held so far stay held).
 */
export async function colourChatServer({ colours, answer, hold = false }) {
  const seen = [];
  const held = [];
  let holding = hold;
  const reply = (h) => {
    h.res.writeHead(200, { 'content-type': 'application/json' });
    h.res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer(h.colour) } }] }));
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c.toString('utf8')));
    req.on('end', () => {
      const msg = JSON.parse(body);
      const url = msg.messages.at(-1).content.find((p) => p.type === 'image_url').image_url.url;
      const img = jpeg.decode(Buffer.from(url.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));
      const mean = [0, 1, 2].map(
        (c) => img.data.filter((_, i) => i % 4 === c).reduce((a, b) => a + b, 0) / (img.width * img.height),
      );
      const colour = colours.find(([, rgb]) => rgb.every((v, i) => Math.abs(v - mean[i]) < 40))?.[0] ?? 'grey';
      seen.push(colour);
      const h = { colour, res };
      if (hold) held.push(h);
      if (!holding) reply(h);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    server,
    seen,
    held,
    release: (i) => reply(held[i]),
    answerAll: () => {
      holding = false;
    },
  };
}
