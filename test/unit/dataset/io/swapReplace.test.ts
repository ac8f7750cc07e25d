// The replace every caption save goes through (io/swapReplace.ts), on the real file system: its results, what it
// leaves beside the file, and how many calls it queues for libuv's threads (each waits behind the fsyncs of the
// other writes in flight: 5,000 captions at 16 in flight spent most of their time in that queue).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceIfSame } from '../../../../src/extension/dataset/io/swapReplace';
import { read, tempDir } from '../helpers';
import { threadCalls } from './threadCalls';

function caption(text: string) {
  const dir = tempDir('swap');
  const path = join(dir, 'c_0001.txt');
  writeFileSync(path, text);
  return { dir, path };
}

describe('replaceIfSame on the real file system', () => {
  it('replaces the file and leaves no temp or kept file beside it', async () => {
    const { dir, path } = caption('ohwx, before');
    assert.equal(await replaceIfSame(path, Buffer.from('ohwx, after'), Buffer.from('ohwx, before')), true);
    assert.equal(read(path), 'ohwx, after');
    assert.deepEqual(readdirSync(dir), ['c_0001.txt']);
  });

  it('refuses when the file is not what the new text was made from, and leaves it as it is', async () => {
    const { dir, path } = caption('ohwx, changed by hand');
    assert.equal(await replaceIfSame(path, Buffer.from('ohwx, after'), Buffer.from('ohwx, before')), false);
    assert.equal(read(path), 'ohwx, changed by hand');
    assert.deepEqual(readdirSync(dir), ['c_0001.txt']);
  });

  it('queues only the write, its fsync and the three names for the threads (the compares are read at once)', async () => {
    const { path } = caption('ohwx, before');
    const n = await threadCalls(() => replaceIfSame(path, Buffer.from('ohwx, after'), Buffer.from('ohwx, before')));
    // open, write, fsync, close of the new file; link, rename, unlink of the kept one. It was 13: both compares
    // were read through the queue, and the temp file, already renamed into place, was unlinked again.
    assert.ok(n <= 7, `${n} calls queued for the thread pool`);
    assert.ok(n >= 4, `${n} calls counted: at least the new file's open, write, fsync and close`);
    assert.equal(read(path), 'ohwx, after');
  });
});

describe('replaceIfSame when something else than a file is put at the path', () => {
  it("a named pipe put in the caption's place is refused, not waited on", async function () {
    if (process.platform === 'win32') this.skip();
    const dir = tempDir('swap');
    const path = join(dir, 'c_0001.txt');
    execFileSync('mkfifo', [path]);
    assert.equal(await replaceIfSame(path, Buffer.from('ohwx, after'), Buffer.from('ohwx, before')), false);
    assert.ok(lstatSync(path).isFIFO(), 'the pipe is left where it was');
    assert.deepEqual(readdirSync(dir), ['c_0001.txt']);
  });
});
