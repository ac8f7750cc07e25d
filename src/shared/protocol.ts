/**
 * Every message between the extension host and the tagging-panel webview, as zod schemas.
 *
 * Shape (after microsoft/vscode-hexeditor's protocol.ts, plus runtime validation):
 * - Each direction is one `z.discriminatedUnion('type', …)` with readable string tags.
 * - Every message travels in an envelope `{ id, inReplyTo?, body }`. A request gets exactly one
 *   reply whose `inReplyTo` is the request's id and whose body is `{ type: 'reply', ok, … }`.
 * - A request that expects a result declares its schema in `ToHostResults` (GitLens's `IpcRequest<Params,
 *   Response>`): the sender gets that type and the reply is checked against it; any other request is acknowledged
 *   with no result.
 * - The host validates everything the webview sends (untrusted input); the webview validates
 *   what the host sends so a version mismatch shows as an error, not a broken panel.
 * - Files cross the boundary as staged file names only (`prefix_0001.png`), never paths.
 *
 * This file holds the two directions' unions and each request's result schema, where a new message goes; the parts
 * they are built of live in protocol/ by feature (views, captioning, edits, envelope) and are re-exported from here,
 * so `shared/protocol` stays the one import path.
 */
import { z } from 'zod';
import { EXPORT_TARGETS, ImageStatus, StagedName, TagCategory, VocabSuggestion } from './model';
import { CropRect } from './crop';
import { CaptionRunView, SuggestionAnswer, SuggestionView } from './protocol/captioning';
import { FIND_REPLACE_PREVIEW_MAX, FileRev, FindReplaceQuery, Marks, SelectionEdit } from './protocol/edits';
import { ReplyBody, envelopeSchema, type ResultOf, type ResultSchemas } from './protocol/envelope';
import { DatasetView, PanelAction, Revision, StatusKind } from './protocol/views';

export * from './protocol/captioning';
export * from './protocol/edits';
export * from './protocol/envelope';
export * from './protocol/views';

// ---------------------------------------------------------------- webview -> host

/** Every message the webview sends the host (untrusted input there: the host safeParses each one). */
export const ToHost = z.discriminatedUnion('type', [
  /** The webview is listening; the host sends nothing before it. */
  z.object({ type: z.literal('ready') }),
  /**
   * Save a caption exactly as given (the host strips nothing but line breaks). `base`: the revision the edit was made
   * from; `seq`: counts the panel's saves (any caption), so a save that arrives after a newer one is dropped;
   * `typing`: sent at a pause in typing, so a tag at its end may be half-typed and is not added to tags.txt yet.
   */
  z.object({
    type: z.literal('caption/update'),
    file: StagedName,
    text: z.string().max(100_000),
    base: Revision,
    seq: z.number().int().positive(),
    typing: z.boolean().optional(),
  }),
  /** The user moved to another image. */
  z.object({ type: z.literal('image/select'), file: StagedName }),
  /** Favourite / NSFW / skipped flags of one image. */
  z.object({
    type: z.literal('image/flags'),
    file: StagedName,
    favourite: z.boolean().optional(),
    nsfw: z.boolean().optional(),
    skipped: z.boolean().optional(),
  }),
  /** Set (a rectangle in pixels of the upright image) or remove (null) an image's export crop. */
  z.object({ type: z.literal('image/crop'), file: StagedName, crop: CropRect.nullable() }),
  /** Pin or unpin a tag in the palette. */
  z.object({ type: z.literal('tags/pin'), tag: z.string().min(1).max(500), pinned: z.boolean() }),
  /** A tag was applied: it goes to the front of the recent list. */
  z.object({ type: z.literal('tags/used'), tags: z.array(z.string().min(1).max(500)).max(1000) }),
  /** Autocomplete from the vocabulary files (the dataset's own tags are matched in the webview). */
  z.object({ type: z.literal('vocab/query'), prefix: z.string().max(500), limit: z.number().int().min(1).max(100) }),
  /** The vocabulary files' categories of these tags (the palette groups by them). */
  z.object({ type: z.literal('vocab/categories'), tags: z.array(z.string().max(500)).max(50_000) }),
  /** Run a VS Code command that acts on this dataset (open the .txt beside, export, check). */
  z.object({
    type: z.literal('command/run'),
    command: z.enum(['openCaptionBeside', 'exportForCivitai', 'exportDataset', 'checkDataset']),
  }),
  /** Put text on the clipboard (the report's "Copy as Markdown"). */
  z.object({ type: z.literal('clipboard/write'), text: z.string().max(5_000_000) }),
  /** Write the dirty caption now (Ctrl/Cmd+S). */
  z.object({ type: z.literal('save/flush') }),
  /** The filmstrip shows these images: make their thumbnails first. */
  z.object({ type: z.literal('thumbs/want'), files: z.array(StagedName).max(1000) }),
  /** Edit the captions of the selected images as one step of the dataset-wide undo (issue 13). */
  z.object({ type: z.literal('selection/edit'), edit: SelectionEdit, files: z.array(StagedName).min(1).max(100_000) }),
  /** Undo the newest dataset-wide step (a selection edit or a tag command), as the Undo command does. */
  z.object({ type: z.literal('selection/undo') }),
  /** Accept, merge or reject the machine suggestion of one image. */
  z.object({ type: z.literal('suggestion/answer'), file: StagedName, answer: SuggestionAnswer }),
  /** Caption these images with AI: runs "Caption Images with AI…", which asks for the provider and the write mode. */
  z.object({ type: z.literal('captioning/start'), files: z.array(StagedName).min(1).max(10_000) }),
  /** Pause, resume or cancel the captioning run on this dataset (the progress line's buttons). */
  z.object({ type: z.literal('captioning/control'), action: z.enum(['pause', 'resume', 'cancel']) }),
  /** Mark the machine captions of these images reviewed without editing them (those not machine-written: none). */
  z.object({ type: z.literal('review/markReviewed'), files: z.array(StagedName).min(1).max(100_000) }),
  /** What a find and replace would change, before anything is written. */
  z.object({ type: z.literal('findReplace/preview'), query: FindReplaceQuery }),
  /** Writes the previewed find and replace as one dataset-wide undo step; refused if a previewed caption changed since. */
  z.object({ type: z.literal('findReplace/apply'), query: FindReplaceQuery, revs: z.array(FileRev).max(100_000) }),
]);
export type ToHost = z.infer<typeof ToHost>;

/** What the reply to each webview request carries; a request not listed here is acknowledged with no result. */
export const ToHostResults = {
  /**
   * Saved at revision `rev` (`savedAt`: the host's local time, also shown in the status line); or not saved, because
   * the caption changed outside after `base`: `text` is what it holds now, at `rev`.
   */
  'caption/update': z.discriminatedUnion('saved', [
    z.object({ saved: z.literal(true), rev: Revision, savedAt: z.string() }),
    z.object({ saved: z.literal(false), rev: Revision, text: z.string() }),
  ]),
  /** The best matches of the vocabulary files, at most `limit`. */
  'vocab/query': z.array(VocabSuggestion),
  /** The step's label and how many captions it changed (0: none needed it, and nothing was recorded). */
  'selection/edit': z.object({ label: z.string(), changed: z.number().int().nonnegative() }),
  /** The step taken back (null: there was none), captions restored, and those edited since, left alone. */
  'selection/undo': z.object({
    label: z.string().nullable(),
    restored: z.number().int(),
    skipped: z.array(z.string()),
  }),
  /** The caption on disk after the answer. */
  'suggestion/answer': z.object({ caption: z.string() }),
  /** How many machine captions were marked reviewed (the others were not machine-written or reviewed already). */
  'review/markReviewed': z.object({ marked: z.number().int().nonnegative() }),
  /** Tag -> category name (`character`, `artist`, …) for the tags the vocabulary knows and names a category of. */
  'vocab/categories': z.record(z.string(), z.string()),
  /**
   * The plan: every caption that would change (texts and changed ranges of the first FIND_REPLACE_PREVIEW_MAX),
   * the counts, and each changed caption's revision; or why it cannot run (the pattern, and where).
   */
  'findReplace/preview': z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      label: z.string(),
      /** Captions in the scope. */
      scanned: z.number().int().nonnegative(),
      replacements: z.number().int().nonnegative(),
      changes: z
        .array(
          z.object({ file: StagedName, before: z.string(), after: z.string(), beforeMarks: Marks, afterMarks: Marks }),
        )
        .max(FIND_REPLACE_PREVIEW_MAX),
      revs: z.array(FileRev),
    }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]),
  /** Written (`changed` captions, one undo step), or refused without writing anything, saying why. */
  'findReplace/apply': z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), label: z.string(), changed: z.number().int().nonnegative() }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]),
} satisfies ResultSchemas<ToHost>;

// ---------------------------------------------------------------- host -> webview

/** Every message the host sends the webview. */
export const ToWebview = z.discriminatedUnion('type', [
  /** The whole dataset (first load, or after the session was rebuilt). */
  z.object({ type: z.literal('dataset/load'), dataset: DatasetView }),
  /** The session's export target changed (Export Dataset…): the report's buckets and the crop presets follow it. */
  z.object({ type: z.literal('dataset/target'), exportTarget: z.enum(EXPORT_TARGETS) }),
  /** A caption changed outside the panel (text editor, another program, a tag operation), at revision `rev`. */
  z.object({ type: z.literal('caption/changed'), file: StagedName, text: z.string(), rev: Revision }),
  /**
   * Many captions changed outside the panel, each at its revision (a dataset-wide operation, find and replace, a
   * captioning run, a burst on disk): the host sends these in batches, and the panel takes each batch in one render.
   */
  z.object({
    type: z.literal('captions/changed'),
    changes: z.array(z.object({ file: StagedName, text: z.string(), rev: Revision })),
  }),
  /** `tags.txt` changed on disk, or a tag was added to it. */
  z.object({ type: z.literal('tags/known'), tags: z.array(z.string()) }),
  /** Session-level lists changed. */
  z.object({
    type: z.literal('session/lists'),
    recentTags: z.array(z.string()),
    pinnedTags: z.array(z.string()),
    categories: z.array(TagCategory),
  }),
  /** One image's flags or status changed. */
  z.object({
    type: z.literal('image/changed'),
    file: StagedName,
    status: ImageStatus,
    favourite: z.boolean(),
    nsfw: z.boolean(),
  }),
  /** Go to this image (Resume, a Problems-view link, the editor following). */
  z.object({ type: z.literal('image/reveal'), file: StagedName }),
  /** Run a panel action (from a VS Code keybinding or command). */
  z.object({ type: z.literal('action'), action: PanelAction }),
  /** Show the dataset report page (or the tagging page). */
  z.object({ type: z.literal('view/show'), view: z.enum(['tagging', 'report']) }),
  /** Status line: saved / saving / an error with what to do. */
  z.object({ type: z.literal('status'), kind: StatusKind, message: z.string() }),
  /** Thumbnails the host has made since the last message (or found in its cache). */
  z.object({ type: z.literal('thumbs/ready'), thumbs: z.array(z.object({ file: StagedName, uri: z.string() })) }),
  /** The suggestions waiting for review and the machine captions nobody has reviewed (after `dataset/load`, then on change). */
  z.object({
    type: z.literal('review/state'),
    suggestions: z.array(SuggestionView),
    unreviewed: z.array(StagedName),
  }),
  /** The images the last Check Dataset found to duplicate an earlier one (the filter's `duplicate` term). */
  z.object({ type: z.literal('check/duplicates'), files: z.array(StagedName) }),
  /** A captioning run's progress and per-image states (coalesced while it runs, and once when it ends). */
  z.object({ type: z.literal('captioning/run'), run: CaptionRunView }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

// ---------------------------------------------------------------- replies (both ways)

/** The result the host answers a webview request of type `K` with. */
export type ToHostResult<K extends ToHost['type']> = ResultOf<typeof ToHostResults, K>;

/** What the webview accepts: a host message or a reply to one of its requests. */
export const HostEnvelope = envelopeSchema(z.union([ToWebview, ReplyBody]));
export type HostEnvelope = z.infer<typeof HostEnvelope>;
/** What the host accepts: a webview message or a reply (the webview only ever acknowledges). */
export const WebviewEnvelope = envelopeSchema(z.union([ToHost, ReplyBody]));
export type WebviewEnvelope = z.infer<typeof WebviewEnvelope>;
