/**
 * A captioning run in the dataset-wide undo history (tag-undo.json, shared with the tag operations): the run is one
 * entry, grown batch by batch as its captions are written (the record first, then the captions, so a run cut short
 * can still be undone), and an accepted suggestion joins the entry of the run that made it. Undo restores a caption
 * only while it still holds what the run wrote, so it never takes back a later human edit.
 */
import { toFileText } from '../../../shared/caption';
import type { FsLike } from '../io/fsLike';
import type { Dataset } from '../session/dataset';
import type { CaptionWriter } from '../tags/tagOperations';
import { undoLastTagOperation, type UndoOutcome } from '../tags/tagOperations';
import { appendUndoEntry, DamagedHistory, readUndoHistory, withUndoLock, writeUndoHistory } from '../tags/tagUndo';
import type { ProviderId } from './provider';

/** A run's identity in the history: its start time and label. */
export interface RunId {
  at: string;
  label: string;
}

/** The label of a run's undo entry. */
export function runLabel(provider: ProviderId, model: string): string {
  return `Caption with AI (${provider}: ${model})`;
}

/** Adds caption changes to the run's entry (creating it), under the history's lock; a caption already in it keeps its first `before`. */
export async function recordRunChanges(
  outputFolder: string,
  run: RunId,
  changes: readonly { file: string; before: string; after: string }[],
  fs?: FsLike,
): Promise<string | undefined> {
  if (changes.length === 0) return undefined;
  const written = changes.map((c) => ({ ...c, after: toFileText(c.after) }));
  return withUndoLock(outputFolder, () => recordLocked(outputFolder, run, written, fs), fs);
}

async function recordLocked(
  outputFolder: string,
  run: RunId,
  written: { file: string; before: string; after: string }[],
  fs?: FsLike,
): Promise<string | undefined> {
  let history;
  try {
    history = await readUndoHistory(outputFolder, fs);
  } catch (err) {
    if (!(err instanceof DamagedHistory)) throw err;
    return appendUndoEntry(outputFolder, { at: run.at, label: run.label, changes: written }, fs);
  }
  const at = history.findIndex((e) => e.at === run.at && e.label === run.label);
  const entry = history[at];
  if (!entry) return appendUndoEntry(outputFolder, { at: run.at, label: run.label, changes: written }, fs);
  // A new entry in its place: the history's entries are shared, never changed (tagUndo.ts).
  const later = new Map(written.map((c) => [c.file, c]));
  const changes = entry.changes.map((x) => {
    const c = later.get(x.file);
    later.delete(x.file);
    return c ? { ...x, after: c.after } : x;
  });
  history[at] = { ...entry, changes: [...changes, ...later.values()] };
  await writeUndoHistory(outputFolder, history, fs);
  return undefined;
}

/** True when the newest entry of the undo history is this run's. */
export async function isLastRun(outputFolder: string, run: string, fs?: FsLike): Promise<boolean> {
  return (await readUndoHistory(outputFolder, fs)).at(-1)?.at === run;
}

/**
 * Undoes the run when it is the newest entry of the history: restores the captions nobody changed since, drops the
 * run's pending suggestions and the provenance of the captions restored. Returns undefined when it is not newest.
 */
export async function undoRun(
  ds: Dataset,
  run: string,
  write?: CaptionWriter,
  fs?: FsLike,
): Promise<UndoOutcome | undefined> {
  // The check is made again under the history's lock: another process may have added an entry meanwhile.
  if (!(await isLastRun(ds.outputFolder, run, fs))) return undefined;
  // The undo drops the run's pending suggestions and the provenance it restored (the same for every undo path).
  const outcome = await undoLastTagOperation(ds, { write, fs, onlyIf: (e) => e.at === run });
  if (outcome.label === null) return undefined;
  await ds.flush();
  return outcome;
}
