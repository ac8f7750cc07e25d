/**
 * What the a1111 tag-autocomplete CSVs mean by their category digits, and how their names are written in a caption.
 * Both follow DominikDoom/a1111-sd-webui-tagcomplete at commit 4170882f90b47be130a0ff9314f663c230b9153d:
 * - README.md, "CSV tag data" (lines 547-567): the Danbooru and e621 category tables copied below;
 * - javascript/tagAutocomplete.js lines 698 and 836-846: a file's scheme is picked by its file name (`e621…` is
 *   e621, anything else falls back to Danbooru), and lines 822-825 match the name by its start (`startsWith`);
 * - javascript/tagAutocomplete.js lines 443-447 with scripts/tag_autocomplete_helper.py line 634: underscores
 *   become spaces on insertion except in the tags of its default exclusion list (emoticons), listed below.
 */
import { basename } from 'node:path';

/** A file's category scheme: which names its digits stand for. */
export type CategoryScheme = 'danbooru' | 'e621';

const SCHEMES: Record<CategoryScheme, Record<string, string>> = {
  // Danbooru's tag API numbering (tagcomplete README, first table).
  danbooru: { '0': 'general', '1': 'artist', '3': 'copyright', '4': 'character', '5': 'meta' },
  // e621's (tagcomplete README, second table). 2 is not in that table; e621's own API calls it "contributor",
  // and tags/e621.csv has 8 rows of it.
  e621: {
    '-1': 'invalid',
    '0': 'general',
    '1': 'artist',
    '2': 'contributor',
    '3': 'copyright',
    '4': 'character',
    '5': 'species',
    '6': 'invalid',
    '7': 'meta',
    '8': 'lore',
  },
};

/** The scheme of a CSV file, chosen by its name as tagcomplete chooses its colours: `e621*.csv` or Danbooru. */
export function schemeOf(file: string): CategoryScheme {
  return basename(file).toLowerCase().startsWith('e621') ? 'e621' : 'danbooru';
}

/**
 * The name of a category as written in a CSV: the scheme's name for a digit, `category N` for a digit the scheme
 * does not name, and a word (a hand-written CSV's `character`) as written.
 */
export function categoryName(scheme: CategoryScheme, raw: string): string {
  const named = SCHEMES[scheme][raw];
  if (named) return named;
  return /^-?\d+$/.test(raw) ? `category ${raw}` : raw;
}

/** tagcomplete's default `tac_undersocreReplacementExclusionList` (sic): tags whose underscores are the drawing. */
const KEEP_UNDERSCORES = new Set(
  '0_0,(o)_(o),+_+,+_-,._.,<o>_<o>,<|>_<|>,=_=,>_<,3_3,6_9,>_o,@_@,^_^,o_o,u_u,x_x,|_|,||_||'.split(','),
);

/**
 * A tag as it should be written in a caption: underscores become spaces, as tagcomplete inserts them, except in its
 * emoticon list and in any name without a word in it (no two letters or digits in a row), where the underscore is
 * part of the name: `t_t`, `;_;`, and artist names spelled letter by letter such as `y_o_u_k_a` or `t_k_g`, which
 * tagcomplete would turn into `y o u k a`.
 */
export function displayTag(name: string): string {
  if (KEEP_UNDERSCORES.has(name)) return name;
  return /[\p{L}\p{N}]{2}/u.test(name) ? name.replace(/_/g, ' ') : name;
}
