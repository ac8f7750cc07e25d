/** `lora-tagger tags …` across separate runs: a later process undoes each operation, never over a later edit. */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needRealImages } from '../fixtures';
import { copyRealImages, json, runCli, snapshot } from './helpers';

interface OpResult {
  label: string;
  changed: number;
  files: string[];
}
interface UndoResult {
  label: string | null;
  changed: number;
  files: string[];
  skipped: string[];
}

describe('lora-tagger tags: rename, remove, add and undo across invocations (built CLI)', function () {
  this.timeout(60_000);
  let src: string;
  let out: string;
  const txt = (n: number) => join(out, `ops_000${n}.txt`);
  const read = (n: number) => readFileSync(txt(n), 'utf8');
  const tags = async (...args: string[]) => {
    const r = await runCli(['tags', ...args.slice(0, 1), out, ...args.slice(1), '--json'], src);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };

  before(async function () {
    needRealImages(this);
    src = copyRealImages(['Landscape_1', 'Landscape_2', 'Portrait_1', 'Portrait_2'].map((n) => `photos/${n}.jpg`));
    const r = await runCli(['stage', src, '--prefix', 'ops', '--trigger', 'ohwx', '--style', 'tags'], src);
    assert.equal(r.code, 0, r.stderr);
    out = join(src, 'output');
    writeFileSync(txt(1), 'ohwx, redhead, smile');
    writeFileSync(txt(2), 'ohwx, redhead, red hair');
    writeFileSync(txt(3), 'ohwx, smile');
  });

  it('renames and merges a tag, and a later run undoes it', async () => {
    const r = json<OpResult>(await tags('rename', '--from', 'redhead', '--to', 'red hair'));
    const label = 'Rename "redhead" to "red hair"';
    assert.deepEqual(r, { label, changed: 2, files: ['ops_0001.jpg', 'ops_0002.jpg'] });
    assert.equal(read(1), 'ohwx, red hair, smile');
    assert.equal(read(2), 'ohwx, red hair');
    assert.equal(read(3), 'ohwx, smile');
    assert.ok(readFileSync(join(out, 'tags.txt'), 'utf8').split('\n').includes('red hair'));
    assert.ok(existsSync(join(out, 'tag-undo.json')), 'the undo record is on disk for the next run');

    const u = json<UndoResult>(await tags('undo'));
    assert.deepEqual(u, { label, changed: 2, files: ['ops_0001.jpg', 'ops_0002.jpg'], skipped: [] });
    assert.equal(read(1), 'ohwx, redhead, smile');
    assert.equal(read(2), 'ohwx, redhead, red hair');
  });

  it('undoes newest first and never overwrites a caption edited since the operation', async () => {
    assert.equal(json<OpResult>(await tags('remove', '--tag', 'smile')).changed, 2);
    assert.equal(read(1), 'ohwx, redhead');
    assert.equal(read(3), 'ohwx');
    const add = json<OpResult>(await tags('add', '--tag', 'outdoors'));
    assert.equal(add.changed, 4);
    assert.equal(read(4), 'ohwx, outdoors');

    const u1 = json<UndoResult>(await tags('undo'));
    assert.equal(u1.label, 'Add "outdoors"');
    assert.equal(u1.changed, 4);
    assert.equal(read(4), 'ohwx');
    writeFileSync(txt(3), 'ohwx, typed later');
    const u2 = json<UndoResult>(await tags('undo'));
    assert.equal(u2.label, 'Remove "smile"');
    assert.deepEqual(u2.files, ['ops_0001.jpg']);
    assert.deepEqual(u2.skipped, ['ops_0003.jpg']);
    assert.equal(read(1), 'ohwx, redhead, smile');
    assert.equal(read(3), 'ohwx, typed later', 'the later edit is kept');

    const human = await runCli(['tags', 'undo', out], src);
    assert.equal(human.code, 0);
    assert.equal(human.stdout, 'There is no dataset-wide tag operation to undo in this dataset.\n');
    const none = json<UndoResult>(await tags('undo'));
    assert.deepEqual(none, { label: null, changed: 0, files: [], skipped: [] });
  });

  it('a tag operation that matches nothing changes nothing and records nothing to undo', async () => {
    const before = snapshot(out);
    const r = json<OpResult>(await tags('remove', '--tag', 'not used anywhere'));
    assert.deepEqual(r, { label: 'Remove "not used anywhere"', changed: 0, files: [] });
    assert.deepEqual(snapshot(out), before);
  });

  it('refuses to edit the trigger word as a tag: exit 1 with the reason, nothing written', async () => {
    const before = snapshot(out);
    const r = await runCli(['tags', 'remove', out, '--tag', 'OHWX'], src);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tags remove: "OHWX" is the trigger word/);
    assert.equal(r.stdout, '');
    assert.deepEqual(snapshot(out), before);
  });

  it('a damaged undo file is set aside by the next operation, and undo says which file it cannot read', async () => {
    writeFileSync(join(out, 'tag-undo.json'), '{ "version": 1, "entries": [ { "label": 3 } ] }');
    const u = await runCli(['tags', 'undo', out], src);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /tag-undo\.json is not a tag undo history/);
    assert.equal(read(1), 'ohwx, redhead, smile', 'nothing was undone');

    const r = await runCli(['tags', 'add', out, '--tag', 'hat'], src);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /moved aside as tag-undo\.corrupt-.*\.json/);
    assert.equal(readdirSync(out).filter((f) => f.startsWith('tag-undo.corrupt-')).length, 1, 'kept, not deleted');
    assert.equal(read(1), 'ohwx, redhead, smile, hat');
    assert.equal(json<UndoResult>(await tags('undo')).changed, 4);
    assert.equal(read(1), 'ohwx, redhead, smile');
  });
});
