/**
 * The find and replace dialog's state (issue 13, item 4): the form, the scope's files (all, what the filter shows,
 * the selection), the host's preview of it, and applying exactly that preview. A preview is current while the form,
 * the scope's files and the captions are what they were when it was made; only a current preview with changes can be
 * applied, and the host refuses it as well if a previewed caption changed since (findReplaceHandlers.ts).
 */
import type { FindReplaceQuery, ToHostResult } from '../../shared/protocol';
import type { TaggerStore } from './store';

/** What the user set in the dialog. */
export interface FindReplaceForm {
  find: string;
  replace: string;
  regex: boolean;
  wholeTags: boolean;
  caseSensitive: boolean;
  protectTrigger: boolean;
  scope: FindReplaceQuery['scope'];
}

/** A preview the host made, and what it was made from. */
export interface FindReplacePreview {
  plan: Extract<ToHostResult<'findReplace/preview'>, { ok: true }>;
  query: FindReplaceQuery;
  key: string;
  captions: number;
}

/** One piece of a caption in the preview: changed (marked) or not. */
export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * A caption cut into marked and unmarked pieces, keeping `context` characters around the changes and eliding the
 * rest with "…", so a 2,000-character caption previews in a line or two.
 */
export function segments(text: string, marks: readonly [number, number][], context = 60): Segment[] {
  const out: Segment[] = [];
  const plain = (from: number, to: number, first: boolean, last: boolean) => {
    let t = text.slice(from, to);
    if (!first && !last && t.length > context * 2 + 1) t = `${t.slice(0, context)}…${t.slice(-context)}`;
    else if (first && t.length > context) t = `…${t.slice(-context)}`;
    else if (last && t.length > context) t = `${t.slice(0, context)}…`;
    if (t) out.push({ text: t, marked: false });
  };
  let at = 0;
  marks.forEach(([a, b], i) => {
    plain(at, a, i === 0, false);
    out.push({ text: text.slice(a, b), marked: true });
    at = b;
  });
  plain(at, text.length, marks.length === 0, true);
  return out;
}

/** The dialog's state; `onChange` is called whenever what it shows changes. */
export class FindReplace {
  form: FindReplaceForm;
  preview: FindReplacePreview | undefined;
  /** Why the last preview or apply could not run (the previous preview stays shown). */
  error: string | undefined;
  /** What the last apply did, until the form changes. */
  applied: { label: string; changed: number } | undefined;
  busy = false;
  /** Counts caption changes (the dialog bumps it on the store's caption events): a preview is of one count. */
  captions = 0;
  private previewing = false;
  private again = false;

  constructor(
    private readonly store: TaggerStore,
    private readonly onChange: () => void,
  ) {
    this.form = {
      find: '',
      replace: '',
      regex: false,
      wholeTags: store.style === 'tags',
      caseSensitive: false,
      protectTrigger: true,
      scope: 'all',
    };
  }

  /** How many images each scope holds (filtered: undefined without a filter). */
  counts(): Record<FindReplaceForm['scope'], number | undefined> {
    return {
      all: this.store.model.images.length,
      filtered: this.store.filtered?.length,
      selection: this.store.selectionEdits.files().length,
    };
  }

  /** The images of a scope, as the host is sent them (absent for all). */
  files(scope: FindReplaceForm['scope']): string[] | undefined {
    const ims = this.store.model.images;
    if (scope === 'all') return undefined;
    if (scope === 'selection') return this.store.selectionEdits.files();
    return (this.store.filtered ?? ims.map((_, i) => i)).flatMap((i) => (ims[i] ? [ims[i].file] : []));
  }

  /** The request the form stands for now, or undefined while there is nothing to find. */
  query(): FindReplaceQuery | undefined {
    const f = this.form;
    if (!f.find) return undefined;
    // Filtered with no filter set means all images.
    const scope = f.scope === 'filtered' && !this.store.filtered ? 'all' : f.scope;
    const files = this.files(scope);
    return { ...f, scope, ...(files ? { files } : {}) };
  }

  /** True when the preview shown is of the form, the scope and the captions as they are now. */
  isCurrent(): boolean {
    const q = this.query();
    return !!q && !!this.preview && this.preview.captions === this.captions && this.preview.key === JSON.stringify(q);
  }

  /** Changes the form (the preview shown stays until the new one comes). */
  set(patch: Partial<FindReplaceForm>): void {
    this.form = { ...this.form, ...patch };
    this.applied = undefined;
    this.onChange();
  }

  /**
   * Asks the host what the form would change. One preview at a time: a change made while one is being made asks
   * again when it is answered (the host plans over every caption, which takes a while in a big dataset).
   */
  async runPreview(): Promise<void> {
    if (this.previewing) {
      this.again = true;
      return;
    }
    const query = this.query();
    if (!query) {
      this.preview = undefined;
      this.error = undefined;
      return this.onChange();
    }
    const key = JSON.stringify(query);
    const captions = this.captions;
    this.previewing = true;
    // Typing not yet sent is part of what the host should look at.
    this.store.flush();
    let r: ToHostResult<'findReplace/preview'>;
    try {
      r = await this.store.host.request({ type: 'findReplace/preview', query }, 30_000);
    } catch (err) {
      r = { ok: false, error: `The preview failed: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      this.previewing = false;
    }
    if (r.ok) {
      this.preview = { plan: r, query, key, captions };
      this.error = undefined;
    } else this.error = r.error;
    this.onChange();
    if (this.again) {
      this.again = false;
      if (!this.isCurrent()) await this.runPreview();
    }
  }

  /** Writes the current preview as one dataset-wide undo step; true when it was written. */
  async apply(): Promise<boolean> {
    const p = this.preview;
    if (!p || !this.isCurrent() || !p.plan.revs.length || this.busy) return false;
    this.busy = true;
    this.onChange();
    const n = p.plan.revs.length;
    this.store.setStatus('saving', `${p.plan.label}: writing ${n} caption(s)…`);
    try {
      const r = await this.store.host.request(
        { type: 'findReplace/apply', query: p.query, revs: p.plan.revs },
        120_000,
      );
      if (!r.ok) {
        this.error = r.error;
        this.store.setStatus('info', r.error);
        return false;
      }
      this.applied = { label: r.label, changed: r.changed };
      this.error = undefined;
      this.store.setStatus('saved', `${r.label}: ${r.changed} caption(s) changed. Undo replace takes it back.`);
      return true;
    } catch {
      // The host's status line says what failed and what to do.
      return false;
    } finally {
      this.busy = false;
      this.onChange();
    }
  }

  /** Takes back the newest dataset-wide step (this replace, unless another came after it), as Ctrl/Cmd+Z does. */
  async undo(): Promise<void> {
    await this.store.selectionEdits.undo();
    this.applied = undefined;
    this.onChange();
  }
}
