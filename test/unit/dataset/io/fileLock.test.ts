// Issue 9, case 3: the short lock two writers take around a read-merge-write.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lockPathFor, withFileLock } from '../../../../src/extension/dataset/io/fileLock';
import { tempDir } from '../helpers';

/** The id of a process that has ended (its number is free, as after a kill). */
function endedPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('file lock (issue 9, case 3)', () => {
  it('one writer at a time; the lock is gone afterwards, even when the work fails', async () => {
    const d = tempDir('lock');
    const path = join(d, 'tags.txt');
    const order: string[] = [];
    const work = (name: string) =>
      withFileLock(path, async () => {
        order.push(`${name} in`);
        await new Promise((r) => setImmediate(r));
        order.push(`${name} out`);
      });
    await Promise.all([work('a'), work('b'), work('c')]);
    // Each one's "out" comes right after its "in": never two inside at once.
    const who = (i: number) => order[i]!.split(' ')[0];
    assert.ok(
      order.every((_, i) => i % 2 === 0 || who(i) === who(i - 1)),
      order.join(', '),
    );
    await assert.rejects(
      withFileLock(path, () => Promise.reject(new Error('disk full'))),
      /disk full/,
    );
    assert.deepEqual(readdirSync(d), []);
  });

  it('takes over the lock of a writer that was killed; waits for a live one, then says who holds it', async () => {
    const d = tempDir('lock');
    const path = join(d, 'session.json');
    writeFileSync(lockPathFor(path), `${endedPid()} ${hostname()}\n`);
    assert.equal(await withFileLock(path, async () => 'written'), 'written');
    assert.deepEqual(readdirSync(d), []);
    // Held by a process that is running (our parent): refused after the wait, naming it and the lock file.
    writeFileSync(lockPathFor(path), `${process.ppid} ${hostname()}\n`);
    const named = (e: Error) =>
      e.message.includes(`process ${process.ppid}`) &&
      e.message.includes(lockPathFor(path)) &&
      /Nothing was written/.test(e.message);
    await assert.rejects(
      withFileLock(path, async () => 'never', undefined, 200),
      named,
    );
  });
});
