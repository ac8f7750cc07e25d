/**
 * What the dataset check's rule files share (preflight.ts runs the checks, fileChecks.ts the ones that read the
 * files): the rule ids and severities, the image record they check, the options and the finding callback. A file
 * of its own so that neither rule file imports the other.
 */
import type { AnalyseOutcome } from '../images/decodeJobs';
import type { Decoder } from '../images/decodePool';

/** How much a finding matters: `error` = CivitAI would reject the upload or the image. */
export type Severity = 'error' | 'warning' | 'info';

/** Every rule id checkDataset can report, with its severity. */
export const PREFLIGHT_RULES = {
  'too-many-images': 'error',
  'missing-image': 'error',
  'linked-file': 'error',
  'not-a-file': 'error',
  'unsupported-format': 'error',
  'does-not-decode': 'error',
  'too-small': 'error',
  'will-upscale': 'warning',
  'will-downscale': 'info',
  'empty-caption': 'warning',
  'trigger-missing': 'warning',
  'trigger-not-first': 'warning',
  'trigger-repeated': 'warning',
  'line-breaks': 'warning',
  'flux-tag-captions': 'warning',
  'flux-tag-caption': 'info',
  duplicate: 'warning',
  'near-duplicate': 'warning',
  'exif-orientation': 'warning',
  animated: 'warning',
  'not-decoded': 'info',
} as const satisfies Record<string, Severity>;
/** A rule id. */
export type PreflightRule = keyof typeof PREFLIGHT_RULES;

/** The formats CivitAI's trainer accepts. */
export const ACCEPTED_FORMATS = ['png', 'jpg', 'jpeg', 'webp'] as const;

/** One image as the checks need it. */
export interface PreflightImage {
  file: string;
  width: number;
  height: number;
  /** Lower-case format as image-size reports it ('png', 'jpg', 'webp', …). */
  format: string;
  orientation?: number;
  status: 'untagged' | 'tagged' | 'skipped';
  /** The exact text of the `.txt`. */
  caption: string;
}

/** Options of checkDataset. */
export interface PreflightOptions {
  /** Decode the images (finds broken files, animations and near-duplicates; slower). Default true. */
  decode?: boolean;
  signal?: AbortSignal;
  /** Called after each image is read: images done, of the total, and the current file. */
  onProgress?(done: number, total: number, file: string): void;
  /** Where images are decoded (default: on this thread). The front doors pass a WorkerDecoder. */
  decoder?: Decoder;
  /** Where each image's decode comes from instead: the open dataset's ImagePipeline, which caches them. */
  facts?: FactsSource;
}

/** Each image's analysis by the image library (ImagePipeline implements it, with a cache). */
export interface FactsSource {
  facts(file: string): Promise<AnalyseOutcome>;
}

/** Records one finding. */
export type Add = (file: string, rule: PreflightRule, message: string) => void;
