/**
 * Crops in the real extension host: the panel's image/crop message (as the crop tool sends it) lands in
 * session.json, a crop outside the image is refused, and Export Dataset writes the cropped, upright image while the
 * staged file stays as it was.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as yauzl from 'yauzl';
import type { TaggerApi } from '../../../src/extension/extension';
import type { TaggingPanel } from '../../../src/extension/panel/taggingPanel';
import type { ReplyBody } from '../../../src/shared/protocol';
import { activateExtension, cleanupTempDirs, makeTempDir, skipWithoutRealImages, waitFor } from './helpers';

/** Width and height from a JPEG's first start-of-frame marker. */
function jpegSize(b: Buffer): [number, number] {
  for (let i = 2; i + 9 < b.length; ) {
    if (b[i] !== 0xff) throw new Error(`not a JPEG marker at ${i}`);
    const m = b[i + 1]!;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    i += 2 + b.readUInt16BE(i + 2);
  }
  throw new Error('no start-of-frame marker');
}

function zipEntry(zipPath: string, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== name) return zip.readEntry();
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on('data', (c: Buffer) => parts.push(c));
          s.on('end', () => resolve(Buffer.concat(parts)));
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in ${zipPath}`)));
      zip.readEntry();
    });
  });
}

describe('crops: the panel sets one, the export applies it (real extension host)', () => {
  let panel: TaggingPanel | undefined;
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await panel?.dispose();
    cleanupTempDirs();
  });

  it('image/crop is kept in session.json, refused outside the image, and the CivitAI zip holds the crop', async function () {
    const real = skipWithoutRealImages(this);
    const api = (await activateExtension()).exports as TaggerApi;
    const src = makeTempDir('lora-it-crops-');
    // Stored 1200x1800, shown 1800x1200 through its EXIF orientation.
    fs.copyFileSync(path.join(real, 'photos', 'Landscape_6.jpg'), path.join(src, 'photo.jpg'));
    const r = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      {
        prefix: 'cr',
        triggerWord: 'ohwx',
        captionStyle: 'tags',
      },
    );
    const out = r.outputFolder;
    panel = api.panels.get(out)!;
    await waitFor(() => panel!.isReady(), { timeout: 30_000, what: 'the real webview to load and say ready' });
    const replies = new Map<string, ReplyBody>();
    panel.onDidReply((env) => replies.set(env.inReplyTo!, env.body));
    const file = 'cr_0001.jpg';
    const staged = path.join(out, file);
    const before = createHash('sha256').update(fs.readFileSync(staged)).digest('hex');

    await panel.receive({
      id: 'c1',
      body: { type: 'image/crop', file, crop: { x: 1500, y: 0, width: 600, height: 300 } },
    });
    // Cut to the upright 1800 px width: the host never keeps a crop past the image.
    assert.deepEqual(panel.dataset.session.images[0]!.crop, { x: 1500, y: 0, width: 300, height: 300 });
    await panel.receive({
      id: 'c2',
      body: { type: 'image/crop', file, crop: { x: 1795, y: 0, width: 600, height: 300 } },
    });
    await waitFor(() => replies.has('c2'), { what: 'the reply to the crop outside the image' });
    const bad = replies.get('c2')!;
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /cr_0001\.jpg does not lie inside its 1800x1200 image/);
    await panel.receive({
      id: 'c3',
      body: { type: 'image/crop', file, crop: { x: 100, y: 100, width: 1600, height: 1000 } },
    });
    await panel.dataset.flush();
    const session = JSON.parse(fs.readFileSync(path.join(out, 'session.json'), 'utf8'));
    assert.deepEqual(session.images[0].crop, { x: 100, y: 100, width: 1600, height: 1000 });

    const zipPath = path.join(src, 'cr.zip');
    const res = await vscode.commands.executeCommand<{ path: string; images: number }>(
      'loraTagger.exportDataset',
      vscode.Uri.file(out),
      { target: 'civitai', path: zipPath },
    );
    assert.equal(res.images, 1);
    assert.deepEqual(jpegSize(await zipEntry(zipPath, file)), [1600, 1000]);
    const kohya = await vscode.commands.executeCommand<{ path: string }>(
      'loraTagger.exportDataset',
      vscode.Uri.file(out),
      {
        target: 'kohya',
        path: path.join(src, 'cr_kohya'),
      },
    );
    const [dir] = fs.readdirSync(path.join(kohya.path, 'img'));
    const [w, h] = jpegSize(fs.readFileSync(path.join(kohya.path, 'img', dir!, file)));
    assert.ok(w < 1600 && Math.abs(w / h - 1.6) < 0.01, `kohya: scaled to its bucket size, shape kept (${w}x${h})`);
    assert.equal(
      createHash('sha256').update(fs.readFileSync(staged)).digest('hex'),
      before,
      'the staged file is unchanged',
    );
  });
});
