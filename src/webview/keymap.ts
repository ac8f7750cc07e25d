/**
 * The default keys of the tagging panel, in VS Code keybinding syntax, so the host can mirror them in
 * package.json `contributes.keybindings`. Keys of actions listed in `DatasetView.hostKeys` are dispatched by
 * VS Code (and arrive as an `action` message); the webview handles them itself only when they are not listed.
 */
import type { PanelAction } from '../shared/protocol';

/**
 * Default keys per panel action (first is shown in tooltips). The same on macOS, where Option with a letter or digit
 * types a character in a text field (⌥⇧F is Ï, ⌥⇧A Å, ⌥1 ¡): there the key still acts and its character is not
 * typed (typesOptionCharacter), whether the panel runs the action or VS Code does (hostKeys), as VS Code's own ⌥⇧
 * bindings do in its editor and as the tooltips and the `?` list promise.
 */
export const PANEL_KEYMAP: Readonly<Record<PanelAction, readonly string[]>> = {
  previousImage: ['alt+left', 'pageup'],
  nextImage: ['alt+right', 'pagedown'],
  nextUntagged: ['alt+shift+right'],
  toggleFavourite: ['alt+shift+f'],
  toggleNsfw: ['alt+shift+n'],
  toggleSkipped: ['alt+shift+k'],
  focusAddTag: ['alt+shift+a'],
  focusFilter: ['alt+shift+t'],
  showShortcuts: ['shift+f1'],
  togglePinned1: ['alt+1'],
  togglePinned2: ['alt+2'],
  togglePinned3: ['alt+3'],
  togglePinned4: ['alt+4'],
  togglePinned5: ['alt+5'],
  togglePinned6: ['alt+6'],
  togglePinned7: ['alt+7'],
  togglePinned8: ['alt+8'],
  togglePinned9: ['alt+9'],
};

/** Keys the webview always handles itself (they depend on focus inside the page, or VS Code has no command for them). */
export const LOCAL_KEYS = {
  save: ['ctrlcmd+s'],
  undo: ['ctrlcmd+z'],
  redo: ['ctrlcmd+shift+z', 'ctrlcmd+y'],
  /** Outside text fields only. */
  shortcuts: ['shift+/'],
  goTo: ['alt+shift+g'],
  /** The review grid and back (to the image focused in it). */
  toggleGrid: ['alt+g'],
  zoomIn: ['+', '='],
  zoomOut: ['-'],
  zoomToggle: ['0'],
  removeChip: ['backspace', 'delete'],
  moveChipUp: ['alt+up'],
  moveChipDown: ['alt+down'],
  /** On a focused tag of the palette. */
  pinTag: ['p'],
  /** Outside text fields: open the crop tool on the current image. */
  crop: ['c'],
  /** Outside text fields: find and replace across captions (⌘H hides the app on macOS: ⌥⌘F, VS Code's key there). */
  findReplace: ['ctrlcmd+h', 'ctrlcmd+alt+f'],
  /** In the find and replace dialog: VS Code's own key for it in the editor's find widget. */
  replaceAll: ['ctrlcmd+alt+enter'],
} as const;

/** Human text for a key, for tooltips and the shortcut overlay ("Alt+Right", "Ctrl+S" / "⌘S"). */
export function keyLabel(key: string, mac = isMac()): string {
  if (key === '+') return '+';
  if (key === 'shift+/') return '?';
  return key
    .split('+')
    .map((p) => {
      switch (p) {
        case 'ctrlcmd':
          return mac ? '⌘' : 'Ctrl';
        case 'alt':
          return mac ? '⌥' : 'Alt';
        case 'shift':
          return mac ? '⇧' : 'Shift';
        case 'left':
          return '←';
        case 'right':
          return '→';
        case 'up':
          return '↑';
        case 'down':
          return '↓';
        case 'pageup':
          return 'PageUp';
        case 'pagedown':
          return 'PageDown';
        case '/':
          return '/';
        default:
          return p.length <= 1 ? p.toUpperCase() : p[0]!.toUpperCase() + p.slice(1);
      }
    })
    .join(mac ? '' : '+');
}

/** The tooltip text for a control: "Next image (Alt+→)". */
export function withKey(title: string, key: string | undefined): string {
  return key ? `${title} (${keyLabel(key)})` : title;
}

/** True on macOS, where ctrlcmd means ⌘. */
export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
}

const CODE_NAMES: Record<string, string> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  PageUp: 'pageup',
  PageDown: 'pagedown',
  Backspace: 'backspace',
  Delete: 'delete',
  Slash: '/',
  Equal: '=',
  Minus: '-',
  NumpadAdd: '+',
  NumpadSubtract: '-',
  Escape: 'escape',
  Enter: 'enter',
  F1: 'f1',
};

/**
 * The key of a keyboard event in keymap syntax. Letters and digits come from `event.code`, so Option on macOS
 * (which changes `event.key`) and keyboard layouts do not matter; `+` comes from `event.key`.
 */
export function eventKey(e: KeyboardEvent, mac = isMac()): string {
  let base: string;
  if (e.key === '+') base = '+';
  else if (/^Key[A-Z]$/.test(e.code)) base = e.code.slice(3).toLowerCase();
  else if (/^(Digit|Numpad)[0-9]$/.test(e.code)) base = e.code.slice(-1);
  else base = CODE_NAMES[e.code] ?? e.key.toLowerCase();
  const parts: string[] = [];
  if (mac ? e.metaKey : e.ctrlKey) parts.push('ctrlcmd');
  if (e.altKey) parts.push('alt');
  // Shift is part of "+" and "?" themselves on most layouts.
  if (e.shiftKey && base !== '+') parts.push('shift');
  parts.push(base);
  return parts.join('+');
}

/**
 * True when the key would type a character in a text field that is not what the user asked for: on macOS, Option
 * with a letter or digit and neither ⌘ nor Ctrl (⌥⇧F is Ï, ⌥1 is ¡). Elsewhere Alt+letter types nothing.
 */
export function typesOptionCharacter(e: KeyboardEvent, mac = isMac()): boolean {
  return mac && e.altKey && !e.metaKey && !e.ctrlKey && /^(Key[A-Z]|Digit[0-9])$/.test(e.code);
}

/** The panel action a key event triggers by default, if any. */
export function actionForKey(key: string): PanelAction | undefined {
  for (const [action, keys] of Object.entries(PANEL_KEYMAP) as Array<[PanelAction, readonly string[]]>) {
    if (keys.includes(key)) return action;
  }
  return undefined;
}
