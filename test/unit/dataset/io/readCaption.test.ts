import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptionFiles } from '../../../../src/extension/dataset/io/readCaption';
import { sysError, tempDir, text, trapFs } from '../helpers';

describe('readCaptionFiles', () => {
  it(
    'reads many files exactly (unicode, over 64 KB, missing as empty) on the fast and the ' + 'injected paths',
    async () => {
      const d = tempDir();
      const big = 'é'.repeat(40_000) + ', end'; // 80 KB of UTF-8: more than the shared buffer
      const paths = [
        text(d, 'a.txt', 'ohwx, café ☕, 🐱'),
        text(d, 'b.txt', big),
        join(d, 'missing.txt'),
        text(d, 'c.txt', ''),
        text(d, 'd.txt', 'a real \uFFFD, kept'),
      ];
      const expected = [
        { text: 'ohwx, café ☕, 🐱' },
        { text: big },
        { text: '', missing: true },
        { text: '' },
        { text: 'a real \uFFFD, kept' },
      ];
      const fast = await readCaptionFiles(paths);
      assert.deepEqual(
        fast.map(({ stamp: _, ...r }) => r),
        expected,
      );
      // The quick path stamps each regular file it read in full, as lstat sees it (what a first save compares).
      for (const i of [0, 1, 4]) {
        const st = lstatSync(paths[i]!);
        assert.deepEqual(fast[i]!.stamp, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
      }
      assert.equal(fast[2]!.stamp, undefined, 'a missing file has none');
      assert.equal(fast[3]!.stamp, undefined, 'nor an empty one, which readCaptionFile looks at again');
      const injected = trapFs(() => undefined);
      assert.equal(injected.fs.readBytesSync, undefined);
      assert.deepEqual(await readCaptionFiles(paths, injected.fs), expected);
    },
  );

  it(
    'reports, and never follows or opens as text, a link, a folder, a pipe, bytes that are not UTF-8 and an ' +
      'unreadable file',
    async () => {
      const d = tempDir();
      const outside = text(tempDir('elsewhere'), 'secret.txt', 'private words');
      const paths = [
        join(d, 'link.txt'),
        join(d, 'folder.txt'),
        join(d, 'pipe.txt'),
        text(d, 'latin1.txt', Buffer.from('ohwx, caf\xe9', 'latin1')),
        text(d, 'ok.txt', 'fine'),
        text(d, 'locked.txt', 'x'),
      ];
      symlinkSync(outside, paths[0]!);
      mkdirSync(paths[1]!);
      execFileSync('mkfifo', [paths[2]!]);
      const locked = trapFs((m, a) =>
        m === 'readFile' && String(a[0]).endsWith('locked.txt') ? sysError('EACCES', 'open', String(a[0])) : undefined,
      );
      for (const fs of [undefined, locked.fs]) {
        const r = await readCaptionFiles(paths, fs);
        assert.deepEqual(
          r.map((x) => x.problem?.kind),
          ['symlink', 'folder', 'not-a-file', 'not-utf8', undefined, fs ? 'unreadable' : undefined],
        );
        assert.ok(
          r.slice(0, 3).every((x) => x.text === ''),
          'nothing read through the link',
        );
        assert.ok(
          r[0]!.problem!.message.includes(paths[0]!) &&
            r[0]!.problem!.message.includes(outside) &&
            /Replace the link with a copy/.test(r[0]!.problem!.message),
        );
        assert.match(r[1]!.problem!.message, /is a folder, not a caption file.*Rename or move that folder/);
        assert.match(r[3]!.problem!.message, /latin1\.txt is not valid UTF-8 .*never rewritten.*Save with Encoding/);
        assert.equal(r[4]!.text, 'fine');
        if (fs) assert.match(r[5]!.problem!.message, /Cannot read .*locked\.txt: .*Permission denied/);
      }
    },
  );
});
