/**
 * The report's CLIP and T5 token estimates (report.ts) in one pass over the text, for the filter's `tokens:` and
 * `t5:` terms over 10,000 captions per keystroke: the same counts as estimateClipTokens and estimateT5Tokens (the
 * unit tests compare them), without their six regular-expression scans, and remembered per caption text.
 */

const enum K {
  Space,
  Letter,
  Digit,
  Apostrophe,
  Punct,
}

const nonAscii = new Map<number, K>();

function kindOf(cp: number): K {
  if (cp < 128) {
    if ((cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90)) return K.Letter;
    if (cp >= 48 && cp <= 57) return K.Digit;
    if (cp === 32 || (cp >= 9 && cp <= 13)) return K.Space;
    return cp === 39 ? K.Apostrophe : K.Punct;
  }
  let k = nonAscii.get(cp);
  if (k === undefined) {
    const ch = String.fromCodePoint(cp);
    k = /\p{L}/u.test(ch)
      ? K.Letter
      : /\p{N}/u.test(ch)
        ? K.Digit
        : /\s/u.test(ch)
          ? K.Space
          : cp === 0x2019
            ? K.Apostrophe
            : K.Punct;
    nonAscii.set(cp, k);
  }
  return k;
}

const cache = new Map<string, { clip: number; t5: number }>();
const CACHE_MAX = 50_000;

/** The estimated CLIP and T5 token counts of a text (the same figures as report.ts's estimates). */
export function tokenCounts(text: string): { clip: number; t5: number } {
  const hit = cache.get(text);
  if (hit) return hit;
  let words = 0;
  let digits = 0;
  let numbers = 0;
  let punct = 0;
  let inWord = false;
  let inNumber = false;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    const k = kindOf(cp);
    if (k === K.Letter) {
      if (!inWord) words++;
      inWord = true;
    } else if (k !== K.Apostrophe) inWord = false;
    if (k === K.Digit) {
      digits++;
      if (!inNumber) numbers++;
      inNumber = true;
    } else inNumber = false;
    if (k === K.Punct) punct++;
  }
  const w = Math.ceil(words * 1.3);
  const r = { clip: w + digits + punct + 2, t5: w + numbers + punct + 1 };
  // A bound, not an LRU: a dataset's captions fit; past that the oldest half is dropped at once.
  if (cache.size >= CACHE_MAX) for (const key of [...cache.keys()].slice(0, CACHE_MAX / 2)) cache.delete(key);
  cache.set(text, r);
  return r;
}
