/** Folder exports (folderExport.ts): complete or not at all, an older export replaced only by a complete one. */
import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { exportFolder, type FolderExportInput } from '../../../../src/extension/dataset/export/folderExport';
import { ExportError } from '../../../../src/extension/dataset/export/zipWriter';
import { pngBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { cleanup, tempDir } from './helpers';

function dataset(dir: string, captions: string[]): FolderExportInput {
  const out = join(dir, 'output');
  mkdirSync(out);
  const images = captions.map((caption, i) => {
    const file = `d_${i + 1}.png`;
    writeFileSync(join(out, file), pngBuffer(32, 24, i + 1));
    return { file, caption };
  });
  return { outputFolder: out, prefix: 'd', triggerWord: 'ohwx', captionStyle: 'tags', images };
}

const rejectsWith = (p: Promise<unknown>, code: ExportError['code']) =>
  assert.rejects(p, (e: unknown) => e instanceof ExportError && e.code === code);

describe('exportFolder', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => cleanup(dir));

  it('writes images, captions and the config; a second export replaces the first and leaves no temp', async () => {
    const input = dataset(dir, ['ohwx, red hair', 'ohwx, a\r\nb']);
    const dest = join(dir, 'd_simpletuner');
    const r = await exportFolder('simpletuner', input, dest);
    assert.equal(r.images, 2);
    assert.deepEqual(readdirSync(join(dest, 'images')).sort(), ['d_1.png', 'd_1.txt', 'd_2.png', 'd_2.txt']);
    assert.equal(readFileSync(join(dest, 'images', 'd_2.txt'), 'utf8'), 'ohwx, a b');
    const backend = JSON.parse(readFileSync(join(dest, 'multidatabackend.json'), 'utf8'));
    assert.equal(backend[0].caption_strategy, 'textfile');
    assert.equal(backend[0].instance_data_dir, join(dest, 'images'));
    writeFileSync(join(dest, 'stale.txt'), 'from an older export');
    await exportFolder('simpletuner', { ...input, images: input.images.slice(0, 1) }, dest);
    assert.deepEqual(readdirSync(dest).sort(), ['images', 'multidatabackend.json']);
    assert.deepEqual(readdirSync(join(dest, 'images')).sort(), ['d_1.png', 'd_1.txt']);
    assert.deepEqual(readdirSync(dir).sort(), ['d_simpletuner', 'output']);
  });

  it('a missing image fails before anything is kept, and the older export stays as it was', async () => {
    const input = dataset(dir, ['ohwx, a', 'ohwx, b']);
    const dest = join(dir, 'd_kohya');
    await exportFolder('kohya', input, dest);
    const before = readFileSync(join(dest, 'dataset.toml'), 'utf8');
    const gone = { ...input, images: [...input.images, { file: 'd_9.png', caption: 'x' }] };
    await rejectsWith(exportFolder('kohya', gone, dest), 'missing-image');
    assert.equal(readFileSync(join(dest, 'dataset.toml'), 'utf8'), before);
    assert.deepEqual(readdirSync(dir).sort(), ['d_kohya', 'output']);
  });

  it('never follows a linked image, and a cancelled export leaves nothing', async () => {
    const input = dataset(dir, ['ohwx, a']);
    symlinkSync(join(input.outputFolder, 'd_1.png'), join(input.outputFolder, 'd_2.png'));
    const linked = { ...input, images: [...input.images, { file: 'd_2.png', caption: 'ohwx, b' }] };
    await rejectsWith(exportFolder('huggingface', linked, join(dir, 'hf')), 'bad-name');
    const stop = new AbortController();
    stop.abort();
    await rejectsWith(exportFolder('ai-toolkit', input, join(dir, 'ai'), { signal: stop.signal }), 'cancelled');
    assert.deepEqual(readdirSync(dir).sort(), ['output']);
  });

  it('writes kohya paths and trigger words as TOML strings, escapes and all', async () => {
    const input = { ...dataset(dir, ['ohwx, a']), triggerWord: 'say "hi"', className: 'wo\\man' };
    const dest = join(dir, 'd_kohya');
    await exportFolder('kohya', input, dest);
    const toml = readFileSync(join(dest, 'dataset.toml'), 'utf8');
    assert.match(toml, /class_tokens = "say \\"hi\\" wo\\\\man"/);
    const py =
      'import sys, tomllib; c = tomllib.load(open(sys.argv[1], "rb")); ' +
      'print(c["datasets"][0]["subsets"][0]["class_tokens"])';
    const r = spawnSync('python3', ['-c', py, join(dest, 'dataset.toml')], { encoding: 'utf8' });
    assert.equal(r.stdout, 'say "hi" wo\\man\n', r.stderr);
  });
});
