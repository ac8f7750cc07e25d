/** "Check Dataset" and "Export for CivitAI" in the real extension host, batch form, on the real fixture images. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as yauzl from 'yauzl';
import {
  activateExtension,
  cleanupTempDirs,
  copyRealImages,
  makeTempDir,
  skipWithoutRealImages,
  writeGeneratedImages,
} from './helpers';

interface Finding {
  file: string;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** What the batch form of Start LoRA Tagging returns (the parts these tests read). */
interface Staged {
  outputFolder: string;
  skipped: { file: string; reason: string }[];
}

function zipEntries(zipPath: string): Promise<{ name: string; method: number; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: { name: string; method: number; size: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        out.push({ name: e.fileName, method: e.compressionMethod, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('Check Dataset and Export for CivitAI (real extension host)', () => {
  before(() => activateExtension());
  after(() => cleanupTempDirs());

  it('finds what CivitAI would reject in the real fixtures and shows it in the Problems view', async function () {
    skipWithoutRealImages(this);
    const src = copyRealImages();
    const staged = await vscode.commands.executeCommand<Staged>('loraTagger.startTagging', vscode.Uri.file(src), {
      prefix: 'fx',
      triggerWord: 'ohwx',
      includeSubfolders: true,
      openPanel: false,
    });
    const out = staged.outputFolder;
    const session = JSON.parse(fs.readFileSync(path.join(out, 'session.json'), 'utf8'));
    const fileOf = (source: string) =>
      session.images.find((i: { source: string }) => i.source === source)?.file as string;

    const findings = await vscode.commands.executeCommand<Finding[]>('loraTagger.checkDataset', vscode.Uri.file(out));
    const rules = (file: string) =>
      findings
        .filter((f) => f.file === file)
        .map((f) => f.rule)
        .join(', ');
    for (const n of [2, 3, 4, 5, 6, 7, 8]) {
      const f = fileOf(`photos/Landscape_${n}.jpg`);
      assert.ok(
        findings.some((x) => x.file === f && /orientation/.test(x.rule)),
        `Landscape_${n} (${f}) has an EXIF orientation finding: ${rules(f)}`,
      );
    }
    const upright = fileOf('photos/Landscape_1.jpg');
    assert.ok(upright, 'photos/Landscape_1.jpg was staged');
    assert.ok(!findings.some((x) => x.file === upright && /orientation/.test(x.rule)), 'orientation 1 is fine');
    const tiny = fileOf('formats/jpg-1x2-flipped-big-endian.jpg');
    assert.ok(
      findings.some((x) => x.file === tiny && x.severity === 'error' && /small/.test(x.rule)),
      `the 1x2 JPEG is too small: ${rules(tiny)}`,
    );
    const huge = fileOf('formats/jpg-very-large.jpg');
    assert.ok(
      findings.some((x) => x.file === huge && x.rule === 'will-downscale'),
      `a 4800x3600 JPEG is downscaled: ${rules(huge)}`,
    );
    // Apple's CgBI PNG never reaches the check: staging already refuses it, saying why.
    assert.equal(fileOf('formats/png-sample_fried.png'), undefined, 'the CgBI PNG is not staged');
    assert.match(
      staged.skipped.find((s) => s.file === 'formats/png-sample_fried.png')?.reason ?? '(not skipped)',
      /CgBI/,
    );
    for (const f of findings) assert.ok(f.message.length > 15, `finding ${f.rule} says what to do`);

    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(path.join(out, tiny.replace(/\.\w+$/, '.txt'))));
    assert.ok(
      diags.some((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source === 'LoRA preflight'),
      'the finding is in the Problems view on the .txt',
    );
    // Each Problems row names the image once (it read "x.jpg: x.jpg is …", issue 10).
    for (const d of diags) assert.ok(d.message.split(tiny).length <= 2, `the image named twice: ${d.message}`);
  });

  it('exports every non-skipped image with its .txt at the zip root and nothing else', async () => {
    const src = makeTempDir('lora-zip-');
    writeGeneratedImages(src, 4, { width: 300, height: 300, jpgEvery: 2 });
    const staged = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      {
        prefix: 'zp',
        triggerWord: 'ohwx',
        openPanel: true,
      },
    );
    const out = staged.outputFolder;
    fs.writeFileSync(path.join(out, 'zp_0001.txt'), 'ohwx, a caption, exported.');
    const api = (await activateExtension()).exports as {
      panels: { get(p: string): { receive(raw: unknown): Promise<void>; dispose(): Promise<void> } | undefined };
    };
    const panel = api.panels.get(out)!;
    await panel.receive({ id: 'skip1', body: { type: 'image/flags', file: 'zp_0003.png', skipped: true } });

    const zipPath = path.join(src, 'my export.zip');
    const r = await vscode.commands.executeCommand<{
      zipPath: string;
      images: number;
      bytes: number;
      findings: Finding[];
    }>('loraTagger.exportForCivitai', vscode.Uri.file(out), { zipPath });
    assert.equal(r.zipPath, zipPath);
    assert.equal(r.images, 3);
    assert.equal(r.bytes, fs.statSync(zipPath).size);
    assert.ok(Array.isArray(r.findings));
    const entries = await zipEntries(zipPath);
    assert.deepEqual(entries.map((e) => e.name).sort(), [
      'zp_0001.png',
      'zp_0001.txt',
      'zp_0002.jpg',
      'zp_0002.txt',
      'zp_0004.jpg',
      'zp_0004.txt',
    ]);
    for (const e of entries.filter((x) => !x.name.endsWith('.txt'))) {
      assert.equal(e.method, 0, `${e.name} is stored, not recompressed`);
      assert.equal(e.size, fs.statSync(path.join(out, e.name)).size);
    }
    assert.deepEqual(
      fs.readdirSync(src).filter((f) => f.endsWith('.partial') || f.startsWith('.my export')),
      [],
      'no temp file left',
    );
    await panel.dispose();
  });

  it('rejects a zipPath that is not a .zip before writing anything', async () => {
    const src = makeTempDir('lora-zipbad-');
    writeGeneratedImages(src, 1);
    const staged = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      { openPanel: false },
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('loraTagger.exportForCivitai', vscode.Uri.file(staged.outputFolder), {
          zipPath: path.join(src, 'x.tar'),
        }),
      ),
      /zipPath/,
    );
    assert.equal(fs.existsSync(path.join(src, 'x.tar')), false);
  });
});
