// `npm start`: builds the extension, generates demo/ (scripts/make-demo.mjs) and opens VS Code on it with the
// extension loaded in development mode: the desktop `code` when it is on PATH, otherwise the offline web host
// (code-server from npm, installed on first use into .vscode-host/) on 127.0.0.1, whose URL it prints. The web
// host runs until Ctrl-C, then stops cleanly. Options: --web (use the web host even when `code` exists),
// --port N (default: a free port), --keep-demo (keep an existing demo/ as it is).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHost, REPO_ROOT } from './vscodeHost.mjs';
import { startServer } from './lib/codeServer.mjs';
import { makeDemo } from './make-demo.mjs';

const argv = process.argv.slice(2);
const portAt = argv.indexOf('--port');
const port = portAt >= 0 ? Number(argv[portAt + 1]) : undefined;
const say = (m) => console.log(`[start] ${m}`);

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('[start] `node esbuild.mjs` failed: fix the build errors above, then run `npm start` again.');
  process.exit(1);
}
const demo = join(REPO_ROOT, 'demo');
if (argv.includes('--keep-demo') && existsSync(demo)) say('keeping the existing demo/');
else say(`demo dataset: ${makeDemo(demo)}`);

const hasCode = spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
if (hasCode && !argv.includes('--web')) {
  say('opening desktop VS Code with the extension in development mode');
  const code = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, demo], { stdio: 'inherit' });
  code.on('close', (c) => process.exit(c ?? 0));
} else {
  if (!hasCode) say('`code` is not on PATH: using the web VS Code host (code-server) instead');
  await ensureHost();
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      stopping = true;
      say('stopping the VS Code host…');
    });
  }
  const server = await startServer({ folder: demo, extensionDevelopmentPath: REPO_ROOT, port });
  say(`VS Code (web) with LoRA Dataset Tagger in development mode on ${demo}:`);
  console.log(`\n  ${server.url}\n`);
  say('right-click "photoshoot" in the Explorer and choose "Start LoRA Tagging". Ctrl-C stops the host.');
  const { code, signal } = await server.exited;
  if (!stopping) {
    console.error(
      `[start] code-server stopped by itself (exit ${code}, signal ${signal}). Its log:\n${server.logTail()}`,
    );
    await server.stop();
    process.exit(1);
  }
}
