/**
 * `tags.txt`, the master tag list: one tag per line, every tag used so far in first-use order. The user's hand
 * edits are respected: lines they add are known tags, and nothing is ever removed from the file by the engine.
 */
import { join } from 'node:path';
import { cleanTag } from '../../../shared/caption';
import { withFileLock } from '../io/fileLock';
import { nodeFs, type FsLike } from '../io/fsLike';
import { hasKept, replaceMerging, type SwapSources } from '../io/swapReplace';
import { readCaptionFile } from '../io/readCaption';

/** The name of the master tag list inside the output folder. */
export const TAGS_FILE = 'tags.txt';

/**
 * The longest tag that tags.txt and the list of known tags take. A tag is a short phrase; 200 characters is as long
 * as a trigger word may be and about 50 CLIP tokens (two thirds of its 77-token window). Past that it is prose or
 * pasted text, which as one "tag" would only fill the palette and tags.txt.
 */
export const MAX_TAG_LENGTH = 200;

/** True when a tag may be listed: at most MAX_TAG_LENGTH characters, and no U+FFFD (the mark of a lossy decode). */
export function isListableTag(tag: string): boolean {
  return tag.length <= MAX_TAG_LENGTH && !tag.includes('\uFFFD');
}

/** The tags of a `tags.txt` text, in file order, trimmed; empty lines, duplicates and unlistable lines dropped. */
export function parseTagsFile(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const t = cleanTag(line.replace(/^\uFEFF/, ''));
    if (t && !seen.has(t) && isListableTag(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

/** `tags.txt` as read: its text, and when it cannot be used as it is, a message saying why and what to do. */
export interface TagsFileRead {
  text: string;
  /** The file's bytes (when it is a regular file). */
  bytes?: Buffer;
  exists: boolean;
  problem?: string;
  /** True when it can be neither read nor updated (a folder, a link, unreadable); not-UTF-8 text is appended to. */
  unusable?: boolean;
}

/** Reads `tags.txt` strictly: never through a link, a folder reported, bytes that are not UTF-8 kept as they are. */
export async function readTagsFile(outputFolder: string, fs: FsLike = nodeFs): Promise<TagsFileRead> {
  const path = join(outputFolder, TAGS_FILE);
  const r = await readCaptionFile(path, fs);
  if (!r.problem) return { text: r.text, bytes: r.bytes, exists: !r.missing };
  const what = {
    symlink: 'a symbolic link, which is never followed',
    folder: 'a folder, not a text file',
    'not-a-file': 'not a regular file',
    unreadable: 'unreadable',
    'not-utf8': '',
  }[r.problem.kind];
  if (r.problem.kind === 'not-utf8') {
    return {
      text: r.text,
      bytes: r.bytes,
      exists: true,
      problem:
        `${path} is not valid UTF-8 text: its lines ` +
        `that do not decode are left out of the known tags, and the file is never rewritten; new tags are added ` +
        `after its last line, in UTF-8. Re-save it as UTF-8 to use those lines.`,
    };
  }
  const detail = r.problem.kind === 'unreadable' ? ` (${r.problem.message})` : '';
  return {
    text: '',
    exists: true,
    unusable: true,
    problem:
      `${path} is ${what}${detail}, so the tag list can be ` +
      `neither read nor updated; the known tags come from the captions. Rename or move it away: a new tags.txt is ` +
      `written with every tag in use the next time the dataset opens.`,
  };
}

/** Reads `tags.txt` ('' when there is none); throws, saying what to do, when it cannot be read as a text file. */
export async function readTagsText(outputFolder: string, fs: FsLike = nodeFs): Promise<string> {
  const r = await readTagsFile(outputFolder, fs);
  if (r.unusable) throw new Error(r.problem);
  return r.text;
}

/**
 * Appends the given tags that the file lacks, re-reading it first so an edit made meanwhile in an editor is kept;
 * written atomically, the file's own bytes kept as they are. Returns the tags of the file afterwards.
 *
 * Two writers (two windows, the panel and the CLI) take turns through a short lock and each merges into what the
 * other wrote. Editors and scripts take no lock: the file is replaced through io/swapReplace.ts, which moves the
 * old file aside before the new one goes in and merges every line written meanwhile, however it was written.
 * `leftovers`: files a killed run moved aside (see leftoverAsides), whose lines are merged back.
 */
export async function appendTags(
  outputFolder: string,
  tags: readonly string[],
  fs: FsLike = nodeFs,
  opts: { fsync?: boolean; create?: boolean; leftovers?: readonly string[]; final?: boolean } = {},
): Promise<string[]> {
  const path = join(outputFolder, TAGS_FILE);
  return withFileLock(
    path,
    async () => {
      let have: string[] = [];
      const read = async () => {
        const file = await readTagsFile(outputFolder, fs);
        if (file.unusable) throw new Error(file.problem);
        return file.exists ? (file.bytes ?? Buffer.alloc(0)) : undefined;
      };
      const build = ({ aside, current, late }: SwapSources) => {
        // The file as it is first, so it keeps its order; then each line another version has, and each line a
        // late write added to a file kept by the last save.
        const [first, ...rest] = current === undefined ? aside : [current, ...aside];
        let base = rest.reduce(mergeLines, first ?? Buffer.alloc(0));
        for (const l of late) base = mergeLines(base, addedLines(l.was, l.now));
        const text = base.toString('utf8');
        have = parseTagsFile(text);
        const add = missingTags(have, tags);
        const unchanged = current !== undefined && base.equals(current);
        if (add.length === 0 && unchanged) return undefined;
        if (add.length === 0 && current === undefined && aside.length === 0 && !opts.create) return undefined;
        have = [...have, ...add];
        return withTags(base, text, add);
      };
      await replaceMerging(path, read, build, fs, {
        ...(opts.fsync === undefined ? {} : { fsync: opts.fsync }),
        ...(opts.leftovers ? { leftovers: opts.leftovers } : {}),
        ...(opts.final ? { final: true } : {}),
      });
      return have;
    },
    fs,
  );
}

/**
 * Reads once more the files the last save of tags.txt kept (see io/swapReplace.ts), merges any line written into
 * them since, and removes them: for when the dataset closes.
 */
export async function settleTagsFile(outputFolder: string, fs: FsLike = nodeFs): Promise<void> {
  if (hasKept(join(outputFolder, TAGS_FILE))) await appendTags(outputFolder, [], fs, { final: true });
}

/** The lines of `now` that `was` does not have (as bytes), one per line. */
function addedLines(was: Buffer, now: Buffer): Buffer {
  const lines = (b: Buffer) => b.toString('latin1').split(/\r\n|\r|\n/);
  const had = new Set(lines(was));
  return Buffer.from(
    lines(now)
      .filter((l) => l.trim() !== '' && !had.has(l))
      .map((l) => `${l}\n`)
      .join(''),
    'latin1',
  );
}

/** `base` with each line of `other` that it lacks appended (compared as bytes, so text that is not UTF-8 is kept). */
function mergeLines(base: Buffer, other: Buffer): Buffer {
  if (other.equals(base)) return base;
  const lines = (b: Buffer) => b.toString('latin1').split(/\r\n|\r|\n/);
  const known = new Set(lines(base));
  const add = lines(other).filter((l) => l.trim() !== '' && !known.has(l) && (known.add(l), true));
  if (add.length === 0) return base;
  const text = base.toString('latin1');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const sep = text.length === 0 || /[\r\n]$/.test(text) ? '' : eol;
  return Buffer.concat([base, Buffer.from(sep + add.map((l) => l + eol).join(''), 'latin1')]);
}

function missingTags(have: readonly string[], tags: readonly string[]): string[] {
  const known = new Set(have);
  const add: string[] = [];
  for (const raw of tags) {
    const t = cleanTag(raw);
    if (t && !known.has(t) && isListableTag(t)) {
      known.add(t);
      add.push(t);
    }
  }
  return add;
}

/** The file's bytes (never its lossy decode: a file that is not UTF-8 is never rewritten) with `add` after them. */
function withTags(bytes: Buffer, text: string, add: readonly string[]): Buffer {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const sep = bytes.length === 0 || /[\r\n]$/.test(text) ? '' : eol;
  return Buffer.concat([bytes, Buffer.from(sep + add.map((t) => t + eol).join(''), 'utf8')]);
}
