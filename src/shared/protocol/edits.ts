/** What the panel asks the host to change across captions: selection edits and find and replace (issue 13). */
import { z } from 'zod';
import { StagedName } from '../model';
import { Revision } from './views';

const TagName = z.string().min(1).max(500);
/** What a selection edit does to each selected caption (the host plans it from the files, not from the panel). */
export const SelectionEdit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add'), tag: TagName }),
  z.object({ kind: z.literal('remove'), tag: TagName }),
  z.object({ kind: z.literal('rename'), from: TagName, to: TagName }),
  z.object({ kind: z.literal('addMany'), tags: z.array(TagName).min(1).max(1000) }),
  z.object({ kind: z.literal('copyCaption'), from: StagedName }),
]);
export type SelectionEdit = z.infer<typeof SelectionEdit>;

/** A find and replace across captions as the panel asks for it (issue 13, item 4; the engine's findReplace.ts). */
export const FindReplaceQuery = z.object({
  find: z.string().min(1).max(10_000),
  replace: z.string().max(10_000),
  /** `find` is a JavaScript regular expression; `replace` may use $1, $<name>, $&. */
  regex: z.boolean(),
  /** Only whole tags match (natural captions: the tag tail); false: anywhere in the caption text. */
  wholeTags: z.boolean(),
  caseSensitive: z.boolean(),
  /** The trigger word is never matched (true unless the user says otherwise). */
  protectTrigger: z.boolean(),
  scope: z.enum(['all', 'filtered', 'selection']),
  /** The images of the filter or the selection, as the webview resolved them (absent for 'all'). */
  files: z.array(StagedName).max(100_000).optional(),
});
export type FindReplaceQuery = z.infer<typeof FindReplaceQuery>;

/** A caption's revision when a find and replace was previewed: apply refuses if any moved on since. */
export const FileRev = z.object({ file: StagedName, rev: Revision });

/** Ranges [start, end) of a text that a find and replace changes. */
export const Marks = z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]));
/** How many changed captions a preview carries the texts of (the count and the revisions cover all of them). */
export const FIND_REPLACE_PREVIEW_MAX = 200;
