// Issue 9, case 3: two writers on one dataset (two VS Code windows, the panel and the command line), each in a
// process of its own (window.ts; the CLI bundle). The model: no dataset-wide lock (a window stays open for hours and
// would lock the CLI out); each shared file is re-read and merged into under a short lock, and editors, which take
// no lock, are caught by the file's stamp. Nothing either writer wrote may be lost.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { parseTagsFile } from '../../../../src/extension/dataset/tags/tagsFile';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { runCli } from '../../cli/helpers';
import { img, opts, tempDir } from '../helpers';

const WINDOW = join(__dirname, 'window.ts');
const ROOT = join(__dirname, '..', '..', '..', '..');

const running = new Set<ChildProcessWithoutNullStreams>();

type Reply = { ok: boolean; error?: string; errors?: string[]; undone?: (string | null)[] };

/** A window process on the dataset: `send` runs one command and resolves with its reply. */
function openWindow(outputFolder: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', WINDOW, outputFolder], { cwd: ROOT });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const waiting: ((r: Reply) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  return {
    async send(...command: unknown[]) {
      const r = await new Promise<Reply>((res, rej) => {
        waiting.push(res);
        child.stdin.write(JSON.stringify(command) + '\n');
        void exited.then(() => rej(new Error(`the window process ended: ${stderr}`)));
      });
      assert.ok(r.ok, `${JSON.stringify(command).slice(0, 80)}: ${r.error}`);
      return r;
    },
    async close() {
      await this.send('close');
      child.stdin.end();
      await exited;
    },
  };
}

async function staged(n = 10): Promise<{ out: string; files: string[] }> {
  const src = tempDir('two');
  for (let i = 1; i <= n; i++) img(src, `i${i}.png`, i);
  const r = await stageDataset(src, opts({ prefix: 't', triggerWord: 'ohwx', captionStyle: 'tags' }));
  return { out: r.outputFolder, files: Array.from({ length: n }, (_, i) => `t_${String(i + 1).padStart(4, '0')}.png`) };
}

const tagsOf = (out: string) => new Set(parseTagsFile(readFileSync(join(out, 'tags.txt'), 'utf8')));
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const leftovers = (out: string) => readdirSync(out).filter((n) => /\.lora-(tmp|lock|aside)$/.test(n));

describe('two writers on one dataset (issue 9, case 3)', function () {
  this.timeout(180_000);
  // A test that failed half-way leaves its windows waiting for commands: end them, so the run can end.
  afterEach(() => {
    for (const child of running) child.kill();
  });

  it('two windows adding new tags at once: tags.txt keeps every one of them', async () => {
    const { out, files } = await staged();
    const [a, b] = [openWindow(out), openWindow(out)];
    // Each window its own images (two windows typing the same caption is case 5), 300 new tags each.
    const [ra, rb] = await Promise.all([
      a.send('burst', 'a', 300, files.slice(0, 5)),
      b.send('burst', 'b', 300, files.slice(5)),
    ]);
    await Promise.all([a.close(), b.close()]);
    assert.deepEqual([ra.errors, rb.errors], [[], []]);
    const tags = tagsOf(out);
    const lost = [...range('a', 300), ...range('b', 300)].filter((t) => !tags.has(t));
    assert.deepEqual(lost, [], `${lost.length} of 600 new tags lost`);
    assert.deepEqual(leftovers(out), []);
  });

  it('hand edits to tags.txt while a window saves: every line added by hand stays, and every new tag', async () => {
    const { out, files } = await staged();
    const a = openWindow(out);
    let done = false;
    const burst = a.send('burst', 'w', 400, files).finally(() => (done = true));
    // An editor or a script appending a line in place (no lock: it is not ours), each time right after the window
    // wrote the file, so it races the window's next write.
    const hand: string[] = [];
    let last = -1;
    while (!done) {
      const size = statSync(join(out, 'tags.txt'), { throwIfNoEntry: false })?.size ?? -1;
      if (size !== last) {
        const line = `hand ${hand.length}`;
        appendFileSync(join(out, 'tags.txt'), `${line}\n`);
        hand.push(line);
        last = statSync(join(out, 'tags.txt')).size;
      }
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual((await burst).errors, []);
    await a.close();
    const tags = tagsOf(out);
    assert.ok(hand.length > 20, `only ${hand.length} hand edits happened during the saves`);
    assert.deepEqual(
      hand.filter((t) => !tags.has(t)),
      [],
      `hand edits lost (of ${hand.length})`,
    );
    assert.deepEqual(
      range('w', 400).filter((t) => !tags.has(t)),
      [],
      'new tags lost',
    );
  });

  it("session.json merges: a favourite set in one window survives the other's saves, and so does each", async () => {
    const { out, files } = await staged(4);
    const [a, b] = [openWindow(out), openWindow(out)];
    await a.send('favourite', files[0]);
    await a.send('pin', 'from a');
    await a.send('flush');
    // B opened before A's change; its own changes and saves must not take A's back.
    await b.send('favourite', files[2]);
    await b.send('pin', 'from b');
    await b.send('select', files[3]);
    await b.send('flush');
    await a.send('select', files[1]);
    await a.send('flush');
    await Promise.all([a.close(), b.close()]);
    const { dataset } = await Dataset.open(out);
    const favourites = dataset.session.images.filter((i) => i.favourite).map((i) => i.file);
    assert.deepEqual(favourites, [files[0], files[2]]);
    assert.deepEqual([...dataset.session.pinnedTags].sort(), ['from a', 'from b']);
    assert.equal(dataset.session.currentFile, files[1], 'the last image selected, by A');
    await dataset.close();
    assert.deepEqual(leftovers(out), []);
  });

  it("the CLI opening the dataset over and over never deletes a window's save in flight (no ENOENT)", async () => {
    const { out, files } = await staged();
    const a = openWindow(out);
    let done = false;
    const burst = a.send('burst', 'c', 400, files).finally(() => (done = true));
    let opens = 0;
    while (!done) {
      const r = await runCli(['report', out, '--json'], out);
      assert.equal(r.code, 0, r.stderr);
      opens++;
    }
    assert.deepEqual((await burst).errors, []);
    await a.close();
    assert.ok(opens >= 2, `the CLI opened the dataset ${opens} time(s) during the saves`);
    assert.deepEqual(
      range('c', 400).filter((t) => !tagsOf(out).has(t)),
      [],
    );
  });

  it('two processes recording and undoing tag operations at once: each step undone exactly once, none lost', async () => {
    const { out } = await staged(2);
    const [a, b] = [openWindow(out), openWindow(out)];
    // Each pushes a step and undoes the newest, 80 times: the history never holds more than two, so every step
    // recorded must be taken back by exactly one of the undos, whichever process made it.
    const [ra, rb] = await Promise.all([a.send('undoPairs', 'a', 80), b.send('undoPairs', 'b', 80)]);
    await Promise.all([a.close(), b.close()]);
    const undone = [...ra.undone!, ...rb.undone!];
    const twice = undone.filter((l, i) => undone.indexOf(l) !== i);
    const steps = [...range('a', 80), ...range('b', 80)];
    assert.deepEqual(twice, [], 'steps undone twice (or undos that found nothing)');
    assert.deepEqual(
      steps.filter((l) => !undone.includes(l)),
      [],
      'steps lost',
    );
    assert.match(readFileSync(join(out, 'tag-undo.json'), 'utf8'), /"entries": \[\]/);
    assert.deepEqual(leftovers(out), []);
  });
});
