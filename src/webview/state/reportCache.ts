/** The dataset as it is now, captions and lists included, for the report page: rebuilt only after a change. */
import type { ExportTarget } from '../../shared/model';
import type { DatasetView } from '../../shared/protocol';
import type { StoreCore } from './core';
import type { TagLists } from './tagLists';

/** A snapshot of the dataset for `<dataset-report>`, cached per store revision. */
export class ReportCache {
  private base: DatasetView | undefined;
  private cached: { revision: number; view: DatasetView } | undefined;

  constructor(
    private readonly core: StoreCore,
    private readonly lists: TagLists,
  ) {}

  /** Keeps the loaded dataset: its settings are the snapshot's, its images and lists are replaced by today's. */
  load(ds: DatasetView): void {
    this.base = ds;
  }

  /** The session's export target changed: the next snapshot carries it. */
  setTarget(target: ExportTarget): void {
    if (this.base) this.base = { ...this.base, exportTarget: target };
    this.cached = undefined;
  }

  /** The dataset as it is now, or undefined before the first load. */
  view(): DatasetView | undefined {
    const { base, core, lists } = this;
    if (!base) return undefined;
    if (this.cached?.revision !== core.revision) {
      const view: DatasetView = {
        ...base,
        images: core.model.images.map((im) => ({ ...im })),
        knownTags: [...core.model.tags],
        recentTags: lists.recent,
        pinnedTags: lists.pinned,
        categories: lists.categories,
        currentIndex: core.index,
      };
      this.cached = { revision: core.revision, view };
    }
    return this.cached.view;
  }
}
