// `npm run test:integration`: runs the integration tests in a real VS Code (code-server's web workbench, see
// scripts/vscodeHost.mjs) with nothing downloaded but npm and Debian packages.
//   1. the extension-host suite: test/integration/suite/**/*.test.ts, bundled to out/integration-run-<pid>/, run by mocha
//      INSIDE the VS Code extension host; its output is streamed here through the workbench's smoke-test driver
//      (window.codeAutomationLog) and its result arrives through window.codeAutomationExit;
//   2. the workbench UI tests: test/integration/ui/**/*.test.mjs, mocha in Node driving the workbench in headless
//      Chromium as a person would (helpers in test/integration/ui/workbench.mjs).
// --packaged runs neither: it builds the release .vsix (`npm run package`) into out/packaged-run-<pid>/ and runs
// test/integration/packaged/**/*.test.mjs, which install it into code-server and drive the installed build
// (the .vsix path reaches them as $LORA_VSIX).
// Options: --suite-only, --ui-only, --packaged, --no-build (skip `node esbuild.mjs`), --grep <text> (both layers),
// --verbose (echo code-server's own log). Exits 0 only when every layer run passes; everything it starts is ended
// on exit, on Ctrl-C and after a 10-minute limit per layer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { ensureHost, launchBrowser, REPO_ROOT } from '../../scripts/vscodeHost.mjs';
import { reapRegistry, startServer } from '../../scripts/lib/codeServer.mjs';
import { buildSuite, makeSuiteWorkspace, suiteFiles } from './build.mjs';
import { packTestProvider } from './lmProvider/pack.mjs';

// A whole UI layer takes 5-8 min beside two busy processes on 2 cores (issue 9): 20 min leaves room without hiding a hang.
const LAYER_TIMEOUT_MS = 20 * 60 * 1000;
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const grepAt = argv.indexOf('--grep');
const grep = grepAt >= 0 ? argv[grepAt + 1] : undefined;
const verbose = flag('--verbose');

// Lines the extension host prints that say nothing about our tests (the closed network, the web host).
const NOISE = [
  /open-vsx\.org/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /^Creation of workbench contribution/,
  /authentication provider 'github'/,
];

const say = (msg) => console.log(`[integration] ${msg}`);

/** Builds the extension and the suite, starts code-server with the suite as extensionTestsPath, returns the exit code. */
async function runHostSuite() {
  if (suiteFiles().length === 0) {
    say('no test/integration/suite/**/*.test.ts files: extension-host suite skipped');
    return 0;
  }
  // A folder of this run's own: engineers sharing a working tree may run the suite at the same time.
  const outDir = join(REPO_ROOT, 'out', `integration-run-${process.pid}`);
  scratch.add(outDir);
  await buildSuite(outDir);
  const ws = makeSuiteWorkspace();
  const t0 = Date.now();
  const server = await startServer({
    folder: ws,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: outDir,
    // A language-model provider for the vscode.lm captioning test (the web workbench loads one development path).
    installExtensions: [await packTestProvider(outDir)],
    env: grep ? { LORA_TEST_GREP: grep } : {},
    verbose,
  });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    let finish;
    const done = new Promise((res) => {
      finish = res;
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish({ code: Number(code) }));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (NOISE.some((re) => re.test(text))) return;
      (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : text + '\n');
    });
    page.on('crash', () => finish({ code: 1, why: 'the workbench page crashed' }));
    const timer = setTimeout(
      () => finish({ code: 1, why: `no result after ${LAYER_TIMEOUT_MS / 60000} minutes` }),
      LAYER_TIMEOUT_MS,
    );
    say(
      `code-server ready on port ${server.port}; opening the workbench with the suite (${suiteFiles().length} file(s))`,
    );
    await page.goto(server.url);
    const result = await done;
    clearTimeout(timer);
    if (result.why) {
      console.error(
        `[integration] extension-host suite FAILED: ${result.why}. code-server's log:\n${server.logTail()}`,
      );
    }
    say(`extension-host suite exited ${result.code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result.code;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    rmSync(ws, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Runs workbench-driving tests (`glob`, default the UI tests) with mocha in a child Node process; returns its exit
 * code. `what` names them in log lines; `env` is added to the child's environment.
 */
async function runUiTests({ glob = 'test/integration/ui/**/*.test.mjs', what = 'workbench UI tests', env = {} } = {}) {
  const registry = mkdtempSync(join(tmpdir(), 'lora-it-reg-'));
  scratch.add(registry);
  const args = [
    join(REPO_ROOT, 'node_modules/mocha/bin/mocha.js'),
    '--ui',
    'bdd',
    '--reporter',
    'spec',
    '--timeout',
    '180000',
    '--slow',
    '30000',
    '--exit',
    '--forbid-only',
    ...(grep ? ['--grep', grep] : []),
    glob,
  ];
  const t0 = Date.now();
  say(`running the ${what} (mocha in Node driving headless Chromium)`);
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env, LORA_HOST_REGISTRY: registry, ...(verbose ? { LORA_VERBOSE: '1' } : {}) },
  });
  current = child;
  const timer = setTimeout(() => {
    console.error(`[integration] ${what} still running after ${LAYER_TIMEOUT_MS / 60000} minutes: stopping them`);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10000).unref();
  }, LAYER_TIMEOUT_MS);
  const code = await new Promise((res) => child.on('close', (c, sig) => res(c ?? (sig ? 1 : 0))));
  clearTimeout(timer);
  current = undefined;
  // Servers the child could not stop itself (killed hard) are ended here.
  const reaped = reapRegistry(registry);
  if (reaped) say(`ended ${reaped} code-server process group(s) the ${what} left behind`);
  rmSync(registry, { recursive: true, force: true });
  say(`${what} exited ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return code;
}

/** Builds the release .vsix with `npm run package` into a folder of this run's own; returns its path. */
function packageVsix() {
  const outDir = join(REPO_ROOT, 'out', `packaged-run-${process.pid}`);
  scratch.add(outDir);
  mkdirSync(outDir, { recursive: true });
  const vsix = join(outDir, 'lora-dataset-tagger.vsix');
  const t0 = Date.now();
  say('building the release .vsix (npm run package)');
  const b = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (b.status !== 0 || !existsSync(vsix)) {
    const how = b.status ?? b.signal ?? b.error?.message;
    throw new Error(`\`npm run package\` failed (exit ${how}): there is no .vsix to install and test.`);
  }
  say(`packaged ${vsix} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return vsix;
}

let current;
// Folders this run made (the suite bundle, the UI tests' server registry, the .vsix), removed however the run ends.
const scratch = new Set();
process.on('exit', () => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    current?.kill('SIGTERM');
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

/** The two development-build layers; returns the exit code. */
async function runDevelopmentLayers() {
  if (!flag('--no-build')) {
    const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (b.status !== 0)
      throw new Error('`node esbuild.mjs` failed: the extension does not build, so there is nothing to test.');
  }
  await ensureHost();
  const suiteCode = flag('--ui-only') ? 0 : await runHostSuite();
  const uiCode = flag('--suite-only') ? 0 : await runUiTests();
  return suiteCode || uiCode ? 1 : 0;
}

/** The packaged .vsix, installed and driven; returns the exit code. */
async function runPackagedLayer() {
  const vsix = packageVsix();
  await ensureHost();
  const glob = 'test/integration/packaged/**/*.test.mjs';
  return (await runUiTests({ glob, what: 'packaged-extension tests', env: { LORA_VSIX: vsix } })) ? 1 : 0;
}

try {
  process.exitCode = flag('--packaged') ? await runPackagedLayer() : await runDevelopmentLayers();
} catch (err) {
  console.error(`[integration] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
