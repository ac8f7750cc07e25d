// Runs the offline VS Code host that scripts/vscodeHost.mjs installs: starts code-server on 127.0.0.1 with the
// extension in development mode (and optionally a test runner) or with a packaged .vsix installed into a fresh
// extensions dir, and makes sure every server this process started is ended on exit or a signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { hostInstalled, paths, REPO_ROOT } from '../vscodeHost.mjs';

const log = (msg) => console.log(`[vscode-host] ${msg}`);

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// Servers this process started, so that an exit or a signal still ends their process groups.
const live = new Set();
let handlersInstalled = false;

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const s of live) s.stopSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      // Give code-server its SIGTERM (stop() escalates to SIGKILL after 3 s), then leave with the signal's code.
      Promise.allSettled([...live].map((s) => s.stop())).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

/**
 * Records a started server's process group and temp dir in $LORA_HOST_REGISTRY (a folder), so a parent
 * runner can reap them if this process dies without running its exit handlers (SIGKILL).
 */
function register(pid, dir) {
  const reg = process.env.LORA_HOST_REGISTRY;
  if (!reg) return () => {};
  mkdirSync(reg, { recursive: true });
  const f = join(reg, String(pid));
  writeFileSync(f, dir);
  return () => rmSync(f, { force: true });
}

/** Ends every server recorded in a registry folder (see register) and removes their temp dirs. */
export function reapRegistry(reg) {
  if (!reg || !existsSync(reg)) return 0;
  let n = 0;
  for (const name of readdirSync(reg)) {
    const pid = Number(name);
    const dir = readFileSync(join(reg, name), 'utf8').trim();
    if (pid && killGroup(pid, 'SIGKILL')) n++;
    if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
    rmSync(join(reg, name), { force: true });
  }
  return n;
}

/** Settings every run gets, so the workbench opens quietly and the same way each time. */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Builds the workbench URL: the server ignores --extensionDevelopmentPath/--extensionTestsPath flags, but the
 * web workbench honours them in `payload` when the server runs with enable-smoke-test-driver.
 */
export function workbenchUrl(port, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${resolve(p)}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(resolve(folder))}`);
  if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://127.0.0.1:${port}/${q.length ? '?' + q.join('&') : ''}`;
}

/**
 * Starts code-server in its own process group with everything it writes in a fresh temp dir.
 * Returns { url, port, pid, tmp, extensionsDir, userSettingsPath, urlFor(opts), writeSettings(obj), logTail(), exited,
 * stop() }.
 * `settings` are merged over quiet defaults into User/settings.json (e.g. { 'workbench.colorTheme': 'Default Light Modern' }).
 * `machineSettings` go into Machine/settings.json, the remote settings: the only place a window of this web
 * workbench (a remote one) reads `machine`-scoped settings from.
 * `port` defaults to a free one; `verbose` echoes the server's own output.
 * `installExtensions` lists .vsix files installed (`--install-extension`) into the fresh extensions dir before the
 * server starts; pass `extensionDevelopmentPath: null` with it so that the installed build is the one that runs.
 */
export async function startServer(opts = {}) {
  // A free port can be taken by someone else between freePort() and code-server's bind: try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(opts);
    } catch (err) {
      if (opts.port || attempt >= 3 || !/EADDRINUSE/.test(String(err?.message))) throw err;
      log(`port taken before code-server could bind it; retrying on another (attempt ${attempt + 1})`);
    }
  }
}

async function startServerOnce({
  folder,
  extensionDevelopmentPath = REPO_ROOT,
  extensionTestsPath,
  installExtensions = [],
  env = {},
  settings = {},
  machineSettings,
  port: wantedPort,
  verbose = false,
  readyTimeoutMs = 60000,
} = {}) {
  if (!hostInstalled())
    throw new Error('The VS Code host is not installed: call ensureHost() first (or run `npm start` once).');
  const tmp = mkdtempSync(join(tmpdir(), 'lora-vscode-'));
  const d = (n) => {
    const p = join(tmp, n);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const [cfg, data, cache, tmpd, udd, exts] = ['config', 'data', 'cache', 'tmp', 'user-data', 'extensions'].map(d);
  const userSettingsPath = join(udd, 'User', 'settings.json');
  let current = { ...BASE_SETTINGS, ...settings };
  const writeSettings = (s) => {
    current = { ...current, ...s };
    mkdirSync(dirname(userSettingsPath), { recursive: true });
    writeFileSync(userSettingsPath, JSON.stringify(current, null, 2));
  };
  writeSettings({});
  if (machineSettings) {
    mkdirSync(join(udd, 'Machine'), { recursive: true });
    writeFileSync(join(udd, 'Machine', 'settings.json'), JSON.stringify(machineSettings, null, 2));
  }
  const port = wantedPort || (await freePort());
  writeFileSync(join(cfg, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    paths.codeServerEntry,
    '--config',
    join(cfg, 'config.yaml'),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    udd,
    '--extensions-dir',
    exts,
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const childEnv = {
    ...process.env,
    ...env,
    PATH: `${paths.nodeBinDir}:${process.env.PATH}`,
    XDG_CONFIG_HOME: cfg,
    XDG_DATA_HOME: data,
    XDG_CACHE_HOME: cache,
    TMPDIR: tmpd,
  };
  // code-server would otherwise think it runs inside another VS Code's terminal.
  delete childEnv.VSCODE_IPC_HOOK_CLI;
  try {
    const dirArgs = ['--config', join(cfg, 'config.yaml'), '--user-data-dir', udd, '--extensions-dir', exts];
    for (const vsix of installExtensions) await installExtension(vsix, dirArgs, childEnv, tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const child = spawn(paths.nodeExe, args, {
    cwd: tmp,
    env: childEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (b) => {
    out = (out + b.toString()).slice(-30000);
    if (verbose) process.stderr.write(b);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitedPromise = new Promise((res) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      res(exited);
    }),
  );
  const unregister = register(child.pid, tmp);

  let stopped = false;
  const server = {
    port,
    tmp,
    /** The fresh --extensions-dir this server runs with (where installExtensions went). */
    extensionsDir: exts,
    pid: child.pid,
    userSettingsPath,
    url: workbenchUrl(port, { folder, extensionDevelopmentPath, extensionTestsPath }),
    /** Another workbench URL on this server (other folder, or a test runner). */
    urlFor: (opts) => workbenchUrl(port, { extensionDevelopmentPath, ...opts }),
    /** Merges settings into User/settings.json; a running workbench picks the change up live. */
    writeSettings,
    logTail: () => out.slice(-4000),
    /** Resolves with { code, signal } when the code-server process itself ends. */
    exited: exitedPromise,
    stopSync() {
      if (stopped) return;
      stopped = true;
      live.delete(server);
      killGroup(child.pid, 'SIGKILL');
      rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
      unregister();
    },
    /** Ends the whole process group (code-server's helpers linger ~15 s after SIGTERM) and removes the temp dir. */
    async stop() {
      if (stopped) return;
      if (killGroup(child.pid, 'SIGTERM')) {
        const deadline = Date.now() + 3000;
        while (Date.now() < deadline && killGroup(child.pid, 0)) await new Promise((r) => setTimeout(r, 100));
      }
      server.stopSync();
    },
  };
  live.add(server);
  installExitHandlers();

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      server.stopSync();
      throw new Error(
        `code-server exited before it was ready (${JSON.stringify(exited)}). Its output:\n${out.slice(-4000)}`,
      );
    }
    if (Date.now() > deadline) {
      server.stopSync();
      throw new Error(
        `code-server did not answer /healthz on port ${port} within ${readyTimeoutMs / 1000} s. Its output:\n${out.slice(-4000)}`,
      );
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return server;
}

/** Runs `code-server --install-extension <vsix>` with the server's own dirs; throws with its output if it fails. */
async function installExtension(vsix, dirArgs, env, cwd) {
  if (!existsSync(vsix)) {
    throw new Error(`Cannot install ${vsix} into code-server: no such file. Build one with \`npm run package\`.`);
  }
  const args = [paths.codeServerEntry, ...dirArgs, '--install-extension', resolve(vsix)];
  const child = spawn(paths.nodeExe, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b) => {
    out = (out + b.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise((res) => child.on('close', (c, sig) => res(c ?? sig)));
  // code-server reports a failed install on stdout and may still exit 0.
  if (code !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${code}). Its output:\n${out.slice(-4000)}`);
  }
  log(`installed ${vsix}`);
}
