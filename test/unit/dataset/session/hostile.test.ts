/**
 * A dataset received from someone else: every path field of its session.json set to escapes, links and absolute
 * paths. Opening it (Resume), Start on its folder (resume and add) and the export must read, write or move nothing
 * outside the dataset and the folder it was staged from: a fake HOME with an SSH key and a sentinel folder are
 * snapshotted, and every path the engine opens, copies, renames or removes is recorded.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { checkDataset } from '../../../../src/extension/dataset/export/preflight';
import { defaultZipPath, exportZip } from '../../../../src/extension/dataset/export/zipExport';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, read, sampleSession, snapshot, tempDir, text, trapFs, type Method } from '../helpers';
import { readZip } from '../export/helpers';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

/** What a hostile dataset can reach: a HOME with a key and photos, a sentinel folder, and the received dataset. */
function world() {
  const root = tempDir('hostile');
  const home = join(root, 'home');
  const key = text(home, '.ssh/id_ed25519', KEY);
  const photo = img(home, 'Pictures/me.png', 7, 40, 40);
  const sentinel = join(root, 'sentinel');
  img(sentinel, 'a.png', 8);
  text(sentinel, 'notes.txt', 'do not touch');
  const src = join(root, 'received');
  for (let i = 1; i <= 3; i++) img(src, `p${i}.png`, i);
  const out = join(src, 'output');
  const before = { home: snapshot(home), sentinel: snapshot(sentinel) };
  return { root, home, key, photo, sentinel, src, out, before };
}
type World = ReturnType<typeof world>;

/** An fs that records every path the engine reads, writes, copies, renames or removes. */
function recordingFs() {
  const touched: { method: Method; path: string }[] = [];
  const acting = new Set<Method>(['open', 'readFile', 'writeFile', 'copyFile', 'rename', 'unlink', 'mkdir']);
  const t = trapFs((m, a) => {
    if (acting.has(m))
      for (const p of a.slice(0, m === 'copyFile' || m === 'rename' ? 2 : 1))
        touched.push({ method: m, path: String(p) });
    return undefined;
  });
  return { fs: t.fs, touched };
}

/** The received dataset, staged for real, then its session.json (and .bak) replaced by `tamper` of it. */
async function received(w: World, tamper: (s: Record<string, unknown>) => void): Promise<void> {
  await stageDataset(w.src, opts({ prefix: 'p', triggerWord: 'ohwx' }));
  const s = JSON.parse(read(join(w.out, 'session.json'))) as Record<string, unknown>;
  tamper(s);
  for (const f of ['session.json', 'session.json.bak']) writeFileSync(join(w.out, f), JSON.stringify(s));
}

/** Resume, Start (resume, then add) and the export, each on the received dataset, through the recording fs. */
async function useIt(w: World, touched: { method: Method; path: string }[], fs: ReturnType<typeof recordingFs>['fs']) {
  const opened = await Dataset.open(w.out, { fs });
  const notices = [...opened.notices];
  const ds = opened.dataset;
  const images = ds.session.images.map((i) => ({ ...i, caption: ds.caption(i.file) }));
  const findings = await checkDataset(
    { outputFolder: w.out, images, triggerWord: 'ohwx', captionStyle: 'tags' },
    { decode: false },
  );
  const zipPath = defaultZipPath(w.out, ds.session.prefix);
  const zip = await exportZip(
    w.out,
    ds.session.images.map((i) => ({ file: i.file })),
    zipPath,
  );
  await ds.close();
  img(w.src, 'p9.png', 9);
  for (const onExisting of ['resume', 'add'] as const) {
    const r = await stageDataset(w.src, opts({ prefix: 'p', triggerWord: 'ohwx', onExisting }), { fs });
    notices.push(...r.notices, ...r.skipped.map((s) => `skipped ${s.file}: ${s.reason}`));
  }
  const entries = await readZip(zipPath);
  assert.ok(zipPath.startsWith(w.src + sep), `the zip ${zipPath} is written beside the output folder`);
  assert.ok(
    !entries.some((e) => e.data.includes(Buffer.from('PRIVATE KEY')) || e.data.equals(readFileSync(w.photo))),
    'nothing from outside is in the zip',
  );
  assertContained(w, touched);
  return { notices, findings, zip, entries };
}

function assertContained(w: World, touched: { method: Method; path: string }[]): void {
  assert.deepEqual(snapshot(w.home), w.before.home, 'HOME is untouched');
  assert.deepEqual(snapshot(w.sentinel), w.before.sentinel, 'the sentinel folder is untouched');
  const outside = touched.filter((t) => !t.path.startsWith(w.src + sep));
  assert.deepEqual(
    outside,
    [],
    'every path the engine opened, copied, renamed or removed is in the ' + 'dataset or its source folder',
  );
  assert.deepEqual(
    snapshot(w.root, (rel) => rel.startsWith('received/')),
    new Map([...prefixed('home/', w.before.home), ...prefixed('sentinel/', w.before.sentinel)]),
    'nothing new outside',
  );
}

function prefixed(p: string, m: Map<string, Buffer>): [string, Buffer][] {
  return [...m].map(([k, v]) => [p + k, v]);
}

/** A pending plan for one more image, as a killed staging run leaves it. */
function pending(
  s: Record<string, unknown>,
  source: string,
  size: number,
  mode: 'copy' | 'move',
  file = 'p_0004.png',
): void {
  const images = s.images as Record<string, unknown>[];
  images.push({
    file,
    source,
    size,
    width: 16,
    height: 12,
    format: 'png',
    status: 'untagged',
    favourite: false,
    nsfw: false,
  });
  s.staging = { startedAt: '2026-01-01T00:00:00.000Z', mode, pending: [file] };
}

describe(
  'a hostile dataset (session.json from someone else) touches nothing outside the dataset ' + 'and its source folder',
  () => {
    let home: string | undefined;
    before(() => (home = process.env.HOME));
    after(() => (process.env.HOME = home));

    for (const prefix of ['../../X', '../sentinel/evil', '/tmp/abs', 'a\\..\\..\\b', 'C:evil', 'x\u0000y']) {
      it(`prefix ${JSON.stringify(prefix)}: refused with a message; new images and the zip stay inside`, async () => {
        const w = world();
        process.env.HOME = w.home;
        await received(w, (s) => (s.prefix = prefix));
        const rec = recordingFs();
        const { notices } = await useIt(w, rec.touched, rec.fs);
        assert.ok(
          notices.some((n) => /names the prefix .*cannot be used.*uses "p" instead/.test(n)),
          notices.join('\n'),
        );
        assert.ok(read(join(w.out, 'session.json')).includes('"prefix": "p"'));
      });
    }

    for (const where of ['relative', 'absolute'] as const) {
      it(
        `sourceFolder pointing at HOME/.ssh (${where}) with a pending move plan of the key: not ` +
          `run, nothing moved`,
        async () => {
          const w = world();
          await received(w, (s) => {
            s.sourceFolder = where === 'absolute' ? join(w.home, '.ssh') : '../../home/.ssh';
            pending(s, 'id_ed25519', statSync(w.key).size, 'move');
          });
          const rec = recordingFs();
          const { notices } = await useIt(w, rec.touched, rec.fs);
          assert.ok(
            notices.some((n) =>
              /staging plan of 1 image\(s\) to read from .*\.ssh, which is not the folder this dataset is in \(.*\); it was not run, and nothing was read, copied or moved/.test(
                n,
              ),
            ),
            notices.join('\n'),
          );
        },
      );
    }

    const escapes = (w: World) => [
      '../home/.ssh/id_ed25519',
      '../../home/.ssh/id_ed25519',
      join(w.home, '.ssh', 'id_ed25519'),
      'sub/../../home/.ssh/id_ed25519',
      '..\\home\\.ssh\\id_ed25519',
      './p1.png',
    ];
    for (const mode of ['move', 'copy'] as const) {
      it(
        `plan sources that climb out or are absolute (${mode} mode): each refused with a message, ` +
          `nothing read or moved`,
        async () => {
          for (const source of escapes(world())) {
            const w = world();
            const src = source.startsWith('/') ? join(w.home, '.ssh', 'id_ed25519') : source;
            await received(w, (s) => pending(s, src, statSync(w.key).size, mode));
            const rec = recordingFs();
            const { notices } = await useIt(w, rec.touched, rec.fs);
            assert.ok(
              notices.some((n) => /not read, copied or moved/.test(n)),
              `${source}: ${notices.join('\n')}`,
            );
          }
        },
      );
    }

    it(
      'a plan source that is a link inside the source folder to the key: refused, the link ' + 'and the key stay',
      async () => {
        const w = world();
        symlinkSync(w.key, join(w.src, 'innocent.png'));
        await received(w, (s) => pending(s, 'innocent.png', statSync(w.key).size, 'move'));
        const rec = recordingFs();
        const { notices } = await useIt(w, rec.touched, rec.fs);
        assert.ok(
          notices.some((n) =>
            /innocent\.png.*leads outside .* \(through a symbolic link\), so it was not read, copied or moved/.test(n),
          ),
          notices.join('\n'),
        );
        assert.equal(read(join(w.src, 'innocent.png')), KEY);
      },
    );

    it(
      "image names that are the dataset's own files (session.json, tags.txt, a caption): left out, " +
        'never written over',
      async () => {
        const w = world();
        img(w.src, 'big.png', 20, 50, 50);
        await received(w, (s) => {
          pending(s, 'big.png', statSync(join(w.src, 'big.png')).size, 'copy', 'session.json');
          (s.images as Record<string, unknown>[]).push({
            ...(s.images as Record<string, unknown>[])[0],
            file: 'tags.txt',
          });
        });
        const rec = recordingFs();
        const { notices } = await useIt(w, rec.touched, rec.fs);
        assert.ok(
          notices.some((n) => /lists 2 name\(s\) that are not image files of the dataset/.test(n)),
          notices.join('\n'),
        );
        assert.ok(read(join(w.out, 'session.json')).startsWith('{'), 'session.json is still the session');
      },
    );

    it(
      'names with separators or ".." in images, currentFile or the plan: the session is set aside, rebuilt, ' +
        'nothing outside touched',
      async () => {
        const w = world();
        await received(w, (s) => {
          s.currentFile = '../../home/.ssh/id_ed25519';
          pending(s, 'p1.png', 10, 'move', '../../home/.ssh/id_ed25519');
        });
        const rec = recordingFs();
        const { notices } = await useIt(w, rec.touched, rec.fs);
        assert.ok(
          notices.some((n) => /rebuilt from the 3 images/.test(n)),
          notices.join('\n'),
        );
      },
    );

    it(
      'a caption and an image in the output folder that are links to HOME: never read, shown or ' +
        'exported, reported',
      async () => {
        const w = world();
        await received(w, () => undefined);
        unlinkSync(join(w.out, 'p_0001.txt'));
        symlinkSync(w.key, join(w.out, 'p_0001.txt'));
        unlinkSync(join(w.out, 'p_0002.png'));
        symlinkSync(w.photo, join(w.out, 'p_0002.png'));
        const rec = recordingFs();
        const { notices, findings, zip, entries } = await useIt(w, rec.touched, rec.fs);
        assert.ok(
          notices.some((n) => n.includes(join(w.out, 'p_0001.txt')) && n.includes(w.key)),
          notices.join('\n'),
        );
        assert.ok(
          notices.some((n) => n.includes(join(w.out, 'p_0002.png')) && n.includes(w.photo)),
          notices.join('\n'),
        );
        assert.deepEqual(
          findings.filter((f) => f.rule === 'linked-file').map((f) => f.file),
          ['p_0001.png', 'p_0002.png'],
        );
        assert.deepEqual(
          entries.map((e) => e.name),
          ['p_0003.png', 'p_0003.txt'],
        );
        assert.equal(zip.leftOut?.length, 2);
      },
    );

    it(
      'session.json and its .bak as links to the key: never read, set aside, the session rebuilt ' + 'from the files',
      async () => {
        const w = world();
        await received(w, () => undefined);
        for (const f of ['session.json', 'session.json.bak']) {
          unlinkSync(join(w.out, f));
          symlinkSync(w.key, join(w.out, f));
        }
        const rec = recordingFs();
        const { notices } = await useIt(w, rec.touched, rec.fs);
        assert.ok(
          notices.some((n) =>
            /session\.json could not be read \(it is a symbolic link, which is never followed\)/.test(n),
          ),
          notices.join('\n'),
        );
        assert.ok(!notices.some((n) => n.includes('PRIVATE KEY')), 'no notice quotes the key');
      },
    );

    it('a sample session with every path field hostile at once still opens on what is really there', async () => {
      const w = world();
      await received(w, () => undefined);
      const s = sampleSession(0);
      Object.assign(s, { prefix: '../../home/.ssh/x', sourceFolder: w.home, images: [] });
      pending(s, join(w.home, '.ssh', 'id_ed25519'), statSync(w.key).size, 'move');
      for (const f of ['session.json', 'session.json.bak']) writeFileSync(join(w.out, f), JSON.stringify(s));
      const rec = recordingFs();
      const { notices } = await useIt(w, rec.touched, rec.fs);
      assert.ok(
        notices.some((n) => /names the prefix/.test(n)) && notices.some((n) => /was not run/.test(n)),
        notices.join('\n'),
      );
    });
  },
);
