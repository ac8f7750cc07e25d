/**
 * The panel's multi-image edits on the host (issue 13), in a real VS Code: `selection/edit` writes to exactly the
 * images it names as one dataset-wide undo step, each change reaching the webview as `caption/changed` with its
 * revision; `selection/undo` and the *Undo Last Dataset-Wide Tag Operation* command both take it back, never over a
 * caption edited since.
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

describe('selection edits (host side, real VS Code)', () => {
  let panel: TaggingPanel;
  let out: string;
  const posted: ToWebview[] = [];
  const replies = new Map<string, ReplyBody>();
  const read = (n: number) => fs.readFileSync(path.join(out, `sel_000${n}.txt`), 'utf8');
  let seq = 0;
  /** Sends a message as the webview would; resolves with its reply. */
  async function send(body: unknown): Promise<ReplyBody> {
    const id = `sel${++seq}`;
    await panel.receive({ id, body });
    await waitFor(() => replies.has(id), { what: `the reply to ${JSON.stringify(body)}` });
    return replies.get(id)!;
  }
  const result = (r: ReplyBody) => {
    assert.ok(r.ok, `an ok reply (got ${JSON.stringify(r)})`);
    return r.result as { label: string | null; changed?: number; restored?: number; skipped?: string[] };
  };

  before(async () => {
    const api = (await activateExtension()).exports as TaggerApi;
    const src = makeTempDir('lora-sel-');
    writeGeneratedImages(src, 4);
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      { prefix: 'sel', triggerWord: 'ohwx', captionStyle: 'tags' },
    );
    out = r.outputFolder;
    panel = api.panels.get(out)!;
    panel.onDidPost((m) => posted.push(m));
    panel.onDidReply((env) => replies.set(env.inReplyTo!, env.body));
    await waitFor(() => panel.isReady(), { timeout: 30_000, what: 'the real webview to load and say ready' });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await panel?.dispose();
    cleanupTempDirs();
  });

  it('adds a tag to the three selected images as one step, and selection/undo takes it back except a later edit', async () => {
    const files = ['sel_0001.png', 'sel_0002.png', 'sel_0004.png'];
    posted.length = 0;
    const r = result(await send({ type: 'selection/edit', edit: { kind: 'add', tag: 'red hair' }, files }));
    assert.deepEqual(r, { label: 'Add "red hair"', changed: 3 });
    assert.deepEqual(
      [read(1), read(2), read(3), read(4)],
      ['ohwx, red hair', 'ohwx, red hair', 'ohwx', 'ohwx, red hair'],
    );
    // The captions are written several at a time, so they arrive in the order the writes finish, in batches, and
    // all of them before the reply (which flushes the batch).
    const changed = captionChanges(posted);
    assert.ok(
      posted.every((m) => m.type !== 'caption/changed'),
      'one caption/changed per caption no more',
    );
    assert.deepEqual(changed.map((m) => [m.file, m.text]).sort(), files.map((f) => [f, 'ohwx, red hair']).sort());
    for (const m of changed) assert.equal(m.rev, panel.dataset.captionRev(m.file), `${m.file} posted at its revision`);
    // A human edit after the step, through the panel's own save.
    const base = panel.dataset.captionRev('sel_0002.png');
    await send({ type: 'caption/update', file: 'sel_0002.png', text: 'ohwx, red hair, mine', base, seq: 1 });
    const u = result(await send({ type: 'selection/undo' }));
    assert.deepEqual(u, { label: 'Add "red hair"', restored: 2, skipped: ['sel_0002.png'] });
    assert.deepEqual([read(1), read(2), read(4)], ['ohwx', 'ohwx, red hair, mine', 'ohwx']);
  });

  it('renames within the selection only, and the Undo command takes the step back', async () => {
    result(
      await send({
        type: 'selection/edit',
        edit: { kind: 'addMany', tags: ['a', 'b'] },
        files: ['sel_0003.png', 'sel_0004.png'],
      }),
    );
    result(
      await send({ type: 'selection/edit', edit: { kind: 'rename', from: 'a', to: 'z' }, files: ['sel_0003.png'] }),
    );
    assert.deepEqual([read(3), read(4)], ['ohwx, z, b', 'ohwx, a, b']);
    const u = await vscode.commands.executeCommand<{ changed: number }>(
      'loraTagger.undoTagOperation',
      vscode.Uri.file(out),
      {},
    );
    assert.equal(u.changed, 1);
    assert.deepEqual([read(3), read(4)], ['ohwx, a, b', 'ohwx, a, b']);
  });

  it('refuses a file that is not an image of the dataset, writing nothing', async () => {
    const before = [read(1), read(3)];
    const r = await send({
      type: 'selection/edit',
      edit: { kind: 'add', tag: 'x' },
      files: ['sel_0001.png', 'sel_0099.png'],
    });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /sel_0099\.png is not an image of this dataset .* Nothing was changed\./);
    const escape = await send({ type: 'selection/edit', edit: { kind: 'add', tag: 'x' }, files: ['../evil.png'] });
    assert.equal(escape.ok, false);
    assert.deepEqual([read(1), read(3)], before);
  });
});
