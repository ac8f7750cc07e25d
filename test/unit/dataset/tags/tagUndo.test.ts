import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import {
  applyTagOperation,
  planForDataset,
  undoLastTagOperation,
  type TagOperation,
} from '../../../../src/extension/dataset/tags/tagOperations';
import {
  parseInSlices,
  readUndoHistory,
  UNDO_DEPTH,
  UNDO_FILE,
  writeUndoHistory,
} from '../../../../src/extension/dataset/tags/tagUndo';
import { img, ls, opts, read, tempDir } from '../helpers';

async function staged(): Promise<string> {
  const src = tempDir('undo');
  for (let i = 1; i <= 3; i++) img(src, `i${i}.png`, i);
  return (await stageDataset(src, opts({ prefix: 'u', triggerWord: 'ohwx', captionStyle: 'tags' }))).outputFolder;
}

async function run(out: string, op: TagOperation, write?: (f: string, t: string) => Promise<void>) {
  const { dataset } = await Dataset.open(out);
  try {
    return await applyTagOperation(dataset, op, planForDataset(dataset, op), { write });
  } finally {
    await dataset.close();
  }
}

async function undo(out: string) {
  const { dataset } = await Dataset.open(out);
  try {
    return await undoLastTagOperation(dataset);
  } finally {
    await dataset.close();
  }
}

describe('the tag undo history on disk', () => {
  it('lets a later Dataset undo what an earlier one did, newest first', async () => {
    const out = await staged();
    await run(out, { kind: 'add', tag: 'a' });
    await run(out, { kind: 'rename', from: 'a', to: 'b' });
    assert.equal(read(join(out, 'u_0001.txt')), 'ohwx, b');
    assert.deepEqual((await undo(out)).label, 'Rename "a" to "b"');
    assert.equal(read(join(out, 'u_0001.txt')), 'ohwx, a');
    assert.deepEqual((await undo(out)).restored, ['u_0001.png', 'u_0002.png', 'u_0003.png']);
    assert.equal(read(join(out, 'u_0001.txt')), 'ohwx');
    assert.deepEqual(await readUndoHistory(out), []);
    assert.equal((await undo(out)).label, null);
  });

  it('keeps the newest UNDO_DEPTH operations', async () => {
    const out = await staged();
    const entries = Array.from({ length: UNDO_DEPTH + 5 }, (_, i) => ({ label: `op ${i}`, at: '', changes: [] }));
    await writeUndoHistory(out, entries);
    const kept = await readUndoHistory(out);
    assert.equal(kept.length, UNDO_DEPTH);
    assert.equal(kept[0]!.label, 'op 5');
    assert.ok(!ls(out).some((n) => n.endsWith('.lora-tmp')), 'written atomically, no temp left');
  });

  it('can undo the part of an operation that was written before a failure, and leaves the rest alone', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out);
    let n = 0;
    const failing = (f: string, t: string) =>
      ++n === 3 ? Promise.reject(new Error('disk full (simulated)')) : dataset.setCaption(f, t).then(() => undefined);
    const op: TagOperation = { kind: 'add', tag: 'x' };
    await assert.rejects(
      applyTagOperation(dataset, op, planForDataset(dataset, op), { write: failing }),
      /stopped after 2 of 3 captions: disk full \(simulated\) Undo takes back the 2/,
    );
    await dataset.close();
    assert.equal(read(join(out, 'u_0003.txt')), 'ohwx');
    const u = await undo(out);
    assert.deepEqual(u.restored, ['u_0001.png', 'u_0002.png']);
    assert.deepEqual(u.skipped, [], 'the caption never reached is already as it was');
    assert.equal(read(join(out, 'u_0001.txt')), 'ohwx');
  });

  it('keeps the history it wrote, and reads the file again once another program has written it', async () => {
    const out = await staged();
    const file = join(out, UNDO_FILE);
    await run(out, { kind: 'add', tag: 'a' });
    const mine = await readUndoHistory(out);
    assert.deepEqual(mine, JSON.parse(readFileSync(file, 'utf8')).entries, 'what is kept is what the file holds');
    assert.throws(() => (mine[0]!.changes as unknown[]).push({}), TypeError, 'the entries handed out are frozen');
    // Another process writes it as this tool does (a new file renamed over it), to the very same size.
    const same = readFileSync(file, 'utf8').replace('Add \\"a\\"', 'Add \\"z\\"');
    assert.equal(same.length, readFileSync(file, 'utf8').length);
    writeFileSync(`${file}.other`, same);
    renameSync(`${file}.other`, file);
    assert.equal((await readUndoHistory(out))[0]!.label, 'Add "z"');
    // An editor saving over it in place, with one more entry.
    const edited = { version: 1, entries: [...JSON.parse(same).entries, { label: 'by hand', at: '', changes: [] }] };
    writeFileSync(file, JSON.stringify(edited));
    assert.deepEqual(
      (await readUndoHistory(out)).map((e) => e.label),
      ['Add "z"', 'by hand'],
    );
    assert.equal((await undo(out)).label, 'by hand');
    assert.equal((await undo(out)).label, 'Add "z"');
    assert.equal(read(join(out, 'u_0001.txt')), 'ohwx');
  });

  it('reads a history laid out as it writes one entry at a time, and any other layout in one piece, alike', async () => {
    const out = await staged();
    const file = join(out, UNDO_FILE);
    const tricky = 'a",\n    { "label": "b'; // escaped in the file: never a line of its own
    const entries = [
      { label: tricky, at: '1', changes: [{ file: 'u_0001.png', before: 'ohwx', after: 'ohwx, ] }' }] },
      { label: 'empty', at: '2', changes: [] },
      { label: 'third', at: '3', changes: [{ file: 'u_0002.png', before: '', after: 'ohwx, é ☕' }] },
    ];
    await writeUndoHistory(out, entries);
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(await parseInSlices(text), entries, 'our layout is read entry by entry');
    writeFileSync(file, text); // another program's write: read afresh
    assert.deepEqual(await readUndoHistory(out), entries);
    // Written again with one more: the entries read keep the text they had, byte for byte.
    const extra = { label: 'fourth', at: '4', changes: [] };
    await writeUndoHistory(out, [...(await readUndoHistory(out)), extra]);
    assert.equal(
      readFileSync(file, 'utf8'),
      text.replace(/\n {2}\]\n\}\n$/, ',\n    { "label": "fourth", "at": "4", "changes": [] }\n  ]\n}\n'),
    );
    await writeUndoHistory(out, entries);
    const text2 = readFileSync(file, 'utf8');
    assert.equal(text2, text);
    writeFileSync(file, JSON.stringify({ version: 1, entries })); // compact, as a script might write it
    assert.equal(await parseInSlices(readFileSync(file, 'utf8')), undefined);
    assert.deepEqual(await readUndoHistory(out), entries, 'read in one piece');
    // One entry damaged in our layout: the whole file is refused with the schema's message, as before.
    writeFileSync(file, text.replace('"at": "2"', '"at": 2'));
    await assert.rejects(readUndoHistory(out), /tag-undo\.json is not a tag undo history/);
  });

  it('refuses a history that is not one, naming the file, without touching the captions', async () => {
    const out = await staged();
    const escaping = { file: '../evil.png', before: '', after: '' };
    const history = { version: 1, entries: [{ label: 'x', at: '', changes: [escaping] }] };
    writeFileSync(join(out, UNDO_FILE), JSON.stringify(history));
    await assert.rejects(undo(out), /tag-undo\.json is not a tag undo history/);
    assert.equal(read(join(out, 'u_0001.txt')), 'ohwx');
  });
});
