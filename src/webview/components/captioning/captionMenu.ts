/**
 * The toolbar's "Caption Images with AI…" entries (issue 12), always in its `…` menu: the current image or the
 * selected images, and the images the filter shows. Each runs the host's command on those files, which asks for
 * the provider and the write mode.
 */
import type { TaggerStore } from '../../state/store';
import type { ToolbarItem } from '../overflow-menu';

/** Asks the host to caption these images with AI (the command asks the rest). */
export function captionWithAi(store: TaggerStore, indices: readonly number[]): void {
  const files = indices.map((i) => store.model.images[i]?.file).filter((f): f is string => !!f);
  if (files.length === 0) return store.setStatus('info', 'No images to caption: the filter shows none.');
  store.flush();
  store.host.notify({ type: 'captioning/start', files: files.slice(0, 10_000) });
}

/** The menu entries for the tagging page. */
export function captionMenuItems(store: TaggerStore | undefined): ToolbarItem[] {
  if (!store?.loaded || store.view === 'report') return [];
  const picked = store.selection.indices;
  const some = picked.length > 1;
  const items: ToolbarItem[] = [
    {
      id: 'captionAi',
      icon: 'sparkle',
      label: some ? `Caption the ${picked.length} selected images with AI…` : 'Caption this image with AI…',
      title: some
        ? 'Caption Images with AI: the selected images (asks provider and write mode)'
        : 'Caption Images with AI: the current image (asks provider and write mode)',
      run: () => captionWithAi(store, some ? picked : [store.index]),
      menuOnly: true,
    },
  ];
  const shown = store.filtered;
  if (shown)
    items.push({
      id: 'captionAiFiltered',
      icon: 'sparkle',
      label: `Caption the ${shown.length} filtered images with AI…`,
      title: 'Caption Images with AI: the images the filter shows (asks provider and write mode)',
      run: () => captionWithAi(store, shown),
      menuOnly: true,
    });
  return items;
}
