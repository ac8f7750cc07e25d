/** Undo/redo of caption edits, per image: snapshots of the whole caption text, typing bursts grouped into one step. */

/** Typing within this long of the last keystroke is one undo step. */
const TYPING_GROUP_MS = 1000;
/** Steps kept per image. */
const MAX_STEPS = 500;

interface Stacks {
  undo: string[];
  redo: string[];
  at: number;
  typing: boolean;
}

/** Caption history for every image of the dataset (in memory only, like VS Code's own undo stack). */
export class CaptionHistory {
  private readonly byFile = new Map<string, Stacks>();

  /** Records the text before an edit; `typing` edits within a second of each other are one step. */
  record(file: string, before: string, typing: boolean, now = performance.now()): void {
    let h = this.byFile.get(file);
    if (!h) this.byFile.set(file, (h = { undo: [], redo: [], at: 0, typing: false }));
    if (!(typing && h.typing && now - h.at < TYPING_GROUP_MS)) h.undo.push(before);
    if (h.undo.length > MAX_STEPS) h.undo.shift();
    h.redo = [];
    h.at = now;
    h.typing = typing;
  }

  /** The text to show after one undo (or redo) step from `current`, or undefined when there is none. */
  step(file: string, dir: 'undo' | 'redo', current: string): string | undefined {
    const h = this.byFile.get(file);
    const text = h?.[dir].pop();
    if (!h || text === undefined) return undefined;
    (dir === 'undo' ? h.redo : h.undo).push(current);
    h.typing = false;
    return text;
  }

  /**
   * Ends the typing step under way (every image): the next keystroke starts a new undo step, as after a second's
   * pause. The tests' boundary of a typing step (store.closeUndoGroup), so that they need not wait the second out.
   */
  closeGroup(): void {
    for (const h of this.byFile.values()) h.typing = false;
  }

  /** True when there is a step to take. */
  can(file: string, dir: 'undo' | 'redo'): boolean {
    return (this.byFile.get(file)?.[dir].length ?? 0) > 0;
  }

  /** Forgets everything (a new dataset). */
  clear(): void {
    this.byFile.clear();
  }
}
