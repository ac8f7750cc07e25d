/**
 * One decode job as the decode workers run it (and the inline decoder, on the calling thread): read the file,
 * take its SHA-256 (the content key of the caches, and what finds exact duplicates), then analyse or convert it
 * with the image library. Never throws for a bad file: the outcome says why.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { describeError } from '../io/fsLike';
import { analyseImage, convertImage, libraryBuild, type Analysis, type ConvertTarget } from './library';

/** Files larger than this are not read into memory to be decoded (reported as too large). */
export const MAX_DECODE_FILE_BYTES = 1024 * 1024 * 1024;

/** An image to analyse: a file (read where the job runs) or its bytes. */
export interface AnalyseRequest {
  kind: 'analyse';
  path?: string;
  buf?: Uint8Array;
  /** Also make the WebP thumbnail. */
  thumbnail?: boolean;
}

/** An image to re-encode as PNG or JPEG. */
export interface ConvertRequest {
  kind: 'convert';
  path?: string;
  buf?: Uint8Array;
  to: ConvertTarget;
}

/** Which build of the image library the worker runs. */
export interface InfoRequest {
  kind: 'info';
  path?: undefined;
  buf?: undefined;
}

/** A job for a decode worker. */
export type DecodeRequest = AnalyseRequest | ConvertRequest | InfoRequest;

/** The image library's build, as libraryBuild() says. */
export type LibraryInfo = Awaited<ReturnType<typeof libraryBuild>>;

/** What was read: the file's size and mtime as read, and the SHA-256 of its bytes. */
export interface ReadFacts {
  sha256?: string;
  size?: number;
  mtimeMs?: number;
}

/** The outcome of an analyse job. */
export type AnalyseOutcome = Analysis & ReadFacts;

/** The outcome of a convert job. */
export type ConvertOutcome = ({ ok: true; data: Uint8Array } | { ok: false; reason: string; tooLarge?: boolean }) &
  ReadFacts;

/** Runs one job; `path` jobs read the file here. */
export async function runDecodeRequest(req: AnalyseRequest): Promise<AnalyseOutcome>;
export async function runDecodeRequest(req: ConvertRequest): Promise<ConvertOutcome>;
export async function runDecodeRequest(req: InfoRequest): Promise<LibraryInfo>;
export async function runDecodeRequest(req: DecodeRequest): Promise<AnalyseOutcome | ConvertOutcome | LibraryInfo>;
export async function runDecodeRequest(req: DecodeRequest): Promise<AnalyseOutcome | ConvertOutcome | LibraryInfo> {
  if (req.kind === 'info') return libraryBuild();
  let buf = req.buf;
  const read: ReadFacts = {};
  if (!buf) {
    if (!req.path) return { ok: false, reason: 'no image was given' };
    try {
      const st = await fsp.stat(req.path);
      if (!st.isFile()) return { ok: false, reason: 'it is not a regular file' };
      read.size = st.size;
      read.mtimeMs = st.mtimeMs;
      if (st.size > MAX_DECODE_FILE_BYTES) {
        return {
          ok: false,
          reason: `it is ${Math.round(st.size / 2 ** 20)} MB, more than the ${MAX_DECODE_FILE_BYTES / 2 ** 30} GB decoded here`,
          tooLarge: true,
          ...read,
        };
      }
      buf = await fsp.readFile(req.path);
    } catch (err) {
      return { ok: false, reason: `it cannot be read: ${describeError(err)}` };
    }
  }
  read.sha256 = createHash('sha256').update(buf).digest('hex');
  if (req.kind === 'analyse') return { ...(await analyseImage(buf, { thumbnail: req.thumbnail })), ...read };
  try {
    return { ok: true, data: await convertImage(buf, req.to), ...read };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err), ...read };
  }
}

/** The ArrayBuffers the given byte arrays own whole, so they can be transferred to another thread instead of copied. */
export function transferables(...arrays: Array<Uint8Array | undefined>): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    // A Buffer from Node's pool shares its ArrayBuffer with others: only a whole, unshared one may move.
    if (
      a &&
      a.byteOffset === 0 &&
      a.byteLength === a.buffer.byteLength &&
      a.buffer instanceof ArrayBuffer &&
      !out.includes(a.buffer)
    ) {
      out.push(a.buffer);
    }
  }
  return out;
}
