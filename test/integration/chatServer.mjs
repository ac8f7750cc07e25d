// A local OpenAI-compatible chat completions server for the captioning tests of both integration layers (the
// extension-host suite imports it bundled, the workbench UI tests from Node). It stands in for Ollama, LM Studio or
// vLLM: it decodes the JPEG data URL of each request, finds which of `colours` the picture's mean colour is (within
// 40 per channel, else 'grey'), and answers what `answer(colour)` says, so each caption belongs to its own image.
import { createServer } from 'node:http';
import jpeg from 'jpeg-js';

/** Starts the server on 127.0.0.1 (a free port); resolves with its /v1 base URL, the server, and the colours seen. */
export async function colourChatServer({ colours, answer }) {
  const seen = [];
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
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer(colour) } }] }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/v1`, server, seen };
}
