/**
 * Atomic file writes: a temp file in the same folder, fsync, rename over the target, and the temp removed on
 * failure, so a reader (or a crash) sees either the old content or the new, never half of it.
 * Model: VS Code's `doWriteFileAtomic` in `diskFileSystemProvider.ts`.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { nodeFs, type FsLike } from './fsLike';

/** The suffix of every temp file the engine writes, so leftovers of a killed run can be recognised and removed. */
export const TEMP_SUFFIX = '.lora-tmp';

/** A fresh temp path beside `path`: hidden, unique, ending in TEMP_SUFFIX. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** Writes `data` to `path` atomically (temp file in the same folder, fsync, rename); the temp is removed on failure. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: FsLike = nodeFs,
  opts: { fsync?: boolean } = {},
): Promise<void> {
  const tmp = tempPathFor(path);
  let written = false;
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      // fsync makes the rename durable across a power cut; staging skips it for new files (see stage.ts).
      if (opts.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
    written = true;
  } finally {
    if (!written) await fs.unlink(tmp).catch(() => undefined);
  }
}
