/**
 * Three-way merge of `session.json` for two writers (two windows on one dataset, the panel and the CLI): when the
 * file on disk is no longer what this process last read or wrote there, the other writer's changes since then are
 * merged into ours, field by field, instead of the last save winning. What only one side changed is taken from it;
 * lists of names (pinned and recent tags) keep both sides' additions and removals; records keyed by `file` (the
 * images) or `name` (the tag categories) are merged one by one; where both changed the same field, ours wins (it
 * is the newer intent of the process saving now). So a favourite set in one window survives a save in the other.
 */
import { naturalCompare } from '../staging/naming';
import type { ImageRecord, Session } from './schema';

type Json = unknown;

/** What a merge took from the other writer, for the open dataset to follow (new images, images gone). */
export interface SessionMerge {
  /** Images the other writer added (not known here before). */
  added: string[];
  /** Images the other writer removed. */
  removed: string[];
}

/** Merges into `ours`, in place (image records kept as objects), the changes `disk` made since `base`. */
export function mergeSession(base: Session, ours: Session, disk: Session): SessionMerge {
  const merged = merge(base, ours, disk) as Session;
  const before = new Map(ours.images.map((r) => [r.file, r]));
  const images: ImageRecord[] = merged.images.map((m) => {
    const mine = before.get(m.file);
    if (!mine) return m;
    for (const k of Object.keys(mine)) if (!(k in m)) delete (mine as Record<string, unknown>)[k];
    return Object.assign(mine, m);
  });
  images.sort((a, b) => naturalCompare(a.file, b.file));
  const after = new Set(images.map((r) => r.file));
  const result = {
    added: images.filter((r) => !before.has(r.file)).map((r) => r.file),
    removed: [...before.keys()].filter((f) => !after.has(f)),
  };
  for (const k of Object.keys(ours)) if (!(k in merged)) delete (ours as Record<string, unknown>)[k];
  Object.assign(ours, merged, { images });
  return result;
}

function merge(base: Json, ours: Json, theirs: Json): Json {
  if (same(ours, base)) return theirs;
  if (same(theirs, base) || same(ours, theirs)) return ours;
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    const b = Array.isArray(base) ? base : [];
    if (ours.every(isString) && theirs.every(isString)) return mergeNames(b.filter(isString), ours, theirs);
    const key = keyOf(ours) ?? keyOf(theirs);
    if (key) return mergeKeyed(key, b, ours, theirs);
    return ours;
  }
  if (isObject(ours) && isObject(theirs)) {
    const b = isObject(base) ? base : {};
    const out: Record<string, Json> = {};
    for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      const v = merge(b[k], ours[k], theirs[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return ours;
}

/** Both sides' additions and removals; our order first, then what only they added. */
function mergeNames(base: string[], ours: string[], theirs: string[]): string[] {
  const b = new Set(base);
  const t = new Set(theirs);
  const o = new Set(ours);
  const kept = ours.filter((x) => !(b.has(x) && !t.has(x)));
  return [...kept, ...theirs.filter((x) => !b.has(x) && !o.has(x))];
}

/** Records keyed by `key`: each merged on its own; added on either side kept, removed on either side dropped. */
function mergeKeyed(key: string, base: Json[], ours: Json[], theirs: Json[]): Json[] {
  const index = (xs: Json[]) => new Map(xs.filter(isObject).map((x) => [String(x[key]), x] as const));
  const b = index(base);
  const o = index(ours);
  const t = index(theirs);
  const out: Json[] = [];
  for (const k of new Set([...o.keys(), ...t.keys()])) {
    const inBase = b.has(k);
    if (inBase && (!o.has(k) || !t.has(k))) {
      // Removed by one side: gone, unless the other changed it since (then its version stays).
      const other = o.has(k) ? o.get(k) : t.get(k);
      if (!same(other, b.get(k))) out.push(other);
      continue;
    }
    const v = merge(b.get(k), o.get(k), t.get(k));
    if (v !== undefined) out.push(v);
  }
  return out;
}

function keyOf(xs: Json[]): string | undefined {
  if (xs.length === 0 || !xs.every(isObject)) return undefined;
  return ['file', 'name'].find((k) => xs.every((x) => typeof (x as Record<string, Json>)[k] === 'string'));
}

const isString = (x: Json): x is string => typeof x === 'string';
const isObject = (x: Json): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

function same(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}
