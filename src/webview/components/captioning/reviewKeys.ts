/**
 * The keys of the suggestion review (issue 12), handled in the webview. None is bound by VS Code's default
 * keybindings or by the panel's other keys (keymap.ts), so VS Code, which sees every key pressed in the panel, runs
 * nothing else for them.
 *
 * They act in text fields too (the caption text, a tag input), on every platform. On macOS Option+Shift+letter
 * types a character (⌥⇧Y is Á, ⌥⇧J Ô, ⌥⇧X ˛); the key is read from `event.code` (eventKey), so it is still this
 * key, and the panel prevents its default, so the character is not typed: as VS Code's own ⌥⇧ bindings do in its
 * editor (⌥⇧F formats, it never types Ï), and as the tooltips and the `?` list promise. A stray Á would otherwise
 * land in the caption and be saved while the action the user asked for did not happen.
 */
import type { SuggestionAnswer } from '../../../shared/protocol';
import type { TaggerStore } from '../../state/store';

/** The review's keys in keymap syntax (keymap.ts, eventKey), first one shown in tooltips and the `?` overlay. */
export const REVIEW_KEYS = {
  nextSuggestion: ['alt+shift+j'],
  previousSuggestion: ['alt+shift+u'],
  accept: ['alt+shift+y'],
  merge: ['alt+shift+m'],
  reject: ['alt+shift+x'],
  markReviewed: ['alt+shift+v'],
} as const;

/** What each key does, for the `?` overlay. */
export const REVIEW_KEY_LABELS: ReadonlyArray<[keyof typeof REVIEW_KEYS, string]> = [
  ['nextSuggestion', 'Next image with a machine suggestion'],
  ['previousSuggestion', 'Previous image with a machine suggestion'],
  ['accept', 'Accept the suggestion (it becomes the caption)'],
  ['merge', 'Merge the suggestion into the caption'],
  ['reject', 'Reject the suggestion'],
  ['markReviewed', 'Mark the machine caption reviewed (several selected: theirs)'],
];

const ANSWERS: Partial<Record<keyof typeof REVIEW_KEYS, SuggestionAnswer>> = {
  accept: 'accept',
  merge: 'merge',
  reject: 'reject',
};

/** Runs the review action of a key; false when the key is not one of the review's. */
export function handleReviewKey(store: TaggerStore, key: string): boolean {
  const entry = (Object.entries(REVIEW_KEYS) as Array<[keyof typeof REVIEW_KEYS, readonly string[]]>).find(([, keys]) =>
    keys.includes(key),
  );
  if (!entry) return false;
  if (store.view === 'report') {
    store.setStatus('info', 'The report is open: go back to tagging (Tagging, in the toolbar) to review suggestions.');
    return true;
  }
  const action = entry[0];
  if (action === 'nextSuggestion') store.review.move(1);
  else if (action === 'previousSuggestion') store.review.move(-1);
  else if (action === 'markReviewed') void store.review.markReviewed(markTargets(store));
  else void store.review.answer(ANSWERS[action]!);
  return true;
}

/** What Mark reviewed acts on: the selected images when several are, else the current one. */
export function markTargets(store: TaggerStore): number[] {
  return store.selection.size > 1 ? store.selection.indices : [store.index];
}
