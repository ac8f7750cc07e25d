/**
 * The panel-wide keys of the multi-image selection (issue 13), outside text fields: Ctrl/Cmd+A selects what the
 * image filter shows, Escape goes back to the current image alone, Ctrl/Cmd+Shift+C / V copy and paste tags,
 * Alt+Shift+P applies the previous image's caption. The filmstrip's own keys (Shift+arrows) live in film-strip.ts.
 */
import type { TaggerStore } from './state/store';

/** Default keys of the selection actions (keymap.ts syntax), shown in the `?` overlay. */
export const SELECTION_KEYS = {
  selectAll: ['ctrlcmd+a'],
  selectOne: ['escape'],
  copyTags: ['ctrlcmd+shift+c'],
  pasteTags: ['ctrlcmd+shift+v'],
  applyPrevious: ['alt+shift+p'],
} as const;

/** Runs the selection action of `key` (outside text fields); true when it was one. Keeps the key from VS Code. */
export function handleSelectionKey(e: KeyboardEvent, key: string, s: TaggerStore): boolean {
  const is = (keys: readonly string[]) => keys.includes(key);
  if (is(SELECTION_KEYS.selectAll)) {
    s.selection.selectAll(s.filtered ?? s.model.images.map((_, i) => i));
  } else if (is(SELECTION_KEYS.selectOne)) {
    if (s.selection.size < 2) return false;
    s.selection.clear();
  } else if (is(SELECTION_KEYS.copyTags)) s.selectionEdits.copyTags();
  else if (is(SELECTION_KEYS.pasteTags)) pasteInto(s);
  else if (is(SELECTION_KEYS.applyPrevious)) {
    s.flush();
    s.selectionEdits.applyPrevious(s.filtered);
  } else return false;
  // VS Code's frame would run its own command for these keys (select all, external terminal, Markdown preview).
  e.stopPropagation();
  return true;
}

function pasteInto(s: TaggerStore): void {
  // One image: the panel's own caption edit (one step of its caption undo); several: one selection edit.
  if (s.selection.size > 1) return s.selectionEdits.paste();
  if (!s.selectionEdits.clipboard.length) return s.selectionEdits.paste();
  s.addTags(s.selectionEdits.clipboard);
}
