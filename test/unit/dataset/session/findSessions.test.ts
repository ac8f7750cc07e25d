import { strict as assert } from 'node:assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSessions } from '../../../../src/extension/dataset/session/findSessions';
import { serializeSession } from '../../../../src/extension/dataset/session/sessionFile';
import { migrateSession } from '../../../../src/extension/dataset/session/schema';
import { sampleSession, tempDir } from '../helpers';

function session(dir: string, prefix: string, updatedAt: string, tagged: number, total: number): string {
  mkdirSync(dir, { recursive: true });
  const raw = sampleSession(total);
  raw.prefix = prefix;
  raw.updatedAt = updatedAt;
  (raw.images as { status: string }[]).forEach((im, i) => (im.status = i < tagged ? 'tagged' : 'untagged'));
  writeFileSync(join(dir, 'session.json'), serializeSession(migrateSession(raw)));
  return dir;
}

describe('findSessions', () => {
  it('lists sessions most recently used first with progress; skips node_modules, .git and backups; survives symlink loops', async () => {
    const root = tempDir('ws');
    session(join(root, 'cats/output'), 'cat', '2026-01-02T00:00:00.000Z', 1, 3);
    session(join(root, 'dogs/output'), 'dog', '2026-03-01T00:00:00.000Z', 2, 2);
    session(join(root, 'node_modules/pkg/output'), 'nm', '2026-09-01T00:00:00.000Z', 0, 1);
    session(join(root, '.git/output'), 'git', '2026-09-01T00:00:00.000Z', 0, 1);
    session(join(root, 'cats/output.backup-2026-01-01T00-00-00'), 'old', '2026-09-01T00:00:00.000Z', 0, 1);
    symlinkSync(root, join(root, 'cats', 'loop'));
    const list = await findSessions([root, root]);
    assert.deepEqual(
      list.map((s) => [s.title, s.tagged, s.total]),
      [
        ['dog', 2, 2],
        ['cat', 1, 3],
      ],
    );
    assert.equal(list[0]!.outputFolder, join(root, 'dogs/output'));
    assert.equal(list[0]!.sessionFile, join(root, 'dogs/output/session.json'));
  });

  it('respects the depth limit, except for the output folder one level further', async () => {
    const root = tempDir('ws');
    session(join(root, 'a/b/c/d/output'), 'deep', '2026-01-01T00:00:00.000Z', 0, 1);
    session(join(root, 'a/b/c/d/e/f/output'), 'deeper', '2026-01-01T00:00:00.000Z', 0, 1);
    assert.deepEqual(
      (await findSessions([root], { maxDepth: 4 })).map((s) => s.title),
      [],
    );
    assert.deepEqual(
      (await findSessions([root], { maxDepth: 4, outputFolderName: 'output' })).map((s) => s.title),
      ['deep'],
    );
    assert.deepEqual((await findSessions([root], { maxDepth: 8 })).map((s) => s.title).sort(), ['deep', 'deeper']);
  });

  it('still lists a damaged session (from its .bak, or as needing repair)', async () => {
    const root = tempDir('ws');
    const a = session(join(root, 'a/output'), 'a', '2026-01-01T00:00:00.000Z', 1, 2);
    writeFileSync(join(a, 'session.json.bak'), JSON.stringify(sampleSession(2)));
    writeFileSync(join(a, 'session.json'), '{broken');
    mkdirSync(join(root, 'b/output'), { recursive: true });
    writeFileSync(join(root, 'b/output/session.json'), 'nope');
    const list = await findSessions([root]);
    const byFolder = new Map(list.map((s) => [s.outputFolder, s]));
    assert.deepEqual(byFolder.get(a), {
      outputFolder: a,
      sessionFile: join(a, 'session.json'),
      title: 'cat',
      tagged: 0,
      total: 2,
      updatedAt: '2026-01-01T00:00:00.000Z',
      needsRepair: true,
    });
    const b = byFolder.get(join(root, 'b/output'));
    assert.ok(b && b.needsRepair && b.title === 'b' && b.total === 0);
  });
});
