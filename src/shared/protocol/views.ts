/** The dataset as the panel sees it: its images, the panel actions VS Code can trigger, caption revisions. */
import { z } from 'zod';
import { CaptionStyle, EXPORT_TARGETS, ImageStatus, StagedName, TagCategory } from '../model';
import { CropRect } from '../crop';

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
  exportTarget: z.enum(EXPORT_TARGETS).optional(),
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

/** The kinds of status line the host can set. */
export const StatusKind = z.enum(['saved', 'saving', 'error', 'info']);
