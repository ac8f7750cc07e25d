/**
 * The vocabulary files' categories of the dataset's tags (issue 13, item 7): the palette groups a tag the user has
 * not put in a category of their own under the vocabulary's, so character, artist and copyright tags stand apart
 * from general ones. Asked of the host once per tag, as tags join the dataset; best effort, like autocomplete.
 */
import type { StoreCore } from '../core';

/** How long the palette waits for the host's answer before it goes on without vocabulary groups. */
const TIMEOUT_MS = 10_000;

/** The order of the vocabulary's groups in the palette; `general` is not a group (its tags stay with the rest). */
const ORDER = ['character', 'copyright', 'artist', 'species', 'lore', 'meta', 'contributor', 'invalid'];

/** Vocabulary categories of known tags, fetched as the tag list grows. */
export class VocabCategories {
  /** Bumped when an answer arrives, so the palette recomputes its rows. */
  version = 0;
  private readonly of = new Map<string, string>();
  private asked = new Set<string>();
  private inFlight = false;
  private seen: { tags: readonly string[]; length: number } | undefined;
  private groupsCache: { version: number; groups: string[] } | undefined;

  constructor(private readonly store: StoreCore) {}

  /** The palette group of a tag from the vocabulary (`Character`, …), or undefined (unknown, or general). */
  groupOf(tag: string): string | undefined {
    const c = this.of.get(tag);
    return c === undefined || c === 'general' ? undefined : c[0]!.toUpperCase() + c.slice(1);
  }

  /** The groups present, in palette order. */
  groups(): string[] {
    if (this.groupsCache?.version === this.version) return this.groupsCache.groups;
    const present = new Set<string>();
    for (const c of this.of.values()) if (c !== 'general') present.add(c);
    const known = ORDER.filter((c) => present.has(c));
    const rest = [...present].filter((c) => !ORDER.includes(c)).sort();
    const groups = [...known, ...rest].map((c) => c[0]!.toUpperCase() + c.slice(1));
    this.groupsCache = { version: this.version, groups };
    return groups;
  }

  /** Asks the host about the tags not asked about yet (one request at a time; the rest follow). */
  want(tags: readonly string[]): void {
    if (this.inFlight) return;
    // Rendering asks on every frame; only a grown or replaced tag list has anything new.
    if (this.seen?.tags === tags && this.seen.length === tags.length) return;
    this.seen = { tags, length: tags.length };
    const fresh = tags.filter((t) => !this.asked.has(t));
    if (fresh.length === 0) return;
    const batch = fresh.slice(0, 50_000);
    for (const t of batch) this.asked.add(t);
    this.inFlight = true;
    this.store.host.request({ type: 'vocab/categories', tags: batch }, TIMEOUT_MS).then(
      (found) => {
        this.inFlight = false;
        let changed = false;
        for (const [tag, cat] of Object.entries(found)) {
          if (this.of.get(tag) === cat) continue;
          this.of.set(tag, cat);
          changed = true;
        }
        if (changed) {
          this.version++;
          this.store.emit('lists');
        }
        if (fresh.length > batch.length) {
          this.seen = undefined;
          this.want(tags);
        }
      },
      () => {
        // No vocabulary answer (no files, or the host is busy): ask again next time the list changes.
        this.inFlight = false;
        this.seen = undefined;
        for (const t of batch) this.asked.delete(t);
      },
    );
  }
}
