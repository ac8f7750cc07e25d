/** "Export Dataset" for each trainer in the real extension host, batch form: `{ path, images, bytes, findings }`. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, cleanupTempDirs, makeTempDir, writeGeneratedImages } from './helpers';

interface Summary {
  path: string;
  images: number;
  bytes: number;
  findings: { file: string; rule: string; severity: string }[];
}

describe('Export Dataset for a trainer (real extension host, batch form)', () => {
  before(() => activateExtension());
  after(() => cleanupTempDirs());

  it('writes each target where asked and returns what it wrote with the target’s findings', async () => {
    const src = makeTempDir('lora-it-targets-');
    writeGeneratedImages(src, 3);
    const staged = await vscode.commands.executeCommand<{ outputFolder: string }>(
      'loraTagger.startTagging',
      vscode.Uri.file(src),
      {
        prefix: 'tg',
        triggerWord: 'ohwx',
        captionStyle: 'tags',
        openPanel: false,
      },
    );
    const out = vscode.Uri.file(staged.outputFolder);
    const first = fs.readdirSync(staged.outputFolder).find((f) => f.endsWith('.txt') && f.startsWith('tg_'))!;
    fs.writeFileSync(path.join(staged.outputFolder, first), 'ohwx,red hair');

    const kohya = await vscode.commands.executeCommand<Summary>('loraTagger.exportDataset', out, {
      target: 'kohya',
      className: 'woman',
    });
    assert.equal(kohya.path, path.join(src, 'tg_kohya'));
    assert.equal(kohya.images, 3);
    assert.ok(fs.readFileSync(path.join(kohya.path, 'dataset.toml'), 'utf8').includes('caption_extension = ".txt"'));
    assert.ok(fs.statSync(path.join(kohya.path, 'img', '10_ohwx woman')).isDirectory());

    const dest = path.join(makeTempDir('lora-it-ai-'), 'for-ai-toolkit');
    const ai = await vscode.commands.executeCommand<Summary>('loraTagger.exportDataset', out, {
      target: 'ai-toolkit',
      path: dest,
    });
    assert.equal(ai.path, dest);
    assert.ok(
      ai.findings.some((f) => f.file === first.replace('.txt', '.png') && f.rule === 'ai-toolkit-comma-spacing'),
    );
    assert.ok(fs.existsSync(path.join(dest, 'ai-toolkit.yaml')));

    const st = await vscode.commands.executeCommand<Summary>('loraTagger.exportDataset', out, {
      target: 'simpletuner',
    });
    assert.equal(st.path, path.join(src, 'tg_simpletuner'));
    assert.equal(st.images, 3);
    const backends = JSON.parse(fs.readFileSync(path.join(st.path, 'multidatabackend.json'), 'utf8'));
    assert.equal(backends[0].caption_strategy, 'textfile');
    assert.equal(fs.readFileSync(path.join(st.path, 'images', first), 'utf8'), 'ohwx,red hair');

    const hf = await vscode.commands.executeCommand<Summary>('loraTagger.exportDataset', out, {
      target: 'huggingface',
    });
    assert.equal(hf.path, path.join(src, 'tg_huggingface'));
    const meta = fs
      .readFileSync(path.join(hf.path, 'train', 'metadata.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(meta.length, 3);
    assert.ok(meta.map((l) => JSON.parse(l)).some((m) => m.file_name === first.replace('.txt', '.png')));

    const zip = await vscode.commands.executeCommand<Summary>('loraTagger.exportDataset', out, { target: 'civitai' });
    assert.equal(zip.path, path.join(src, 'tg_civitai.zip'));
    assert.equal(zip.bytes, fs.statSync(zip.path).size);

    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('loraTagger.exportDataset', out, { target: 'dreambooth' })),
      /options\.target must be one of civitai, kohya, ai-toolkit, simpletuner, huggingface/,
    );
  });
});
