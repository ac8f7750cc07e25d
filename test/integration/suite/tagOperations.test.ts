/** Dataset-wide tag operations and their undo, run as commands in the real extension host; asserts on the .txt files. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, cleanupTempDirs, makeTempDir, writeGeneratedImages } from './helpers';

describe('dataset-wide tag operations (real extension host)', () => {
  let out: string;
  const txt = (n: number) => path.join(out, `ops_000${n}.txt`);
  const read = (n: number) => fs.readFileSync(txt(n), 'utf8');
  const run = <T>(cmd: string, opts?: object) =>
    Promise.resolve(vscode.commands.executeCommand<T>(cmd, vscode.Uri.file(out), ...(opts ? [opts] : [])));

  before(async () => {
    await activateExtension();
    const src = makeTempDir('lora-ops-');
    writeGeneratedImages(src, 4);
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      {
        prefix: 'ops',
        triggerWord: 'ohwx',
        captionStyle: 'tags',
        openPanel: false,
      },
    );
    out = r.outputFolder;
    fs.writeFileSync(txt(1), 'ohwx, redhead, smile');
    fs.writeFileSync(txt(2), 'ohwx, redhead, red hair');
    fs.writeFileSync(txt(3), 'ohwx, smile');
  });
  after(() => cleanupTempDirs());

  it('renames and merges a tag in every caption, then undoes it', async () => {
    const r = await run<{ changed: number }>('loraTagger.renameTag', { from: 'redhead', to: 'red hair' });
    assert.equal(r.changed, 2);
    assert.equal(read(1), 'ohwx, red hair, smile');
    assert.equal(read(2), 'ohwx, red hair');
    assert.equal(read(3), 'ohwx, smile');
    assert.ok(fs.readFileSync(path.join(out, 'tags.txt'), 'utf8').split('\n').includes('red hair'));

    const u = await run<{ changed: number; skipped: string[] }>('loraTagger.undoTagOperation');
    assert.equal(u.changed, 2);
    assert.equal(read(1), 'ohwx, redhead, smile');
    assert.equal(read(2), 'ohwx, redhead, red hair');
  });

  it('never lets undo overwrite a caption edited since the operation', async () => {
    await run('loraTagger.removeTag', { tag: 'smile' });
    assert.equal(read(1), 'ohwx, redhead');
    assert.equal(read(3), 'ohwx');
    await run('loraTagger.addTagToAll', { tag: 'outdoors' });
    const u1 = await run<{ changed: number }>('loraTagger.undoTagOperation'); // undoes the add
    assert.ok(u1.changed >= 3);
    fs.writeFileSync(txt(3), 'ohwx, typed later'); // no panel is open: the next command reads the captions afresh
    const u2 = await run<{ changed: number; skipped: string[] }>('loraTagger.undoTagOperation'); // undoes the removal
    assert.equal(read(1), 'ohwx, redhead, smile');
    assert.equal(read(3), 'ohwx, typed later', 'the later edit is kept');
    assert.deepEqual(u2.skipped, ['ops_0003.png']);
  });

  it('puts tags in a category that session.json keeps', async () => {
    await run('loraTagger.setTagCategory', { tags: ['red hair', 'redhead'], category: 'hair' });
    const s = JSON.parse(fs.readFileSync(path.join(out, 'session.json'), 'utf8'));
    assert.deepEqual(s.categories, [{ name: 'hair', tags: ['red hair', 'redhead'] }]);
  });

  it('changes a caption open in an editor through VS Code when a panel is open, leaving the document saved', async () => {
    await vscode.commands.executeCommand('loraTagger.resumeTagging', vscode.Uri.file(out));
    const doc = await vscode.workspace.openTextDocument(txt(1));
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    assert.ok(before.includes('redhead'), before);
    await run('loraTagger.renameTag', { from: 'redhead', to: 'copper hair' });
    assert.equal(doc.getText(), before.replace('redhead', 'copper hair'));
    assert.equal(doc.isDirty, false, 'saved, so no "file is newer" dialog can come');
    assert.equal(read(1), doc.getText());
    await run('loraTagger.undoTagOperation');
    assert.equal(doc.getText(), before);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('refuses to edit the trigger word as a tag, with a reason', async () => {
    await assert.rejects(run('loraTagger.removeTag', { tag: 'ohwx' }), /trigger word/);
  });
});
