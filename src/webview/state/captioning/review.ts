/**
 * Reviewing machine captions (issue 12) in the panel: the suggestions waiting, which captions are machine-written
 * and not reviewed yet, moving through the images that have a suggestion, and answering one (accept, merge,
 * reject) through the host, which writes the caption and records it as reviewed; marking machine captions reviewed
 * without editing them.
 */
import type { SuggestionAnswer, SuggestionView } from '../../../shared/protocol';
import type { StoreCore } from '../core';

/** What the status line says after each answer. */
const DONE: Record<SuggestionAnswer, string> = {
  accept: 'Accepted the suggestion',
  merge: 'Merged the suggestion into the caption',
  reject: 'Rejected the suggestion',
};

/** The review state: suggestions by image, and answering them. */
export class Review {
  private readonly byFile = new Map<string, SuggestionView>();
  private readonly answering = new Set<string>();

  constructor(
    private readonly core: StoreCore,
    private readonly go: (index: number) => void,
  ) {}

  /** How many suggestions are waiting. */
  get count(): number {
    return this.byFile.size;
  }

  /** The suggestion waiting for the current image, if any. */
  get current(): SuggestionView | undefined {
    const im = this.core.current;
    return im && this.byFile.get(im.file);
  }

  /** True while the answer to this image's suggestion is on its way to the host. */
  isAnswering(file: string): boolean {
    return this.answering.has(file);
  }

  /** The suggestion of an image, if one is waiting. */
  of(file: string): SuggestionView | undefined {
    return this.byFile.get(file);
  }

  /** The 1-based position of the current image among those with a suggestion (0 when it has none). */
  position(): number {
    const ims = this.core.model.images;
    let n = 0;
    for (let i = 0; i <= this.core.index && i < ims.length; i++) if (this.byFile.has(ims[i]!.file)) n++;
    return this.current ? n : 0;
  }

  /** Takes the host's state: the suggestions waiting, and the machine captions nobody has reviewed. */
  apply(suggestions: readonly SuggestionView[], unreviewed: readonly string[]): void {
    this.byFile.clear();
    for (const s of suggestions) this.byFile.set(s.file, s);
    const machine = new Set(unreviewed);
    for (const im of this.core.model.images) im.machine = machine.has(im.file);
    this.core.emit('review', 'flags');
  }

  /** Goes to the next (+1) or previous (-1) image with a suggestion, wrapping around. */
  move(dir: 1 | -1): void {
    const ims = this.core.model.images;
    const n = ims.length;
    for (let k = 1; k <= n; k++) {
      const i = (((this.core.index + dir * k) % n) + n) % n;
      if (!this.byFile.has(ims[i]!.file)) continue;
      if (i === this.core.index) break;
      return this.go(i);
    }
    this.core.setStatus('info', this.byFile.size ? 'This is the only suggestion waiting.' : 'No suggestions waiting.');
  }

  /** The images among `indices` whose caption is machine-written and not reviewed yet. */
  unreviewedOf(indices: readonly number[]): number[] {
    const ims = this.core.model.images;
    return indices.filter((i) => ims[i]?.machine);
  }

  /** Marks the machine captions of these images reviewed without editing them (the current image or a selection). */
  async markReviewed(indices: readonly number[]): Promise<void> {
    const { core } = this;
    const ims = core.model.images;
    const picked = this.unreviewedOf(indices);
    if (picked.length === 0) {
      const several = indices.length > 1;
      return core.setStatus(
        'info',
        `${several ? 'None of the selected images has' : 'This image has no'} machine caption waiting for review.`,
      );
    }
    const files = picked.map((i) => ims[i]!.file);
    try {
      const { marked } = await core.host.request({ type: 'review/markReviewed', files });
      for (const i of picked) ims[i]!.machine = false;
      core.emit('review', 'flags');
      const which = files.length === 1 ? files[0] : `${marked} images`;
      core.setStatus('info', `Marked the machine caption${marked === 1 ? '' : 's'} of ${which} reviewed.`);
    } catch (err) {
      core.setStatus('error', err instanceof Error ? err.message : String(err));
    }
  }

  /** Answers the current image's suggestion, then goes on to the next one. */
  async answer(answer: SuggestionAnswer): Promise<void> {
    const { core } = this;
    const im = core.current;
    if (!im || !this.byFile.has(im.file)) {
      return core.setStatus('info', 'This image has no machine suggestion: Alt+Shift+J goes to the next one.');
    }
    const file = im.file;
    if (this.answering.has(file)) return;
    this.answering.add(file);
    core.emit('review');
    try {
      await core.host.request({ type: 'suggestion/answer', file, answer });
      this.byFile.delete(file);
      const left = this.byFile.size;
      core.setStatus('info', `${DONE[answer]} for ${file}. ${left ? `${left} left.` : 'No suggestions left.'}`);
      if (left && core.current?.file === file) this.move(1);
    } catch (err) {
      core.setStatus('error', err instanceof Error ? err.message : String(err));
    } finally {
      this.answering.delete(file);
      core.emit('review');
    }
  }
}
