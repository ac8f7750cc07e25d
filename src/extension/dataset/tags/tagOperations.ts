/**
 * Dataset-wide tag operations (rename or merge, remove, add) and their undo. Planning is pure: it returns the
 * captions that would change, before and after, so the command can say "in 37 captions" before anything is
 * written. Applying goes through Dataset.setCaption (atomic writes, tags.txt, status) or the caller's writer, and is
 * recorded in the undo history on disk (tagUndo.ts); undo restores a caption only if nobody has edited it since.
 * Both front doors (the VS Code commands and the command line) run these.
 */
import { addTags, cleanTag, hasTag, removeTag, renameTag, toFileText } from '../../../shared/caption';
import type { CaptionStyle } from '../../../shared/model';
import type { FsLike } from '../io/fsLike';
import type { Dataset } from '../session/dataset';
import { appendUndoEntry, readUndoHistory, type UndoEntry, withUndoLock, writeUndoHistory } from './tagUndo';

/** One dataset-wide operation. */
export type TagOperation =
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'remove'; tag: string }
  | { kind: 'add'; tag: string }
  /** Removes a leading byte-order mark and puts a caption on one line (the check's BOM and CRLF findings). */
  | { kind: 'clean' };

/** One caption's change. */
export interface CaptionChange {
  file: string;
  before: string;
  after: string;
}

/** What the captions and rules of a dataset are, for planning. */
export interface PlanInput {
  /** `problem`: why the caption cannot be rewritten (not UTF-8, a folder, a link; see Dataset.captionProblem). */
  captions: readonly { file: string; text: string; skipped?: boolean; problem?: string }[];
  style: CaptionStyle;
  trigger: string;
}

/** A short human description: `Rename "a" to "b"`. */
export function describeOperation(op: TagOperation): string {
  switch (op.kind) {
    case 'rename':
      return `Rename "${op.from}" to "${op.to}"`;
    case 'remove':
      return `Remove "${op.tag}"`;
    case 'add':
      return `Add "${op.tag}"`;
    case 'clean':
      return 'Remove byte-order marks and line breaks';
  }
}

/** Checks an operation's tags; throws an Error saying what is wrong. */
export function validateOperation(op: TagOperation, trigger: string): void {
  if (op.kind === 'clean') return;
  const t = cleanTag(trigger).toLowerCase();
  const names = op.kind === 'rename' ? [op.from, op.to] : [op.tag];
  for (const n of names) {
    const c = cleanTag(n);
    if (!c) throw new Error('A tag cannot be empty.');
    if (c.includes(',')) throw new Error(`"${c}" holds a comma, which would make it two tags. Use one tag at a time.`);
  }
  if (op.kind === 'rename' && cleanTag(op.from) === cleanTag(op.to))
    throw new Error(`"${cleanTag(op.from)}" already has that name.`);
  const trig = names.find((n) => t && cleanTag(n).toLowerCase() === t);
  if (trig)
    throw new Error(
      `"${cleanTag(trig)}" is the trigger word, which the captions keep first on their own; edit other tags.`,
    );
}

/** The captions an operation would change (skipped images included for rename and remove, left out for add). */
export function planOperation(input: PlanInput, op: TagOperation): CaptionChange[] {
  validateOperation(op, input.trigger);
  const out: CaptionChange[] = [];
  for (const c of input.captions) {
    if (op.kind === 'add' && c.skipped) continue;
    const after = applyToCaption(c.text, op, input.style, input.trigger);
    if (after !== c.text) out.push({ file: c.file, before: c.text, after });
  }
  // A caption whose text is not what its file holds (a lossy decode, a link not followed) is never rewritten.
  const changed = new Set(out.map((o) => o.file));
  const refused = input.captions.filter((c) => c.problem && changed.has(c.file));
  if (refused.length) {
    const more =
      refused.length > 1
        ? ` (and ${refused.length - 1} more: ` +
          `${refused
            .slice(1, 4)
            .map((c) => c.file)
            .join(', ')})`
        : '';
    throw new Error(
      `${describeOperation(op)} would rewrite ${refused.length} caption(s) that cannot be ` +
        `rewritten${more}: ${refused[0]!.problem} Nothing was changed.`,
    );
  }
  return out;
}

/** One caption after an operation. */
export function applyToCaption(text: string, op: TagOperation, style: CaptionStyle, trigger: string): string {
  switch (op.kind) {
    case 'add':
      return addTags(text, [op.tag], style, trigger);
    case 'remove': {
      let t = text;
      while (hasTag(t, op.tag, style)) t = removeTag(t, op.tag, style, trigger);
      return t;
    }
    case 'rename':
      return renameTag(text, op.from, op.to, style);
    case 'clean':
      return cleanCaptionText(text);
  }
}

/**
 * A caption without its leading byte-order mark(s) and on one line: each line trimmed, empty ones dropped, joined
 * by a space (as every export writes it). A caption with neither is returned as it is, spaces and all.
 */
export function cleanCaptionText(text: string): string {
  if (!text.startsWith('\uFEFF') && !/[\r\n]/.test(text)) return text;
  return text
    .replace(/^\uFEFF+/, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

/** Writes one caption; Dataset.setCaption by default, the extension passes its panel's caption sync. */
export type CaptionWriter = (file: string, text: string) => Promise<void>;

/** Options of applyTagOperation and undoLastTagOperation. */
export interface ApplyOptions {
  write?: CaptionWriter;
  /** Called after each caption is written: done, of the total, and the file. */
  onProgress?(done: number, total: number, file: string): void;
  fs?: FsLike;
  /** Captions written at once (default 1, in order); each file still has one writer (Dataset's per-file queue). */
  concurrency?: number;
}

/** What an applied operation changed; `notices` says what the user should know (a damaged undo file set aside). */
export interface AppliedOperation {
  label: string;
  changes: CaptionChange[];
  notices: string[];
}

/** What an undo did: the operation taken back (null when there was none), restored files and files left alone. */
export interface UndoOutcome {
  label: string | null;
  restored: string[];
  /** Captions edited since the operation (or images gone), left as they are. */
  skipped: string[];
}

/** The captions an operation would change in an open dataset; throws an Error saying why it cannot run. */
export function planForDataset(ds: Dataset, op: TagOperation): CaptionChange[] {
  const s = ds.session;
  return planOperation(
    {
      style: s.captionStyle,
      trigger: s.triggerWord,
      captions: s.images.map((i) => ({
        file: i.file,
        text: ds.caption(i.file),
        skipped: i.status === 'skipped',
        problem: ds.captionProblem(i.file),
      })),
    },
    op,
  );
}

/**
 * Writes the planned changes of an operation and records them in the undo history. The record is written first, so
 * that a run cut short (a full disk, a kill) can still be undone for the captions it did change; the history stays
 * locked until the last caption is written, so an undo in another process waits for the whole operation.
 */
export async function applyTagOperation(
  ds: Dataset,
  op: TagOperation,
  changes: readonly CaptionChange[],
  opts: ApplyOptions = {},
): Promise<AppliedOperation> {
  return applyCaptionChanges(ds, describeOperation(op), changes, opts);
}

/** Writes planned caption changes as one step of the undo history, labelled (tag operations, selection edits, find and replace). */
export async function applyCaptionChanges(
  ds: Dataset,
  label: string,
  changes: readonly CaptionChange[],
  opts: ApplyOptions = {},
): Promise<AppliedOperation> {
  if (changes.length === 0) return { label, changes: [], notices: [] };
  // Recorded as the file will hold it (a line break becomes a space), so undo recognises an untouched caption.
  const written = changes.map((c) => ({ file: c.file, before: c.before, after: toFileText(c.after) }));
  const entry = { label, at: new Date().toISOString(), changes: written };
  return withUndoLock(
    ds.outputFolder,
    async () => {
      const notice = await appendUndoEntry(ds.outputFolder, entry, opts.fs);
      await writeAll(
        ds,
        written,
        'after',
        opts,
        (n, err) =>
          `${label} stopped after ${n} of ${written.length} captions: ${errorText(err)} Undo takes back the ${n} already changed.`,
      );
      return { label, changes: written, notices: notice ? [notice] : [] };
    },
    opts.fs,
  );
}

/**
 * Takes back the newest recorded operation, restoring only captions nobody has edited since; then forgets it. The
 * history is locked from its read to its write, so two undos (a window and the command line) take back two steps.
 * With `onlyIf`, the newest entry is undone only when it passes (else nothing is done, and the label is null).
 */
export async function undoLastTagOperation(
  ds: Dataset,
  opts: ApplyOptions & { onlyIf?: (entry: UndoEntry) => boolean } = {},
): Promise<UndoOutcome> {
  return withUndoLock(ds.outputFolder, () => undoLocked(ds, opts), opts.fs);
}

async function undoLocked(ds: Dataset, opts: ApplyOptions & { onlyIf?: (entry: UndoEntry) => boolean }) {
  const history = await readUndoHistory(ds.outputFolder, opts.fs);
  const last = history.at(-1);
  if (!last || (opts.onlyIf && !opts.onlyIf(last))) return { label: null, restored: [], skipped: [] };
  const present = new Set(ds.session.images.map((i) => i.file));
  const restore: { file: string; before: string; after: string }[] = [];
  const skipped: string[] = [];
  for (const c of last.changes) {
    const now = present.has(c.file) ? ds.caption(c.file) : undefined;
    if (now === c.after) restore.push(c);
    // A caption already back at its old text (a run cut short before reaching it) needs nothing.
    else if (now !== c.before) skipped.push(c.file);
  }
  await writeAll(
    ds,
    restore,
    'before',
    opts,
    (n, err) =>
      `Undo of ${last.label} stopped after ${n} of ${restore.length} captions: ${errorText(err)} Run undo again to finish it.`,
  );
  await writeUndoHistory(ds.outputFolder, history.slice(0, -1), opts.fs);
  forgetRun(ds, last.at, new Set(restore.map((c) => c.file)));
  return { label: last.label, restored: restore.map((c) => c.file), skipped };
}

// An AI captioning run's entry has the run's id as its time: however it is undone (the palette, the panel, the
// command line), its pending suggestions go with it, and so does the provenance of the captions it restored.
function forgetRun(ds: Dataset, run: string, restored: ReadonlySet<string>): void {
  for (const r of ds.session.images) {
    if (r.suggestion?.run === run) ds.setImageExtra('suggestion', r.file, undefined);
    if (r.machine?.run === run && restored.has(r.file)) ds.setImageExtra('machine', r.file, undefined);
  }
}

async function writeAll(
  ds: Dataset,
  changes: readonly { file: string; before: string; after: string }[],
  side: 'before' | 'after',
  opts: ApplyOptions,
  failure: (done: number, err: unknown) => string,
): Promise<void> {
  const write = opts.write ?? ((f: string, t: string) => ds.setCaption(f, t));
  let done = 0;
  let next = 0;
  let failed = false;
  // Several writes in flight overlap their fsyncs; the undo record is on disk already, whatever order they land in.
  const worker = async () => {
    while (!failed && next < changes.length) {
      const c = changes[next++]!;
      try {
        await write(c.file, c[side]);
      } catch (err) {
        failed = true;
        throw err;
      }
      done++;
      opts.onProgress?.(done, changes.length, c.file);
    }
  };
  try {
    const n = Math.max(1, Math.min(opts.concurrency ?? 1, changes.length));
    await Promise.all(Array.from({ length: n }, worker));
    await ds.flush();
  } catch (err) {
    throw new Error(failure(done, err));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
