/** Finds the tagging sessions under some folders (for "LoRA Tagging: Resume Session"), most recently used first. */
import { basename, dirname, join } from 'node:path';
import { SESSION_FILE } from './schema';
import { nodeFs, type FsLike } from '../io/fsLike';
import { BACKUP_FILE, parseSession } from './sessionFile';
import { lostSessionImages } from './rebuild';

/** One session found on disk, as the Resume list shows it. */
export interface SessionSummary {
  outputFolder: string;
  sessionFile: string;
  /** The prefix, or the folder name when there is none. */
  title: string;
  tagged: number;
  total: number;
  /** ISO time of the last save ('' when unknown). */
  updatedAt: string;
  /** True when session.json is damaged: opening it repairs it from the .bak or the files. */
  needsRepair?: boolean;
  /** True when session.json and its .bak are both gone: `total` staged images can rebuild it (lostSessionImages). */
  lostSession?: boolean;
}

/** Folders never searched: they never hold datasets and can be huge. */
const SKIP = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', '.cache']);

/** Searches `roots` (bounded depth, default 4; symlinked folders not followed) for session.json files. */
export async function findSessions(
  roots: string[],
  opts: { maxDepth?: number; outputFolderName?: string; fs?: FsLike } = {},
): Promise<SessionSummary[]> {
  const fs = opts.fs ?? nodeFs;
  const maxDepth = opts.maxDepth ?? 4;
  const found = new Map<string, SessionSummary>();
  const visited = new Set<string>();

  const visit = async (dir: string, depth: number): Promise<void> => {
    const real = await fs.realpath(dir).catch(() => undefined);
    if (!real || visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && (e.name === SESSION_FILE || e.name === BACKUP_FILE))) {
      const s = await summarize(dir, fs);
      if (s) found.set(real, s);
    } else if (entries.some((e) => e.isFile() && e.name.endsWith('.txt'))) {
      const n = await lostSessionImages(dir, fs);
      const title = basename(dirname(dir)) || basename(dir);
      if (n > 0)
        found.set(real, {
          outputFolder: dir,
          sessionFile: join(dir, SESSION_FILE),
          title,
          tagged: 0,
          total: n,
          updatedAt: '',
          lostSession: true,
        });
    }
    const subdirs = entries.filter((e) => e.isDirectory() && !SKIP.has(e.name) && !e.name.includes('.backup-'));
    if (depth >= maxDepth) {
      // One step further for the usual `<folder>/output`, so a dataset just below the depth limit is still found.
      const out = opts.outputFolderName && subdirs.find((e) => e.name === opts.outputFolderName);
      if (out) await visit(join(dir, out.name), depth + 1).catch(() => undefined);
      return;
    }
    await Promise.all(subdirs.map((e) => visit(join(dir, e.name), depth + 1)));
  };

  await Promise.all(roots.map((r) => visit(r, 0)));
  return [...found.values()].sort((a, b) =>
    a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.outputFolder.localeCompare(b.outputFolder),
  );
}

async function summarize(dir: string, fs: FsLike): Promise<SessionSummary | undefined> {
  const sessionFile = join(dir, SESSION_FILE);
  const fallbackTitle = basename(dirname(dir)) || basename(dir);
  for (const name of [SESSION_FILE, BACKUP_FILE]) {
    try {
      const s = parseSession(await fs.readFile(join(dir, name), 'utf8'));
      return {
        outputFolder: dir,
        sessionFile,
        title: s.prefix || fallbackTitle,
        tagged: s.images.filter((i) => i.status === 'tagged').length,
        total: s.images.length,
        updatedAt: s.updatedAt,
        ...(name === BACKUP_FILE ? { needsRepair: true } : {}),
      };
    } catch {
      // try the backup next
    }
  }
  // A damaged session with no usable backup is still listed: opening it rebuilds it from the files.
  const st = await fs.stat(sessionFile).catch(() => undefined);
  return st
    ? {
        outputFolder: dir,
        sessionFile,
        title: fallbackTitle,
        tagged: 0,
        total: 0,
        updatedAt: st.mtime.toISOString(),
        needsRepair: true,
      }
    : undefined;
}
