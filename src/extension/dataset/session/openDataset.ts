/**
 * Opening a dataset: load (and repair) the session, finish an interrupted staging run, reconcile the session
 * with the files on disk, and read every caption and `tags.txt`. What is on disk is untrusted: a caption or image
 * that is a link, a folder or not UTF-8 is reported by name and left as it is, and the rest of the dataset opens.
 */
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import type { Session } from './schema';
import { adviceFor, describeError, type FsLike } from '../io/fsLike';
import { readCaptionFiles, type CaptionProblem, type CaptionProblemKind, type ReadStamp } from '../io/readCaption';
import { captionName, naturalCompare } from '../staging/naming';
import { recordsFromDisk } from './rebuild';
import { loadSession, saveSession } from './sessionFile';
import { finishedNotice, removeLeftoverTemps, runPlan } from '../staging/run';
import { captionInfo } from '../../../shared/caption';
import { ASIDE_SUFFIX, leftoverAsides, settleLeftoverAsides } from '../io/swapReplace';
import { appendTags, isListableTag, parseTagsFile, readTagsFile, TAGS_FILE } from '../tags/tagsFile';

/** Everything Dataset needs, read from disk. */
export interface OpenedSession {
  session: Session;
  captions: Map<string, string>;
  /** The stamp of each caption file as it was read (where the quick read gave one), by image. */
  captionStamps: Map<string, ReadStamp>;
  /** Captions that cannot be used as they are on disk, by image. */
  captionProblems: Map<string, CaptionProblem>;
  /** Images that are not plain files in the output folder (a link, a folder), by image: never exported. */
  imageProblems: Map<string, CaptionProblem>;
  /** Why tags.txt can be neither read nor updated, when it cannot (a folder, a link). */
  tagsFileProblem?: string;
  /** The tags of `tags.txt`, in file order. */
  fileTags: string[];
  /** fileTags then every other tag in use, in first-use order. */
  knownTags: string[];
  notices: string[];
}

/** Options of openSession. */
export interface OpenSessionOptions {
  /** With neither session.json nor its .bak, rebuild the session from the images and captions in the folder. */
  rebuild?: boolean;
}

/** Loads the session in `outputFolder` with its captions and tags; repairs and problems are listed in `notices`. */
export async function openSession(
  outputFolder: string,
  fs: FsLike,
  opts: OpenSessionOptions = {},
): Promise<OpenedSession> {
  const { session, notices } = await loadSession(outputFolder, fs, opts);
  let dirty = false;
  const list = async (): Promise<Dirent[]> => {
    try {
      return await fs.readdir(outputFolder, { withFileTypes: true });
    } catch (err) {
      throw new Error(`Cannot read the dataset folder ${outputFolder}: ${describeError(err)}. ${adviceFor(err)}`);
    }
  };
  let entries: Dirent[];
  if (session.staging) {
    const n = session.staging.pending.length;
    const r = await runPlan({ outputFolder, session, fs });
    if (!r.refused) notices.push(finishedNotice(n, r));
    notices.push(...r.notices);
    if (r.skipped.length)
      notices.push(`Skipped while finishing: ${r.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}.`);
    entries = await list();
  } else {
    entries = await list();
    if (
      await removeLeftoverTemps(
        outputFolder,
        fs,
        entries.map((e) => e.name),
      )
    )
      entries = await list();
  }
  // A caption save killed half-way left the caption's second name: the caption goes back if it is gone, else it goes.
  const back = await settleLeftoverAsides(
    outputFolder,
    entries.map((e) => e.name),
    [TAGS_FILE],
    fs,
  );
  if (back.length)
    notices.push(`${back.join(', ')}: put back from the copy that a stopped save had set aside (nothing was lost).`);
  if (entries.some((e) => e.name.endsWith(ASIDE_SUFFIX) && !e.name.startsWith(`.${TAGS_FILE}.`)))
    entries = await list();
  const byName = new Map(entries.map((e) => [e.name, e]));
  const missing = session.images.filter((r) => !byName.has(r.file));
  if (missing.length) {
    session.images = session.images.filter((r) => byName.has(r.file));
    notices.push(
      `${missing.length} image(s) listed in the session are no longer in the folder and were removed from it: ${missing
        .slice(0, 5)
        .map((r) => r.file)
        .join(', ')}${missing.length > 5 ? ', …' : ''}.`,
    );
    dirty = true;
  }
  const listed = new Set(session.images.map((r) => r.file));
  const captions = new Map<string, string>();
  const captionProblems = new Map<string, CaptionProblem>();
  const imageProblems = new Map<string, CaptionProblem>();
  const plain = entries.filter((e) => e.isFile() && !listed.has(e.name)).map((e) => e.name);
  const extra = await recordsFromDisk(outputFolder, plain, session.prefix, session.triggerWord, fs);
  if (extra.records.length) {
    session.images.push(...extra.records);
    session.images.sort((a, b) => naturalCompare(a.file, b.file));
    for (const r of extra.records) captions.set(r.file, extra.captions.get(r.file) ?? '');
    for (const [file, p] of extra.problems) captionProblems.set(file, p);
    notices.push(
      `${extra.records.length} image(s) found in the folder but not in the session were added: ${extra.records
        .slice(0, 5)
        .map((r) => r.file)
        .join(', ')}${extra.records.length > 5 ? ', …' : ''}.`,
    );
    dirty = true;
  }

  for (const r of session.images) {
    const kind = kindOfEntry(byName.get(r.file)!);
    if (kind)
      imageProblems.set(
        r.file,
        imageProblem(kind, join(outputFolder, r.file), await linkTarget(kind, join(outputFolder, r.file), fs)),
      );
  }
  const toRead = session.images.filter((r) => !captions.has(r.file) && byName.has(captionName(r.file)));
  const texts = await readCaptionFiles(
    toRead.map((r) => join(outputFolder, captionName(r.file))),
    fs,
  );
  const captionStamps = new Map<string, ReadStamp>();
  toRead.forEach((r, i) => {
    captions.set(r.file, texts[i]!.text);
    if (texts[i]!.stamp) captionStamps.set(r.file, texts[i]!.stamp!);
    if (texts[i]!.problem) captionProblems.set(r.file, texts[i]!.problem!);
  });
  for (const r of session.images) if (!captions.has(r.file)) captions.set(r.file, '');
  notices.push(...summarize(imageProblems, 'image'), ...summarize(captionProblems, 'caption'));

  // The .txt files are the truth: statuses follow them (skipped stays skipped); every tag in use is a known tag,
  // except those of a caption that could not be read as it is (their text is not the caption's).
  // A writer killed while it replaced tags.txt left the file it moved aside: its lines go back in first.
  const asides = leftoverAsides(
    join(outputFolder, TAGS_FILE),
    entries.map((e) => e.name),
  );
  if (asides.length)
    await appendTags(outputFolder, [], fs, { leftovers: asides }).catch((err) =>
      notices.push(
        `${join(outputFolder, TAGS_FILE)} could not take back the lines that a stopped write set aside in ` +
          `${asides.join(', ')}: ${describeError(err)}. ${adviceFor(err)} They stay there until the next open.`,
      ),
    );
  const tagsRead = await readTagsFile(outputFolder, fs);
  if (tagsRead.problem) notices.push(tagsRead.problem);
  let fileTags = parseTagsFile(tagsRead.text);
  const known = new Set(fileTags);
  const inUse: string[] = [];
  for (const r of session.images) {
    const info = captionInfo(captions.get(r.file) ?? '', session.captionStyle, session.triggerWord);
    if (r.status !== 'skipped' && r.status !== (info.tagged ? 'tagged' : 'untagged')) {
      r.status = info.tagged ? 'tagged' : 'untagged';
      dirty = true;
    }
    if (captionProblems.has(r.file)) continue;
    for (const t of info.tags) {
      if (!known.has(t) && isListableTag(t)) {
        known.add(t);
        inUse.push(t);
      }
    }
  }
  if (session.currentFile !== null && !session.images.some((r) => r.file === session.currentFile)) {
    session.currentFile = session.images[0]?.file ?? null;
    dirty = true;
  }
  if (inUse.length && !tagsRead.unusable) {
    // Captions edited elsewhere introduced tags: tags.txt lists every tag used so far.
    try {
      fileTags = await appendTags(outputFolder, inUse, fs);
    } catch (err) {
      notices.push(
        `${join(outputFolder, TAGS_FILE)} could not be updated with ${inUse.length} tag(s) used in ` +
          `captions: ${describeError(err)}. ${adviceFor(err)}`,
      );
    }
  }
  if (dirty) await saveSession(outputFolder, session, fs);
  const inFile = new Set(fileTags);
  return {
    session,
    captions,
    captionStamps,
    captionProblems,
    imageProblems,
    ...(tagsRead.unusable ? { tagsFileProblem: tagsRead.problem } : {}),
    fileTags,
    knownTags: [...fileTags, ...inUse.filter((t) => !inFile.has(t))],
    notices,
  };
}

function kindOfEntry(e: Dirent): CaptionProblemKind | undefined {
  if (e.isSymbolicLink()) return 'symlink';
  if (e.isDirectory()) return 'folder';
  return e.isFile() ? undefined : 'not-a-file';
}

async function linkTarget(kind: CaptionProblemKind, path: string, fs: FsLike): Promise<string> {
  return kind === 'symlink' ? fs.realpath(path).catch(() => 'a file that does not exist') : '';
}

/** The problem of a staged image that is not a plain file: the export leaves it out (Check Dataset says why). */
function imageProblem(kind: CaptionProblemKind, path: string, target: string): CaptionProblem {
  const what =
    kind === 'symlink' ? `a symbolic link to ${target}` : kind === 'folder' ? 'a folder' : 'not a regular file';
  const todo =
    kind === 'symlink' ? 'Replace the link with a copy of the image it points ' + 'to' : 'Put the image itself there';
  return {
    kind,
    message:
      `${path} is ${what}, not an image file of the dataset: the export never reads it and ` +
      `leaves it out of the zip. ${todo}, then reopen the dataset.`,
  };
}

/** One notice per kind of problem: the first message in full, then how many more and which. */
function summarize(problems: Map<string, CaptionProblem>, what: 'image' | 'caption'): string[] {
  const byKind = new Map<string, string[]>();
  for (const [file, p] of problems) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), file]);
  return [...byKind.values()].map((files) => {
    const first = problems.get(files[0]!)!.message;
    if (files.length === 1) return first;
    const more = files
      .slice(1, 6)
      .map((f) => (what === 'caption' ? captionName(f) : f))
      .join(', ');
    return `${first} The same holds for ${files.length - 1} more ${what}(s): ${more}${files.length > 6 ? ', …' : ''}.`;
  });
}
