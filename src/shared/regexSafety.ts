/**
 * Guards for regular expressions a user types (the filter's `caption:~…`, find and replace). JavaScript has no
 * regex timeout, and a pattern with a repeated group that itself repeats, `(a+)+`, or a back-reference can take
 * exponential time on one caption and freeze the panel. Such patterns are refused with the reason, before use.
 */

/** Why a pattern is refused, with the 0-based position in the pattern; undefined when it is safe to run. */
export function unsafeRegex(source: string): { message: string; pos: number } | undefined {
  // Stack of open groups: whether a quantifier appeared inside each (so far).
  const groups: Array<{ start: number; quantified: boolean }> = [];
  let inClass = false;
  let lastAtomQuantifiedGroup = false;
  let prevGroupStart = -1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(n) || (n === 'k' && source[i + 2] === '<')))
        return { message: 'back-references can take exponential time; rewrite the pattern without one', pos: i };
      i++;
      lastAtomQuantifiedGroup = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      lastAtomQuantifiedGroup = false;
      continue;
    }
    if (c === '(') {
      groups.push({ start: i, quantified: false });
      lastAtomQuantifiedGroup = false;
      continue;
    }
    if (c === ')') {
      const g = groups.pop();
      lastAtomQuantifiedGroup = g?.quantified ?? false;
      prevGroupStart = g?.start ?? -1;
      continue;
    }
    if (c === '*' || c === '+' || c === '{' || (c === '?' && !isGroupModifier(source, i))) {
      const repeats = c !== '?' && !(c === '{' && /^\{0*1?(,0*1?)?\}/.test(source.slice(i)));
      if (repeats && lastAtomQuantifiedGroup)
        return {
          message: 'a repeated group that itself repeats, like (a+)+, can take exponential time; remove one repeat',
          pos: prevGroupStart,
        };
      if (repeats) for (const g of groups) g.quantified = true;
      lastAtomQuantifiedGroup = false;
      if (c === '{') {
        const close = source.indexOf('}', i);
        if (close > i) i = close;
      }
      continue;
    }
    lastAtomQuantifiedGroup = false;
  }
  return undefined;
}

function isGroupModifier(source: string, i: number): boolean {
  // `(?:`, `(?=`, `(?<name>`: a `?` right after `(` opens a group kind, it is not a quantifier.
  return source[i - 1] === '(' && source[i - 2] !== '\\';
}

/**
 * A compiled user regex, or the reason it cannot be used (invalid or unsafe), with its position in the pattern when it
 * is known: V8's syntax errors give none, so `pos` is then undefined rather than a guess.
 */
export function compileUserRegex(source: string, flags: string): { regex: RegExp } | { error: string; pos?: number } {
  const unsafe = unsafeRegex(source);
  if (unsafe) return { error: unsafe.message, pos: unsafe.pos };
  try {
    return { regex: new RegExp(source, flags) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // V8 says "Invalid regular expression: /x(/iu: Unterminated group"; the part after the last colon is the why.
    return { error: `invalid regular expression: ${msg.split(': ').pop()}` };
  }
}
