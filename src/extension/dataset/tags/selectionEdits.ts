/**
 * Edits of a chosen list of images (the panel's multi-image selection, issue 13): add, remove or rename a tag,
 * paste several tags, or give them another image's caption. Planned from the captions the dataset holds (never
 * from text the webview sends) and written as ONE step of the dataset-wide undo history (tagUndo.ts), so the
 * panel's Ctrl+Z and *Undo Last Dataset-Wide Tag Operation* both take it back, restoring only untouched captions.
 */
import { cleanTag } from '../../../shared/caption';
import type { Dataset } from '../session/dataset';
import {
  applyChanges,
  applyToCaption,
  describeOperation,
  validateOperation,
  type AppliedOperation,
  type ApplyOptions,
  type CaptionChange,
  type TagOperation,
} from './tagOperations';

/** What a selection edit does to each chosen caption. */
export type SelectionEdit = TagOperation | { kind: 'addMany'; tags: string[] } | { kind: 'copyCaption'; from: string };

/** A short human description: `Add "a"`, `Paste 3 tags`, `Apply the caption of x_0002.png`. */
export function describeSelectionEdit(edit: SelectionEdit): string {
  if (edit.kind === 'addMany')
    return edit.tags.length === 1 ? `Add "${edit.tags[0]}"` : `Paste ${edit.tags.length} tags`;
  if (edit.kind === 'copyCaption') return `Apply the caption of ${edit.from}`;
  return describeOperation(edit);
}

/**
 * The captions of `files` that the edit changes, before and after. Throws an Error saying what is wrong: a file
 * that is not an image of the dataset, a bad tag, a caption that cannot be rewritten. Skipped images are edited
 * too: here the user chose each image, unlike *Add a Tag to Every Image*.
 */
export function planSelectionEdit(ds: Dataset, edit: SelectionEdit, files: readonly string[]): CaptionChange[] {
  const s = ds.session;
  const known = new Set(s.images.map((i) => i.file));
  const stray = files.find((f) => !known.has(f));
  if (stray) throw new Error(`${stray} is not an image of this dataset (${ds.outputFolder}). Nothing was changed.`);
  const trigger = cleanTag(s.triggerWord).toLowerCase();
  let ops: TagOperation[];
  let source: string | undefined;
  if (edit.kind === 'copyCaption') {
    if (!known.has(edit.from)) throw new Error(`${edit.from} is not an image of this dataset (${ds.outputFolder}).`);
    source = ds.caption(edit.from);
    ops = [];
  } else if (edit.kind === 'addMany') {
    // The trigger word is kept first by every caption on its own: pasting it adds nothing.
    const tags = [...new Set(edit.tags.map(cleanTag))].filter((t) => t && t.toLowerCase() !== trigger);
    if (tags.length === 0)
      throw new Error('There are no tags to paste (the trigger word is in every caption already).');
    ops = tags.map((tag) => ({ kind: 'add', tag }));
  } else ops = [edit];
  for (const op of ops) validateOperation(op, s.triggerWord);
  const out: CaptionChange[] = [];
  for (const file of new Set(files)) {
    const before = ds.caption(file);
    const after = source ?? ops.reduce((text, op) => applyToCaption(text, op, s.captionStyle, s.triggerWord), before);
    if (after === before) continue;
    const problem = ds.captionProblem(file);
    if (problem)
      throw new Error(
        `${describeSelectionEdit(edit)} would rewrite ${file}, which cannot be: ${problem} Nothing was changed.`,
      );
    out.push({ file, before, after });
  }
  return out;
}

/** Plans and writes a selection edit as one undo step; `changes` is empty when no chosen caption needed it. */
export async function applySelectionEdit(
  ds: Dataset,
  edit: SelectionEdit,
  files: readonly string[],
  opts: ApplyOptions = {},
): Promise<AppliedOperation> {
  const changes = planSelectionEdit(ds, edit, files);
  return applyChanges(ds, describeSelectionEdit(edit), changes, opts);
}
