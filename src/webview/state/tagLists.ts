/** The session's tag lists as the panel holds them: recent tags, pinned tags and tag categories. */
import { RECENT_TAGS_MAX, type TagCategory } from '../../shared/model';
import type { StoreCore } from './core';

/** Recent, pinned and category lists; the host keeps them in session.json and sends them back when they change. */
export class TagLists {
  recent: string[] = [];
  pinned: string[] = [];
  categories: TagCategory[] = [];

  constructor(private readonly core: StoreCore) {}

  /** Takes the lists the host sent (a dataset load, or `session/lists`). */
  set(recent: string[], pinned: string[], categories: TagCategory[]): void {
    this.recent = recent;
    this.pinned = pinned;
    this.categories = categories;
    this.core.emit('lists');
  }

  /** Tags were applied: they go to the front of the recent list, here at once and on the host. */
  markUsed(tags: readonly string[]): void {
    this.core.host.notify({ type: 'tags/used', tags: [...tags] });
    const set = new Set(tags);
    this.recent = [...tags, ...this.recent.filter((t) => !set.has(t))].slice(0, RECENT_TAGS_MAX);
    this.core.emit('lists');
  }

  /** Pins or unpins a tag in the palette. */
  pin(tag: string, pinned: boolean): void {
    this.pinned = pinned ? [...this.pinned.filter((t) => t !== tag), tag] : this.pinned.filter((t) => t !== tag);
    this.core.host.notify({ type: 'tags/pin', tag, pinned });
    this.core.emit('lists');
  }
}
