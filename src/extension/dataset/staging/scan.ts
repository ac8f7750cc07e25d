/**
 * Lists the candidate images of a source folder: natural order, subfolders on request, symbolic links followed
 * only inside the folder (loops cannot hang), the output folder and other datasets never scanned as input.
 */
import { basename, dirname, join, relative, sep } from 'node:path';
import { SESSION_FILE } from '../session/schema';
import { TEMP_SUFFIX } from '../io/atomicWrite';
import { describeError, errorCode, nodeFs, type FsLike } from '../io/fsLike';
import { CONVERTIBLE_EXTENSIONS, extensionOf, KNOWN_IMAGE_EXTENSIONS, naturalSort } from './naming';

/** A file that may be staged. */
export interface Candidate {
  /** Absolute path as found (through the link when it is one). */
  path: string;
  /** Relative to the source folder, `/` separators. */
  rel: string;
  /** Lower-case extension without the dot. */
  ext: string;
  /** True when the file was reached through a symbolic link (it is then copied, never moved). */
  viaLink: boolean;
  /** The caption beside it (same basename `.txt`, else `.caption`), absolute, or null. */
  caption: string | null;
}

/** What a scan found. */
export interface ScanResult {
  candidates: Candidate[];
  skipped: { file: string; reason: string }[];
  /** Number of files seen, of any kind (0 means the folder is empty). */
  filesSeen: number;
}

/** Scan options. */
export interface ScanOptions {
  includeSubfolders: boolean;
  extensions: readonly string[];
  /** The output folder (absolute): never scanned, nor its `.backup-*` siblings. */
  outputFolder: string;
  fs?: FsLike;
}

/** A folder set aside by "Start over" (`<name>.backup-<time>`): an old dataset, never input. */
const BACKUP_DIR = /\.backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(-\d+)?$/;

/** True when `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !/^[a-zA-Z]:/.test(r) && !r.startsWith(sep));
}

/** Lists the images of `sourceFolder` in natural order of their relative paths. */
export async function scanFolder(sourceFolder: string, opts: ScanOptions): Promise<ScanResult> {
  const fs = opts.fs ?? nodeFs;
  const rootReal = await fs.realpath(sourceFolder);
  const outReal = await fs.realpath(opts.outputFolder).catch(() => opts.outputFolder);
  const outBase = basename(opts.outputFolder);
  const accepted = new Set(opts.extensions);
  const found: (Candidate & { real: string })[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const visited = new Set<string>([rootReal]);
  let filesSeen = 0;
  const queue: { path: string; real: string; rel: string }[] = [{ path: sourceFolder, real: rootReal, rel: '' }];

  const isExcludedDir = (real: string, name: string, parentReal: string): boolean =>
    real === outReal ||
    isInside(outReal, real) ||
    (parentReal === dirname(outReal) && name.startsWith(outBase + '.backup-')) ||
    BACKUP_DIR.test(name) ||
    name.startsWith('.') ||
    name === 'node_modules';

  while (queue.length > 0) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await fs.readdir(dir.path, { withFileTypes: true });
    } catch (err) {
      if (dir.rel === '') {
        throw new Error(
          `Cannot read the folder ${sourceFolder}: ${describeError(err)}. Check that it exists and that you may read it.`,
        );
      }
      skipped.push({ file: dir.rel + '/', reason: `folder cannot be read: ${describeError(err)}` });
      continue;
    }
    // Another dataset's output folder (it holds a session.json) is never input.
    if (dir.rel !== '' && entries.some((e) => e.name === SESSION_FILE && !e.isDirectory())) continue;
    const names = new Set(entries.map((e) => e.name));
    const captionOf = (name: string): string | null => {
      const dot = name.lastIndexOf('.');
      const base = dot > 0 ? name.slice(0, dot) : name;
      if (names.has(base + '.txt')) return join(dir.path, base + '.txt');
      return names.has(base + '.caption') ? join(dir.path, base + '.caption') : null;
    };
    for (const e of entries) {
      const rel = dir.rel ? `${dir.rel}/${e.name}` : e.name;
      const path = join(dir.path, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      let real = join(dir.real, e.name);
      const viaLink = e.isSymbolicLink();
      if (viaLink) {
        const ext = extensionOf(e.name);
        try {
          real = await fs.realpath(path);
          const st = await fs.stat(real);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (err) {
          if (KNOWN_IMAGE_EXTENSIONS.has(ext))
            skipped.push({ file: rel, reason: `broken symbolic link (${errorCode(err) ?? describeError(err)})` });
          continue;
        }
        if (!isInside(rootReal, real)) {
          if (isFile ? KNOWN_IMAGE_EXTENSIONS.has(ext) || accepted.has(ext) : opts.includeSubfolders) {
            skipped.push({ file: rel, reason: 'symbolic link to a place outside the folder: not followed' });
          }
          continue;
        }
      }
      if (isDir) {
        if (!opts.includeSubfolders || isExcludedDir(real, e.name, dir.real) || visited.has(real)) continue;
        visited.add(real);
        queue.push({ path, real, rel });
        continue;
      }
      if (!isFile) continue;
      filesSeen++;
      if (e.name.endsWith(TEMP_SUFFIX)) continue;
      const ext = extensionOf(e.name);
      if (accepted.has(ext)) found.push({ path, rel, ext, viaLink, real, caption: captionOf(e.name) });
      else if (KNOWN_IMAGE_EXTENSIONS.has(ext)) {
        const offer = CONVERTIBLE_EXTENSIONS.includes(ext)
          ? 'let Start convert it to PNG or JPEG (its "convert" option, or the Convert on Stage setting), '
          : 'convert it, ';
        skipped.push({
          file: rel,
          reason: `.${ext} is not a format the trainer accepts (${[...accepted].join(', ')}): ${offer}or add "${ext}" to the image extensions setting`,
        });
      }
    }
  }

  naturalSort(found, (f) => f.rel);
  const byReal = new Map<string, string>();
  const candidates: Candidate[] = [];
  for (const f of found) {
    const first = byReal.get(f.real);
    if (first !== undefined) {
      skipped.push({ file: f.rel, reason: `same file as ${first} (through a symbolic link): staged once` });
      continue;
    }
    byReal.set(f.real, f.rel);
    candidates.push({ path: f.path, rel: f.rel, ext: f.ext, viaLink: f.viaLink, caption: f.caption });
  }
  naturalSort(skipped, (f) => f.file);
  return { candidates, skipped, filesSeen };
}
