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
 */
import { z } from 'zod';
import { CaptionStyle, ImageStatus, StagedName, TagCategory, VocabSuggestion } from './model';
import { CropRect } from './crop';
import { SIZE_TARGETS } from './buckets/sizes';

/** One image as the panel sees it: everything it needs to show, filter and navigate. */
export const ImageView = z.object({
  file: StagedName,
  /** `asWebviewUri` of the staged image. */
  uri: z.string(),
  /** `asWebviewUri` of its 256 px thumbnail (made by the host, EXIF applied), once it is ready. */
  thumb: z.string().optional(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  /** EXIF orientation 1-8 (1 = normal), when the header has one. */
  orientation: z.number().int().min(1).max(8).optional(),
  status: ImageStatus,
  favourite: z.boolean(),
  nsfw: z.boolean(),
  /** The exact content of the `.txt`. */
  caption: z.string(),
  /** The caption's revision: it goes up with every change the host knows of (see Revision). */
  rev: z.number().int().nonnegative().default(0),
  /** The caption is machine-written and nobody has reviewed it yet (edited or accepted it). */
  machine: z.boolean().default(false),
  /** The crop applied at export, in pixels of the upright image (shared/crop.ts). */
  crop: CropRect.optional(),
});
export type ImageView = z.infer<typeof ImageView>;

/**
 * Panel actions VS Code can trigger through contributed (rebindable) keybindings. VS Code forwards every key
 * pressed in a webview to its keybinding service, so the webview must not also handle the keys of the actions
 * listed in `DatasetView.hostKeys`, or they would run twice.
 */
export const PanelAction = z.enum([
  'previousImage',
  'nextImage',
  'nextUntagged',
  'toggleFavourite',
  'toggleNsfw',
  'toggleSkipped',
  'focusAddTag',
  'focusFilter',
  'showShortcuts',
  // Alt+1..9 toggle the first nine pinned tags. VS Code binds Alt+1..9 to "open editor at index" on Windows and
  // Linux, so the panel must contribute them (scoped to the panel) or the editor tabs would switch as well.
  'togglePinned1',
  'togglePinned2',
  'togglePinned3',
  'togglePinned4',
  'togglePinned5',
  'togglePinned6',
  'togglePinned7',
  'togglePinned8',
  'togglePinned9',
]);
export type PanelAction = z.infer<typeof PanelAction>;

/** The whole dataset, sent once after `ready` and again after a rebuild. */
export const DatasetView = z.object({
  title: z.string(),
  outputFolder: z.string(),
  prefix: z.string(),
  triggerWord: z.string(),
  captionStyle: CaptionStyle,
  /** The session's export target (session.json `exportTarget`; CivitAI when absent): the report's buckets and the
   * crop tool's presets are that trainer's. */
  exportTarget: z.enum(SIZE_TARGETS).optional(),
  images: z.array(ImageView),
  /** Every tag of `tags.txt` in first-use order (counts are derived from the captions). */
  knownTags: z.array(z.string()),
  recentTags: z.array(z.string()),
  pinnedTags: z.array(z.string()),
  categories: z.array(TagCategory),
  currentIndex: z.number().int().nonnegative(),
  /** Actions whose keys VS Code dispatches (see PanelAction); empty outside VS Code (component tests). */
  hostKeys: z.array(PanelAction),
});
export type DatasetView = z.infer<typeof DatasetView>;

/**
 * A caption revision (design.md: revisions, not clocks). The host numbers every change of a caption it knows of:
 * the panel's saves and every change made elsewhere (on disk, in an editor, by a tag operation). The panel sends
 * the revision its edit was made from, so the host refuses a save made before an outside change instead of
 * writing over it, and the panel takes a caption text only when its revision is newer than the one it has, so an
 * older text never replaces a newer one, however late or out of order the messages arrive.
 */
export const Revision = z.number().int().nonnegative();

/** A machine caption waiting for review (issue 12), as the panel shows it beside the current caption. */
export const SuggestionView = z.object({
  file: StagedName,
  text: z.string().max(100_000),
  /** The tagger's tags with their probabilities (absent for prose models). */
  tags: z
    .array(
      z.object({
        tag: z.string().max(500),
        score: z.number().min(0).max(1).optional(),
        unknown: z.boolean().optional(),
      }),
    )
    .max(2000)
    .optional(),
  provider: z.string().max(100),
  model: z.string().max(500),
});
export type SuggestionView = z.infer<typeof SuggestionView>;

/** The state of one image in a captioning run, as the filmstrip marks it. */
export const RunItemState = z.enum(['queued', 'running', 'done', 'suggested', 'skipped', 'failed']);
export type RunItemState = z.infer<typeof RunItemState>;

/** A captioning run on the panel's dataset: its progress and the state of each image it holds (issue 12). */
export const CaptionRunView = z.object({
  /** False once the run has ended (the states stay shown until the next run). */
  active: z.boolean(),
  paused: z.boolean(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  etaMs: z.number().nonnegative().optional(),
  items: z.array(z.object({ file: StagedName, state: RunItemState, error: z.string().max(2000).optional() })),
});
export type CaptionRunView = z.infer<typeof CaptionRunView>;

/** A person's answer to a suggestion. */
export const SuggestionAnswer = z.enum(['accept', 'merge', 'reject']);
export type SuggestionAnswer = z.infer<typeof SuggestionAnswer>;

/** The kinds of status line the host can set. */
export const StatusKind = z.enum(['saved', 'saving', 'error', 'info']);

// ---------------------------------------------------------------- webview -> host

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

const Marks = z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]));
/** How many changed captions a preview carries the texts of (the count and the revisions cover all of them). */
export const FIND_REPLACE_PREVIEW_MAX = 200;

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

// The two reply shapes share the tag 'reply', which z.discriminatedUnion rejects ("Duplicate discriminator value"),
// so replies are their own union beside each direction's messages.
/**
 * The one reply to a request: its result, or why it failed. `result` is checked against the request's result
 * schema by the requester, which alone knows which request a reply answers.
 */
export const ReplyBody = z.union([
  z.object({ type: z.literal('reply'), ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ type: z.literal('reply'), ok: z.literal(false), error: z.string() }),
]);
export type ReplyBody = z.infer<typeof ReplyBody>;

/** Result schemas by message type: what the reply to each request carries (a type not listed: no result). */
export type ResultSchemas<M extends { type: string }> = { readonly [K in M['type']]?: z.ZodType };

/** The result a message of type `K` is answered with under result schemas `S` (void: a bare acknowledgement). */
export type ResultOf<S, K> = K extends keyof S ? (S[K] extends z.ZodType ? z.output<S[K]> : void) : void;

/** The result the host answers a webview request of type `K` with. */
export type ToHostResult<K extends ToHost['type']> = ResultOf<typeof ToHostResults, K>;

/** The envelope every message travels in. */
export function envelopeSchema<T extends z.ZodTypeAny>(body: T) {
  return z.object({ id: z.string().min(1).max(64), inReplyTo: z.string().max(64).optional(), body });
}
/** What the webview accepts: a host message or a reply to one of its requests. */
export const HostEnvelope = envelopeSchema(z.union([ToWebview, ReplyBody]));
export type HostEnvelope = z.infer<typeof HostEnvelope>;
/** What the host accepts: a webview message or a reply (the webview only ever acknowledges). */
export const WebviewEnvelope = envelopeSchema(z.union([ToHost, ReplyBody]));
export type WebviewEnvelope = z.infer<typeof WebviewEnvelope>;

/** Exhaustiveness check for `switch (msg.type)`: a new message type that is not handled fails to compile. */
export function assertNever(x: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(x)}`);
}
