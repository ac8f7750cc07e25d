/**
 * Runs a parsed filter query (filterQuery.ts) over a dataset's images. The tree is compiled once into one
 * predicate per query (AND and OR try their cheap terms first and stop at the first answer), so a query over
 * 10,000 captions does no parsing per image; a caption's lower-cased tags and its token estimates are worked out
 * when a term first needs them and kept for that caption revision, so the next keystroke's query pays only for its
 * tests. Text is searched case-insensitively in the caption as it is, with no lower-cased copy.
 */
import type { FilterNode } from './filterQuery';
import { tokenCounts } from './tokenCount';

/** What a query looks at in one image. */
export interface FilterSubject {
  file: string;
  caption: string;
  status: 'untagged' | 'tagged' | 'skipped';
  favourite: boolean;
  nsfw: boolean;
  machine: boolean;
}

/** Per-dataset facts a query needs besides the images. */
export interface FilterContext {
  /** Each image's tags by index (natural style: only the tag tail), as the palette counts them. */
  tagsOf: readonly (readonly string[])[];
  /** Files the last Check Dataset found to be exact or near duplicates of another image. */
  duplicates: ReadonlySet<string>;
}

/**
 * What a query derives from one caption, worked out once per caption revision and kept for every later query. They
 * are kept by image index beside the dataset's list of tag lists (a WeakMap on that list: a dataset dropped is
 * forgotten with it); each image's tag list is a new array whenever its caption changes, so an entry is good while
 * it holds the very same tag list and caption text.
 */
interface Derived {
  tags: readonly string[];
  caption: string;
  lowerTags?: readonly string[];
  clip?: number;
  t5?: number;
}
const derivedCache = new WeakMap<FilterContext['tagsOf'], (Derived | undefined)[]>();

function lowerTagsOf(tags: readonly string[], d: Derived): readonly string[] {
  d.lowerTags ??= tags.map((t) => t.toLowerCase());
  return d.lowerTags;
}

function tokensOf(im: FilterSubject, d: Derived): Derived & { clip: number; t5: number } {
  if (d.clip === undefined) {
    const c = tokenCounts(im.caption);
    d.clip = c.clip;
    d.t5 = c.t5;
  }
  return d as Derived & { clip: number; t5: number };
}

/** A compiled term: does this image (with its tags and what is derived from its caption) pass? */
type Pred = (im: FilterSubject, tags: readonly string[], d: Derived) => boolean;

function compare(cmp: string, a: number, b: number): boolean {
  return cmp === '>' ? a > b : cmp === '>=' ? a >= b : cmp === '<' ? a < b : cmp === '<=' ? a <= b : a === b;
}

/** A rough cost of a term per image, so AND and OR try the cheap ones first (flags before a regex). */
function cost(n: FilterNode): number {
  switch (n.op) {
    case 'and':
    case 'or':
      return Math.max(...n.items.map(cost));
    case 'not':
      return cost(n.item);
    case 'flag':
      return n.flag === 'duplicate' ? 1 : 0;
    case 'measure':
      return n.measure === 'chars' ? 0 : 3;
    case 'tag':
      return n.exact !== undefined ? 1 : 2;
    case 'name':
    case 'text':
      return 2;
    case 'regex':
      return 4;
  }
}

/** Whether a term reads a caption's lower-cased text, tag set or token estimates. */
function needsDerived(n: FilterNode): boolean {
  switch (n.op) {
    case 'and':
    case 'or':
      return n.items.some(needsDerived);
    case 'not':
      return needsDerived(n.item);
    case 'tag':
      return n.exact !== undefined;
    case 'measure':
      return n.measure !== 'chars';
    default:
      return false;
  }
}

/** The items of an AND or OR, cheapest first (the result is the same in any order: every term is pure). */
function byCost(items: readonly FilterNode[], ctx: FilterContext): Pred[] {
  return items
    .map((x, i) => ({ x, i, c: cost(x) }))
    .sort((a, b) => a.c - b.c || a.i - b.i)
    .map(({ x }) => compile(x, ctx));
}

function compile(n: FilterNode, ctx: FilterContext): Pred {
  switch (n.op) {
    case 'and': {
      const ps = byCost(n.items, ctx);
      if (ps.length === 2) {
        const [a, b] = ps as [Pred, Pred];
        return (im, t, d) => a(im, t, d) && b(im, t, d);
      }
      return (im, t, d) => {
        for (const p of ps) if (!p(im, t, d)) return false;
        return true;
      };
    }
    case 'or': {
      const ps = byCost(n.items, ctx);
      if (ps.length === 2) {
        const [a, b] = ps as [Pred, Pred];
        return (im, t, d) => a(im, t, d) || b(im, t, d);
      }
      return (im, t, d) => {
        for (const p of ps) if (p(im, t, d)) return true;
        return false;
      };
    }
    case 'not': {
      const p = compile(n.item, ctx);
      return (im, t, d) => !p(im, t, d);
    }
    case 'flag':
      switch (n.flag) {
        case 'untagged':
        case 'tagged':
        case 'skipped': {
          const s = n.flag;
          return (im) => im.status === s;
        }
        case 'favourite':
          return (im) => im.favourite;
        case 'nsfw':
          return (im) => im.nsfw;
        case 'machine':
          return (im) => im.machine;
        case 'duplicate':
          return (im) => ctx.duplicates.has(im.file);
      }
      break;
    case 'tag': {
      const { exact, pattern } = n;
      if (exact !== undefined) return (_im, t, d) => t.length > 0 && lowerTagsOf(t, d).includes(exact);
      // A dataset has far fewer distinct tags than tag uses: each is tested against the wildcard once per query.
      const seen = new Map<string, boolean>();
      return (_im, t) => {
        for (const tag of t) {
          let v = seen.get(tag);
          if (v === undefined) {
            v = pattern!.test(tag);
            seen.set(tag, v);
          }
          if (v) return true;
        }
        return false;
      };
    }
    case 'text': {
      const text = n.text;
      // ASCII text: a case-insensitive search of the caption as it is, with no lower-cased copy made (or kept);
      // otherwise the caption lower-cased, as the old text filter did.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII
      if (/^[\x00-\x7f]*$/.test(text)) {
        const re = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
        return (im) => re.test(im.caption);
      }
      return (im) => im.caption.toLowerCase().includes(text);
    }
    case 'regex': {
      const re = n.regex;
      return (im) => re.test(im.caption);
    }
    case 'name': {
      const re = n.pattern;
      return (im) => re.test(im.file);
    }
    case 'measure': {
      const { cmp, value, measure } = n;
      if (measure === 'chars') return (im) => compare(cmp, im.caption.length, value);
      if (measure === 'tokens') return (im, _t, d) => compare(cmp, tokensOf(im, d).clip, value);
      return (im, _t, d) => compare(cmp, tokensOf(im, d).t5, value);
    }
  }
  throw new Error(`unknown filter node ${(n as { op: string }).op}`);
}

const NO_TAGS: readonly string[] = [];

/** A predicate over image indices for a parsed query (each call sees the images as they are then). */
export function compileFilter(
  node: FilterNode,
  images: readonly FilterSubject[],
  ctx: FilterContext,
): (i: number) => boolean {
  const p = compile(node, ctx);
  // Flags, names and chars need nothing derived: such a query does not look its captions up.
  const bare = !needsDerived(node);
  const none: Derived = { tags: NO_TAGS, caption: '' };
  let kept = derivedCache.get(ctx.tagsOf);
  if (!kept) derivedCache.set(ctx.tagsOf, (kept = []));
  const list = kept;
  return (i) => {
    const im = images[i];
    if (im === undefined) return false;
    const tags = ctx.tagsOf[i] ?? NO_TAGS;
    if (bare) return p(im, tags, none);
    let d = list[i];
    if (d === undefined || d.tags !== tags || d.caption !== im.caption) list[i] = d = { tags, caption: im.caption };
    return p(im, tags, d);
  };
}

/** The indices of the images a parsed query lets through, in order. */
export function runFilter(node: FilterNode, images: readonly FilterSubject[], ctx: FilterContext): number[] {
  const p = compileFilter(node, images, ctx);
  const out: number[] = [];
  for (let i = 0; i < images.length; i++) if (p(i)) out.push(i);
  return out;
}
