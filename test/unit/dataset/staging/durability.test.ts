import { strict as assert } from 'node:assert';
import { basename, join } from 'node:path';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { parseSession } from '../../../../src/extension/dataset/session/sessionFile';
import { img, opts, read, sysError, tempDir, text, trapFs } from '../helpers';

type Event = { op: 'sync' | 'rename' | 'unlink'; path: string; to?: string };

/** Stages through an fs that records every fsync, rename and unlink in the order they reach the disk. */
async function recordedRun(mode: 'copy' | 'move', exdev = false) {
  const src = tempDir('src');
  for (let i = 1; i <= 6; i++) img(src, `pic ${i}.png`, i, 20 + i, 12);
  text(src, 'pic 2.txt', 'ohwx, red hair');
  const out = join(src, 'output');
  const events: Event[] = [];
  const t = trapFs((m, a) => {
    const path = String(a[0]);
    if (m === 'handle.sync') events.push({ op: 'sync', path });
    if (m === 'unlink') events.push({ op: 'unlink', path });
    if (m === 'rename') {
      if (exdev && !path.startsWith(out)) return sysError('EXDEV', 'rename', path);
      events.push({ op: 'rename', path, to: String(a[1]) });
    }
    return undefined;
  });
  const r = await stageDataset(src, opts({ prefix: 'p', triggerWord: 'ohwx', mode }), { fs: t.fs });
  return { r, out, src, events };
}

/** The index of the rename that wrote the session saying the plan is done (the last rename onto session.json). */
function finalSessionSave(events: Event[], out: string): number {
  const i = events.map((e) => e.op === 'rename' && e.to === join(out, 'session.json')).lastIndexOf(true);
  assert.ok(i >= 0);
  return i;
}

describe('staging durability: the session never claims more than the disk holds', () => {
  for (const mode of ['copy', 'move'] as const) {
    it(
      `${mode} mode: every staged image and caption is fsynced before it is renamed into place, and the folder ` +
        `before the session says done`,
      async () => {
        const { r, out, events } = await recordedRun(mode);
        const done = finalSessionSave(events, out);
        assert.equal(parseSession(read(r.sessionFile)).staging, undefined);
        const staged = parseSession(read(r.sessionFile)).images.flatMap((i) => [
          i.file,
          i.file.replace(/\.png$/, '.txt'),
        ]);
        assert.equal(staged.length, 12);
        for (const name of staged) {
          const final = join(out, name);
          const placed = events.findIndex((e) => e.op === 'rename' && e.to === final);
          assert.ok(placed >= 0 && placed < done, `${name} is in place before the session says so`);
          const from = events[placed]!.path;
          // A copy is synced as its temp file before the rename; a moved image is synced at its new name after it.
          const synced = events.findIndex((e) => e.op === 'sync' && (e.path === from || e.path === final));
          assert.ok(synced >= 0 && synced < done, `${name} is fsynced before the session says it is done`);
          if (from.endsWith('.lora-tmp')) assert.ok(synced < placed, `${name}: its data is on disk before its name is`);
        }
        const lastPlaced = Math.max(
          ...staged.map((n) => events.findIndex((e) => e.op === 'rename' && e.to === join(out, n))),
        );
        const folderSync = events.findIndex((e, i) => i > lastPlaced && e.op === 'sync' && e.path === out);
        assert.ok(
          folderSync > lastPlaced && folderSync < done,
          'the output folder (its new names) is fsynced ' + 'before the final session save',
        );
      },
    );
  }

  it("move mode across disks: a source is removed only once its copy and the copy's name are on disk", async () => {
    const { r, out, src, events } = await recordedRun('move', true);
    const fileOf = new Map(
      parseSession(read(r.sessionFile)).images.map((i) => [join(src, i.source), join(out, i.file)]),
    );
    const removed = events.filter((e) => e.op === 'unlink' && fileOf.has(e.path));
    assert.equal(removed.length, 6);
    for (const u of removed) {
      const at = events.indexOf(u);
      const placed = events.findIndex((e) => e.op === 'rename' && e.to === fileOf.get(u.path));
      assert.ok(
        placed >= 0 && placed < at,
        `${basename(u.path)}: its copy was renamed into place ` + `before the source was removed`,
      );
      const synced = events.findIndex((e) => e.op === 'sync' && e.path === events[placed]!.path);
      assert.ok(
        synced >= 0 && synced < placed,
        `${basename(u.path)}: the copy was fsynced ` + `before it was renamed into place`,
      );
      assert.ok(
        events.some((e, j) => j > placed && j < at && e.op === 'sync' && e.path === out),
        `${basename(u.path)}: the output folder was fsynced before the source was removed`,
      );
    }
  });
});
