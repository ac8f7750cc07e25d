/**
 * The panel's find and replace messages (issue 13, item 4). `findReplace/preview` plans it with the engine
 * (tags/findReplace.ts) over the captions as the dataset holds them and answers with every caption that would change
 * and its revision; `findReplace/apply` plans it again and writes it as one step of the dataset-wide undo only when
 * exactly the previewed captions, at the previewed revisions, would change, so what is written is what was shown.
 * Captions are written through the panel's caption sync, so each change reaches the webview with its revision (in
 * `captions/changed` batches, captionBatch.ts).
 */
import {
  FIND_REPLACE_PREVIEW_MAX,
  type FindReplaceQuery,
  type ToHostResult,
  type ToWebview,
} from '../../../shared/protocol';
import type { Dataset } from '../../dataset/session/dataset';
import {
  applyFindReplace,
  type DatasetReplacePlan,
  type FindReplaceOptions,
  planFindReplaceForDatasetSliced,
  type ReplacePlan,
} from '../../dataset/tags/findReplace';

/** What the handlers need from their panel (TaggingPanel). */
export interface FindReplaceHost {
  readonly dataset: Dataset;
  /** Writes a caption as the panel's edits are written, so the webview hears of it as `caption/changed`. */
  writeCaption(file: string, text: string): Promise<void>;
  send(msg: ToWebview): void;
}

/** Where the handlers write what they did (the extension's output channel). */
export interface FindReplaceLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The engine's options for a query from the panel; throws when the query names images the dataset lacks. */
export function replaceOptions(ds: Dataset, q: FindReplaceQuery): FindReplaceOptions {
  if (q.scope !== 'all' && !q.files)
    throw new Error(`Find and replace in the ${q.scope} images: the panel sent no file list. Nothing was changed.`);
  if (q.scope === 'all' && q.files)
    throw new Error('Find and replace in all images: the panel sent a file list as well. Nothing was changed.');
  if (q.files) {
    const known = new Set(ds.session.images.map((i) => i.file));
    const missing = q.files.filter((f) => !known.has(f));
    if (missing.length)
      throw new Error(
        `${missing[0]} is not an image of this dataset (${ds.outputFolder})` +
          `${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}. Nothing was changed.`,
      );
  }
  return {
    find: q.find,
    replace: q.replace,
    regex: q.regex,
    caseSensitive: q.caseSensitive,
    target: q.wholeTags ? 'tags' : 'text',
    includeTrigger: !q.protectTrigger,
    files: q.files,
  };
}

/** The captions of a plan whose revision differs from the previewed one, or that the preview did not have. */
export function changedSincePreview(
  plan: ReplacePlan,
  previewed: readonly { file: string; rev: number }[],
  revOf: (file: string) => number,
): string[] {
  const want = new Map(previewed.map((p) => [p.file, p.rev]));
  const now = new Set(plan.changes.map((c) => c.file));
  const moved = plan.changes.filter((c) => want.get(c.file) !== revOf(c.file)).map((c) => c.file);
  // A previewed caption that would no longer change was edited since, too.
  const gone = previewed.filter((p) => !now.has(p.file)).map((p) => p.file);
  return [...moved, ...gone];
}

/** The `findReplace/preview` and `findReplace/apply` handlers of one panel. */
export function findReplaceHandlers(panel: FindReplaceHost, log: () => FindReplaceLog) {
  // Planned in slices with the event loop's turns between them (a preview over 10,000 captions took 1.7 s in one
  // piece), over the captions of one instant, with their revisions then.
  const plan = async (ds: Dataset, q: FindReplaceQuery): Promise<DatasetReplacePlan | { error: string }> => {
    try {
      return await planFindReplaceForDatasetSliced(ds, replaceOptions(ds, q));
    } catch (err) {
      return { error: errorMessage(err) };
    }
  };
  return {
    'findReplace/preview': async (msg: { query: FindReplaceQuery }): Promise<ToHostResult<'findReplace/preview'>> => {
      const ds = panel.dataset;
      const p = await plan(ds, msg.query);
      if ('error' in p) return { ok: false, error: p.error };
      return {
        ok: true,
        label: p.label,
        scanned: msg.query.files?.length ?? ds.session.images.length,
        replacements: p.replacements,
        changes: p.changes.slice(0, FIND_REPLACE_PREVIEW_MAX).map((c) => ({
          file: c.file,
          before: c.before,
          after: c.after,
          beforeMarks: c.beforeMarks,
          afterMarks: c.afterMarks,
        })),
        revs: p.revs,
      };
    },
    'findReplace/apply': async (msg: {
      query: FindReplaceQuery;
      revs: { file: string; rev: number }[];
    }): Promise<ToHostResult<'findReplace/apply'>> => {
      const ds = panel.dataset;
      try {
        // Writes the panel already sent land first, so the plan sees them (and their revisions).
        await ds.flush();
      } catch (err) {
        return {
          ok: false,
          error: `Nothing was replaced: the pending saves of ${ds.outputFolder} failed first (${errorMessage(err)}). Fix that (see the status line) and replace again.`,
        };
      }
      const p = await plan(ds, msg.query);
      if ('error' in p) return { ok: false, error: p.error };
      const planned = new Map(p.revs.map((r) => [r.file, r.rev]));
      const moved = changedSincePreview(p, msg.revs, (f) => planned.get(f) ?? ds.captionRev(f));
      if (moved.length)
        return {
          ok: false,
          error:
            `${moved.length} caption(s) changed since the preview (${moved.slice(0, 3).join(', ')}` +
            `${moved.length > 3 ? ', …' : ''}), so nothing was replaced. Check the new preview and replace again.`,
        };
      try {
        const applied = await applyFindReplace(ds, p, {
          write: (f, t) => panel.writeCaption(f, t),
          concurrency: 16,
        });
        for (const n of applied.notices) log().warn(n);
        log().info(`${applied.label}: ${applied.changes.length} caption(s) in ${ds.outputFolder}`);
        return { ok: true, label: applied.label, changed: applied.changes.length };
      } catch (err) {
        const message = `${p.label} in ${ds.outputFolder} failed: ${errorMessage(err)}`;
        log().error(message);
        panel.send({ type: 'status', kind: 'error', message });
        throw new Error(message);
      }
    },
  };
}
