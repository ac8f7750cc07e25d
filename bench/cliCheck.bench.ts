/**
 * `lora-tagger check` run twice on the same dataset: the first decodes every image (one worker pool, as the CLI
 * runs it) and fills the facts cache; the second reads every image's facts from it (src/cli/checkCache.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDecodeWorker } from '../scripts/lib/imageLibraryBuild.mjs';
import { writeImage } from '../scripts/lib/makeImages.mjs';
import { checkWithCache } from '../src/cli/checkCache';
import { withWorkerDecoder } from '../src/extension/dataset/export/datasetExport';
import { withDefaults } from '../src/extension/dataset/staging/options';
import { Dataset } from '../src/extension/dataset/session/dataset';
import { stageDataset } from '../src/extension/dataset/staging/stage';
import { printRows, time } from './harness';

const IMAGES = Number(process.env.CLI_CHECK_BENCH_IMAGES ?? 200);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-cli-check-bench-'));
  // The pool's workers are unref'd; this keeps the bench's process alive while they work.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const script = await bundleDecodeWorker(join(dir, 'worker'));
    const src = join(dir, 'src');
    for (let i = 1; i <= IMAGES; i++) writeImage(join(src, `photo_${i}.jpg`), 1600, 1200, i);
    const out = (await stageDataset(src, withDefaults({ prefix: 'b', triggerWord: 'ohwx' }, 'b'))).outputFolder;
    const cache = join(dir, 'cache');
    const check = async () => {
      const { dataset } = await Dataset.open(out);
      try {
        await withWorkerDecoder(script, (decoder) => checkWithCache(dataset, 'civitai', cache, decoder));
      } finally {
        await dataset.close();
      }
    };
    const first = await time(check);
    const second = await time(check);
    printRows('CLI check and the facts cache', [
      {
        name: `check ${IMAGES} × 1600x1200 JPEGs, second run vs first`,
        ms: second,
        baselineMs: first,
        baselineName: 'the first run',
        target: 0.1,
      },
    ]);
  } finally {
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
