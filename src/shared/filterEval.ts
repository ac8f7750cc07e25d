/**
 * Runs a parsed filter query (filterQuery.ts) over a dataset's images. The tree is compiled once into one
 * predicate per query, so a query over 10,000 captions does no parsing per image; token estimates and lower-cased
 * text are computed only when a term needs them.
 */
import type { FilterNode } from './filterQuery';
import { estimateClipTokens, estimateT5Tokens } from './report';

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

/** One image's lazily computed derived values, shared by all terms of one evaluation. */
class Row {
  private lowerText: string | undefined;
  private lowerTagsList: string[] | undefined;
  private clip = -1;
  private t5 = -1;
  constructor(
    readonly im: FilterSubject,
    readonly tags: readonly string[],
  ) {}
  get lower(): string {
    this.lowerText ??= this.im.caption.toLowerCase();
    return this.lowerText;
  }
  get lowerTags(): string[] {
    this.lowerTagsList ??= this.tags.map((t) => t.toLowerCase());
    return this.lowerTagsList;
  }
  get clipTokens(): number {
    if (this.clip < 0) this.clip = estimateClipTokens(this.im.caption);
    return this.clip;
  }
  get t5Tokens(): number {
    if (this.t5 < 0) this.t5 = estimateT5Tokens(this.im.caption);
    return this.t5;
  }
}

type Pred = (r: Row) => boolean;

function compare(cmp: string, a: number, b: number): boolean {
  return cmp === '>' ? a > b : cmp === '>=' ? a >= b : cmp === '<' ? a < b : cmp === '<=' ? a <= b : a === b;
}

function compile(n: FilterNode, ctx: FilterContext): Pred {
  switch (n.op) {
    case 'and': {
      const ps = n.items.map((x) => compile(x, ctx));
      return (r) => ps.every((p) => p(r));
    }
    case 'or': {
      const ps = n.items.map((x) => compile(x, ctx));
      return (r) => ps.some((p) => p(r));
    }
    case 'not': {
      const p = compile(n.item, ctx);
      return (r) => !p(r);
    }
    case 'flag':
      switch (n.flag) {
        case 'untagged':
        case 'tagged':
        case 'skipped': {
          const s = n.flag;
          return (r) => r.im.status === s;
        }
        case 'favourite':
          return (r) => r.im.favourite;
        case 'nsfw':
          return (r) => r.im.nsfw;
        case 'machine':
          return (r) => r.im.machine;
        case 'duplicate':
          return (r) => ctx.duplicates.has(r.im.file);
      }
      break;
    case 'tag': {
      const { exact, pattern } = n;
      if (exact !== undefined) return (r) => r.lowerTags.includes(exact);
      return (r) => r.tags.some((t) => pattern!.test(t));
    }
    case 'text': {
      const t = n.text;
      return (r) => r.lower.includes(t);
    }
    case 'regex': {
      const re = n.regex;
      return (r) => re.test(r.im.caption);
    }
    case 'name': {
      const re = n.pattern;
      return (r) => re.test(r.im.file);
    }
    case 'measure': {
      const { cmp, value, measure } = n;
      if (measure === 'chars') return (r) => compare(cmp, r.im.caption.length, value);
      if (measure === 'tokens') return (r) => compare(cmp, r.clipTokens, value);
      return (r) => compare(cmp, r.t5Tokens, value);
    }
  }
  throw new Error(`unknown filter node ${(n as { op: string }).op}`);
}

/** A predicate over image indices for a parsed query (each call sees the images as they are then). */
export function compileFilter(
  node: FilterNode,
  images: readonly FilterSubject[],
  ctx: FilterContext,
): (i: number) => boolean {
  const p = compile(node, ctx);
  return (i) => {
    const im = images[i];
    return im !== undefined && p(new Row(im, ctx.tagsOf[i] ?? []));
  };
}

/** The indices of the images a parsed query lets through, in order. */
export function runFilter(node: FilterNode, images: readonly FilterSubject[], ctx: FilterContext): number[] {
  const p = compileFilter(node, images, ctx);
  const out: number[] = [];
  for (let i = 0; i < images.length; i++) if (p(i)) out.push(i);
  return out;
}
