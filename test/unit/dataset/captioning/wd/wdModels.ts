/** Model folders for the WD tagger tests: a tiny ONNX model (onnxModel.ts) and its selected_tags.csv. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../../helpers';
import { meanTaggerModel } from './onnxModel';

/** One label: name, category (9 rating, 0 general, 4 character), its six weights and its bias. */
export type LabelSpec = [name: string, category: number, weights: number[], bias: number];

/** Writes `model.onnx` and `selected_tags.csv` into a fresh folder named `name`. */
export function modelFolder(size: number, labels: LabelSpec[], name = 'tiny-wd-tagger'): string {
  const dir = join(tempDir('wd'), name);
  mkdirSync(dir, { recursive: true });
  const weights = Array.from({ length: 6 }, (_, f) => labels.map((l) => l[2][f] ?? 0));
  writeFileSync(
    join(dir, 'model.onnx'),
    meanTaggerModel(
      size,
      weights,
      labels.map((l) => l[3]),
    ),
  );
  const csv = ['tag_id,name,category,count', ...labels.map((l, i) => `${1000 + i},${l[0]},${l[1]},${100 - i}`)];
  writeFileSync(join(dir, 'selected_tags.csv'), csv.join('\n') + '\n');
  return dir;
}

/** A model whose six outputs are sigmoid of the six features themselves, so a test can read the features back. */
export function featureModel(size: number): string {
  const labels: LabelSpec[] = Array.from({ length: 6 }, (_, i) => [
    `feature_${i}`,
    0,
    Array.from({ length: 6 }, (_, f) => (f === i ? 1 : 0)),
    0,
  ]);
  return modelFolder(size, labels, `features-${size}`);
}

/** The features back from featureModel's scores (the inverse of the sigmoid). */
export function features(scores: ArrayLike<number>): number[] {
  return Array.from(scores, (p) => Math.log(p / (1 - p)));
}

/** A PNG from a pixel function (RGB or RGBA). */
export async function png(
  w: number,
  h: number,
  px: (x: number, y: number) => number[],
  channels: 3 | 4 = 3,
): Promise<Uint8Array> {
  const data = Buffer.alloc(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(px(x, y), (y * w + x) * channels);
  return sharp(data, { raw: { width: w, height: h, channels } })
    .png()
    .toBuffer();
}
