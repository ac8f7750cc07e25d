import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { VocabularyWorker } from '../../../../src/extension/dataset/vocabulary/vocabWorkerClient';

describe('vocabulary worker', () => {
  let dir: string;
  let script: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lora-vocab-worker-'));
    script = join(dir, 'vocabWorker.js');
    // Bundled as esbuild.mjs bundles dist/vocabWorker.js, so the test runs what the extension runs.
    await build({
      entryPoints: ['src/extension/dataset/vocabulary/vocabWorker.ts'],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the CSVs in a worker, answers queries and categories, reloads a changed file, names an unreadable one', async () => {
    const csv = join(dir, 'danbooru.csv');
    writeFileSync(csv, 'long_hair,0,4000000,longhair\nhair_ornament,0,900,\nhatsune_miku,4,100,miku\nbad,0,x\n');
    const problems: string[] = [];
    const vocab = new VocabularyWorker(script, (p) => problems.push(p));
    try {
      const hair = await vocab.query([csv], 'hair', 10);
      assert.deepEqual(
        hair.map((s) => s.name),
        ['hair ornament', 'long hair'],
      );
      assert.deepEqual(await vocab.query([csv], 'longh', 5), [
        { name: 'long hair', count: 4000000, category: 'general', alias: 'longhair' },
      ]);
      assert.deepEqual(await vocab.categories([csv], ['hatsune miku', 'long hair', 'own tag']), {
        'hatsune miku': 'character',
        'long hair': 'general',
      });
      assert.deepEqual(problems, [`${csv}:4: the count "x" is not a number; the line was skipped.`]);
      // Loaded once: asking again reports nothing new.
      await vocab.query([csv], 'miku', 5);
      assert.equal(problems.length, 1);

      writeFileSync(csv, 'red_hair,0,5,\n');
      const later = new Date(Date.now() + 5000);
      const { utimesSync } = await import('node:fs');
      utimesSync(csv, later, later);
      assert.deepEqual(
        (await vocab.query([csv], 'hair', 5)).map((s) => s.name),
        ['red hair'],
      );

      const missing = join(dir, 'e621.csv');
      assert.deepEqual(await vocab.query([csv, missing], 'zzz', 5), []);
      assert.match(problems.at(-1)!, /e621\.csv: cannot read this vocabulary file \(ENOENT\); fix or remove it/);
    } finally {
      await vocab.dispose();
    }
  });
});
