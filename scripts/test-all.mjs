// `npm test` (after `pretest`: build, type-check, lint): runs the four test layers in order, streaming their
// output, then prints each layer's summary and one closing line `N passed, N failed, N skipped` over all of them.
//   unit         mocha in Node                        test/unit/.mocharc.json
//   webview      Lit components in a real Chromium    test/webview/run.mjs
//   integration  a real VS Code (code-server)         test/integration/runInCodeServer.mjs
//   packaged     the release .vsix installed in it    test/integration/runInCodeServer.mjs --packaged
// The packaged layer runs last: `npm run package` rebuilds dist/ in production mode.
// Counts come from each runner's closing lines (mocha's "N passing / N failing / N pending", node:test's
// "pass N / fail N / skipped N", or a plain "N passed, N failed"). A layer that exits non-zero without a counted
// failure counts as one failure. Exits 1 if any layer failed. `--only unit,webview` runs a subset.
import { spawn } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYER_TIMEOUT_MS = 30 * 60 * 1000;

const LAYERS = [
  { name: 'unit', args: [join(ROOT, 'node_modules/mocha/bin/mocha.js'), '--config', 'test/unit/.mocharc.json'] },
  { name: 'webview', args: ['test/webview/run.mjs'] },
  { name: 'integration', args: ['test/integration/runInCodeServer.mjs'] },
  { name: 'packaged', args: ['test/integration/runInCodeServer.mjs', '--packaged'] },
];

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

/** Sums every summary line a runner printed (the integration layer prints two mocha summaries). */
export function countResults(output) {
  const c = { passed: 0, failed: 0, skipped: 0, found: false };
  for (const raw of stripAnsi(output).split(/\r?\n/)) {
    const line = raw.trim();
    let m;
    if ((m = /^(\d+) passing\b/.exec(line))) {
      c.passed += +m[1];
      c.found = true;
    } else if ((m = /^(\d+) failing\b/.exec(line))) {
      c.failed += +m[1];
      c.found = true;
    } else if ((m = /^(\d+) pending\b/.exec(line))) {
      c.skipped += +m[1];
      c.found = true;
    } else if ((m = /^(?:[#ℹ]\s*)(pass|fail|skipped|todo)\s+(\d+)$/.exec(line))) {
      c.found = true;
      if (m[1] === 'pass') c.passed += +m[2];
      else if (m[1] === 'fail') c.failed += +m[2];
      else c.skipped += +m[2];
    } else if ((m = /^(?:\w+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(line))) {
      c.passed += +m[1];
      c.failed += +m[2];
      c.skipped += +(m[3] ?? 0);
      c.found = true;
    }
  }
  return c;
}

let current;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    // The child ends what it started (code-server, Chromium) on SIGTERM.
    current?.kill('SIGTERM');
    setTimeout(() => process.exit(sig === 'SIGINT' ? 130 : 143), 5000).unref();
  });
}

function runLayer(layer) {
  return new Promise((res) => {
    const t0 = Date.now();
    let out = '';
    const child = spawn(process.execPath, layer.args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    current = child;
    child.stdout.on('data', (b) => {
      out += b;
      process.stdout.write(b);
    });
    child.stderr.on('data', (b) => {
      process.stderr.write(b);
    });
    const timer = setTimeout(() => {
      console.error(`[test] ${layer.name} still running after ${LAYER_TIMEOUT_MS / 60000} minutes: stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15000).unref();
    }, LAYER_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      res({ code: code ?? (signal ? 1 : 0), output: out, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : undefined;
const unknown = only?.filter((n) => !LAYERS.some((l) => l.name === n)) ?? [];
if (unknown.length) {
  const names = LAYERS.map((l) => l.name).join(', ');
  console.error(`[test] --only ${unknown.join(',')}: no such layer; the layers are ${names}. Nothing was run.`);
  process.exit(2);
}
const results = [];
for (const layer of LAYERS) {
  if (only && !only.includes(layer.name)) continue;
  console.log(`\n[test] ── ${layer.name} ──`);
  const r = await runLayer(layer);
  const c = countResults(r.output);
  let note = '';
  if (r.code !== 0 && c.failed === 0) {
    c.failed = 1;
    note = `exited ${r.code} without a failing test counted: counted as 1 failure`;
  } else if (r.code === 0 && !c.found) {
    note = 'ran no tests';
  }
  results.push({ name: layer.name, ...c, code: r.code, seconds: r.seconds, note });
}

console.log('\n[test] ── summary ──');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const r of results) {
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
  const status = r.code === 0 ? 'ok' : 'FAILED';
  console.log(
    `  ${r.name.padEnd(12)} ${status.padEnd(6)} ${r.passed} passing, ${r.failed} failing, ${r.skipped} pending (${r.seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ''}`,
  );
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = results.some((r) => r.code !== 0) || total.failed > 0 ? 1 : 0;
