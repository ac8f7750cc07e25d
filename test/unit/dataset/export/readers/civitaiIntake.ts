/**
 * CivitAI's training upload, transcribed for the export tests, from civitai/civitai
 * ebed661630d3407a6d853981d89c97c31a2a4be0 `src/components/Training/Form/TrainingImages.tsx`: handleZip (every zip
 * entry not a folder, not `__MACOSX/`, with an image extension, paired with the entry `${baseFileName}.txt` read as a
 * string), the label-type guess (estimatedType), and handleNextAfterCheck's trigger-word step. The zip is read with
 * jszip, as CivitAI reads it (`getJSZip()` in src/utils/lazy.ts is `new JSZip()`; CivitAI's package.json asks for
 * jszip ^3.10.1, this is 3.10.2): its entries in `Object.entries(zData.files)` order, a label by
 * `zipReader.file(name).async('string')`. The image's own bytes go to CivitAI's resizer (getResizedImgUrl), which
 * names no caption, so they are not read here.
 */
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';

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
  const zipReader = new JSZip();
  const zData = await zipReader.loadAsync(await readFile(path));
  const out: IntakeImage[] = [];
  for (const [zname, zf] of Object.entries(zData.files)) {
    if (zf.dir) continue;
    if (zname.startsWith('__MACOSX/') || zname.endsWith('.DS_STORE')) continue;
    const fileSplit = zname.split('.');
    const fileExt = (fileSplit.pop() || '').toLowerCase();
    const baseFileName = fileSplit.join('.');
    if (fileExt in imageExts) {
      const czFile = zipReader.file(`${baseFileName}.txt`);
      let labelStr = '';
      if (czFile) labelStr = await czFile.async('string');
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
