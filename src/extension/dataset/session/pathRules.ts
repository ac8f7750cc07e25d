/**
 * The paths a `session.json` holds are untrusted input, like a webview message: a dataset may come from someone
 * else. These rules keep each one contained: a staged name is a plain image name inside the output folder, a
 * source path stays inside the source folder, and the source folder itself is trusted only when the user chose it
 * or it is the folder the output folder sits in.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { FsLike } from '../io/fsLike';
import { extensionOf, KNOWN_IMAGE_EXTENSIONS } from '../staging/naming';

/** True when `child` is `parent` or inside it (both absolute; no file-system access). */
export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r) && !/^[a-zA-Z]:/.test(r));
}

/** Why an image's `source` cannot be read from the source folder, or undefined when it is a contained relative path. */
export function sourcePathProblem(source: string): string | undefined {
  if (source === '') return 'session.json does not say where it came from';
  if (source.includes('\0') || source.includes('\\') || source.includes(':'))
    return `its source path in ` + `session.json, "${source}", is not a relative path with "/" separators`;
  if (source.startsWith('/'))
    return `its source path in session.json, "${source}", is absolute, ` + `not inside the source folder`;
  if (source.split('/').some((p) => p === '' || p === '.' || p === '..'))
    return (
      `its source path in ` +
      `session.json, "${source}", climbs out of the source folder (it holds "..", "." or an empty part)`
    );
  return undefined;
}

/** Why a staged name from session.json cannot be one of the dataset's images, or undefined when it can. */
export function stagedFileProblem(file: string): string | undefined {
  if (!KNOWN_IMAGE_EXTENSIONS.has(extensionOf(file)))
    return (
      `"${file}" is not an image file name (it could be a ` +
      `caption, the session, tags.txt or another file of the dataset)`
    );
  return undefined;
}

/** Why a prefix read from session.json cannot name files in the output folder, or undefined when it can. */
export function prefixPathProblem(prefix: string): string | undefined {
  if (prefix.length > 200) return 'it is longer than 200 characters';
  if (/[\\/:\u0000-\u001f\u007f]/.test(prefix))
    return (
      'it holds a path separator, ":" or a control character, so ' +
      'names made from it could point outside the output folder'
    );
  return undefined;
}

/**
 * The source folder to finish a plan from when the user did not choose one (Resume): the folder around the output
 * folder, and only when session.json names it; anything else is refused (undefined). A dataset someone sent cannot
 * make Resume read or move files elsewhere on this machine.
 */
export function defaultSourceRoot(outputFolder: string, sourceFolder: string): string | undefined {
  const around = dirname(resolve(outputFolder));
  const named = resolve(outputFolder, sourceFolder);
  const same = process.platform === 'win32' ? named.toLowerCase() === around.toLowerCase() : named === around;
  return same ? around : undefined;
}

/** True when the real path of `path` (links resolved) is inside the real path `rootReal`; false when it is missing. */
export async function staysInside(rootReal: string, path: string, fs: FsLike): Promise<boolean> {
  const real = await fs.realpath(path).catch(() => undefined);
  return real !== undefined && isInside(rootReal, real);
}
