/** "Start LoRA Tagging" and "Resume" run for real in the extension host, on real and generated images; asserts on disk. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaggerApi } from '../../../src/extension/extension';
import {
  activateExtension,
  cleanupTempDirs,
  copyRealImages,
  makeTempDir,
  skipWithoutRealImages,
  writeGeneratedImages,
} from './helpers';

interface StartResult {
  outputFolder: string;
  sessionFile: string;
  total: number;
  staged: number;
  skipped: { file: string; reason: string }[];
}

function start(folder: string, options: Record<string, unknown>): Thenable<StartResult> {
  return vscode.commands.executeCommand<StartResult>('loraTagger.startTagging', vscode.Uri.file(folder), {
    openPanel: false,
    ...options,
  });
}

function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }).map(String)) {
    const p = path.join(dir, rel);
    if (fs.statSync(p).isFile()) out.set(rel, createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
  }
  return out;
}

describe('Start LoRA Tagging (batch form, real extension host)', () => {
  let api: TaggerApi;
  before(async () => {
    api = (await activateExtension()).exports as TaggerApi;
  });
  after(() => cleanupTempDirs());

  it('stages the real fixture photos and formats, skips what CivitAI cannot take, and leaves the sources byte-identical', async function () {
    skipWithoutRealImages(this);
    const src = copyRealImages();
    fs.writeFileSync(path.join(src, 'photos', 'Portrait_3.txt'), 'an existing caption, kept as is.');
    const before = hashTree(src);
    const r = await start(src, {
      prefix: 'real',
      triggerWord: 'ohwx',
      captionStyle: 'natural',
      includeSubfolders: true,
    });

    assert.equal(r.outputFolder, path.join(src, 'output'));
    assert.equal(r.sessionFile, path.join(src, 'output', 'session.json'));
    const staged = fs
      .readdirSync(r.outputFolder)
      .filter((f) => /^real_\d{4}\.(png|jpe?g|webp)$/.test(f))
      .sort();
    assert.equal(staged.length, r.total);
    assert.equal(r.staged, r.total);
    // 18 photos, plus the JPEG/PNG/WebP samples of formats/; the other formats and the garbage .png are skipped.
    assert.ok(r.total >= 18 + 8, `expected at least 26 staged images, got ${r.total}`);
    for (const f of staged)
      assert.ok(fs.existsSync(path.join(r.outputFolder, f.replace(/\.\w+$/, '.txt'))), `${f} has no .txt`);
    assert.equal(staged[0], 'real_0001.jpg');

    const skippedNames = r.skipped.map((s) => path.basename(s.file));
    for (const f of [
      'bmp-sample.bmp',
      'gif-sample.gif',
      'tiff-little-endian.tiff',
      'heif-sample.heic',
      'svg-width-height.svg',
      'psd-sample.psd',
      'truncated-or-garbage.png',
    ]) {
      assert.ok(skippedNames.includes(f), `${f} should be skipped; skipped: ${skippedNames.join(', ')}`);
    }
    for (const s of r.skipped) assert.ok(s.reason.length > 10, `a reason that says something for ${s.file}`);

    const session = JSON.parse(fs.readFileSync(r.sessionFile, 'utf8'));
    assert.equal(session.schemaVersion, 1);
    assert.equal(session.prefix, 'real');
    assert.equal(session.images.length, r.total);
    const carried = session.images.find((i: { source: string }) => i.source === 'photos/Portrait_3.jpg');
    assert.ok(carried, 'photos/Portrait_3.jpg is in the session');
    assert.equal(
      fs.readFileSync(path.join(r.outputFolder, carried.file.replace(/\.\w+$/, '.txt')), 'utf8'),
      'an existing caption, kept as is.',
    );
    const fresh = session.images.find((i: { source: string }) => i.source === 'photos/Landscape_1.jpg');
    assert.equal(fs.readFileSync(path.join(r.outputFolder, fresh.file.replace(/\.\w+$/, '.txt')), 'utf8'), 'ohwx');
    assert.ok(fs.existsSync(path.join(r.outputFolder, 'tags.txt')));

    const after = hashTree(src);
    for (const [rel, h] of before) assert.equal(after.get(rel), h, `source ${rel} changed`);
  });

  it('numbers in natural order and copies every byte', async () => {
    const src = makeTempDir('lora-nat-');
    writeGeneratedImages(src, 12, { prefix: 'img' }); // img01 … img12
    fs.renameSync(path.join(src, 'img02.png'), path.join(src, 'img2.png'));
    fs.renameSync(path.join(src, 'img10.png'), path.join(src, 'img10b.png'));
    const r = await start(src, { prefix: 'nat' });
    const session = JSON.parse(fs.readFileSync(r.sessionFile, 'utf8'));
    const order = session.images.map((i: { source: string }) => i.source);
    assert.ok(order.indexOf('img2.png') < order.indexOf('img10b.png'), `natural order: ${order.join(' ')}`);
    for (const i of session.images) {
      assert.deepEqual(
        fs.readFileSync(path.join(r.outputFolder, i.file)),
        fs.readFileSync(path.join(src, i.source)),
        `${i.file} differs from ${i.source}`,
      );
    }
  });

  it('rejects invalid options with a clear error before writing anything', async () => {
    const src = makeTempDir('lora-bad-');
    writeGeneratedImages(src, 2);
    await assert.rejects(Promise.resolve(start(src, { prefix: '../evil' })), /prefix/i);
    await assert.rejects(Promise.resolve(start(src, { captionStyle: 'haiku' })), /captionStyle/);
    await assert.rejects(Promise.resolve(start(src, { openPanel: 'yes' })), /openPanel/);
    assert.equal(fs.existsSync(path.join(src, 'output')), false, 'nothing may be written for invalid options');
  });

  it('says clearly when a folder has no images it can stage', async () => {
    const src = makeTempDir('lora-empty-');
    fs.writeFileSync(path.join(src, 'notes.md'), '# not an image');
    await assert.rejects(
      Promise.resolve(start(src, { prefix: 'x' })),
      (err: Error) => /no .*image/i.test(err.message) && err.message.includes(src),
    );
  });

  it('adds only new images, numbered after the last, and Start over keeps the old folder as a backup', async () => {
    const src = makeTempDir('lora-add-');
    writeGeneratedImages(src, 3, { prefix: 'a' });
    const first = await start(src, { prefix: 'set' });
    assert.equal(first.total, 3);
    writeGeneratedImages(src, 2, { prefix: 'b' });
    const added = await start(src, { onExisting: 'add' });
    assert.equal(added.total, 5);
    assert.equal(added.staged, 2);
    assert.ok(fs.existsSync(path.join(src, 'output', 'set_0005.png')));
    const again = await start(src, { onExisting: 'resume' });
    assert.equal(again.total, 5);
    assert.equal(again.staged, 0);

    fs.writeFileSync(path.join(src, 'output', 'set_0001.txt'), 'typed before starting over');
    const restarted = await start(src, { onExisting: 'restart', prefix: 'new' });
    assert.equal(restarted.total, 5);
    const backups = fs.readdirSync(src).filter((f) => f.startsWith('output') && f !== 'output');
    assert.equal(backups.length, 1, `one backup folder beside output: ${fs.readdirSync(src).join(', ')}`);
    assert.equal(fs.readFileSync(path.join(src, backups[0]!, 'set_0001.txt'), 'utf8'), 'typed before starting over');
    assert.ok(fs.existsSync(path.join(src, 'output', 'new_0001.png')));
  });

  it('refuses to stage an output folder into itself, saying what to do', async () => {
    const src = makeTempDir('lora-nest-');
    writeGeneratedImages(src, 2);
    const r = await start(src, { prefix: 'nest' });
    await assert.rejects(Promise.resolve(start(r.outputFolder, {})), /output folder of a tagging session/);
    assert.equal(fs.existsSync(path.join(r.outputFolder, 'output')), false, 'no nested output folder');
  });

  it('Resume with a folder opens the panel on the saved image', async () => {
    const src = makeTempDir('lora-resume-');
    writeGeneratedImages(src, 4);
    const r = await start(src, { prefix: 'res' });
    const session = JSON.parse(fs.readFileSync(r.sessionFile, 'utf8'));
    session.currentFile = 'res_0003.png';
    fs.writeFileSync(r.sessionFile, JSON.stringify(session));
    const opened = await vscode.commands.executeCommand<string>(
      'loraTagger.resumeTagging',
      vscode.Uri.file(r.outputFolder),
    );
    assert.equal(opened, r.outputFolder);
    const panel = api.panels.get(r.outputFolder);
    assert.ok(panel, 'a panel is open on the dataset');
    assert.equal(panel.currentFile(), 'res_0003.png');
    await panel.dispose();
  });

  it(
    'with session.json and its .bak both gone: Start refuses and says what to pass; rebuild: true ' +
      'rebuilds, Resume too',
    async () => {
      const src = makeTempDir('lora-lost-');
      writeGeneratedImages(src, 3);
      const r = await start(src, { prefix: 'lost', triggerWord: 'ohwx' });
      fs.writeFileSync(path.join(r.outputFolder, 'lost_0002.txt'), 'ohwx, typed by hand');
      const forget = () =>
        ['session.json', 'session.json.bak'].forEach((f) => fs.rmSync(path.join(r.outputFolder, f), { force: true }));
      forget();
      await assert.rejects(
        Promise.resolve(start(src, { prefix: 'lost' })),
        /session\.json and session\.json\.bak are both gone.*rebuild: true/,
      );
      const rebuilt = await start(src, { prefix: 'lost', rebuild: true });
      assert.deepEqual([rebuilt.total, rebuilt.staged], [3, 0]);
      assert.equal(fs.readFileSync(path.join(r.outputFolder, 'lost_0002.txt'), 'utf8'), 'ohwx, typed by hand');
      forget();
      const opened = await vscode.commands.executeCommand<string>(
        'loraTagger.resumeTagging',
        vscode.Uri.file(r.outputFolder),
        { rebuild: true },
      );
      assert.equal(opened, r.outputFolder);
      const panel = api.panels.get(r.outputFolder);
      assert.ok(panel && fs.existsSync(r.sessionFile), 'the session was rebuilt and the panel opened on it');
      await panel.dispose();
    },
  );
});
