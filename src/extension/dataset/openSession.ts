/**
 * Opening a dataset: load (and repair) the session, finish an interrupted staging run, reconcile the session
 * with the files on disk, and read every caption and `tags.txt`.
 */
import { join } from 'node:path';
import type { Session } from '../../shared/session';
import { adviceFor, describeError, errorCode, type FsLike } from './fsLike';
import { captionName, naturalCompare } from './naming';
import { mapLimit } from './pool';
import { recordsFromDisk } from './rebuild';
import { loadSession, saveSession } from './sessionStore';
import { removeLeftoverTemps, runPlan } from './stageRun';
import { appendTags, captionTags, isTagged, parseTagsFile, readTagsText } from './tagsFile';

/** Everything Dataset needs, read from disk. */
export interface OpenedSession {
  session: Session;
  captions: Map<string, string>;
  /** The tags of `tags.txt`, in file order. */
  fileTags: string[];
  notices: string[];
}

/** Loads the session in `outputFolder` with its captions and tags; repairs are listed in `notices`. */
export async function openSession(outputFolder: string, fs: FsLike): Promise<OpenedSession> {
  const { session, notices } = await loadSession(outputFolder, fs);
  let dirty = false;
  if (session.staging) {
    const n = session.staging.pending.length;
    const r = await runPlan({ outputFolder, session, fs });
    notices.push(`An interrupted staging run was finished (${n} images were pending).`, ...r.notices);
    if (r.skipped.length) notices.push(`Skipped while finishing: ${r.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}.`);
  } else {
    await removeLeftoverTemps(outputFolder, fs);
  }

  let names: string[];
  try {
    names = await fs.readdir(outputFolder);
  } catch (err) {
    throw new Error(`Cannot read the dataset folder ${outputFolder}: ${describeError(err)}. ${adviceFor(err)}`);
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

  const toRead = session.images.filter((r) => !captions.has(r.file));
  const texts = await mapLimit(toRead, 64, (r) => {
    const name = captionName(r.file);
    if (!onDisk.has(name)) return Promise.resolve('');
    return fs.readFile(join(outputFolder, name), 'utf8').catch((err) => {
      if (errorCode(err) === 'ENOENT') return '';
      throw new Error(`Cannot read the caption ${join(outputFolder, name)}: ${describeError(err)}. ${adviceFor(err)}`);
    });
  });
  toRead.forEach((r, i) => captions.set(r.file, texts[i]!));

  // The .txt files are the truth: statuses follow them (skipped stays skipped).
  for (const r of session.images) {
    if (r.status === 'skipped') continue;
    const status = isTagged(captions.get(r.file) ?? '', session.triggerWord) ? 'tagged' : 'untagged';
    if (status !== r.status) {
      r.status = status;
      dirty = true;
    }
  }
  if (session.currentFile !== null && !listed.has(session.currentFile) && !extra.records.some((r) => r.file === session.currentFile)) {
    session.currentFile = session.images[0]?.file ?? null;
    dirty = true;
  }

  let fileTags = parseTagsFile(await readTagsText(outputFolder, fs));
  const inFile = new Set(fileTags);
  const inUse: string[] = [];
  for (const r of session.images) for (const t of captionTags(captions.get(r.file) ?? '', session.captionStyle)) if (!inFile.has(t)) {
    inFile.add(t);
    inUse.push(t);
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
  return { session, captions, fileTags, notices };
}
