import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../src/extension/dataset/io/atomicWrite';
import { readTextFiles } from '../../../../src/extension/dataset/io/fsLike';
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

describe('readTextFiles', () => {
  it('reads many files exactly (unicode, over 64 KB, missing as empty) on the fast and the injected paths', async () => {
    const d = tempDir();
    const big = 'é'.repeat(40_000) + ', end'; // 80 KB of UTF-8: more than the shared buffer
    const paths = [text(d, 'a.txt', 'ohwx, café ☕, 🐱'), text(d, 'b.txt', big), join(d, 'missing.txt'), text(d, 'c.txt', '')];
    const expected = ['ohwx, café ☕, 🐱', big, '', ''];
    assert.deepEqual(await readTextFiles(paths), expected);
    const injected = trapFs(() => undefined);
    assert.equal(injected.fs.readTextSync, undefined);
    assert.deepEqual(await readTextFiles(paths, injected.fs), expected);
    const denied = trapFs((m, a) => (m === 'readFile' && String(a[0]).endsWith('c.txt') ? sysError('EACCES', 'open', String(a[0])) : undefined));
    await assert.rejects(readTextFiles(paths, denied.fs), (e: Error) => e.message.includes(join(d, 'c.txt')) && /Permission denied/.test(e.message));
  });
});
