/**
 * The dataset's known tags: tags.txt's, in its order, then the tags only captions hold, in image order. Working
 * them out reads every caption, so the list is kept between changes: a caption change that gains and loses only
 * tags of tags.txt leaves it as it is (a tag added to 5,000 captions used to work the list out again after each of
 * them, 5,000 x 5,000 captions; the tag joins tags.txt with the first of them).
 */
import { captionTags } from '../../../shared/caption';
import type { CaptionStyle } from '../../../shared/model';
import { isListableTag } from '../tags/tagsFile';

/** What the list is made from. */
export interface KnownTagsSource {
  /** tags.txt's tags, as a list and as a set. */
  fileTags(): { list: readonly string[]; set: ReadonlySet<string> };
  /** The captions whose tags count (those readable as they are), in image order. */
  captions(): Iterable<string>;
  style(): CaptionStyle;
}

/** The known tags, worked out when asked after a change that may alter them. */
export class KnownTags {
  private list: string[] | undefined;

  constructor(
    private readonly source: KnownTagsSource,
    given?: string[],
  ) {
    this.list = given;
  }

  /** A copy of the list. */
  get(): string[] {
    if (!this.list) {
      const out = [...this.source.fileTags().list];
      const seen = new Set(out);
      for (const caption of this.source.captions()) {
        for (const t of captionTags(caption, this.source.style())) {
          if (!seen.has(t) && isListableTag(t)) {
            seen.add(t);
            out.push(t);
          }
        }
      }
      this.list = out;
    }
    return [...this.list];
  }

  /** tags.txt or the set of readable captions changed: worked out again when next asked. */
  invalidate(): void {
    this.list = undefined;
  }

  /** One readable caption's text changed from `before` to `after`. */
  captionChanged(before: string, after: string): void {
    if (!this.list) return;
    const style = this.source.style();
    const file = this.source.fileTags().set;
    const a = new Set(captionTags(after, style));
    const b = new Set(captionTags(before, style));
    // Only tags.txt's tags have a place that no caption decides; any other tag gained or lost can move or drop one.
    const moves = (t: string, other: Set<string>) => !other.has(t) && !file.has(t) && isListableTag(t);
    if ([...a].some((t) => moves(t, b)) || [...b].some((t) => moves(t, a))) this.invalidate();
  }
}
