// `npm run test:webview`: builds the webview, serves it with a fake VS Code host page, and runs the component
// tests (mocha, spec reporter) against it in a real Chromium.
import Mocha from 'mocha';
import { readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeImage } from '../../scripts/lib/makeImages.mjs';
import { buildWebview, launchChromium, repoRoot, startServer } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
await buildWebview();
const server = await startServer();
// Real, decodable images the tests point the dataset at.
for (let i = 1; i <= 6; i++) writeImage(join(server.imgDir, `img_${i}.png`), 320 + i * 16, 240, i);
writeImage(join(server.imgDir, 'big.jpg'), 1600, 1200, 9, 85);
mkdirSync(join(repoRoot, '.test-artifacts', 'screenshots'), { recursive: true });

const browser = await launchChromium();
globalThis.webviewHarness = { browser, server };

const mocha = new Mocha({ reporter: 'spec', timeout: 20_000, slow: 2000, grep: process.env.WEBVIEW_GREP });
for (const f of readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .sort())
  mocha.addFile(join(here, f));
let failures = 1;
try {
  await mocha.loadFilesAsync();
  failures = await new Promise((resolve) => mocha.run(resolve));
} finally {
  await browser.close();
  await server.close();
}
process.exit(failures ? 1 : 0);
