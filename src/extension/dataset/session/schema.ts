/**
 * The shape of `session.json` in a dataset's output folder, as zod schemas, and its explicit migrations.
 *
 * The files on disk are the truth (each `.txt` is its image's caption, `tags.txt` the master list); the
 * session only records progress and per-image metadata, so it can always be rebuilt from them.
 */
import { z } from 'zod';
import { CaptionStyle, ImageStatus, StagedName, TagCategory } from '../../../shared/model';
import { EXPORT_TARGETS } from '../export/targets';
import { CaptionQueue, MachineCaption, Suggestion } from '../captioning/provenance';
import { CropRect, sanitizeCrops } from '../../../shared/crop';

/** The version written by this build; older files are migrated on load, newer ones refused. */
export const SESSION_SCHEMA_VERSION = 1;

/** The name of the session file inside the output folder. */
export const SESSION_FILE = 'session.json';

/** One staged image. */
export const ImageRecord = z.object({
  /** Staged file name inside the output folder, e.g. `cat_0001.png`. */
  file: StagedName,
  /** Path relative to the source folder with `/` separators ('' when unknown, after a rebuild from disk). */
  source: z.string(),
  /** Bytes of the staged image. */
  size: z.number().int().nonnegative(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  /** Lower-case format name as image-size reports it ('png', 'jpg', 'webp', …). */
  format: z.string().min(1),
  /** EXIF orientation 1-8 when the header has one. */
  orientation: z.number().int().min(1).max(8).optional(),
  status: ImageStatus,
  favourite: z.boolean().default(false),
  nsfw: z.boolean().default(false),
  /** Present when a captioning run wrote the caption (absent in files made before machine captioning). */
  machine: MachineCaption.optional(),
  /** A captioning result waiting for the user to accept, merge or reject it. */
  suggestion: Suggestion.optional(),
  /** Staged as a conversion (Start's convert option): the source's format and size; the source was only read. */
  convertedFrom: z.object({ format: z.string().min(1).max(16), size: z.number().int().nonnegative() }).optional(),
  /** The crop applied at export, in pixels of the upright image (checked and cut to fit on load: sanitizeCrops). */
  crop: CropRect.optional(),
});
/** One staged image. */
export type ImageRecord = z.infer<typeof ImageRecord>;

/** A staging run that has been planned but not confirmed complete (kept so a killed run can finish). */
export const StagingPlan = z.object({
  startedAt: z.string(),
  mode: z.enum(['copy', 'move']),
  /** Staged names whose copy (and `.txt`) is not yet confirmed on disk. */
  pending: z.array(StagedName),
});
/** A staging run in progress. */
export type StagingPlan = z.infer<typeof StagingPlan>;

/** The whole `session.json`. */
export const Session = z
  .object({
    schemaVersion: z.literal(SESSION_SCHEMA_VERSION),
    id: z.string().min(1),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** The source folder relative to the output folder ('..' for the default `output` subfolder). */
    sourceFolder: z.string(),
    prefix: z.string(),
    /** '' when there is none. */
    triggerWord: z.string().default(''),
    captionStyle: CaptionStyle.default('tags'),
    /** The trainer Check Dataset checks for and Export offers first (export/targets.ts); absent means civitai. */
    exportTarget: z.enum(EXPORT_TARGETS).optional(),
    includeSubfolders: z.boolean().default(false),
    mode: z.enum(['copy', 'move']).default('copy'),
    images: z.array(ImageRecord),
    currentFile: StagedName.nullable().default(null),
    recentTags: z.array(z.string()).default([]),
    pinnedTags: z.array(z.string()).default([]),
    categories: z.array(TagCategory).default([]),
    /** Present only while a staging run is unfinished. */
    staging: StagingPlan.optional(),
    /** Present only while a captioning run is unfinished (a reloaded window resumes it). */
    captioning: CaptionQueue.optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    for (const img of s.images) {
      if (seen.has(img.file))
        ctx.addIssue({ code: 'custom', message: `image ${img.file} is listed twice`, path: ['images'] });
      seen.add(img.file);
    }
  });
/** The whole `session.json`. */
export type Session = z.infer<typeof Session>;

/** Upgrades a session of version N to N+1. None yet: version 1 is the first released shape. */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

/**
 * Validates a parsed `session.json`, migrating older versions step by step; throws an Error saying why it cannot.
 * A crop that does not fit its image is cut to fit or dropped rather than failing the session, said in `notices`.
 */
export function migrateSession(raw: unknown, notices: string[] = []): Session {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('session.json does not hold a JSON object.');
  }
  let obj = raw as Record<string, unknown>;
  let version = obj.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error(`session.json has no valid schemaVersion (found ${JSON.stringify(version)}).`);
  }
  if (version > SESSION_SCHEMA_VERSION) {
    throw new Error(
      `session.json is schema version ${version}, made by a newer version of LoRA Dataset Tagger (this one reads up to ${SESSION_SCHEMA_VERSION}). Update the extension to open it.`,
    );
  }
  while (version < SESSION_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step)
      throw new Error(
        `session.json is schema version ${version}, which cannot be migrated to ${SESSION_SCHEMA_VERSION}.`,
      );
    obj = { ...step(obj), schemaVersion: version + 1 };
    version++;
  }
  sanitizeCrops(obj, notices);
  const parsed = Session.safeParse(obj);
  if (!parsed.success) {
    throw new Error(`session.json is not a valid session: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
