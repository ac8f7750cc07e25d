/**
 * Opening a dataset: load (and repair) the session, finish an interrupted staging run, reconcile the session
 * with the files on disk, and read every caption and `tags.txt`.
 */
import { join } from 'node:path';
import type { Session } from './schema';
import { adviceFor, describeError, readTextFiles, type FsLike } from '../io/fsLike';
import { captionName, naturalCompare } from '../staging/naming';
import { recordsFromDisk } from './rebuild';
import { loadSession, saveSession } from './sessionFile';
import { removeLeftoverTemps, runPlan } from '../staging/run';
import { captionInfo } from '../../../shared/caption';
import { appendTags, parseTagsFile, readTagsText } from './tagsFile';

/** Everything Dataset needs, read from disk. */
export interface OpenedSession {
  session: Session;
  captions: Map<string, string>;
  /** The tags of `tags.txt`, in file order. */
  fileTags: string[];
  /** fileTags then every other tag in use, in first-use order. */
  knownTags: string[];
  notices: string[];
}

/** Loads the session in `outputFolder` with its captions and tags; repairs are listed in `notices`. */
export async function openSession(outputFolder: string, fs: FsLike): Promise<OpenedSession> {
  const { session, notices } = await loadSession(outputFolder, fs);
  let dirty = false;
  let names: string[];
  const list = async () => {
    try {
      return await fs.readdir(outputFolder);
    } catch (err) {
      throw new Error(`Cannot read the dataset folder ${outputFolder}: ${describeError(err)}. ${adviceFor(err)}`);
    }
  };
  if (session.staging) {
    const n = session.staging.pending.length;
    const r = await runPlan({ outputFolder, session, fs });
    notices.push(`An interrupted staging run was finished (${n} images were pending).`, ...r.notices);
    if (r.skipped.length) notices.push(`Skipped while finishing: ${r.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}.`);
    names = await list();
  } else {
    names = await list();
    if (await removeLeftoverTemps(outputFolder, fs, names)) names = await list();
  }
  const onDisk = new Set(names);
  const missing = session.images.filter((r) => !onDisk.has(r.file));
  if (missing.length) {
    session.images = session.images.filter((r) => onDisk.has(r.file));
    notices.push(`${missing.length} image(s) listed in the session are no longer in the folder and were removed from it: ${missing.slice(0, 5).map((r) => r.file).join(', ')}${missing.length > 5 ? ', …' : ''}.`);
    dirty = true;
  }
  const listed = new Set(session.images.map((r) => r.file));
  const captions = new Map<string, string>();
  const extra = await recordsFromDisk(outputFolder, names.filter((n) => !listed.has(n)), session.prefix, session.triggerWord, fs);
  if (extra.records.length) {
    session.images.push(...extra.records);
    session.images.sort((a, b) => naturalCompare(a.file, b.file));
    for (const r of extra.records) captions.set(r.file, extra.captions.get(r.file) ?? '');
    notices.push(`${extra.records.length} image(s) found in the folder but not in the session were added: ${extra.records.slice(0, 5).map((r) => r.file).join(', ')}${extra.records.length > 5 ? ', …' : ''}.`);
    dirty = true;
  }

  const toRead = session.images.filter((r) => !captions.has(r.file) && onDisk.has(captionName(r.file)));
  const texts = await readTextFiles(toRead.map((r) => join(outputFolder, captionName(r.file))), fs);
  toRead.forEach((r, i) => captions.set(r.file, texts[i]!));
  for (const r of session.images) if (!captions.has(r.file)) captions.set(r.file, '');

  // The .txt files are the truth: statuses follow them (skipped stays skipped); every tag in use is a known tag.
  let fileTags = parseTagsFile(await readTagsText(outputFolder, fs));
  const known = new Set(fileTags);
  const inUse: string[] = [];
  for (const r of session.images) {
    const info = captionInfo(captions.get(r.file) ?? '', session.captionStyle, session.triggerWord);
    if (r.status !== 'skipped' && r.status !== (info.tagged ? 'tagged' : 'untagged')) {
      r.status = info.tagged ? 'tagged' : 'untagged';
      dirty = true;
    }
    for (const t of info.tags) {
      if (!known.has(t)) {
        known.add(t);
        inUse.push(t);
      }
    }
  }
  if (session.currentFile !== null && !session.images.some((r) => r.file === session.currentFile)) {
    session.currentFile = session.images[0]?.file ?? null;
    dirty = true;
  }
  if (inUse.length) {
    // Captions edited elsewhere introduced tags: tags.txt lists every tag used so far.
    try {
      fileTags = await appendTags(outputFolder, inUse, fs);
    } catch (err) {
      notices.push(`${join(outputFolder, 'tags.txt')} could not be updated with ${inUse.length} tag(s) used in captions: ${describeError(err)}. ${adviceFor(err)}`);
    }
  }
  if (dirty) await saveSession(outputFolder, session, fs);
  const inFile = new Set(fileTags);
  return { session, captions, fileTags, knownTags: [...fileTags, ...inUse.filter((t) => !inFile.has(t))], notices };
}
