/**
 * The image filter's query language: a parser from text to a tree, with errors that say where and why. Pure
 * TypeScript (the panel filters with it; filterEval.ts runs the tree).
 *
 *   query   := or
 *   or      := and ( "OR" and )*
 *   and     := unary ( "AND"? unary )*          (terms side by side are ANDed)
 *   unary   := ( "NOT" | "-" ) unary | "(" or ")" | term
 *   term    := field ":" value | flag | word | "quoted text"
 *
 * Fields: tag (wildcards * and ?), caption (text, or ~regex), name (a glob on the file name), chars, tokens (the
 * report's CLIP estimate), t5 (its T5 estimate) with > >= < <= = or a bare number. Flags: untagged, tagged,
 * favourite (favorite), nsfw, skipped, machine, duplicate. A bare word or quoted text is a caption substring, as
 * the filter's text box always meant. AND, OR and NOT are operators only in capitals.
 */
import { compileUserRegex } from './regexSafety';

/** A flag term: a property of the image, not of its text. */
export type FilterFlag = 'untagged' | 'tagged' | 'favourite' | 'nsfw' | 'skipped' | 'machine' | 'duplicate';
/** A numeric field. */
export type FilterMeasure = 'chars' | 'tokens' | 't5';
/** A comparison of a numeric field. */
export type FilterCompare = '>' | '>=' | '<' | '<=' | '=';

/** A parsed query. */
export type FilterNode =
  | { op: 'and' | 'or'; items: FilterNode[] }
  | { op: 'not'; item: FilterNode }
  | { op: 'flag'; flag: FilterFlag }
  | { op: 'tag'; exact?: string; pattern?: RegExp }
  | { op: 'text'; text: string }
  | { op: 'regex'; regex: RegExp }
  | { op: 'name'; pattern: RegExp }
  | { op: 'measure'; measure: FilterMeasure; cmp: FilterCompare; value: number };

/** Why a query cannot be read, and where (0-based index into the query text). */
export interface FilterError {
  message: string;
  pos: number;
}

/** The result of parsing: a tree (undefined for an empty query: every image) or an error. */
export type FilterParse = { ok: true; node: FilterNode | undefined } | { ok: false; error: FilterError };

const FLAGS: Record<string, FilterFlag> = {
  untagged: 'untagged',
  tagged: 'tagged',
  favourite: 'favourite',
  favorite: 'favourite',
  nsfw: 'nsfw',
  skipped: 'skipped',
  machine: 'machine',
  duplicate: 'duplicate',
};
const FIELDS = ['tag', 'caption', 'name', 'chars', 'tokens', 't5'];

type Token =
  | { kind: '(' | ')' | 'AND' | 'OR' | 'NOT' | '-'; pos: number }
  | { kind: 'word'; pos: number; text: string; quoted: boolean; field?: string; fieldPos?: number; regex?: boolean };

class QueryError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/**
 * Reads a quoted string starting at `q[i] === '"'`; `\"` and `\\` escape. Raw (a regex): only `\"` is unescaped,
 * so `\d` stays a digit class. Returns the text and the index after the closing quote.
 */
function readQuoted(q: string, i: number, raw = false): [string, number] {
  let out = '';
  for (let j = i + 1; j < q.length; j++) {
    const c = q[j]!;
    if (c === '\\' && j + 1 < q.length) {
      const n = q[++j]!;
      out += raw && n !== '"' ? `\\${n}` : n;
    } else if (c === '"') return [out, j + 1];
    else out += c;
  }
  throw new QueryError('this quote is never closed; add a closing "', i);
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ kind: c, pos: i++ });
      continue;
    }
    if (c === '-' && i + 1 < q.length && !/[\s)]/.test(q[i + 1]!)) {
      out.push({ kind: '-', pos: i++ });
      continue;
    }
    if (c === '"') {
      const [text, next] = readQuoted(q, i);
      out.push({ kind: 'word', pos: i, text, quoted: true });
      i = next;
      continue;
    }
    const start = i;
    const field = /^([A-Za-z][A-Za-z0-9]*):/.exec(q.slice(i));
    if (field) {
      const name = field[1]!.toLowerCase();
      if (!FIELDS.includes(name))
        throw new QueryError(
          `unknown field "${field[1]}:"; the fields are ${FIELDS.map((f) => `${f}:`).join(' ')} (quote text with a colon)`,
          start,
        );
      i += field[0].length;
      if (name === 'caption' && q[i] === '~') {
        // A regex runs to the next space outside parentheses (so `caption:~(a|b)c` is one term), or is quoted.
        const vs = ++i;
        if (q[i] === '"') {
          const [text, next] = readQuoted(q, i, true);
          out.push({ kind: 'word', pos: i + 1, text, quoted: true, field: name, fieldPos: start, regex: true });
          i = next;
          continue;
        }
        let depth = 0;
        for (; i < q.length && !/\s/.test(q[i]!); i++) {
          if (q[i] === '\\') i++;
          else if (q[i] === '(') depth++;
          else if (q[i] === ')' && depth-- === 0) break;
        }
        out.push({
          kind: 'word',
          pos: vs,
          text: q.slice(vs, i),
          quoted: false,
          field: name,
          fieldPos: start,
          regex: true,
        });
        continue;
      }
      if (q[i] === '"') {
        const [text, next] = readQuoted(q, i);
        out.push({ kind: 'word', pos: i, text, quoted: true, field: name, fieldPos: start });
        i = next;
        continue;
      }
      const vs = i;
      while (i < q.length && !/[\s()]/.test(q[i]!)) i++;
      out.push({ kind: 'word', pos: vs, text: q.slice(vs, i), quoted: false, field: name, fieldPos: start });
      continue;
    }
    while (i < q.length && !/[\s()"]/.test(q[i]!)) i++;
    const text = q.slice(start, i);
    if (text === 'AND' || text === 'OR' || text === 'NOT') out.push({ kind: text, pos: start });
    else out.push({ kind: 'word', pos: start, text, quoted: false });
  }
  return out;
}

/** A case-insensitive whole-string regex for a glob with `*` and `?`. */
export function globToRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 'iu');
}

function term(t: Extract<Token, { kind: 'word' }>): FilterNode {
  const v = t.text;
  switch (t.field) {
    case undefined: {
      const flag = t.quoted ? undefined : FLAGS[v.toLowerCase()];
      return flag ? { op: 'flag', flag } : { op: 'text', text: v.toLowerCase() };
    }
    case 'tag': {
      const tag = v.replace(/\s+/g, ' ').trim();
      if (!tag) throw new QueryError('tag: needs a tag, like tag:"red hair" or tag:red*', t.fieldPos!);
      return /[*?]/.test(tag) ? { op: 'tag', pattern: globToRegex(tag) } : { op: 'tag', exact: tag.toLowerCase() };
    }
    case 'caption': {
      if (t.regex) {
        if (!v) throw new QueryError('caption:~ needs a pattern, like caption:~"^a photo"', t.fieldPos!);
        const r = compileUserRegex(v, 'iu');
        // Where V8 gives no position, the pattern's start is shown.
        if ('error' in r) throw new QueryError(r.error, t.pos + (r.pos ?? 0));
        return { op: 'regex', regex: r.regex };
      }
      if (!v) throw new QueryError('caption: needs text, like caption:beach or caption:~"^a photo"', t.fieldPos!);
      return { op: 'text', text: v.toLowerCase() };
    }
    case 'name':
      if (!v) throw new QueryError('name: needs a file name or glob, like name:*_00??.png', t.fieldPos!);
      return { op: 'name', pattern: globToRegex(v) };
    default: {
      const m = /^(>=|<=|>|<|=)?(\d+)$/.exec(v);
      if (!m) throw new QueryError(`${t.field}: needs a number with > >= < <= or =, like ${t.field}:>77`, t.pos);
      return {
        op: 'measure',
        measure: t.field as FilterMeasure,
        cmp: (m[1] ?? '=') as FilterCompare,
        value: Number(m[2]),
      };
    }
  }
}

/** Parses a query; an empty one (only spaces) lets every image through. */
export function parseFilter(query: string): FilterParse {
  try {
    const tokens = tokenize(query);
    let k = 0;
    const peek = () => tokens[k];
    const parseOr = (): FilterNode => {
      const items = [parseAnd()];
      while (peek()?.kind === 'OR') {
        k++;
        items.push(parseAnd());
      }
      return items.length === 1 ? items[0]! : { op: 'or', items };
    };
    const parseAnd = (): FilterNode => {
      const items = [parseUnary()];
      for (;;) {
        const t = peek();
        if (!t || t.kind === 'OR' || t.kind === ')') break;
        if (t.kind === 'AND') k++;
        items.push(parseUnary());
      }
      return items.length === 1 ? items[0]! : { op: 'and', items };
    };
    const parseUnary = (): FilterNode => {
      const t = peek();
      if (!t) {
        const prev = tokens[k - 1];
        throw new QueryError(
          `${prev && prev.kind !== 'word' ? prev.kind : 'the query'} needs a term after it`,
          query.length,
        );
      }
      k++;
      if (t.kind === 'NOT' || t.kind === '-') return { op: 'not', item: parseUnary() };
      if (t.kind === '(') {
        const inner = parseOr();
        if (peek()?.kind !== ')') throw new QueryError('this parenthesis is never closed; add a )', t.pos);
        k++;
        return inner;
      }
      if (t.kind === ')') throw new QueryError('this ) has no ( before it', t.pos);
      if (t.kind === 'AND' || t.kind === 'OR') throw new QueryError(`${t.kind} needs a term before it`, t.pos);
      return term(t as Extract<Token, { kind: 'word' }>);
    };
    if (tokens.length === 0) return { ok: true, node: undefined };
    const node = parseOr();
    const rest = peek();
    if (rest) throw new QueryError('this ) has no ( before it', rest.pos);
    return { ok: true, node };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: { message: e.message, pos: e.pos } };
    throw e;
  }
}
