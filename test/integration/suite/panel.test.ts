/**
 * The tagging panel's host side in a real VS Code: the real webview loads and says `ready`; messages go through the
 * same validation and dispatch as the webview's; captions sync with text editors and with changes on disk.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaggerApi } from '../../../src/extension/extension';
import type { TaggingPanel } from '../../../src/extension/panel/taggingPanel';
import type { ReplyBody, ToWebview } from '../../../src/shared/protocol';
import {
  activateExtension,
  captionChanges,
  cleanupTempDirs,
  makeTempDir,
  waitFor,
  writeGeneratedImages,
} from './helpers';

let seq = 0;
/** Sends a message as the webview would; resolves with the envelope id it carried. */
async function send(panel: TaggingPanel, body: unknown): Promise<string> {
  const id = `test${++seq}`;
  await panel.receive({ id, body });
  return id;
}

let saves = 1000;
/** A caption save as the webview sends it: made from the caption's revision now, numbered after the last one. */
function save(panel: TaggingPanel, file: string, text: string, base = panel.dataset.captionRev(file)) {
  return send(panel, { type: 'caption/update', file, text, base, seq: ++saves });
}

describe('tagging panel (host side, real VS Code)', () => {
  let api: TaggerApi;
  let panel: TaggingPanel;
  let out: string;
  const posted: ToWebview[] = [];
  const replies = new Map<string, ReplyBody>();

  before(async () => {
    api = (await activateExtension()).exports as TaggerApi;
    const src = makeTempDir('lora-panel-');
    writeGeneratedImages(src, 5, { jpgEvery: 2 });
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      {
        prefix: 'pan',
        triggerWord: 'ohwx',
        captionStyle: 'natural',
      },
    );
    out = r.outputFolder;
    panel = api.panels.get(out)!;
    assert.ok(panel, 'Start LoRA Tagging opened a panel');
    panel.onDidPost((m) => posted.push(m));
    panel.onDidReply((env) => replies.set(env.inReplyTo!, env.body));
    await waitFor(() => panel.isReady(), { timeout: 30_000, what: 'the real webview to load and say ready' });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await panel?.dispose();
    cleanupTempDirs();
  });

  it('is titled after the dataset and shows progress in the status bar', () => {
    assert.equal(panel.panel.title, 'LoRA: pan');
    assert.deepEqual(panel.progress(), { tagged: 0, total: 5 });
  });

  it('saves natural-language prose byte for byte, line breaks folded to spaces', async () => {
    const prose = 'ohwx woman, smiling; in a field.  She holds a "red" umbrella… (35mm, f/1.8).';
    await save(panel, 'pan_0001.png', prose);
    assert.equal(fs.readFileSync(path.join(out, 'pan_0001.txt'), 'utf8'), prose);
    await save(panel, 'pan_0001.png', 'line one.\nline two.');
    assert.equal(fs.readFileSync(path.join(out, 'pan_0001.txt'), 'utf8'), 'line one. line two.');
    assert.equal(panel.progress().tagged, 1);
  });

  it('answers autocomplete and tag categories from the vocabulary files through the vocabulary worker', async () => {
    const csv = path.join(makeTempDir('lora-vocab-'), 'danbooru.csv');
    fs.writeFileSync(csv, 'long_hair,0,4000000,longhair\nhatsune_miku,4,100,miku\nwlop,1,50,\n');
    const config = vscode.workspace.getConfiguration('loraTagger');
    await config.update('vocabularyFiles', [csv], vscode.ConfigurationTarget.Global);
    try {
      const reply = async (body: unknown) => {
        const id = await send(panel, body);
        return waitFor(() => replies.get(id), { timeout: 30_000, what: `the reply to ${JSON.stringify(body)}` });
      };
      assert.deepEqual(await reply({ type: 'vocab/query', prefix: 'hair', limit: 10 }), {
        type: 'reply',
        ok: true,
        result: [{ name: 'long hair', count: 4000000, category: 'general' }],
      });
      assert.deepEqual(await reply({ type: 'vocab/query', prefix: 'longh', limit: 10 }), {
        type: 'reply',
        ok: true,
        result: [{ name: 'long hair', count: 4000000, category: 'general', alias: 'longhair' }],
      });
      assert.deepEqual(await reply({ type: 'vocab/categories', tags: ['hatsune miku', 'wlop', 'own tag'] }), {
        type: 'reply',
        ok: true,
        result: { 'hatsune miku': 'character', wlop: 'artist' },
      });
    } finally {
      await config.update('vocabularyFiles', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses files outside the dataset and invalid messages with an error reply, without writing anything', async () => {
    const before = { source: fs.readdirSync(path.dirname(out)).sort(), output: fs.readdirSync(out).sort() };
    const refused = (id: string) => {
      const r = replies.get(id);
      assert.equal(r?.ok, false, `request ${id} got an error reply (got ${JSON.stringify(r)})`);
      return r.ok ? '' : r.error;
    };
    const escape = await send(panel, { type: 'caption/update', file: '../evil.png', text: 'x', base: 0, seq: ++saves });
    assert.equal(refused(escape), 'Invalid message: body.file: not a plain file name');
    const unknownFile = await save(panel, 'nope_9999.png', 'x', 0);
    assert.equal(refused(unknownFile), `nope_9999.png is not an image of this dataset (${out}).`);
    const noText = await send(panel, { type: 'caption/update', file: 'pan_0002.jpg' });
    assert.match(refused(noText), /^Invalid message: body/);
    const unknownType = await send(panel, { type: 'no/such/message' });
    assert.match(refused(unknownType), /^Invalid message: body/);
    // Without an envelope id there is nothing to reply to: it is only logged.
    const count = replies.size;
    await panel.receive('not even an object');
    assert.equal(replies.size, count);
    assert.deepEqual({ source: fs.readdirSync(path.dirname(out)).sort(), output: fs.readdirSync(out).sort() }, before);
    assert.equal(fs.readFileSync(path.join(out, 'pan_0002.txt'), 'utf8'), 'ohwx');
  });

  it('records flags and the current image in session.json', async () => {
    await send(panel, { type: 'image/flags', file: 'pan_0003.png', favourite: true, skipped: true });
    await send(panel, { type: 'image/select', file: 'pan_0004.jpg' });
    await panel.dataset.flush();
    const s = JSON.parse(fs.readFileSync(path.join(out, 'session.json'), 'utf8'));
    const rec = s.images.find((i: { file: string }) => i.file === 'pan_0003.png');
    assert.equal(rec.favourite, true);
    assert.equal(rec.status, 'skipped');
    assert.equal(s.currentFile, 'pan_0004.jpg');
    assert.ok(posted.some((m) => m.type === 'image/changed' && m.file === 'pan_0003.png' && m.status === 'skipped'));
  });

  it('opens the caption beside; panel edits reach the editor through a saved WorkspaceEdit', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('loraTagger.openCaptionBeside');
    assert.equal(path.basename(uri.fsPath), 'pan_0004.txt');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath)!;
    await save(panel, 'pan_0004.jpg', 'ohwx, from the panel, 1.');
    assert.equal(doc.getText(), 'ohwx, from the panel, 1.');
    assert.equal(doc.isDirty, false, 'the document was saved, so no "file is newer" dialog can come');
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), 'ohwx, from the panel, 1.');
    // VS Code's own undo covers the panel's change.
    await vscode.window.showTextDocument(doc, { preserveFocus: false });
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), 'ohwx');
    await doc.save();
  });

  it('edits typed in the editor show in the panel and are saved to disk', async () => {
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(path.join(out, 'pan_0004.txt')));
    posted.length = 0;
    await editor.edit((b) =>
      b.insert(editor.document.positionAt(editor.document.getText().length), ', typed in the editor'),
    );
    const msg = await waitFor(() => captionChanges(posted).find((c) => c.file === 'pan_0004.jpg'), {
      what: 'captions/changed from an editor edit',
    });
    assert.equal(msg?.text, 'ohwx, typed in the editor');
    await waitFor(() => fs.readFileSync(path.join(out, 'pan_0004.txt'), 'utf8') === 'ohwx, typed in the editor', {
      what: 'the editor to autosave the caption',
    });
    await waitFor(() => panel.dataset.caption('pan_0004.jpg') === 'ohwx, typed in the editor', {
      what: 'the engine cache to follow',
    });
  });

  it('shows captions and tags.txt changed by another program', async () => {
    posted.length = 0;
    fs.writeFileSync(path.join(out, 'pan_0005.png'.replace('.png', '.txt')), 'ohwx, written by a script');
    const msg = await waitFor(() => captionChanges(posted).find((c) => c.file === 'pan_0005.png'), {
      what: 'captions/changed from a disk write',
    });
    assert.equal(msg?.text, 'ohwx, written by a script');
    fs.appendFileSync(path.join(out, 'tags.txt'), '\nhand added tag\n');
    const known = await waitFor(
      () => posted.find((m) => m.type === 'tags/known' && m.tags.includes('hand added tag')),
      {
        what: 'tags/known with the hand-added tag after a tags.txt edit',
      },
    );
    assert.ok(
      known?.type === 'tags/known' && known.tags.includes('written by a script'),
      'tags from captions stay known',
    );
  });

  it('never writes a panel save over a caption another program changed since (issue 9, case 5)', async () => {
    const file = path.join(out, 'pan_0003.txt');
    const base = panel.dataset.captionRev('pan_0003.png');
    posted.length = 0;
    // The script writes, and the panel's save (made before it) arrives before the watcher has said anything.
    fs.writeFileSync(file, 'ohwx, changed by a script');
    const id = await save(panel, 'pan_0003.png', 'ohwx, typed in the panel', base);
    const reply = replies.get(id);
    assert.ok(reply?.ok, JSON.stringify(reply));
    const rev = panel.dataset.captionRev('pan_0003.png');
    assert.deepEqual(reply.result, { saved: false, rev, text: 'ohwx, changed by a script' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'ohwx, changed by a script');
    // Posted before the reply: the reply flushes the caption changes made before it.
    const shown = captionChanges(posted).find((c) => c.file === 'pan_0003.png');
    assert.equal(shown?.text, 'ohwx, changed by a script', 'the panel sees it');
    // Made from the change (its revision), the save goes through; the late watcher event is our own write, no change.
    const again = await save(panel, 'pan_0003.png', 'ohwx, typed in the panel');
    assert.equal((replies.get(again) as { result?: { saved?: boolean } }).result?.saved, true);
    assert.equal(fs.readFileSync(file, 'utf8'), 'ohwx, typed in the panel');
  });

  it('closing its tab disposes the panel, and the extension forgets it', async () => {
    panel.panel.dispose();
    await waitFor(() => panel.isDisposed, { what: 'the panel to be disposed once its tab closed' });
    assert.equal(api.panels.get(out), undefined);
    // A second dispose (the suite's `after` makes a third) is a no-op.
    await panel.dispose();
    assert.equal(panel.isDisposed, true);
  });
});
