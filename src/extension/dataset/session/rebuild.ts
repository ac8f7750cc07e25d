/** Rebuilds a session from what is on disk (the staged images and their `.txt`), when no session file is usable. */
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { isTagged, looksNatural, parseTags } from '../../../shared/caption';
import { SESSION_FILE, SESSION_SCHEMA_VERSION, type ImageRecord, type Session } from './schema';
import { nodeFs, type FsLike } from '../io/fsLike';
import { probeImage } from '../images/probe';
import { captionName, extensionOf, KNOWN_IMAGE_EXTENSIONS, naturalCompare } from '../staging/naming';
import { mapLimit } from '../io/pool';
import { readCaptionFile, type CaptionProblem } from '../io/readCaption';

const STAGED = /^(.+)_(\d{4,})\.([A-Za-z0-9]+)$/;

/** The prefix most staged-looking image names in a folder share, or undefined when there are none. */
export function dominantPrefix(names: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const n of names) {
    const m = STAGED.exec(n);
    if (m && KNOWN_IMAGE_EXTENSIONS.has(extensionOf(n))) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [p, c] of counts) if (best === undefined || c > counts.get(best)!) best = p;
  return best;
}

/** Records made from the files on disk, their captions, and what could not be used as it is. */
export interface DiskRecords {
  records: ImageRecord[];
  captions: Map<string, string>;
  /** Captions that cannot be used as they are (a link, a folder, not UTF-8), by image. */
  problems: Map<string, CaptionProblem>;
  unreadable: string[];
}

/** Image records for staged-looking files of `prefix` (the given names, plain files only), read from their headers. */
export async function recordsFromDisk(
  outputFolder: string,
  names: readonly string[],
  prefix: string,
  trigger: string,
  fs: FsLike,
): Promise<DiskRecords> {
  const files = names
    .filter(
      (n) => n.startsWith(prefix + '_') && STAGED.exec(n)?.[1] === prefix && KNOWN_IMAGE_EXTENSIONS.has(extensionOf(n)),
    )
    .sort(naturalCompare);
  const captions = new Map<string, string>();
  const problems = new Map<string, CaptionProblem>();
  const unreadable: string[] = [];
  const probed = await mapLimit(files, 16, async (file) => {
    const [p, read] = await Promise.all([
      probeImage(join(outputFolder, file), fs),
      readCaptionFile(join(outputFolder, captionName(file)), fs),
    ]);
    const caption = read.text;
    captions.set(file, caption);
    if (read.problem) problems.set(file, read.problem);
    if (!p.ok) {
      unreadable.push(`${file} (${p.reason})`);
      return undefined;
    }
    const rec: ImageRecord = {
      file,
      source: '',
      size: p.size,
      width: p.width,
      height: p.height,
      format: p.format,
      ...(p.orientation !== undefined ? { orientation: p.orientation } : {}),
      status: isTagged(caption, trigger) ? 'tagged' : 'untagged',
      favourite: false,
      nsfw: false,
    };
    return rec;
  });
  return { records: probed.filter((r): r is ImageRecord => r !== undefined), captions, problems, unreadable };
}

/** A new session describing the images and captions in the folder; `notes` says what had to be guessed. */
export async function rebuildSession(
  outputFolder: string,
  fs: FsLike = nodeFs,
): Promise<{ session: Session; notes: string[] }> {
  const names = await plainFiles(outputFolder, fs);
  const notes: string[] = [];
  const prefix = dominantPrefix(names) ?? '';
  const first = await recordsFromDisk(outputFolder, names, prefix, '', fs);
  const texts = [...first.captions.values()].filter((t) => t.trim() !== '');
  const trigger = guessTrigger(texts);
  if (trigger) notes.push(`The trigger word "${trigger}" was guessed from the captions.`);
  if (first.unreadable.length) notes.push(`Not readable as images: ${first.unreadable.join(', ')}.`);
  const natural = texts.length > 0 && texts.filter(looksNatural).length * 2 > texts.length;
  const now = new Date().toISOString();
  const images = first.records.map((r) => ({
    ...r,
    status: isTagged(first.captions.get(r.file) ?? '', trigger) ? ('tagged' as const) : ('untagged' as const),
  }));
  const session: Session = {
    schemaVersion: SESSION_SCHEMA_VERSION,
    id: nanoid(),
    createdAt: now,
    updatedAt: now,
    sourceFolder: '..',
    prefix,
    triggerWord: trigger,
    captionStyle: natural ? 'natural' : 'tags',
    includeSubfolders: false,
    mode: 'copy',
    images,
    currentFile: images[0]?.file ?? null,
    recentTags: [],
    pinnedTags: [],
    categories: [],
  };
  return { session, notes };
}

/** How many staged-looking images (`<prefix>_0001.png`, …) of one prefix a folder holds: what a rebuild finds. */
export async function countStagedImages(outputFolder: string, fs: FsLike = nodeFs): Promise<number> {
  return (await stagedIn(outputFolder, fs)).staged.length;
}

/**
 * How many staged images a folder holds when it looks like a dataset that lost its session (no session.json nor
 * .bak, but tags.txt or a staged image with its `.txt`); 0 when it does not look like one.
 */
export async function lostSessionImages(folder: string, fs: FsLike = nodeFs): Promise<number> {
  const { names, staged } = await stagedIn(folder, fs);
  const has = new Set(names);
  if (has.has(SESSION_FILE) || has.has(SESSION_FILE + '.bak')) return 0;
  return has.has('tags.txt') || staged.some((n) => has.has(captionName(n))) ? staged.length : 0;
}

async function stagedIn(folder: string, fs: FsLike): Promise<{ names: string[]; staged: string[] }> {
  const names = await plainFiles(folder, fs).catch(() => [] as string[]);
  const prefix = dominantPrefix(names);
  const staged =
    prefix === undefined
      ? []
      : names.filter((n) => STAGED.exec(n)?.[1] === prefix && KNOWN_IMAGE_EXTENSIONS.has(extensionOf(n)));
  return { names, staged };
}

/** The names of the plain files in a folder (no links, no folders: a rebuild never reads through them). */
async function plainFiles(folder: string, fs: FsLike): Promise<string[]> {
  return (await fs.readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

/** The first tag most captions open with, when at least 80% of them share it (the usual trigger-word layout). */
function guessTrigger(captions: readonly string[]): string {
  if (captions.length === 0) return '';
  const counts = new Map<string, number>();
  for (const c of captions) {
    const t = parseTags(c)[0];
    if (t && t.split(' ').length === 1) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  for (const [t, n] of counts) if (n >= captions.length * 0.8) return t;
  return '';
}
