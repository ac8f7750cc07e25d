/**
 * The edit keys of a text field (select all, copy, cut, paste, undo, redo) inside the panel.
 *
 * VS Code's webview frame (`pre/index.html`) listens for keydown on the page's window and posts every key to the
 * workbench (`did-keydown`); for undo and redo (and, in the desktop app, copy, cut and paste) it also prevents the
 * browser's own action. The workbench then runs its command for the key, which calls back into the page with
 * `document.execCommand('selectAll' | 'undo' | …)`: a round trip that lands after the next few typed characters.
 * A late select-all selects those characters, and the following keystroke replaces them, so the start of what was
 * typed is lost. In the panel's own text fields these keys are therefore done at once, here, and stopped before
 * they reach the window, so the workbench never hears of them.
 */

/** What an edit key does in a text field. */
export type EditKey = 'selectAll' | 'copy' | 'cut' | 'paste' | 'undo' | 'redo';

// The workbench's own bindings for these commands (keymap syntax of keymap.ts: ctrlcmd is ⌘ on macOS).
const EDIT_KEYS: Readonly<Record<string, EditKey>> = {
  'ctrlcmd+a': 'selectAll',
  'ctrlcmd+c': 'copy',
  'ctrlcmd+insert': 'copy',
  'ctrlcmd+x': 'cut',
  'shift+delete': 'cut',
  'ctrlcmd+v': 'paste',
  'ctrlcmd+shift+v': 'paste',
  'shift+insert': 'paste',
  'ctrlcmd+z': 'undo',
  'ctrlcmd+shift+z': 'redo',
  'ctrlcmd+y': 'redo',
};

/** The edit a key (in keymap syntax, see eventKey) stands for in a text field, if any. */
export function editKeyOf(key: string): EditKey | undefined {
  return EDIT_KEYS[key];
}

/** True for a text input or text area (where the edit keys act on the field's text). */
export function isTextField(el: Element | null): el is HTMLInputElement | HTMLTextAreaElement {
  if (el instanceof HTMLTextAreaElement) return true;
  return el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'submit'].includes(el.type);
}

/**
 * Does an edit key in a text field at once and keeps it from VS Code. Undo and redo of the caption text are the
 * panel's own (`captionUndo`); everywhere else the browser's native action runs, now rather than a round trip later.
 */
export function handleEditKey(
  e: KeyboardEvent,
  edit: EditKey,
  field: HTMLInputElement | HTMLTextAreaElement,
  captionUndo?: (dir: 'undo' | 'redo') => void,
): void {
  e.stopPropagation();
  if (edit === 'selectAll') {
    e.preventDefault();
    field.select();
  } else if ((edit === 'undo' || edit === 'redo') && captionUndo) {
    e.preventDefault();
    captionUndo(edit);
  }
}
