import { strict as assert } from 'node:assert';
import {
  readdirSync,
  readFileSync,
  writeFileSync,
  existsSync,
  mkdirSync,
  symlinkSync,
  unlinkSync,
  promises as fsp,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { exportZip, defaultZipPath } from '../../../../src/extension/dataset/export/zipExport';
import { ExportError } from '../../../../src/extension/dataset/export/zipWriter';
import { pngBuffer, jpegBuffer } from '../../../../scripts/lib/makeImages.mjs';
import { tempDir, cleanup, readZip, countZipEntries } from './helpers';

/** A small staged dataset: 4 images (one skipped), captions, and the files that must stay out of the zip. */
function makeDataset(dir: string): { out: string; include: { file: string }[] } {
  const out = join(dir, 'output');
  mkdirSync(out);
  const files = ['cat_0001.png', 'cat_0002.jpg', 'cat_0003.png', 'cat_0004 é 🐱.jpg'];
  files.forEach((f, i) => {
    writeFileSync(join(out, f), f.endsWith('.png') ? pngBuffer(64 + i, 48, i + 1) : jpegBuffer(80, 60 + i, i + 1));
    writeFileSync(join(out, f.replace(/\.\w+$/, '.txt')), `ohwx, tag ${i}, `.repeat(i * 20 + 1));
  });
  writeFileSync(join(out, 'session.json'), '{"schemaVersion":1}');
  writeFileSync(join(out, 'session.json.bak'), '{"schemaVersion":1}');
  writeFileSync(join(out, 'tags.txt'), 'ohwx\ntag 0\n');
  // cat_0003 is skipped: the lead passes only the non-skipped images.
  return { out, include: files.filter((f) => f !== 'cat_0003.png').map((file) => ({ file })) };
}

function unzipTest(zip: string): void {
  if (!existsSync('/usr/bin/unzip')) return console.log('    (unzip -t not run: /usr/bin/unzip absent)');
  const r = spawnSync('/usr/bin/unzip', ['-tqq', zip], { encoding: 'utf8' });
  assert.equal(r.status, 0, `unzip -t failed: ${r.stdout}${r.stderr}`);
}

describe('exportZip', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(function () {
    // Removing the ZIP64 test's 32,768 files took over a minute on a 2-core machine at load 13.
    this.timeout(180_000);
    cleanup(dir);
  });

  it('writes each included image and its caption at the zip root, byte for byte, images stored', async () => {
    const { out, include } = makeDataset(dir);
    const zipPath = defaultZipPath(out, 'cat');
    assert.equal(zipPath, join(dir, 'cat_civitai.zip'));
    const res = await exportZip(out, include, zipPath);
    assert.equal(res.images, 3);
    assert.equal(res.bytes, readFileSync(zipPath).length);
    assert.deepEqual(res.missingCaptions, []);
    const entries = await readZip(zipPath);
    const expected = include.flatMap(({ file }) => [file, file.replace(/\.\w+$/, '.txt')]);
    assert.deepEqual(
      entries.map((e) => e.name),
      expected,
    );
    for (const e of entries) {
      assert.ok(!e.name.includes('/'), `${e.name} is not at the root`);
      assert.deepEqual(e.data, readFileSync(join(out, e.name)), `${e.name} differs from the file on disk`);
      if (!e.name.endsWith('.txt')) assert.equal(e.method, 0, `${e.name} should be stored, not recompressed`);
    }
    // The long caption is deflated; the zip holds nothing but images and captions.
    assert.equal(entries.find((e) => e.name === 'cat_0004 é 🐱.txt')!.method, 8);
    for (const never of ['session.json', 'session.json.bak', 'tags.txt', 'cat_0003.png', 'cat_0003.txt']) {
      assert.ok(!entries.some((e) => e.name === never), `${never} must not be exported`);
    }
    unzipTest(zipPath);
    assert.deepEqual(readdirSync(dir).sort(), ['cat_civitai.zip', 'output'], 'no temp file is left beside the zip');
  });

  it('gives an image without a .txt an empty caption entry and says which', async () => {
    const { out, include } = makeDataset(dir);
    unlinkSync(join(out, 'cat_0002.txt'));
    const res = await exportZip(out, include, join(dir, 'x.zip'));
    assert.deepEqual(res.missingCaptions, ['cat_0002']);
    const e = (await readZip(join(dir, 'x.zip'))).find((x) => x.name === 'cat_0002.txt');
    assert.ok(e);
    assert.equal(e.data.length, 0);
  });

  it('writes a valid ZIP64 layout (forced on a small zip, read back by yauzl and unzip)', async () => {
    const { out, include } = makeDataset(dir);
    const zipPath = join(dir, 'z64.zip');
    await exportZip(out, include, zipPath, { forceZip64: true });
    const buf = readFileSync(zipPath);
    assert.ok(buf.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'has a ZIP64 end of central directory record');
    const entries = await readZip(zipPath);
    assert.equal(entries.length, 6);
    for (const e of entries) assert.deepEqual(e.data, readFileSync(join(out, e.name)));
    unzipTest(zipPath);
  });

  it('switches to ZIP64 by itself past 65,535 entries', async function () {
    this.timeout(180_000);
    const out = join(dir, 'output');
    mkdirSync(out);
    // 32,768 one-byte "images" with no caption file: each gets an empty .txt entry, 65,536 entries in all.
    const include = [];
    for (let i = 0; i < 32_768; i++) {
      const file = `i_${String(i).padStart(5, '0')}.png`;
      writeFileSync(join(out, file), String.fromCharCode(65 + (i % 26)));
      include.push({ file });
    }
    const zipPath = join(dir, 'many.zip');
    const res = await exportZip(out, include, zipPath);
    assert.equal(res.missingCaptions.length, 32_768);
    const buf = readFileSync(zipPath);
    assert.ok(
      buf.subarray(buf.length - 200).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])),
      'ZIP64 end record written',
    );
    assert.equal(await countZipEntries(zipPath), 65_536);
    unzipTest(zipPath);
  });

  it('leaves nothing behind when cancelled mid-way, or before it starts', async () => {
    const { out, include } = makeDataset(dir);
    const big = 'big_0001.png';
    writeFileSync(join(out, big), Buffer.alloc(5 << 20, 7)); // several 1 MiB chunks
    const ac = new AbortController();
    const zipPath = join(dir, 'c.zip');
    let calls = 0;
    await assert.rejects(
      exportZip(out, [{ file: big }, ...include], zipPath, {
        signal: ac.signal,
        onProgress: () => {
          if (++calls === 2) ac.abort();
        },
      }),
      (e: unknown) => e instanceof ExportError && e.code === 'cancelled',
    );
    assert.deepEqual(readdirSync(dir), ['output'], 'no zip and no temp file');
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(exportZip(out, include, zipPath, { signal: pre.signal }), /cancelled/);
    assert.deepEqual(readdirSync(dir), ['output']);
  });

  it(
    'removes the .partial files killed exports left beside the zip, never one a running ' + 'export is writing',
    async () => {
      const { out, include } = makeDataset(dir);
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      const stale = [
        `.cat_civitai.zip.${dead}_0badf00d.partial`,
        '.cat_civitai.zip.1234abcd.partial',
        `.old.zip.${dead}_00000001.partial`,
      ];
      const running = `.cat_civitai.zip.${process.ppid}_feedface.partial`;
      for (const n of [...stale, running]) writeFileSync(join(dir, n), Buffer.alloc(4096, 1));
      writeFileSync(join(dir, 'notes.partial'), 'not an export');
      const res = await exportZip(out, include, join(dir, 'cat_civitai.zip'));
      assert.equal(res.images, 3);
      assert.deepEqual(readdirSync(dir).sort(), [running, 'cat_civitai.zip', 'notes.partial', 'output'].sort());
    },
  );

  it(
    'never follows a link or packs a folder: an image or caption that is one is left out with its ' +
      'pair, and said why',
    async () => {
      const { out, include } = makeDataset(dir);
      const secret = join(tempDir('lora-elsewhere-'), 'id_ed25519');
      writeFileSync(secret, 'PRIVATE KEY');
      const secretImage = join(dirname(secret), 'me.png');
      writeFileSync(secretImage, pngBuffer(70, 70, 9));
      unlinkSync(join(out, 'cat_0001.txt'));
      symlinkSync(secret, join(out, 'cat_0001.txt'));
      unlinkSync(join(out, 'cat_0002.jpg'));
      symlinkSync(secretImage, join(out, 'cat_0002.jpg'));
      unlinkSync(join(out, 'cat_0004 é 🐱.txt'));
      mkdirSync(join(out, 'cat_0004 é 🐱.txt'));
      writeFileSync(join(out, 'cat_0005.png'), pngBuffer(64, 64, 5));
      writeFileSync(join(out, 'cat_0005.txt'), 'ohwx, fine');
      const res = await exportZip(out, [...include, { file: 'cat_0005.png' }], join(dir, 'l.zip'));
      const entries = await readZip(join(dir, 'l.zip'));
      assert.deepEqual(
        entries.map((e) => e.name),
        ['cat_0005.png', 'cat_0005.txt'],
      );
      assert.ok(!entries.some((e) => e.data.includes(Buffer.from('PRIVATE KEY'))));
      assert.equal(res.images, 1);
      assert.deepEqual(
        res.leftOut?.map((l) => l.file),
        ['cat_0001.png', 'cat_0002.jpg', 'cat_0004 é 🐱.jpg'],
      );
      assert.match(
        res.leftOut![0]!.reason,
        /cat_0001\.txt is a symbolic link, which the export never follows: cat_0001\.png and its caption were left out/,
      );
      assert.match(res.leftOut![2]!.reason, /is a folder/);
    },
  );

  it('refuses a missing image by name before writing anything', async () => {
    const { out, include } = makeDataset(dir);
    await assert.rejects(
      exportZip(out, [...include, { file: 'cat_0099.png' }], join(dir, 'm.zip')),
      (e: unknown) =>
        e instanceof ExportError &&
        e.code === 'missing-image' &&
        /cat_0099\.png/.test(e.message) &&
        /skipped/.test(e.message),
    );
    assert.deepEqual(readdirSync(dir), ['output']);
  });

  it('refuses names that are not plain file names, and a folder it cannot write to, leaving nothing', async () => {
    const { out, include } = makeDataset(dir);
    await assert.rejects(exportZip(out, [{ file: '../escape.png' }], join(dir, 'b.zip')), /plain file name/);
    await assert.rejects(exportZip(out, [include[0]!, include[0]!], join(dir, 'b.zip')), /listed twice/);
    await assert.rejects(
      exportZip(out, include, join(dir, 'no-such-folder', 'b.zip')),
      (e: unknown) => e instanceof ExportError && /no-such-folder/.test(e.message),
    );
    assert.deepEqual(readdirSync(dir), ['output']);
  });

  it('replaces an existing zip only when the new one is complete', async () => {
    const { out, include } = makeDataset(dir);
    const zipPath = join(dir, 'keep.zip');
    writeFileSync(zipPath, 'old zip');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(exportZip(out, include, zipPath, { signal: ac.signal }));
    assert.equal(readFileSync(zipPath, 'utf8'), 'old zip');
    await exportZip(out, include, zipPath);
    assert.equal((await readZip(zipPath)).length, 6);
  });

  it('on a full disk (ENOSPC mid-write) says so, names the zip, and leaves nothing', async () => {
    const { out, include } = makeDataset(dir);
    const zipPath = join(dir, 'full.zip');
    const realOpen = fsp.open;
    // Simulated full disk: the temp zip's second write fails as the kernel would report it.
    fsp.open = (async (...args: Parameters<typeof realOpen>) => {
      const fh = await realOpen(...args);
      if (!String(args[0]).endsWith('.partial')) return fh;
      let writes = 0;
      return new Proxy(fh, {
        get(target, prop, receiver) {
          if (prop === 'write') {
            return (...a: unknown[]) => {
              if (++writes > 1)
                return Promise.reject(
                  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
                );
              return (target.write as (...x: unknown[]) => unknown)(...a);
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    }) as typeof realOpen;
    try {
      writeFileSync(join(out, 'big_0001.png'), Buffer.alloc(3 << 20, 1));
      await assert.rejects(
        exportZip(out, [{ file: 'big_0001.png' }, ...include], zipPath),
        (e: unknown) =>
          e instanceof ExportError &&
          e.code === 'no-space' &&
          e.message.includes(zipPath) &&
          /filled up.*Free some space/.test(e.message),
      );
    } finally {
      fsp.open = realOpen;
    }
    assert.deepEqual(readdirSync(dir), ['output'], 'no zip and no temp file');
  });

  it('refuses up front when the disk has less free space than the zip needs', async () => {
    const { out, include } = makeDataset(dir);
    const realStatfs = fsp.statfs;
    fsp.statfs = (async (...args: Parameters<typeof realStatfs>) => ({
      ...(await realStatfs(...args)),
      bavail: 1,
      bsize: 4096,
    })) as typeof realStatfs;
    try {
      await assert.rejects(
        exportZip(out, include, join(dir, 'x.zip')),
        (e: unknown) => e instanceof ExportError && e.code === 'no-space' && /needs about/.test(e.message),
      );
    } finally {
      fsp.statfs = realStatfs;
    }
    assert.deepEqual(readdirSync(dir), ['output']);
  });
});
