/** The toolbar's `…` menu entry that opens the find and replace dialog (issue 13, item 4). */
import { LOCAL_KEYS, withKey } from '../../keymap';
import type { TaggerStore } from '../../state/store';
import type { ToolbarItem } from '../overflow-menu';

/** The menu entry, on every page (find and replace is a dataset command). */
export function findReplaceMenuItems(store: TaggerStore | undefined): ToolbarItem[] {
  if (!store?.loaded) return [];
  return [
    {
      id: 'findReplace',
      icon: 'replace-all',
      label: 'Find and replace in captions…',
      title: withKey('Find and replace across the captions, with a preview', LOCAL_KEYS.findReplace[0]),
      run: () => store.dispatchEvent(new CustomEvent('ui', { detail: 'findReplace' })),
      menuOnly: true,
    },
  ];
}
