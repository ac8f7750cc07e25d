/**
 * Folder exports for kohya, ai-toolkit, SimpleTuner and Hugging Face imagefolder: the images, each target's caption
 * files (see targets.ts writtenCaption) and its config, written to a temp folder beside the target and renamed into
 * place only when complete; a failed or cancelled export removes the temp folder and leaves any older export as it was.
 */
import { constants, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, parse } from 'node:path';
import { ExportError } from './zipWriter';
import { writtenCaption, type ExportTarget, type TargetCheckInput } from './targets';

/** A folder target. */
export type FolderTarget = Exclude<ExportTarget, 'civitai'>;

/** What a folder export is made from. */
export interface FolderExportInput extends Omit<TargetCheckInput, 'images'> {
  outputFolder: string;
  prefix: string;
  images: readonly { file: string; caption: string }[];
  /** The bytes to write for an image instead of copying its file (its crop, cropExport.ts), or undefined. */
  render?(file: string): Promise<Buffer | undefined>;
  /** kohya: how many times each image is repeated per epoch (the `<repeats>_` of the folder name). Default 10. */
  repeats?: number;
  /** Training resolution written into the config. Default 1024. */
  resolution?: number;
}

/** What a folder export wrote. */
export interface FolderExportResult {
  path: string;
  images: number;
  bytes: number;
}

/** The default folder of a target's export: `<parent of the output folder>/<prefix>_<target>`. */
export function defaultFolderPath(outputFolder: string, prefix: string, target: FolderTarget): string {
  return join(dirname(outputFolder), `${prefix}_${target}`);
}

/** Where the images and captions go inside the export, relative to its root. */
export function imageDir(target: FolderTarget, input: FolderExportInput): string {
  if (target === 'kohya') {
    const cls = kohyaClassTokens(input) || input.prefix;
    return join('img', `${input.repeats ?? 10}_${cls.replace(/[\\/:*?"<>|]/g, '_')}`);
  }
  return target === 'huggingface' ? 'train' : 'images';
}

function kohyaClassTokens(input: FolderExportInput): string {
  return [input.triggerWord.trim(), input.className?.trim() ?? ''].filter(Boolean).join(' ');
}

/** Writes the export of `target` to `dest` (replacing an older export there only once the new one is complete). */
export async function exportFolder(
  target: FolderTarget,
  input: FolderExportInput,
  dest: string,
  opts: { signal?: AbortSignal; onProgress?(done: number, total: number, file: string): void } = {},
): Promise<FolderExportResult> {
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(4).toString('hex')}.partial`);
  const rel = imageDir(target, input);
  let bytes = 0;
  try {
    await fsp.mkdir(join(tmp, rel), { recursive: true });
    const meta: string[] = [];
    for (const [i, { file, caption }] of input.images.entries()) {
      if (opts.signal?.aborted) throw new ExportError(`Export cancelled; nothing was written to ${dest}.`, 'cancelled');
      const src = join(input.outputFolder, file);
      const st = await fsp.lstat(src).catch(() => undefined);
      if (!st)
        throw new ExportError(
          `${file} is missing from ${input.outputFolder}; restore it or mark it skipped ` +
            `in the panel, then export again.`,
          'missing-image',
          file,
        );
      if (!st.isFile())
        throw new ExportError(
          `${file} in ${input.outputFolder} is a link or not a regular file, ` +
            `which the export never follows; replace it with the image itself.`,
          'bad-name',
          file,
        );
      const rendered = await input.render?.(file);
      if (rendered) await fsp.writeFile(join(tmp, rel, file), rendered, { flag: 'wx' });
      else await fsp.copyFile(src, join(tmp, rel, file), constants.COPYFILE_EXCL);
      bytes += rendered ? rendered.length : st.size;
      const text = writtenCaption(target, caption, input);
      if (target === 'huggingface') {
        meta.push(JSON.stringify({ file_name: file, text }));
      } else if (!(target === 'kohya' && text.trim() === '')) {
        // kohya asserts on a 0-byte caption file; with none it trains the image on the class tokens.
        const buf = Buffer.from(text, 'utf8');
        await fsp.writeFile(join(tmp, rel, `${parse(file).name}.txt`), buf, { flag: 'wx' });
        bytes += buf.length;
      }
      opts.onProgress?.(i + 1, input.images.length, file);
    }
    for (const [name, text] of configFiles(target, input, dest, rel, meta)) {
      await fsp.writeFile(join(tmp, name), text, { flag: 'wx' });
      bytes += Buffer.byteLength(text);
    }
    await replaceFolder(tmp, dest);
    return { path: dest, images: input.images.length, bytes };
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof ExportError) throw err;
    const e = err as NodeJS.ErrnoException;
    const code = e.code === 'ENOSPC' ? 'no-space' : 'io';
    throw new ExportError(
      `Export to ${dest} failed (${e.code ?? e.message}); nothing was kept. Check the folder ` +
        `can be written and try again.`,
      code,
      e.path,
    );
  }
}

/** Renames `tmp` to `dest`; an older export at `dest` is moved aside first and removed after. */
async function replaceFolder(tmp: string, dest: string): Promise<void> {
  const old = await fsp.lstat(dest).catch(() => undefined);
  if (!old) return fsp.rename(tmp, dest);
  if (!old.isDirectory()) {
    throw new ExportError(`${dest} exists and is not a folder; choose another export path or remove it.`, 'io', dest);
  }
  const aside = `${tmp}.old`;
  await fsp.rename(dest, aside);
  try {
    await fsp.rename(tmp, dest);
  } catch (err) {
    await fsp.rename(aside, dest).catch(() => undefined);
    throw err;
  }
  await fsp.rm(aside, { recursive: true, force: true });
}

const q = (s: string) => JSON.stringify(s); // TOML basic strings and YAML double-quoted scalars take JSON's escapes

/** The config files of a target: name and text. */
export function configFiles(
  target: FolderTarget,
  input: FolderExportInput,
  dest: string,
  rel: string,
  meta: string[],
): [string, string][] {
  const res = input.resolution ?? 1024;
  const trigger = input.triggerWord.trim();
  const imagesAt = join(dest, rel);
  switch (target) {
    case 'kohya': {
      const cls = kohyaClassTokens(input);
      const toml = [
        '# kohya sd-scripts dataset config: --dataset_config dataset.toml (written by LoRA Dataset Tagger)',
        '[general]',
        'caption_extension = ".txt"',
        `shuffle_caption = ${input.captionStyle === 'tags'}`,
        // The trigger stays first when tags are shuffled.
        `keep_tokens = ${trigger ? 1 : 0}`,
        'enable_bucket = true',
        '',
        '[[datasets]]',
        `resolution = ${res}`,
        'min_bucket_reso = 256',
        `max_bucket_reso = ${Math.max(res * 2, 1024)}`,
        'bucket_reso_steps = 64',
        '',
        '  [[datasets.subsets]]',
        `  image_dir = ${q(imagesAt)}`,
        `  num_repeats = ${input.repeats ?? 10}`,
        ...(cls ? [`  class_tokens = ${q(cls)}`] : []),
        '',
      ];
      return [['dataset.toml', toml.join('\n')]];
    }
    case 'ai-toolkit': {
      const yaml = [
        '# The datasets: block of an ai-toolkit config (config/process/datasets); written by LoRA Dataset Tagger',
        'datasets:',
        `  - folder_path: ${q(imagesAt)}`,
        '    caption_ext: "txt"',
        '    caption_dropout_rate: 0.05',
        `    resolution: [ ${[512, 768, 1024].filter((r) => r <= res).join(', ') || res} ]`,
        // DatasetConfig.trigger_word: added where missing, and fills in [trigger] (toolkit/config_modules.py).
        ...(trigger ? [`    trigger_word: ${q(trigger)}`] : []),
        '',
      ];
      return [['ai-toolkit.yaml', yaml.join('\n')]];
    }
    case 'simpletuner': {
      const backend = [
        {
          id: input.prefix,
          type: 'local',
          instance_data_dir: imagesAt,
          caption_strategy: 'textfile',
          resolution: res,
          resolution_type: 'pixel_area',
          minimum_image_size: 256,
          cache_dir_vae: join(dest, 'cache', 'vae'),
          repeats: 0,
        },
        {
          id: 'text-embeds',
          dataset_type: 'text_embeds',
          default: true,
          type: 'local',
          cache_dir: join(dest, 'cache', 'text'),
        },
      ];
      return [['multidatabackend.json', JSON.stringify(backend, null, 2) + '\n']];
    }
    case 'huggingface':
      return [[join(rel, 'metadata.jsonl'), meta.join('\n') + '\n']];
  }
}
