/**
 * The panel's handlers for multi-image edits (issue 13): `selection/edit` writes an add, remove, rename, paste or
 * "apply this caption" to the selected images through the engine as one dataset-wide undo step, and
 * `selection/undo` takes back the newest step, as *Undo Last Dataset-Wide Tag Operation* does. Captions are
 * written through the panel's caption sync, so each change reaches the webview with its revision, in
 * `captions/changed` batches (captionBatch.ts) that all arrive before the reply, and a caption open in an editor
 * changes through a saved WorkspaceEdit.
 */
import type { ToHostResult } from '../../shared/protocol';
import type { Dataset } from '../dataset/session/dataset';
import { applySelectionEdit } from '../dataset/tags/selectionEdits';
import { undoLastTagOperation } from '../dataset/tags/tagOperations';
import { errorMessage, log } from '../log';

/** What the handlers need from their panel. */
export interface SelectionHost {
  dataset: Dataset;
  writeCaption(file: string, text: string): Promise<void>;
  status(kind: 'saved' | 'error' | 'info', message: string): void;
}

/** The `selection/edit` and `selection/undo` handlers of one panel (`panel`: read when a message comes). */
export function selectionHandlers(panel: () => SelectionHost) {
  const write = (f: string, t: string) => panel().writeCaption(f, t);
  // A selection of thousands: writes overlap (each caption is still written atomically, by its one writer).
  const concurrency = 16;
  const fail = (what: string, err: unknown): never => {
    const host = panel();
    const dataset = host.dataset;
    const message = `${what} in ${dataset.outputFolder} failed: ${errorMessage(err)}`;
    log().error(message);
    host.status('error', message);
    throw new Error(message);
  };
  return {
    'selection/edit': async (msg: {
      edit: Parameters<typeof applySelectionEdit>[1];
      files: string[];
    }): Promise<ToHostResult<'selection/edit'>> => {
      const { dataset } = panel();
      try {
        const applied = await applySelectionEdit(dataset, msg.edit, msg.files, { write, concurrency });
        for (const n of applied.notices) log().warn(n);
        const n = applied.changes.length;
        log().info(`${applied.label}: ${n} of ${msg.files.length} selected caption(s) in ${dataset.outputFolder}`);
        return { label: applied.label, changed: n };
      } catch (err) {
        return fail('Editing the selected captions', err);
      }
    },
    'selection/undo': async (): Promise<ToHostResult<'selection/undo'>> => {
      const { dataset } = panel();
      try {
        const r = await undoLastTagOperation(dataset, { write, concurrency });
        if (r.label !== null) log().info(`Undid ${r.label} in ${dataset.outputFolder}: ${r.restored.length} restored`);
        return { label: r.label, restored: r.restored.length, skipped: r.skipped };
      } catch (err) {
        return fail('Undo', err);
      }
    },
  };
}
