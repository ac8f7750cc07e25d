/**
 * `tags.txt`, the master tag list: one tag per line, every tag used so far in first-use order. The user's hand
 * edits are respected: lines they add are known tags, and nothing is ever removed from the file by the engine.
 */
import { join } from 'node:path';
import { cleanTag } from '../../../shared/caption';
import { writeFileAtomic } from '../io/atomicWrite';
import { errorCode, nodeFs, type FsLike } from '../io/fsLike';

/** The name of the master tag list inside the output folder. */
export const TAGS_FILE = 'tags.txt';

/** The tags of a `tags.txt` text, in file order, trimmed, empty lines and duplicates dropped. */
export function parseTagsFile(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const t = cleanTag(line.replace(/^\uFEFF/, ''));
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

/** Reads `tags.txt` ('' when there is none). */
export async function readTagsText(outputFolder: string, fs: FsLike = nodeFs): Promise<string> {
  try {
    return await fs.readFile(join(outputFolder, TAGS_FILE), 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return '';
    throw err;
  }
}

/**
 * Appends the given tags that the file lacks, re-reading it first so an edit made meanwhile in an editor is kept;
 * written atomically. Returns the tags of the file afterwards.
 */
export async function appendTags(outputFolder: string, tags: readonly string[], fs: FsLike = nodeFs, opts: { fsync?: boolean; create?: boolean } = {}): Promise<string[]> {
  const text = await readTagsText(outputFolder, fs);
  const have = parseTagsFile(text);
  const known = new Set(have);
  const add: string[] = [];
  for (const raw of tags) {
    const t = cleanTag(raw);
    if (t && !known.has(t)) {
      known.add(t);
      add.push(t);
    }
  }
  if (add.length === 0 && !(opts.create && text === '' && !(await hasTagsFile(outputFolder, fs)))) return have;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const base = text === '' || /[\r\n]$/.test(text) ? text : text + eol;
  await writeFileAtomic(join(outputFolder, TAGS_FILE), base + add.map((t) => t + eol).join(''), fs, opts);
  return [...have, ...add];
}

async function hasTagsFile(outputFolder: string, fs: FsLike): Promise<boolean> {
  return fs.stat(join(outputFolder, TAGS_FILE)).then(() => true, () => false);
}
