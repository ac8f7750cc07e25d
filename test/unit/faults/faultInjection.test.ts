// Issue 9: the engine killed at random moments. The built CLI is SIGKILLed after a seeded random delay while it
// stages (copy and move), saves captions in quick succession, exports and renames a tag across the dataset; after
// every kill the files are checked, the same command is run again (killed again, or let finish), and the end
// state is checked against an uninterrupted run. FAULT_KILLS=30 (or more) for the README's figures, FAULT_SEED to
// replay. Half the kills come at a moment of the run, half at a point of its work as it shows on disk.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeImage } from '../../../scripts/lib/makeImages.mjs';
import { readZip } from '../dataset/export/helpers';
import { tempDir } from '../dataset/helpers';
import { files, Invariants, isLeftover, type Kill, KILLS, runCli, SEED, seeded, sha256 } from './harness';

const SOURCES = 40;
/** Kills in a row on one dataset before the command is let finish (then a fresh dataset). */
const KILLS_PER_DATASET = 3;
const totals = { scenarios: 0, kills: 0, midWork: 0, checks: 0 };

interface Scenario {
  /** A fresh copy of the scenario's starting point; returns the folder the command runs on. */
  fresh(): string;
  args(folder: string): string[];
  /** What must hold after a kill (the command half done). */
  afterKill(folder: string, inv: Invariants): void | Promise<void>;
  /** What must hold after the command finished. */
  finished(folder: string, inv: Invariants): void | Promise<void>;
  /** How far the work had got (0: nothing yet, 1: all), to count the kills that cut it in the middle. */
  progress(folder: string): number;
}

const safely = (f: () => number) => {
  try {
    return f();
  } catch {
    // A file caught between its temp and its rename: look again on the next tick.
    return 0;
  }
};

/** Kills the scenario's command KILLS times (KILLS_PER_DATASET per fresh dataset), checking after each. */
async function runScenario(name: string, s: Scenario): Promise<void> {
  const random = seeded(SEED ^ [...name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
  const startup = (await runCli(['--version'], tempDir('fv'))).ms;
  // An uninterrupted run: how long one takes, for the kills at a moment.
  const calibrate = s.fresh();
  const whole = await runCli(s.args(calibrate), calibrate);
  assert.equal(whole.code, 0, whole.stderr);
  let kills = 0;
  let kill = 0;
  let midWork = 0;
  const inv = new Invariants(() => `${name}, kill ${kill}, FAULT_SEED=${SEED}`);
  await s.finished(calibrate, inv);
  while (kills < KILLS) {
    const folder = s.fresh();
    for (let inRow = 0; ; inRow++) {
      const last = inRow >= KILLS_PER_DATASET || kills >= KILLS;
      // Half the kills at a moment of the run (opening, planning, writing, finishing), half at a point of the
      // work as it shows on disk (the n-th image staged, tag written, caption renamed, byte of the zip).
      const at = random();
      const when: Kill | undefined = last
        ? undefined
        : random() < 0.5
          ? { afterMs: startup * 0.8 + at * Math.max(20, whole.ms - startup * 0.8) }
          : { when: () => safely(() => s.progress(folder)) >= 0.02 + at * 0.96 };
      const r = await runCli(s.args(folder), folder, when);
      if (!r.killed) {
        assert.equal(r.code, 0, `${name}: the run after ${inRow} kill(s) failed: ${r.stderr}`);
        break;
      }
      kills++;
      kill = kills;
      const p = safely(() => s.progress(folder));
      if (p > 0 && p < 1) midWork++;
      await s.afterKill(folder, inv);
    }
    await s.finished(folder, inv);
  }
  totals.scenarios++;
  totals.kills += kills;
  totals.checks += inv.checked;
  totals.midWork += midWork;
  console.log(`      ${name}: ${kills} kills (${midWork} in the middle of the work), ${inv.checked} invariant checks`);
}

// ---------------------------------------------------------------- the starting points

/** Source images (PNG and JPEG, some with a caption beside them), made once. */
function sourceImages(): { dir: string; hashes: Map<string, string> } {
  const dir = join(tempDir('fsrc'), 'images');
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= SOURCES; i++) {
    writeImage(join(dir, `photo ${i}.${i % 3 ? 'png' : 'jpg'}`), 800 + i * 8, 600, i);
    if (i % 4 === 0) writeFileSync(join(dir, `photo ${i}.txt`), `ohwx, carried over ${i}`);
  }
  return { dir, hashes: new Map(files(dir).map((f) => [f, sha256(join(dir, f))])) };
}

const stageArgs = (mode: 'copy' | 'move') => (folder: string) => [
  'stage',
  folder,
  '--prefix',
  'f',
  '--trigger',
  'ohwx',
  '--style',
  'tags',
  '--mode',
  mode,
  '--on-existing',
  'resume',
];

interface Staged {
  /** Staged name -> the source it came from (an uninterrupted run's numbering). */
  planned: Map<string, string>;
  captions: Map<string, string>;
}

function readStaged(folder: string): Staged {
  const s = JSON.parse(readFileSync(join(folder, 'output', 'session.json'), 'utf8'));
  const planned = new Map<string, string>(s.images.map((i: { file: string; source: string }) => [i.file, i.source]));
  const captions = new Map([...planned.keys()].map((f) => [f, readFileSync(join(folder, 'output', txt(f)), 'utf8')]));
  return { planned, captions };
}

const tagLines = (out: string) => readFileSync(join(out, 'tags.txt'), 'utf8').split('\n').filter(Boolean);
const txt = (image: string) => image.replace(/\.[^.]+$/, '.txt');
const isImage = (f: string) => /^f_\d{4}\.(png|jpg)$/.test(f);

function stagingScenario(mode: 'copy' | 'move', src: { dir: string; hashes: Map<string, string> }): Scenario {
  let ref: Staged | undefined;
  const sourceHash = (rel: string) => src.hashes.get(rel)!;
  const check = (folder: string, inv: Invariants, done: boolean) => {
    const out = join(folder, 'output');
    const staged = files(out).filter(isImage);
    const seen = new Set<string>();
    for (const f of staged) {
      const from = ref!.planned.get(f);
      inv.check(from !== undefined, `${f} is not a name the plan gives`);
      const h = sha256(join(out, f));
      inv.check(h === sourceHash(from!), `${f} is not byte for byte ${from} (SHA-256)`);
      inv.check(!seen.has(h), `${from} was staged twice`);
      seen.add(h);
      if (existsSync(join(out, txt(f)))) {
        const c = readFileSync(join(out, txt(f)), 'utf8');
        inv.check(c === ref!.captions.get(f), `${txt(f)} is not whole: ${JSON.stringify(c)}`);
      }
    }
    for (const [name, from] of ref!.planned) {
      const inSource = existsSync(join(folder, from));
      const inOutput = staged.includes(name);
      if (mode === 'copy')
        inv.check(inSource && sha256(join(folder, from)) === sourceHash(from), `source ${from} changed`);
      // Move: in one place or the other at every moment (both only between a verified copy and the delete).
      else inv.check(inSource || inOutput, `${from} is in neither place`);
      if (mode === 'move' && done) inv.check(!inSource && inOutput, `${from} is not in exactly one place`);
    }
    if (done) {
      inv.check(staged.length === ref!.planned.size, `${staged.length} of ${ref!.planned.size} images staged`);
      const session = JSON.parse(readFileSync(join(out, 'session.json'), 'utf8'));
      inv.check(session.staging === undefined, 'the session still records an unfinished plan');
      const left = [...files(out), ...files(folder).filter((f) => !f.startsWith('output'))].filter(isLeftover);
      inv.check(left.length === 0, `left behind: ${left.join(', ')}`);
    }
  };
  return {
    fresh() {
      const d = join(tempDir(`f${mode}`), 'images');
      cpSync(src.dir, d, { recursive: true });
      return d;
    },
    args: stageArgs(mode),
    progress: (folder) => files(join(folder, 'output')).filter(isImage).length / SOURCES,
    afterKill: (folder, inv) => check(folder, inv, false),
    finished(folder, inv) {
      ref ??= readStaged(folder);
      check(folder, inv, true);
    },
  };
}

/** A staged dataset (copy mode) made once, copied for each run. */
async function stagedDataset(src: { dir: string }): Promise<string> {
  const d = join(tempDir('fds'), 'images');
  cpSync(src.dir, d, { recursive: true });
  const r = await runCli(stageArgs('copy')(d), d);
  assert.equal(r.code, 0, r.stderr);
  return join(d, 'output');
}

function copyOf(output: string): string {
  const d = join(tempDir('fcopy'), 'output');
  cpSync(output, d, { recursive: true });
  return d;
}

function captionSaves(output: string): Scenario {
  const images = readStaged(join(output, '..')).planned;
  const names = [...images.keys()];
  // 240 saves, ten per image, each text a longer one (a typist's pauses), with a tag of its own.
  const entries = Array.from({ length: 240 }, (_, i) => {
    const f = names[i % names.length]!;
    return [f, `ohwx, tag ${i}, ${'a long enough caption to take a moment to write '.repeat(1 + (i % 3))}`.trim()];
  });
  const valid = new Map(names.map((f) => [f, new Set([readFileSync(join(output, txt(f)), 'utf8')])]));
  for (const [f, t] of entries) valid.get(f)!.add(t!);
  const last = new Map(entries.map(([f, t]) => [f!, t!]));
  const tagUniverse = new Set(['ohwx', ...[...valid.values()].flatMap((s) => [...s].flatMap((t) => t.split(', ')))]);
  const check = (out: string, inv: Invariants, done: boolean) => {
    for (const f of names) {
      const c = readFileSync(join(out, txt(f)), 'utf8');
      inv.check(valid.get(f)!.has(c), `${txt(f)} is not whole: ${JSON.stringify(c.slice(0, 60))}`);
      if (done) inv.check(c === last.get(f), `${txt(f)} does not hold the last text saved`);
    }
    const tags = readFileSync(join(out, 'tags.txt'), 'utf8').split('\n').filter(Boolean);
    for (const t of tags) inv.check(tagUniverse.has(t), `tags.txt holds a broken line: ${JSON.stringify(t)}`);
    inv.check(!!JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')).images, 'session.json is not whole');
    if (done) {
      const have = new Set(tags);
      for (const t of [...last.values()].flatMap((x) => x.split(', '))) inv.check(have.has(t), `tags.txt lacks ${t}`);
      inv.check(files(out).filter(isLeftover).length === 0, `left behind: ${files(out).filter(isLeftover)}`);
    }
  };
  return {
    fresh() {
      const out = copyOf(output);
      writeFileSync(join(out, '..', 'saves.json'), JSON.stringify(entries));
      return out;
    },
    args: (out) => ['caption-import', out, join(out, '..', 'saves.json')],
    progress: (out) => tagLines(out).filter((t) => /^tag \d+$/.test(t)).length / 240,
    afterKill: (out, inv) => check(out, inv, false),
    finished: (out, inv) => check(out, inv, true),
  };
}

function exportScenario(output: string): Scenario {
  const names = [...readStaged(join(output, '..')).planned.keys()];
  const expected = new Map(names.flatMap((f) => [f, txt(f)].map((n) => [n, sha256(join(output, n))] as const)));
  const zipOf = (out: string) => join(out, '..', 'dataset.zip');
  // About the size of the zip: its files are stored, not compressed.
  const zipBytes = [...expected.keys()].reduce((n, f) => n + statSync(join(output, f)).size + 100, 0);
  const checkZip = async (out: string, inv: Invariants) => {
    const entries = await readZip(zipOf(out));
    inv.check(entries.length === expected.size, `the zip holds ${entries.length} of ${expected.size} files`);
    for (const e of entries) {
      const h = createHash('sha256').update(e.data).digest('hex');
      inv.check(expected.get(e.name) === h, `${e.name} in the zip is not byte for byte the dataset's`);
    }
  };
  return {
    fresh: () => copyOf(output),
    args: (out) => ['export', out, '--out', zipOf(out)],
    // Mid-export: the zip is being written to its temp (the finished zip appears in one rename).
    // The bytes of the zip written so far (to its temp; the finished zip appears in one rename).
    progress: (out) => {
      if (existsSync(zipOf(out))) return 1;
      const partial = files(join(out, '..')).find((f) => f.endsWith('.partial'));
      return partial ? Math.min(0.99, statSync(join(out, '..', partial)).size / zipBytes) : 0;
    },
    async afterKill(out, inv) {
      // No zip, or a whole one: never a partial zip at the name the user sees.
      if (existsSync(zipOf(out))) await checkZip(out, inv);
      else inv.check(true, 'no zip yet');
    },
    async finished(out, inv) {
      await checkZip(out, inv);
      const left = files(join(out, '..')).filter(isLeftover);
      inv.check(left.length === 0, `left behind: ${left.join(', ')}`);
    },
  };
}

function renameScenario(output: string): Scenario {
  const names = [...readStaged(join(output, '..')).planned.keys()];
  const before = new Map(names.map((f, i) => [f, `ohwx, redhead, smile ${i}`]));
  const after = new Map(names.map((f, i) => [f, `ohwx, red hair, smile ${i}`]));
  const check = (out: string, inv: Invariants, done: boolean) => {
    for (const f of names) {
      const c = readFileSync(join(out, txt(f)), 'utf8');
      inv.check(c === after.get(f) || (!done && c === before.get(f)), `${txt(f)} is neither before nor after: ${c}`);
    }
    const undo = join(out, 'tag-undo.json');
    if (existsSync(undo))
      inv.check(Array.isArray(JSON.parse(readFileSync(undo, 'utf8')).entries), 'tag-undo.json is whole');
    if (done) inv.check(files(out).filter(isLeftover).length === 0, `left behind: ${files(out).filter(isLeftover)}`);
  };
  return {
    fresh() {
      const out = copyOf(output);
      for (const [f, t] of before) writeFileSync(join(out, txt(f)), t);
      return out;
    },
    args: (out) => ['tags', 'rename', out, '--from', 'redhead', '--to', 'red hair'],
    progress: (out) =>
      names.filter((f) => readFileSync(join(out, txt(f)), 'utf8') === after.get(f)).length / names.length,
    afterKill: (out, inv) => check(out, inv, false),
    finished: (out, inv) => check(out, inv, true),
  };
}

describe('fault injection: the engine killed at random moments (issue 9)', function () {
  this.timeout(0);
  let src: { dir: string; hashes: Map<string, string> };
  let staged: string;
  before(async () => {
    src = sourceImages();
    staged = await stagedDataset(src);
  });
  after(() => {
    const t = totals;
    const mid = `${t.midWork} in the middle of the work`;
    console.log(
      `      fault injection: ${t.scenarios} scenarios, ${t.kills} kills (${mid}), ${t.checks} checks, 0 failed`,
    );
  });

  it('staging in copy mode: each source staged once, as planned, byte for byte; sources untouched', () =>
    runScenario('staging (copy)', stagingScenario('copy', src)));
  it('staging in move mode: each image in one place at the end, never in none, byte for byte', () =>
    runScenario('staging (move)', stagingScenario('move', src)));
  it('rapid caption saves: every caption whole at every kill, the last text at the end, tags.txt whole', () =>
    runScenario('caption saves', captionSaves(staged)));
  it('export: never a partial zip; at the end the whole dataset byte for byte, nothing left beside it', () =>
    runScenario('export', exportScenario(staged)));
  it('a dataset-wide tag rename: every caption before or after, never half; done on the re-run', () =>
    runScenario('tag rename', renameScenario(staged)));
});
