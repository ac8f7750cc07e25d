// The panel's caption batches (captionBatch.ts): the real engine's caption changes, as Dataset.onDidChangeCaption
// fires them for a dataset-wide operation, go out as few `captions/changed` messages, each caption once at its
// newest revision; a flush sends what is queued at once, and nothing goes out after dispose.
import { strict as assert } from 'node:assert';
import { Dataset } from '../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../src/extension/dataset/staging/stage';
import { applySelectionEdit } from '../../../src/extension/dataset/tags/selectionEdits';
import { CaptionBatch } from '../../../src/extension/panel/captionBatch';
import type { ToWebview } from '../../../src/shared/protocol';
import { img, opts, tempDir } from '../dataset/helpers';

type Batch = Extract<ToWebview, { type: 'captions/changed' }>;

describe('caption batches (captionBatch.ts)', () => {
  it('sends a 40-caption selection edit in batches, every caption once at its revision, the last ones by themselves', async () => {
    const src = tempDir('batch');
    for (let i = 1; i <= 40; i++) img(src, `i${i}.png`, i);
    const out = (await stageDataset(src, opts({ prefix: 'b', triggerWord: 'ohwx', captionStyle: 'tags' })))
      .outputFolder;
    const { dataset } = await Dataset.open(out);
    const sent: Batch[] = [];
    let wake = () => {};
    const batch = new CaptionBatch((m) => {
      sent.push(m);
      wake();
    });
    const sub = dataset.onDidChangeCaption((e) => batch.add(e));
    try {
      const files = dataset.session.images.map((i) => i.file);
      await applySelectionEdit(dataset, { kind: 'add', tag: 'all' }, files, { concurrency: 16 });
      const all = () => sent.flatMap((m) => m.changes);
      // The last changes go out by themselves, on the batch's timer.
      while (all().length < files.length) await new Promise<void>((r) => (wake = r));
      // Each caption once (how many messages that makes depends on the disk's pace: the bench's business).
      assert.deepEqual(
        all()
          .map((c) => c.file)
          .sort(),
        [...files].sort(),
      );
      for (const c of all()) {
        assert.equal(c.text, 'ohwx, all');
        assert.equal(c.rev, dataset.captionRev(c.file), `${c.file} at its revision`);
      }
    } finally {
      sub.dispose();
      batch.dispose();
      await dataset.close();
    }
  });

  it('keeps the newest revision of a caption changed twice, and flush sends at once', () => {
    const sent: Batch[] = [];
    const batch = new CaptionBatch((m) => sent.push(m));
    batch.add({ file: 'a.png', text: 'one', rev: 2 });
    batch.add({ file: 'b.png', text: 'b', rev: 2 });
    batch.add({ file: 'a.png', text: 'three', rev: 4 });
    // A late report of an older change (a watcher event) never replaces the newer text queued.
    batch.add({ file: 'a.png', text: 'two', rev: 3 });
    batch.flush();
    assert.deepEqual(sent, [
      {
        type: 'captions/changed',
        changes: [
          { file: 'b.png', text: 'b', rev: 2 },
          { file: 'a.png', text: 'three', rev: 4 },
        ],
      },
    ]);
    batch.flush();
    assert.equal(sent.length, 1, 'nothing queued, nothing sent');
    batch.add({ file: 'c.png', text: 'c', rev: 2 });
    batch.dispose();
    batch.flush();
    assert.equal(sent.length, 1, 'nothing sent after dispose');
  });
});
