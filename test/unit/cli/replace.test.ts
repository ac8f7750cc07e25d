/** `lora-tagger replace`: preview with --dry-run, then one write that `tags undo` takes back in a later run. */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needRealImages } from '../fixtures';
import { copyRealImages, json, runCli } from './helpers';

interface ReplaceResult {
  label: string;
  changed: number;
  replacements: number;
  written: boolean;
  changes: Array<{ file: string; before: string; after: string }>;
}

describe('lora-tagger replace (built CLI)', function () {
  this.timeout(60_000);
  let src: string;
  let out: string;
  const txt = (n: number) => join(out, `rep_000${n}.txt`);
  const read = (n: number) => readFileSync(txt(n), 'utf8');

  before(async function () {
    needRealImages(this);
    src = copyRealImages(['Landscape_1', 'Portrait_1', 'Portrait_2'].map((n) => `photos/${n}.jpg`));
    const r = await runCli(['stage', src, '--prefix', 'rep', '--trigger', 'ohwx', '--style', 'natural'], src);
    assert.equal(r.code, 0, r.stderr);
    out = join(src, 'output');
    writeFileSync(txt(1), 'ohwx woman with red hair on a beach., red hair, film grain');
    writeFileSync(txt(2), 'ohwx man in a red coat.');
    writeFileSync(txt(3), 'ohwx, smile');
  });

  it('previews with --dry-run (before -> after, marked) and writes nothing', async () => {
    const r = await runCli(['replace', out, '--find', 'red', '--replace', 'crimson', '--dry-run'], src);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /rep_0001\.jpg: ohwx woman with \[\[red\]\] hair on a beach\., \[\[red\]\] hair, film grain/,
    );
    assert.match(r.stdout, /-> ohwx man in a \[\[crimson\]\] coat\./);
    assert.match(r.stdout, /would change 2 caption\(s\), 3 replacement\(s\)\. Nothing was written/);
    assert.equal(read(2), 'ohwx man in a red coat.');
  });

  it('replaces whole tags only (the prose untouched), then tags undo takes it back', async () => {
    const r = json<ReplaceResult>(
      await runCli(['replace', out, '--find', 'red hair', '--replace', 'auburn hair', '--tags', '--json'], src),
    );
    assert.deepEqual(
      { ...r, changes: r.changes.map((c) => c.file) },
      {
        label: 'Replace "red hair" with "auburn hair" in tags',
        changed: 1,
        replacements: 1,
        written: true,
        changes: ['rep_0001.jpg'],
      },
    );
    assert.equal(read(1), 'ohwx woman with red hair on a beach., auburn hair, film grain');
    const u = await runCli(['tags', 'undo', out], src);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /Undid Replace "red hair" with "auburn hair" in tags: 1 caption\(s\) restored/);
    assert.equal(read(1), 'ohwx woman with red hair on a beach., red hair, film grain');
  });

  it('keeps the trigger word unless --include-trigger, and says why a pattern is refused', async () => {
    const keep = json<ReplaceResult>(
      await runCli(['replace', out, '--find', 'ohwx', '--replace', 'sks', '--json'], src),
    );
    assert.equal(keep.changed, 0);
    assert.equal(read(3), 'ohwx, smile');
    const bad = await runCli(['replace', out, '--find', '(a+)+', '--replace', 'x', '--regex'], src);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /the pattern \(a\+\)\+ cannot be used: a repeated group that itself repeats/);
    const all = json<ReplaceResult>(
      await runCli(['replace', out, '--find', 'ohwx', '--replace', 'sks', '--include-trigger', '--json'], src),
    );
    assert.equal(all.changed, 3);
    assert.equal(read(3), 'sks, smile');
  });
});
