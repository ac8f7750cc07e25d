/**
 * The command line's contract with scripts: a bad command line exits 2 with a message naming the flag or argument and
 * writes nothing; `check` exits 1 on an error finding; help for every command.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { needRealImages } from '../fixtures';
import { copyRealImages, json, runCli, snapshot } from './helpers';

describe('lora-tagger arguments, exit codes and help (built CLI)', function () {
  this.timeout(60_000);
  let root: string;
  let src: string;
  let out: string;

  before(async function () {
    needRealImages(this);
    src = copyRealImages(['photos/Landscape_1.jpg', 'formats/jpg-1x2-flipped-big-endian.jpg']);
    root = dirname(src);
    writeFileSync(join(root, 'notes.txt'), 'a file, not a folder');
    const r = await runCli(['stage', 'images', '--trigger', 'ohwx'], root);
    assert.equal(r.code, 0, r.stderr);
    out = join(src, 'output');
  });

  // [arguments, what the message must say]; run in `root`, where images/ is the source and images/output the dataset.
  const BAD: [string[], RegExp][] = [
    [[], /Usage: lora-tagger <command>/],
    [['frob'], /unknown command "frob"; the commands are stage, check, export, tags, report/],
    [['--prefix', 'x'], /unknown command "--prefix" \(options come after the command\)/],
    [['stage'], /stage: missing <folder>/],
    [['stage', 'images', '--bogus'], /stage: unknown option --bogus/],
    [['stage', 'images', '--prefx', 'a'], /unknown option --prefx \(did you mean --prefix\?\)/],
    [['stage', 'images', '-p', 'a'], /unknown option -p/],
    [['stage', 'images', '--prefix'], /--prefix needs a value: --prefix P/],
    [['stage', 'images', '--prefix', '--subfolders'], /--prefix needs a value/],
    [['stage', 'images', '--style', 'fancy'], /--style must be one of natural, tags \(found "fancy"\)/],
    [['stage', 'images', '--mode', 'teleport'], /--mode must be one of copy, move/],
    [['stage', 'images', '--on-existing', 'merge'], /--on-existing must be one of resume, add, restart/],
    [['stage', 'images', '--subfolders=yes'], /--subfolders is a switch and takes no value/],
    [['stage', 'images', '--prefix', 'a', '--prefix', 'b'], /--prefix is given twice/],
    [['stage', 'images', '--prefix', 'a/b'], /--prefix: prefix "a\/b" cannot be used/],
    [['stage', 'images', '--trigger', 'a,b'], /--trigger: the trigger word cannot hold a comma/],
    [['stage', 'images', 'more'], /unexpected argument "more"/],
    [['stage', 'nowhere'], /<folder> nowhere does not exist/],
    [['stage', 'notes.txt'], /notes\.txt is a file, not a folder/],
    [['stage', 'images/output'], /is the output folder of a tagging session, not a folder of source images/],
    [['check'], /check: missing <outputFolder>/],
    [['check', 'images'], /holds no tagging session \(no session\.json\)/],
    [['check', 'nowhere'], /<outputFolder> nowhere does not exist/],
    [['check', 'images/output', '--out', 'x.zip'], /check: unknown option --out/],
    [['export', 'images/output', '--out'], /--out needs a value/],
    [['export', 'images/output', '--out', 'x.tar'], /--out must be the path of a \.zip file/],
    [['export', 'images/output', '--out', 'nodir/x.zip'], /the folder .*nodir does not exist/],
    [['export', 'images/output', '--out', 'images'], /--out must be the path of a \.zip file/],
    [['tags'], /"tags" needs one of: rename, remove, add, undo/],
    [['tags', 'frob', 'images/output'], /unknown command "tags frob"/],
    [['tags', 'rename', 'images/output', '--from', 'a'], /--to B is required/],
    [['tags', 'rename', 'images/output', '--from', 'a', '--to', 'a'], /"a" already has that name/],
    [['tags', 'add', 'images/output', '--tag', 'a, b'], /"a, b" holds a comma/],
    [['tags', 'remove', 'images/output', '--tag', ' '], /A tag cannot be empty/],
    [['tags', 'remove', 'images', '--tag', 'a'], /holds no tagging session/],
    [['tags', 'undo', 'images/output', '--tag', 'a'], /tags undo: unknown option --tag/],
    [['report', 'images/output', '--markdown'], /report: unknown option --markdown/],
  ];

  for (const [args, message] of BAD) {
    it(`exits 2 and writes nothing: lora-tagger ${args.join(' ')}`, async () => {
      const before = snapshot(root);
      const r = await runCli(args, root);
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '', 'nothing on stdout without --json');
      assert.deepEqual(snapshot(root), before);
    });
  }

  it('with --json, a bad command line still prints exactly one JSON document: the error', async () => {
    const before = snapshot(root);
    const r = await runCli(['stage', 'images', '--style', 'fancy', '--json'], root);
    assert.equal(r.code, 2);
    const message = '--style must be one of natural, tags (found "fancy")';
    assert.deepEqual(json(r), { error: { message, exitCode: 2 } });
    assert.deepEqual(snapshot(root), before);
  });

  it('check exits 1 when a finding is an error, and says which', async () => {
    const r = await runCli(['check', 'images/output', '--json'], root);
    assert.equal(r.code, 1, r.stderr);
    const findings = json<{ file: string; rule: string; severity: string }[]>(r);
    assert.ok(
      findings.some((f) => f.rule === 'too-small' && f.severity === 'error'),
      JSON.stringify(findings),
    );
    const human = await runCli(['check', 'images/output'], root);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /^error +images_\d{4}\.jpg +too-small +.*1x2/m);
  });

  it("an engine error exits 1 with the engine's message; with --json it is the one document", async () => {
    writeFileSync(join(out, 'session.json'), JSON.stringify({ schemaVersion: 99 }));
    const r = await runCli(['report', 'images/output', '--json'], root);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /report: .*session\.json was written by a newer version of LoRA Dataset Tagger/);
    const doc = json<{ error: { message: string; exitCode: number } }>(r);
    assert.equal(doc.error.exitCode, 1);
    assert.match(doc.error.message, /newer version/);
  });

  it('prints help for the whole tool and for every command, on stdout, exit 0', async () => {
    const all = await runCli(['--help'], root);
    assert.equal(all.code, 0);
    for (const name of ['stage', 'check', 'export', 'tags rename', 'tags remove', 'tags add', 'tags undo', 'report']) {
      assert.match(all.stdout, new RegExp(`^  ${name} +\\S`, 'm'), `${name} is listed`);
      const one = await runCli([...name.split(' '), '--help'], root);
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stdout, new RegExp(`^Usage: lora-tagger ${name} `));
      assert.match(one.stdout, /--json +print exactly one JSON document/);
    }
    const flags = (await runCli(['stage', '--help'], root)).stdout;
    const listed = ['--prefix P', '--trigger T', '--style natural|tags', '--output NAME', '--mode copy|move'];
    for (const f of [...listed, '--subfolders', '--on-existing resume|add|restart']) {
      assert.ok(flags.includes(f), `stage --help shows ${f}`);
    }
    assert.equal((await runCli(['help', 'export'], root)).stdout, (await runCli(['export', '--help'], root)).stdout);
    assert.match((await runCli(['tags', '--help'], root)).stdout, /lora-tagger tags undo /);
  });
});
