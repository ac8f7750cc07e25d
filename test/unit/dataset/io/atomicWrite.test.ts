import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../src/extension/dataset/io/atomicWrite';
import { ls, read, sysError, tempDir, text, trapFs } from '../helpers';

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temp file', async () => {
    const d = tempDir();
    const p = text(d, 'a.txt', 'old');
    await writeFileAtomic(p, 'new ✓');
    assert.equal(read(p), 'new ✓');
    assert.deepEqual(ls(d), ['a.txt']);
  });
  it('on a full disk keeps the old content and removes its temp file', async () => {
    const d = tempDir();
    const p = text(d, 'a.txt', 'old');
    const t = trapFs((m, a) => (m === 'handle.writeFile' ? sysError('ENOSPC', 'write', String(a[0])) : undefined));
    await assert.rejects(writeFileAtomic(p, 'new', t.fs), /ENOSPC/);
    assert.equal(t.state.fired, 1);
    assert.equal(read(p), 'old');
    assert.deepEqual(ls(d), ['a.txt']);
  });
  it('when the rename fails keeps the old content and removes its temp file', async () => {
    const d = tempDir();
    const p = text(d, 'a.txt', 'old');
    const t = trapFs((m, a) => (m === 'rename' ? sysError('EACCES', 'rename', String(a[0])) : undefined));
    await assert.rejects(writeFileAtomic(join(d, 'a.txt'), 'new', t.fs), /EACCES/);
    assert.equal(read(p), 'old');
    assert.deepEqual(ls(d), ['a.txt']);
  });
});
