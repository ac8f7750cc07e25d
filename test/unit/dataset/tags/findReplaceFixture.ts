/** The unit find-and-replace tests' dataset (engine and panel handlers alike), staged from generated images. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { img, opts, tempDir } from '../helpers';

/** The captions of f_0001 … f_0003: two hold the tag "red hair", one of them beside "smile"; the third only "smile". */
export const UNIT_FIND_REPLACE_CAPTIONS = ['ohwx, red hair', 'ohwx, red hair, smile', 'ohwx, smile'] as const;

/** Stages three generated images as f_0001 … f_0003 with UNIT_FIND_REPLACE_CAPTIONS, and opens the dataset. */
export async function stageFindReplaceDataset(name: string): Promise<{ out: string; dataset: Dataset }> {
  const src = tempDir(name);
  UNIT_FIND_REPLACE_CAPTIONS.forEach((_, i) => img(src, `i${i + 1}.png`, i + 1));
  const { outputFolder: out } = await stageDataset(
    src,
    opts({ prefix: 'f', triggerWord: 'ohwx', captionStyle: 'tags' }),
  );
  UNIT_FIND_REPLACE_CAPTIONS.forEach((text, i) => writeFileSync(join(out, `f_000${i + 1}.txt`), text));
  const { dataset } = await Dataset.open(out);
  return { out, dataset };
}
