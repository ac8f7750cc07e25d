/**
 * The caption saves of one tagging panel, in the order it made them, whatever order they arrive in. Each carries
 * the revision it was made from (`base`) and the panel's count of its saves (`seq`): a save that arrives after a
 * newer one of the same caption is dropped (the newer text stays), and one made before an outside change is
 * refused, the outside change kept (see captionRevisions.ts). VS Code-free, so the webview's latency test runs it.
 */
import { CaptionConflictError, type CaptionFileWriter } from './captionRevisions';
import type { Dataset } from './dataset';

/** What a save of the panel did: saved at `rev`, or refused because the caption changed outside (`text` now). */
export type PanelSave = { saved: true; rev: number } | { saved: false; rev: number; text: string; message: string };

/** One panel's saves into one dataset. */
export class PanelSaves {
  /** The newest `seq` per image. */
  private readonly lastSeq = new Map<string, number>();

  constructor(private readonly dataset: Dataset) {}

  /** A new webview (a reload) numbers its saves from 1 again. */
  reset(): void {
    this.lastSeq.clear();
  }

  /** Saves a caption the panel sent (through `write` when given, else atomically); `typing`: at a pause in typing. */
  async save(
    file: string,
    text: string,
    base: number,
    seq: number,
    write?: CaptionFileWriter,
    typing?: boolean,
  ): Promise<PanelSave> {
    // Checked when the save arrives, before any wait, so the order of arrival is the order of this check.
    if (seq <= (this.lastSeq.get(file) ?? 0)) return { saved: true, rev: this.dataset.captionRev(file) };
    this.lastSeq.set(file, seq);
    try {
      return { saved: true, ...(await this.dataset.setCaption(file, text, { base, write, typing })) };
    } catch (err) {
      if (!(err instanceof CaptionConflictError)) throw err;
      return { saved: false, rev: err.rev, text: err.text, message: err.message };
    }
  }
}
