import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { FindReplaceQuery, type ToWebview } from '../../../src/shared/protocol';
import { Dataset } from '../../../src/extension/dataset/session/dataset';
import { undoLastTagOperation } from '../../../src/extension/dataset/tags/tagOperations';
import { findReplaceHandlers } from '../../../src/extension/panel/handlers/findReplaceHandlers';
import { findReplaceQuery } from '../../fixtures.mjs';
import { read } from '../dataset/helpers';
import { stageFindReplaceDataset } from '../dataset/tags/findReplaceFixture';

const query = findReplaceQuery;

describe('panel find and replace handlers', () => {
  let out: string;
  let ds: Dataset;
  const sent: ToWebview[] = [];
  const logged: string[] = [];
  let h: ReturnType<typeof findReplaceHandlers>;
  const txt = (n: number) => read(join(out, `f_000${n}.txt`));

  beforeEach(async () => {
    ({ out, dataset: ds } = await stageFindReplaceDataset('frh'));
    sent.length = 0;
    logged.length = 0;
    h = findReplaceHandlers(
      {
        dataset: ds,
        writeCaption: (f, t) => ds.setCaption(f, t).then(() => {}),
        send: (m) => sent.push(m),
      },
      () => ({ info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) }),
    );
  });
  afterEach(() => ds.close());

  it('previews each caption that would change with its revision, and applies exactly that as one undo step', async () => {
    const p = await h['findReplace/preview']({ query: query() });
    assert.ok(p.ok);
    assert.equal(p.scanned, 3);
    assert.equal(p.replacements, 2);
    assert.deepEqual(
      p.changes.map((c) => [c.file, c.before, c.after]),
      [
        ['f_0001.png', 'ohwx, red hair', 'ohwx, auburn hair'],
        ['f_0002.png', 'ohwx, red hair, smile', 'ohwx, auburn hair, smile'],
      ],
    );
    assert.deepEqual(
      p.revs.map((r) => r.file),
      ['f_0001.png', 'f_0002.png'],
    );
    // Nothing is written by a preview.
    assert.equal(txt(1), 'ohwx, red hair');
    const a = await h['findReplace/apply']({ query: query(), revs: p.revs });
    assert.deepEqual(a, { ok: true, label: 'Replace "red hair" with "auburn hair" in tags', changed: 2 });
    assert.deepEqual([txt(1), txt(2), txt(3)], ['ohwx, auburn hair', 'ohwx, auburn hair, smile', 'ohwx, smile']);
    assert.match(logged.join('\n'), /Replace "red hair" with "auburn hair" in tags: 2 caption\(s\) in /);
    const u = await undoLastTagOperation(ds);
    assert.deepEqual(u.restored.sort(), ['f_0001.png', 'f_0002.png']);
    assert.deepEqual([txt(1), txt(2)], ['ohwx, red hair', 'ohwx, red hair, smile']);
  });

  it('refuses to apply, writing nothing, when a previewed caption changed since or a new one would change', async () => {
    const p = await h['findReplace/preview']({ query: query() });
    assert.ok(p.ok);
    await ds.setCaption('f_0002.png', 'ohwx, red hair, smile, hat');
    const a = await h['findReplace/apply']({ query: query(), revs: p.revs });
    assert.equal(a.ok, false);
    assert.match(
      a.ok ? '' : a.error,
      /^1 caption\(s\) changed since the preview \(f_0002\.png\), so nothing was replaced\./,
    );
    assert.equal(txt(1), 'ohwx, red hair');
    // A caption outside the preview that now would change is refused as well.
    const q = await h['findReplace/preview']({ query: query() });
    assert.ok(q.ok);
    await ds.setCaption('f_0003.png', 'ohwx, red hair');
    const b = await h['findReplace/apply']({ query: query(), revs: q.revs });
    assert.match(b.ok ? '' : b.error, /\(f_0003\.png\)/);
    assert.equal(txt(1), 'ohwx, red hair');
  });

  it('limits the scope to the files sent, and says what is wrong with a pattern or a file list', async () => {
    const p = await h['findReplace/preview']({
      query: query({ scope: 'selection', files: ['f_0002.png', 'f_0003.png'] }),
    });
    assert.ok(p.ok);
    assert.equal(p.scanned, 2);
    assert.deepEqual(
      p.changes.map((c) => c.file),
      ['f_0002.png'],
    );
    const bad = await h['findReplace/preview']({ query: query({ find: 'red (hair', regex: true }) });
    assert.equal(bad.ok, false);
    assert.match(
      bad.ok ? '' : bad.error,
      // V8 gives no position for a syntax error, so none is made up.
      /the pattern red \(hair cannot be used: invalid regular expression: Unterminated group\.$/,
    );
    const slow = await h['findReplace/preview']({ query: query({ find: '(a+)+', regex: true, wholeTags: false }) });
    assert.match(slow.ok ? '' : slow.error, /repeated group that itself repeats.*\(at character 1\)/);
    const none = await h['findReplace/preview']({ query: query({ scope: 'filtered' }) });
    assert.match(none.ok ? '' : none.error, /sent no file list/);
    const alien = await h['findReplace/preview']({ query: query({ scope: 'selection', files: ['f_0009.png'] }) });
    assert.match(alien.ok ? '' : alien.error, /f_0009\.png is not an image of this dataset/);
    // The protocol refuses a query with nothing to find, or a path for a file name.
    assert.equal(FindReplaceQuery.safeParse(query({ find: '' })).success, false);
    assert.equal(FindReplaceQuery.safeParse(query({ scope: 'selection', files: ['../x.png'] })).success, false);
  });

  it('leaves the trigger word alone unless asked', async () => {
    const kept = await h['findReplace/preview']({ query: query({ find: 'ohwx', replace: 'sks', wholeTags: false }) });
    assert.ok(kept.ok);
    assert.equal(kept.changes.length, 0);
    const all = await h['findReplace/preview']({
      query: query({ find: 'ohwx', replace: 'sks', wholeTags: false, protectTrigger: false }),
    });
    assert.ok(all.ok);
    assert.equal(all.changes.length, 3);
  });
});
