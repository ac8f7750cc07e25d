/**
 * The open dataset behind a tagging panel: the session, every caption and the known tags in memory (a cache of
 * the files, which stay the truth), with serialized atomic caption writes and a debounced session save.
 */
import { dirname, join, resolve as resolvePath } from 'node:path';
import { cleanTag, isTagged, toFileText } from '../../../shared/caption';
import { RECENT_TAGS_MAX, TagCategory } from '../../../shared/model';
import { SESSION_FILE, type ImageRecord, type Session } from './schema';
import { captionHash, type CaptionQueue } from '../captioning/provenance';
import { adviceFor, describeError, nodeFs, type FsLike } from '../io/fsLike';
import { captionName } from '../staging/naming';
import { openSession, type OpenedSession } from './openDataset';
import { CaptionRefusedError, type CaptionProblem } from '../io/readCaption';
import { saveSession } from './sessionFile';
import { CaptionConflictError, type CaptionChanged, type SetCaptionOptions } from './captionRevisions';
import { CaptionFiles } from './captionFiles';
import { KnownTags } from './knownTags';
import { completeTags } from '../tags/draftTags';
import { appendTags, isListableTag, parseTagsFile, readTagsFile, settleTagsFile } from '../tags/tagsFile';

/** Options of Dataset.open. */
export interface DatasetOpenOptions {
  fs?: FsLike;
  /** Longest wait before a change reaches session.json (the timer starts at the first unsaved change). Default 1000. */
  saveDelayMs?: number;
  /** With neither session.json nor its .bak, rebuild the session from the images and captions in the folder. */
  rebuild?: boolean;
}

/** An open dataset; create with Dataset.open and close when done. */
export class Dataset {
  /** Absolute path of `session.json`. */
  readonly sessionFile: string;
  private readonly byFile = new Map<string, ImageRecord>();
  private readonly listeners = new Set<() => void>();
  private readonly saveErrorListeners = new Set<(err: Error) => void>();
  private readonly files: CaptionFiles;
  private readonly known: KnownTags;
  private fileTags: string[];
  private fileTagSet: Set<string>; // tags.txt's lines, in order and as a set
  private readonly captions: Map<string, string>;
  private readonly captionProblems: Map<string, CaptionProblem>;
  private readonly imageProblems: Map<string, CaptionProblem>;
  private tagsFileProblem: string | undefined;
  private readonly drafts = new Set<string>(); // saved while typing, last tag not in tags.txt yet (draftTags.ts)
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The append to tags.txt under way, and its tags (see recordNewTags). */
  private appending: { tags: Set<string>; done: Promise<void> } | undefined;
  private saveChain: Promise<void> = Promise.resolve();
  private dirty = false;
  private lastSaveError: Error | undefined;
  private closed = false;
  private readonly s: Session;

  private constructor(
    /** Absolute path of the output folder. */
    readonly outputFolder: string,
    o: OpenedSession,
    private readonly fs: FsLike,
    private readonly saveDelayMs: number,
  ) {
    this.sessionFile = join(outputFolder, SESSION_FILE);
    this.s = o.session;
    for (const r of this.s.images) this.byFile.set(r.file, r);
    this.captions = o.captions;
    this.captionProblems = o.captionProblems;
    this.imageProblems = o.imageProblems;
    this.tagsFileProblem = o.tagsFileProblem;
    this.fileTags = o.fileTags;
    this.fileTagSet = new Set(o.fileTags);
    this.known = new KnownTags(
      {
        fileTags: () => ({ list: this.fileTags, set: this.fileTagSet }),
        captions: () => this.s.images.filter((r) => !this.captionProblems.has(r.file)).map((r) => this.caption(r.file)),
        style: () => this.s.captionStyle,
      },
      o.knownTags,
    );
    this.files = new CaptionFiles(
      {
        path: (file) => this.captionPath(file),
        text: (file) => this.caption(file),
        problems: this.captionProblems,
        apply: (file, text) => this.applyCaption(file, text),
        recordTags: (file, text, typing) => this.recordNewTags(file, text, typing),
      },
      fs,
    );
    for (const [file, stamp] of o.captionStamps) this.files.revs.setStamp(file, stamp); // a first save then only stats
  }

  /**
   * Opens the dataset in `outputFolder`, repairing what it must; `notices` says what was repaired and which files
   * cannot be used as they are, for the user. Throws NoSessionError when there is no session (unless `rebuild`).
   */
  static async open(
    outputFolder: string,
    opts: DatasetOpenOptions = {},
  ): Promise<{ dataset: Dataset; notices: string[] }> {
    const fs = opts.fs ?? nodeFs;
    const folder = resolvePath(outputFolder);
    const o = await openSession(folder, fs, { rebuild: opts.rebuild });
    return { dataset: new Dataset(folder, o, fs, Math.min(opts.saveDelayMs ?? 1000, 1000)), notices: o.notices };
  }

  /** The session as it is in memory (saved within saveDelayMs); read-only: change it through the methods. */
  get session(): Readonly<Session> {
    return this.s;
  }

  /** The exact text of the image's `.txt` ('' when missing or unusable; see captionProblem). */
  caption(file: string): string {
    return this.captions.get(file) ?? '';
  }

  /**
   * Why the image's `.txt` cannot be used as it is on disk (a link, a folder, not UTF-8, unreadable), naming it and
   * saying what to do; undefined when it can. Such a caption's tags are not listed, and it is never saved over,
   * except a link, which a save replaces with a real file (its target is never read or written).
   */
  captionProblem(file: string): string | undefined {
    return this.captionProblems.get(file)?.message;
  }

  /** Why the image itself is not a plain file of the dataset (a link, a folder): the export leaves it out. */
  imageProblem(file: string): string | undefined {
    return this.imageProblems.get(file)?.message;
  }

  /** `tags.txt` merged with every tag in use, in first-use order; hand-added lines kept, unused tags never dropped. */
  knownTags(): string[] {
    return this.known.get();
  }

  /** Absolute path of a file inside the output folder; throws for any name that could escape it. */
  resolve(file: string): string {
    const bad = typeof file !== 'string' || file === '' || file === '.' || file === '..' || /[\\/\0]/.test(file);
    const p = bad ? '' : join(this.outputFolder, file);
    if (bad || dirname(p) !== this.outputFolder) {
      throw new Error(
        `"${String(file)}" is not a file of this dataset: only plain file names inside ${this.outputFolder} are allowed.`,
      );
    }
    return p;
  }

  /** Absolute path of the image's `.txt`. */
  captionPath(file: string): string {
    return this.resolve(captionName(file));
  }

  /**
   * Saves a caption (line breaks become spaces): atomic, serialized per file, latest wins; updates status and tags.txt.
   * Resolves with its new revision; rejects with CaptionConflictError, writing nothing, when the file changed outside
   * since the text was made from it (SetCaptionOptions.base): an outside edit is never silently overwritten.
   */
  async setCaption(file: string, text: string, opts: SetCaptionOptions = {}): Promise<{ rev: number }> {
    this.record(file);
    const problem = this.captionProblems.get(file);
    // Bytes the user owns are never replaced by an edit of their lossy decode; a link is replaced, never followed.
    if (problem && problem.kind !== 'symlink') throw new CaptionRefusedError(problem);
    return this.files.write(file, toFileText(text), opts.base ?? this.captionRev(file), opts);
  }

  /** The caption's revision now (see captionRevisions.ts). */
  readonly captionRev = (file: string): number => this.files.revs.rev(file);

  /** Editor text not saved yet: an outside change for the panel, at the returned revision (its save is not another). */
  forwardEditorText(file: string, text: string): number {
    this.record(file);
    return this.files.revs.forward(file, text);
  }

  /** Fires for every caption change that is not the panel's own save (on disk, in an editor, by the engine). */
  readonly onDidChangeCaption = (listener: (e: CaptionChanged) => void) => this.files.revs.listen(listener);

  /**
   * Re-reads a `.txt` changed outside the panel, in turn with the writes to it; returns the new text when it differs
   * from what the dataset last read or wrote there, and fires onDidChangeCaption with it.
   */
  async reloadCaption(file: string): Promise<string | undefined> {
    this.record(file);
    return this.files.reload(file);
  }

  /** Re-reads `tags.txt` after an outside change; true when the known tags changed. */
  async reloadTagsFile(): Promise<boolean> {
    const before = this.knownTags();
    const r = await readTagsFile(this.outputFolder, this.fs);
    this.tagsFileProblem = r.unusable ? r.problem : undefined;
    this.fileTags = parseTagsFile(r.text);
    this.fileTagSet = new Set(this.fileTags);
    this.known.invalidate();
    const after = this.knownTags();
    return before.length !== after.length || before.some((t, i) => t !== after[i]);
  }

  /** Sets the favourite / NSFW / skipped flags of one image (un-skipping restores tagged or untagged from its caption). */
  setFlags(file: string, flags: { favourite?: boolean; nsfw?: boolean; skipped?: boolean }): void {
    const r = this.record(file);
    if (flags.favourite !== undefined) r.favourite = flags.favourite;
    if (flags.nsfw !== undefined) r.nsfw = flags.nsfw;
    if (flags.skipped === true) r.status = 'skipped';
    else if (flags.skipped === false) r.status = this.statusOf(this.caption(file));
    this.changed();
  }

  /** Records the image the user is on (reopened there on Resume). */
  select(file: string): void {
    this.record(file);
    // Leaving a caption commits the tag that was being typed at its end.
    void this.commitDrafts().catch((e: Error) => this.saveErrorListeners.forEach((l) => l(e)));
    if (this.s.currentFile === file) return;
    this.s.currentFile = file;
    this.changed();
  }

  /** Puts tags at the front of the recent list (given order kept), at most RECENT_TAGS_MAX. */
  useTags(tags: string[]): void {
    const fresh = [...new Set(tags.map(cleanTag).filter(Boolean))];
    if (fresh.length === 0) return;
    const rest = this.s.recentTags.filter((t) => !fresh.includes(t));
    this.s.recentTags = [...fresh, ...rest].slice(0, RECENT_TAGS_MAX);
    this.changed();
  }

  /** Pins (appended) or unpins a tag. */
  setPinned(tag: string, pinned: boolean): void {
    const t = cleanTag(tag);
    const has = this.s.pinnedTags.includes(t);
    if (!t || has === pinned) return;
    this.s.pinnedTags = pinned ? [...this.s.pinnedTags, t] : this.s.pinnedTags.filter((x) => x !== t);
    this.changed();
  }

  /** Replaces the tag categories (validated). */
  setCategories(categories: { name: string; tags: string[] }[]): void {
    this.s.categories = categories.map((c) =>
      TagCategory.parse({ name: c.name, tags: [...new Set(c.tags.map(cleanTag).filter(Boolean))] }),
    );
    this.changed();
  }

  /** Records (or clears) the unfinished part of a captioning run. */
  setCaptionQueue(queue: CaptionQueue | undefined): void {
    if (queue) this.s.captioning = queue;
    else delete this.s.captioning;
    this.changed();
  }

  /** Sets the trainer Check Dataset checks for and Export offers first. */
  setExportTarget(target: NonNullable<Session['exportTarget']>): void {
    this.s.exportTarget = target;
    this.changed();
  }

  /** Fires after any in-memory change of the session or a caption. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Fires when a debounced session save fails (the error says what to do; the save is retried on the next change). */
  onDidFailSave(listener: (err: Error) => void): { dispose(): void } {
    this.saveErrorListeners.add(listener);
    return { dispose: () => this.saveErrorListeners.delete(listener) };
  }

  /** Writes the pending caption writes and session save now; rejects with the save's error if it fails. */
  async flush(): Promise<void> {
    const captionWrites = this.files.tails();
    const results = await Promise.allSettled(captionWrites);
    await this.commitDrafts();
    await this.saveNow();
    if (this.lastSaveError) throw this.lastSaveError;
    // A refused save (an outside change won) was answered where it was asked; nothing is pending for it.
    const failed = results.find((r) => r.status === 'rejected' && !(r.reason instanceof CaptionConflictError));
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** Flushes and stops the timer; the dataset should not be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    // A stuck write to tags.txt's old file is merged now; should that fail, the next open merges it.
    await settleTagsFile(this.outputFolder, this.fs).catch(() => undefined);
    this.listeners.clear();
    this.saveErrorListeners.clear();
    this.files.revs.listeners.clear();
  }

  /**
   * Sets (or clears, given undefined) one image's optional record: `machine` (a captioning run wrote its caption),
   * `suggestion` (a result waiting for review) or `crop` (applied at export, in pixels of the upright image).
   */
  setImageExtra<K extends 'machine' | 'suggestion' | 'crop'>(key: K, file: string, value: ImageRecord[K]): void {
    const r = this.record(file);
    if (value) r[key] = value;
    else delete r[key];
    this.changed();
  }

  private record(file: string): ImageRecord {
    const r = this.byFile.get(file);
    if (!r) throw new Error(`${file} is not an image of the dataset in ${this.outputFolder}.`);
    return r;
  }

  private statusOf(text: string): 'tagged' | 'untagged' {
    return isTagged(text, this.s.triggerWord) ? 'tagged' : 'untagged';
  }

  private applyCaption(file: string, text: string): void {
    const r = this.record(file);
    if (this.captionProblems.has(file)) this.known.invalidate();
    else this.known.captionChanged(this.caption(file), text);
    this.captions.set(file, text);
    if (r.status !== 'skipped') r.status = this.statusOf(text);
    // A machine caption changed by anyone but its run counts as reviewed (the run records its own text after this).
    if (r.machine && !r.machine.reviewed && captionHash(text) !== r.machine.hash) r.machine.reviewed = 'edited';
    this.changed();
  }

  /** Appends a caption's complete tags that tags.txt lacks (re-reading it, so hand edits are kept). */
  private async recordNewTags(file: string, text: string, typing = false): Promise<void> {
    const { tags, draft } = completeTags(text, this.s.captionStyle, typing);
    if (draft === undefined) this.drafts.delete(file);
    else this.drafts.add(file);
    const missing = tags.filter((t) => !this.fileTagSet.has(t) && isListableTag(t));
    // A tags.txt that is a folder or a link was reported on open; the captions still hold every tag.
    if (missing.length === 0 || this.tagsFileProblem) return;
    // A tag added to 5,000 captions at once is appended once; the captions written meanwhile wait for that append.
    const inFlight = this.appending;
    if (inFlight && missing.every((t) => inFlight.tags.has(t))) return inFlight.done;
    const done: Promise<void> = this.appendNewTags(missing).finally(() => {
      if (this.appending?.done === done) this.appending = undefined;
    });
    this.appending = { tags: new Set(missing), done };
    return done;
  }

  private async appendNewTags(missing: string[]): Promise<void> {
    try {
      this.fileTags = await appendTags(this.outputFolder, missing, this.fs);
    } catch (err) {
      throw new Error(
        `The caption was saved, but ${join(this.outputFolder, 'tags.txt')} could not be updated: ${describeError(err)}. ${adviceFor(err)} The new tags are added to it on the next save.`,
      );
    }
    this.fileTagSet = new Set(this.fileTags);
    this.known.invalidate();
  }

  private async commitDrafts(): Promise<void> {
    for (const file of [...this.drafts]) await this.recordNewTags(file, this.caption(file));
  }

  /** Follows the images another writer added to or removed from the session (merged in on save). */
  private async adoptImages(added: string[]): Promise<void> {
    this.byFile.clear();
    for (const r of this.s.images) this.byFile.set(r.file, r);
    for (const f of added) await this.reloadCaption(f).catch(() => undefined);
    this.known.invalidate();
    for (const l of [...this.listeners]) l();
  }

  private changed(): void {
    this.dirty = true;
    if (!this.saveTimer && !this.closed) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        void this.saveNow().catch(() => undefined);
      }, this.saveDelayMs);
      this.saveTimer.unref?.();
    }
    for (const l of [...this.listeners]) l();
  }

  private saveNow(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.saveChain = this.saveChain.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.s.updatedAt = new Date().toISOString();
      try {
        const merged = await saveSession(this.outputFolder, this.s, this.fs);
        this.lastSaveError = undefined;
        if (merged?.added.length || merged?.removed.length) await this.adoptImages(merged.added);
      } catch (err) {
        this.dirty = true;
        this.lastSaveError = err as Error;
        for (const l of [...this.saveErrorListeners]) l(err as Error);
      }
    });
    return this.saveChain;
  }
}
