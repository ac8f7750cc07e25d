/** Where the real images are expected for the checkout at `repoRoot` (whether or not they exist). */
export function realImagesPath(repoRoot: string): string;
/** The real images folder, or undefined when this machine has none. */
export function realImagesDir(repoRoot: string): string | undefined;
/** In a mocha `function ()` test or hook: returns the real images folder, or prints why and skips when absent. */
export function skipWithoutRealImages(ctx: Mocha.Context, repoRoot: string): string;
