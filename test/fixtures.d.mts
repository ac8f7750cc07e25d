import type { FindReplaceQuery } from '../src/shared/protocol';

/** Where the real images are expected for the checkout at `repoRoot` (whether or not they exist). */
export function realImagesPath(repoRoot: string): string;
/** The real images folder, or undefined when this machine has none. */
export function realImagesDir(repoRoot: string): string | undefined;
/** In a mocha `function ()` test or hook: returns the real images folder, or prints why and skips when absent. */
export function skipWithoutRealImages(ctx: Mocha.Context, repoRoot: string): string;
/** Five captions: three hold the tag "red hair", one other tags only, one the trigger word alone. */
export const FIND_REPLACE_CAPTIONS: readonly string[];
/** A findReplace/preview or apply query: "red hair" to "auburn hair" in whole tags of all images, with `more` over it. */
export function findReplaceQuery(more?: Partial<FindReplaceQuery>): FindReplaceQuery;
