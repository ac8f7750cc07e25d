/** Rebuilds a session from what is on disk (the staged images and their `.txt`), when no session file is usable. */
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { isTagged, looksNatural, parseTags } from '../../../shared/caption';
import { SESSION_SCHEMA_VERSION, type ImageRecord, type Session } from './schema';
import { nodeFs, type FsLike } from '../io/fsLike';
import { probeImage } from '../images/probe';
import { captionName, extensionOf, KNOWN_IMAGE_EXTENSIONS, naturalCompare } from '../staging/naming';
import { mapLimit } from '../io/pool';

const STAGED = /^(.+)_(\d{4,})\.([A-Za-z0-9]+)$/;

/** Reads a text file, '' when it is missing or unreadable. */
export async function readTextOrEmpty(path: string, fs: FsLike): Promise<string> {
  return fs.readFile(path, 'utf8').catch(() => '');
}

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

/** Image records for staged-looking files of `prefix` (the given names), read from their headers. */
export async function recordsFromDisk(outputFolder: string, names: readonly string[], prefix: string, trigger: string, fs: FsLike): Promise<{ records: ImageRecord[]; captions: Map<string, string>; unreadable: string[] }> {
  const files = names.filter((n) => n.startsWith(prefix + '_') && STAGED.exec(n)?.[1] === prefix && KNOWN_IMAGE_EXTENSIONS.has(extensionOf(n))).sort(naturalCompare);
  const captions = new Map<string, string>();
  const unreadable: string[] = [];
  const probed = await mapLimit(files, 16, async (file) => {
    const [p, caption] = await Promise.all([probeImage(join(outputFolder, file), fs), readTextOrEmpty(join(outputFolder, captionName(file)), fs)]);
    captions.set(file, caption);
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
  return { records: probed.filter((r): r is ImageRecord => r !== undefined), captions, unreadable };
}

/** A new session describing the images and captions in the folder; `notes` says what had to be guessed. */
export async function rebuildSession(outputFolder: string, fs: FsLike = nodeFs): Promise<{ session: Session; notes: string[] }> {
  const names = await fs.readdir(outputFolder);
  const notes: string[] = [];
  const prefix = dominantPrefix(names) ?? '';
  const first = await recordsFromDisk(outputFolder, names, prefix, '', fs);
  const texts = [...first.captions.values()].filter((t) => t.trim() !== '');
  const trigger = guessTrigger(texts);
  if (trigger) notes.push(`The trigger word "${trigger}" was guessed from the captions.`);
  if (first.unreadable.length) notes.push(`Not readable as images: ${first.unreadable.join(', ')}.`);
  const natural = texts.length > 0 && texts.filter(looksNatural).length * 2 > texts.length;
  const now = new Date().toISOString();
  const images = first.records.map((r) => ({ ...r, status: isTagged(first.captions.get(r.file) ?? '', trigger) ? ('tagged' as const) : ('untagged' as const) }));
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
