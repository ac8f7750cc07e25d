/**
 * CivitAI's training upload, transcribed for the export tests, from civitai/civitai
 * ebed661630d3407a6d853981d89c97c31a2a4be0 `src/components/Training/Form/TrainingImages.tsx`: handleZip (every zip
 * entry not a folder, not `__MACOSX/`, with an image extension, paired with the entry `${baseFileName}.txt` read as a
 * string), the label-type guess (estimatedType), and handleNextAfterCheck's trigger-word step. CivitAI reads the zip
 * with jszip; this reads it with yauzl (test/unit/dataset/export/helpers.ts), entry by entry, decoded as UTF-8 as
 * jszip's `async('string')` does.
 */
import { readZip } from '../helpers';

const imageExts: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** One image as CivitAI's form holds it after reading the zip. */
export interface IntakeImage {
  name: string;
  label: string;
}

/** handleZip: the images of the zip and their labels. */
export async function civitaiReadZip(path: string): Promise<IntakeImage[]> {
  const entries = await readZip(path);
  const files = new Map(entries.map((e) => [e.name, e]));
  const out: IntakeImage[] = [];
  for (const e of entries) {
    const zname = e.name;
    if (zname.endsWith('/')) continue;
    if (zname.startsWith('__MACOSX/') || zname.endsWith('.DS_STORE')) continue;
    const fileSplit = zname.split('.');
    const fileExt = (fileSplit.pop() || '').toLowerCase();
    const baseFileName = fileSplit.join('.');
    if (fileExt in imageExts) {
      const czFile = files.get(`${baseFileName}.txt`);
      const labelStr = czFile ? new TextDecoder('utf-8').decode(czFile.data) : '';
      out.push({ name: zname, label: labelStr });
    }
  }
  return out;
}

/** The label-type guess of the upload form. */
export function civitaiEstimatedType(imageList: readonly IntakeImage[]): 'caption' | 'tag' {
  const firstLabel = imageList.find((i) => i.label.length > 0)?.label;
  return (firstLabel?.length ?? 0) > 80 && (firstLabel?.split(',')?.length ?? 0) < (firstLabel?.length ?? 0) * 0.05
    ? 'caption'
    : 'tag';
}

/** handleNextAfterCheck: the label CivitAI trains each image with (throws where CivitAI's packaging fails). */
export function civitaiTrainingLabel(label: string, triggerWord: string, labelType: 'caption' | 'tag'): string {
  if (triggerWord.length) {
    const separator = labelType === 'caption' ? '' : ',';
    const regMatch =
      labelType === 'caption' ? new RegExp(`^${triggerWord}( |$)`) : new RegExp(`^${triggerWord}(${separator}|$)`);
    if (!regMatch.test(label)) {
      label =
        label.length > 0
          ? labelType === 'caption'
            ? [triggerWord, label].join(' ')
            : [triggerWord, label].join(`${separator} `)
          : triggerWord;
    }
  }
  return label;
}
