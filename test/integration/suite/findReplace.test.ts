/**
 * Find and replace from the panel on the host (issue 13, item 4), in a real VS Code on a dataset staged from the real
 * photos: `findReplace/preview` answers with the engine's plan and writes nothing; `findReplace/apply` writes exactly
 * the previewed captions as one dataset-wide undo step, each change reaching the webview (in `captions/changed`
 * batches) before the reply, and
 * refuses, writing nothing, when a previewed caption changed since; `selection/undo` takes it back.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaggerApi } from '../../../src/extension/extension';
import type { TaggingPanel } from '../../../src/extension/panel/taggingPanel';
import type { ReplyBody, ToHostResult, ToWebview } from '../../../src/shared/protocol';
import { FIND_REPLACE_CAPTIONS, findReplaceQuery } from '../../fixtures.mjs';
import {
  activateExtension,
  captionChanges,
  cleanupTempDirs,
  copyRealImages,
  skipWithoutRealImages,
  waitFor,
} from './helpers';

type Preview = ToHostResult<'findReplace/preview'>;

describe('find and replace from the panel (host side, real VS Code)', () => {
  let panel: TaggingPanel;
  let out: string;
  const posted: ToWebview[] = [];
  const replies = new Map<string, ReplyBody>();
  const read = (file: string) => fs.readFileSync(path.join(out, file.replace(/\.\w+$/, '.txt')), 'utf8');
  let seq = 0;
  let saves = 0;
  async function send(body: unknown): Promise<ReplyBody> {
    const id = `fr${++seq}`;
    await panel.receive({ id, body });
    await waitFor(() => replies.has(id), { what: `the reply to ${JSON.stringify(body).slice(0, 200)}` });
    return replies.get(id)!;
  }
  const result = <T>(r: ReplyBody): T => {
    assert.ok(r.ok, `an ok reply (got ${JSON.stringify(r)})`);
    return r.result as T;
  };
  const query = findReplaceQuery;
  let files: string[];

  before(async function () {
    skipWithoutRealImages(this);
    const api = (await activateExtension()).exports as TaggerApi;
    const src = copyRealImages('photos');
    // Captions beside the source photos are carried over when they are staged.
    ['Landscape_1', 'Landscape_2', 'Landscape_3', 'Portrait_1'].forEach((name, i) =>
      fs.writeFileSync(path.join(src, `${name}.txt`), FIND_REPLACE_CAPTIONS[i]!),
    );
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      { prefix: 'fr', triggerWord: 'ohwx', captionStyle: 'tags' },
    );
    out = r.outputFolder;
    panel = api.panels.get(out)!;
    panel.onDidPost((m) => posted.push(m));
    panel.onDidReply((env) => replies.set(env.inReplyTo!, env.body));
    await waitFor(() => panel.isReady(), { timeout: 30_000, what: 'the real webview to load and say ready' });
    files = panel.dataset.session.images.filter((i) => read(i.file).includes('red hair')).map((i) => i.file);
    assert.equal(files.length, 3, 'three staged captions hold "red hair"');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await panel?.dispose();
    cleanupTempDirs();
  });

  it('previews without writing, applies exactly the preview as one step, and selection/undo takes it back', async () => {
    const p = result<Preview>(await send({ type: 'findReplace/preview', query: query() }));
    assert.ok(p.ok);
    assert.equal(p.scanned, 18);
    assert.deepEqual(p.changes.map((c) => c.file).sort(), [...files].sort());
    assert.deepEqual(
      p.revs.map((r) => r.rev),
      p.revs.map((r) => panel.dataset.captionRev(r.file)),
    );
    for (const f of files) assert.match(read(f), /red hair/, `${f} is not written by the preview`);
    posted.length = 0;
    const a = result(await send({ type: 'findReplace/apply', query: query(), revs: p.revs }));
    assert.deepEqual(a, { ok: true, label: 'Replace "red hair" with "auburn hair" in tags', changed: 3 });
    assert.deepEqual(files.map(read).sort(), [
      'ohwx, auburn hair',
      'ohwx, auburn hair, hat',
      'ohwx, auburn hair, smile',
    ]);
    // In captions/changed batches, all of them before the reply.
    const changed = captionChanges(posted);
    assert.deepEqual(changed.map((m) => m.file).sort(), [...files].sort());
    for (const m of changed) assert.equal(m.rev, panel.dataset.captionRev(m.file), `${m.file} posted at its revision`);
    const u = result<{ label: string; restored: number }>(await send({ type: 'selection/undo' }));
    assert.deepEqual([u.label, u.restored], ['Replace "red hair" with "auburn hair" in tags', 3]);
    assert.deepEqual(files.map(read).sort(), ['ohwx, red hair', 'ohwx, red hair, hat', 'ohwx, red hair, smile']);
  });

  it('refuses to apply, writing nothing, when a previewed caption was edited since; says why a pattern cannot run', async () => {
    const sel = query({ scope: 'selection', files: files.slice(0, 2) });
    const p = result<Preview>(await send({ type: 'findReplace/preview', query: sel }));
    assert.ok(p.ok);
    assert.equal(p.revs.length, 2);
    const edited = files[1]!;
    const base = panel.dataset.captionRev(edited);
    result(await send({ type: 'caption/update', file: edited, text: 'ohwx, red hair, mine', base, seq: ++saves }));
    const a = result<ToHostResult<'findReplace/apply'>>(
      await send({ type: 'findReplace/apply', query: sel, revs: p.revs }),
    );
    assert.equal(a.ok, false);
    assert.match(a.ok ? '' : a.error, new RegExp(`^1 caption\\(s\\) changed since the preview \\(${edited}\\)`));
    assert.match(read(files[0]!), /red hair/);
    assert.equal(read(edited), 'ohwx, red hair, mine');
    const bad = result<Preview>(
      await send({ type: 'findReplace/preview', query: query({ find: 'red (hair', regex: true }) }),
    );
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /cannot be used: invalid regular expression: Unterminated group\.$/);
    // An invalid message (a path, not a staged name) is refused by the protocol and writes nothing.
    const escape = await send({
      type: 'findReplace/preview',
      query: query({ scope: 'selection', files: ['../x.png'] }),
    });
    assert.equal(escape.ok, false);
  });
});
