/**
 * Putting one planned image in place: copied to a temp name, flushed to disk and renamed when complete (moved
 * instead, in move mode), a source removed only once its copy is verified and on disk. A file that changes while
 * it is copied is copied again; one that is gone or no longer an image is skipped with a reason.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import type { ImageRecord } from '../session/schema';
import { syncFile, syncFolder, tempPathFor } from '../io/atomicWrite';
import { describeError, errorCode, nodeFs, type FsLike } from '../io/fsLike';
import { probeImage } from '../images/probe';

/** What the plan knows about a source from the scan (saves a look-up per file on a fresh run). */
export interface SourceHint {
  mtimeMs: number;
  /** Reached through a symbolic link: copied, never moved. */
  viaLink: boolean;
  /** Absolute path of the caption beside the source, null when there is none. */
  caption: string | null;
}

const GONE = 'deleted while staging (it was in the plan but is gone now)';

const lexists = (path: string, fs: FsLike) =>
  fs.lstat(path).then(
    () => true,
    () => false,
  );

/** Puts one image in place; returns a skip reason when the source is gone or no longer an image. */
export async function placeImage(
  src: string,
  final: string,
  rec: ImageRecord,
  mode: 'copy' | 'move',
  hint: SourceHint | undefined,
  fs: FsLike,
): Promise<{ note?: string } | string> {
  let expectMtime = hint?.mtimeMs;
  let viaLink: boolean;
  if (hint) {
    // Planned moments ago from a scan: skip the look-up; a change is caught by the check after the copy.
    viaLink = hint.viaLink;
  } else {
    let lst;
    try {
      lst = await fs.lstat(src);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return GONE;
      throw err;
    }
    viaLink = lst.isSymbolicLink();
    const st = viaLink ? await fs.stat(src) : lst;
    if (!st.isFile()) return 'it is not a file any more';
    // Resumed from a session on disk: the source must still be the image it planned, whatever session.json says.
    const reprobe = await reprobed(src, rec, fs);
    if (typeof reprobe === 'string') return reprobe;
    expectMtime = reprobe;
  }
  if (mode === 'move' && !viaLink) {
    try {
      await fs.rename(src, final);
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && !(await lexists(src, fs))) return GONE;
      if (errorCode(err) !== 'EXDEV' && errorCode(err) !== 'EPERM' && errorCode(err) !== 'EACCES') throw err;
    }
    if (!(await lexists(src, fs))) {
      const st = await fs.stat(final);
      // Moved already, so it stays in the dataset whatever it holds now; only its record is refreshed.
      if (st.size !== rec.size || (expectMtime !== undefined && st.mtimeMs !== expectMtime))
        await reprobed(final, rec, fs);
      await syncFile(final, fs);
      return {};
    }
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = tempPathFor(final);
    let renamed = false;
    try {
      await fs.copyFile(src, tmp, fsConstants.COPYFILE_FICLONE);
      const after = await fs.stat(src);
      if (after.size === rec.size && (expectMtime === undefined || after.mtimeMs === expectMtime)) {
        // On disk before it has its name: a staged name that exists after a power cut holds the whole image.
        await syncFile(tmp, fs);
        await fs.rename(tmp, final);
        renamed = true;
        break;
      }
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && !(await lexists(src, fs))) return GONE;
      throw err;
    } finally {
      if (!renamed) await fs.unlink(tmp).catch(() => undefined);
    }
    // It changed while being copied: read its header again and copy it again.
    const reprobe = await reprobed(src, rec, fs);
    if (typeof reprobe === 'string') return reprobe;
    expectMtime = reprobe;
    if (attempt === 2)
      return 'kept changing while it was being copied: run Start LoRA ' + 'Tagging again once it is finished';
  }
  if (mode === 'move' && !viaLink) {
    const note: string[] = [];
    await finishMove(src, final, fs, note, rec);
    return note.length ? { note: note[0]! } : {};
  }
  return {};
}

/** Re-reads a source's header into the record; returns its mtime, or a skip reason. */
async function reprobed(src: string, rec: ImageRecord, fs: FsLike): Promise<number | string> {
  const p = await probeImage(src, fs);
  if (!p.ok) return `changed while staging and is no longer usable: ${p.reason}`;
  if (p.format !== rec.format)
    return (
      `changed while staging into a ${p.format} file: run Start LoRA Tagging ` + `again (Add new images) to stage it`
    );
  Object.assign(rec, { size: p.size, width: p.width, height: p.height });
  if (p.orientation !== undefined) rec.orientation = p.orientation;
  else delete rec.orientation;
  return p.mtimeMs;
}

/**
 * Removes the source of a moved image once its copy is verified byte for byte (SHA-256 of both, streamed) and the
 * copy and its name are on disk, so that a power cut can never leave neither.
 */
export async function finishMove(
  src: string,
  final: string,
  fs: FsLike,
  notices: string[],
  rec: ImageRecord,
): Promise<void> {
  const lst = await fs.lstat(src).catch(() => undefined);
  if (!lst || lst.isSymbolicLink()) return;
  const [a, b] = await Promise.all([sha256(src, fs), sha256(final, fs)]);
  if (a !== b) {
    notices.push(
      `${rec.source} was copied, not moved: the source differs from the staged copy ` + `${rec.file}, so it was kept.`,
    );
    return;
  }
  await syncFile(final, fs);
  await syncFolder(dirname(final), fs);
  try {
    await fs.unlink(src);
  } catch (err) {
    notices.push(`${rec.source} was copied but could not be removed (${describeError(err)}); it was kept.`);
  }
}

/** SHA-256 of a file, read in chunks (never whole into memory). */
export async function sha256(path: string, fs: FsLike = nodeFs): Promise<string> {
  const h = createHash('sha256');
  const handle = await fs.open(path, 'r');
  try {
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return h.digest('hex');
}
