/**
 * When a typed tag is complete enough for tags.txt. A caption saved at a pause in typing may end in a tag still
 * being typed ("ohwx, red h"): that last tag is a draft, and joins tags.txt only once the caption is committed,
 * that is saved again with something after it (a comma, another tag), saved by a chip, the palette, undo or Ctrl+S,
 * or left (another image selected, the panel or the dataset closed). Every other tag of the caption is complete.
 */
import { captionTags } from '../../../shared/caption';
import type { CaptionStyle } from '../../../shared/model';

/** The caption's tags that are complete; `draft` is the last one when it may still be being typed. */
export function completeTags(text: string, style: CaptionStyle, typing: boolean): { tags: string[]; draft?: string } {
  const tags = captionTags(text, style);
  const last = tags.at(-1);
  // Only the tag at the very end can be under the cursor of someone typing on; one followed by a comma is done.
  if (!typing || last === undefined || !text.trimEnd().endsWith(last)) return { tags };
  return { tags: tags.slice(0, -1), draft: last };
}
