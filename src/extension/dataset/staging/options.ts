/** The options of "Start LoRA Tagging" (the batch form's argument), validated with zod before anything is written. */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { CaptionStyle } from '../../../shared/model';
import { DEFAULT_EXTENSIONS, prefixProblem } from './naming';

/** The default name of the output subfolder. */
export const DEFAULT_OUTPUT_FOLDER = 'output';

/** Every option of a staging run. */
export interface StageOptions {
  prefix: string;
  /** '' = none. */
  triggerWord: string;
  captionStyle: 'tags' | 'natural';
  /** Absolute, or a name / relative path resolved against the source folder; default 'output'. */
  outputFolder: string;
  includeSubfolders: boolean;
  mode: 'copy' | 'move';
  /** What to do when the output folder already holds a session. */
  onExisting: 'resume' | 'add' | 'restart';
  /** Lower-case, without the dot; default png, jpg, jpeg, webp. */
  extensions: string[];
  /**
   * When the output folder holds a dataset whose session.json and .bak are both gone: rebuild its session from the
   * images and captions on disk, then resume or add as onExisting says. Without it such a folder is refused.
   */
  rebuild?: boolean;
  /**
   * Stage the formats the trainer rejects but the image library reads (BMP, GIF's first frame, TIFF, AVIF, HEIC
   * where decodable) as PNG (lossless) or JPEG (quality 95), the source only read; 'off' (the default) skips them.
   */
  convert?: ConvertMode;
}

/** What Start does with BMP, GIF, TIFF, AVIF and HEIC files. */
export type ConvertMode = 'off' | 'png' | 'jpeg';

const Extension = z
  .string()
  .transform((s) => s.trim().replace(/^\./, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9]{1,10}$/, 'an extension is 1-10 letters or digits, e.g. "png"'));

/** The zod schema of the options as the batch command receives them: every field optional, unknown keys refused. */
export const StageOptionsInput = z
  .object({
    prefix: z.string().refine((p) => prefixProblem(p) === undefined, {
      error: (iss) => `prefix "${String(iss.input)}" cannot be used: ${prefixProblem(String(iss.input))}`,
    }),
    triggerWord: z
      .string()
      .max(200)
      .refine((t) => !/[,\r\n]/.test(t), 'the trigger word cannot hold a comma or a line break'),
    captionStyle: CaptionStyle,
    outputFolder: z
      .string()
      .min(1)
      .refine((p) => !p.includes('\0'), 'the output folder path holds a NUL character'),
    includeSubfolders: z.boolean(),
    mode: z.enum(['copy', 'move']),
    onExisting: z.enum(['resume', 'add', 'restart']),
    extensions: z.array(Extension).min(1),
    convert: z.enum(['off', 'png', 'jpeg']),
    rebuild: z.boolean(),
    // Understood by the command, not the engine; accepted here so one check covers the whole argument.
    openPanel: z.boolean(),
  })
  .partial()
  .strict();

/** Options as given, each one checked (the command fills in the rest from prompts and settings). */
export type StageOptionsInput = z.infer<typeof StageOptionsInput>;

/** Checks the batch options; throws an Error naming every bad field and what is expected. */
export function validateStageOptions(raw: unknown): StageOptionsInput {
  const r = StageOptionsInput.safeParse(raw ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'options'}: ${i.message}`);
    throw new Error(`Invalid options for Start LoRA Tagging: ${lines.join('; ')}. Nothing was written.`);
  }
  return r.data;
}

/** Complete options: the given ones over the defaults (prefix defaults to the folder name made file-safe). */
export function withDefaults(given: StageOptionsInput, defaultPrefixValue: string): StageOptions {
  return {
    prefix: given.prefix ?? defaultPrefixValue,
    triggerWord: given.triggerWord?.trim() ?? '',
    captionStyle: given.captionStyle ?? 'natural',
    outputFolder: given.outputFolder ?? DEFAULT_OUTPUT_FOLDER,
    includeSubfolders: given.includeSubfolders ?? false,
    mode: given.mode ?? 'copy',
    onExisting: given.onExisting ?? 'resume',
    extensions: given.extensions ? [...new Set(given.extensions)] : [...DEFAULT_EXTENSIONS],
    convert: given.convert ?? 'off',
    ...(given.rebuild !== undefined ? { rebuild: given.rebuild } : {}),
  };
}

/** The absolute output folder: absolute as given, else resolved against the source folder. */
export function resolveOutputFolder(sourceFolder: string, outputFolder: string): string {
  return isAbsolute(outputFolder) ? resolve(outputFolder) : resolve(sourceFolder, outputFolder);
}
