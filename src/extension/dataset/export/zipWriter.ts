/**
 * The ZIP container of the CivitAI export (APPNOTE 6.3.10): local headers, data, central directory and, past 4 GiB
 * or 65,535 entries, ZIP64 records. Images are stored and copied in 1 MiB chunks through two reused buffers, their
 * CRC patched into the local header afterwards (no data descriptors, so every zip reader is happy); small captions
 * are deflated when that makes them smaller. See zipExport.ts for why this is not yazl.
 */
import { constants as fsConstants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32';

/** Why an export failed; `file` names the file concerned when there is one. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly code: 'cancelled' | 'missing-image' | 'bad-name' | 'no-space' | 'changed' | 'io',
    readonly file?: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/** Bytes per chunk when an image is streamed into the zip. */
export const CHUNK = 1 << 20;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

/** One file to put in the zip, as planned before writing. */
export interface Planned {
  name: string;
  path: string;
  size: number;
  mtime: Date;
  /** A caption whose file is missing: written as an empty entry. */
  empty?: boolean;
  /** A caption written from this text instead of its file (the target's form of it, see targets.ts). */
  data?: Buffer;
}

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  csize: number;
  method: 0 | 8;
  offset: number;
  time: number;
  date: number;
}

/** The error for a file whose size changed while it was being exported. */
export function changed(p: Planned): ExportError {
  return new ExportError(
    `${p.name} changed size while it was being exported; wait until nothing writes to it and export again.`,
    'changed',
    p.name,
  );
}

/** Opens a file for reading without following a link (POSIX; elsewhere the planning lstat is the guard). */
export function openNoFollow(path: string): Promise<FileHandle> {
  return fsp.open(path, NO_FOLLOW ?? 'r');
}

const NO_FOLLOW = fsConstants.O_NOFOLLOW !== undefined ? fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW : undefined;

/** The ZIP container: local headers, data, central directory, (ZIP64) end records. APPNOTE 6.3.10. */
export class ZipWriter {
  /** End of the zip so far, queued bytes included. */
  private pos = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly done: Written[] = [];
  constructor(
    private readonly out: FileHandle,
    private readonly force64: boolean,
  ) {}

  /** A small file read whole: a caption (deflated when that makes it smaller) or a small image (stored). */
  async addSmall(p: Planned, data: Buffer, compress: boolean): Promise<void> {
    const crc = crc32(data);
    const deflated = compress && data.length > 64 ? deflateRawSync(data, { level: 9 }) : undefined;
    const [body, method] = deflated && deflated.length < data.length ? [deflated, 8 as const] : [data, 0 as const];
    const w = this.entry(p, crc, data.length, body.length, method);
    await this.write(Buffer.concat([localHeader(w, this.needs64(w.size, w.csize)), body]));
  }

  /** An image: stored, copied chunk by chunk, the CRC patched into the header afterwards. */
  async addStored(p: Planned, bufs: readonly [Buffer, Buffer], progress: (n: number) => void): Promise<void> {
    const src = await openNoFollow(p.path).catch((err: NodeJS.ErrnoException) => {
      throw new ExportError(
        `${p.name} disappeared from the output folder during export (${err.code}); restore it and export again.`,
        'missing-image',
        p.name,
      );
    });
    try {
      const w = this.entry(p, 0, p.size, p.size, 0);
      const zip64 = this.needs64(p.size, p.size);
      await this.write(localHeader(w, zip64));
      await this.flush();
      let crc = 0;
      let total = 0;
      let i = 0;
      let n = (await src.read(bufs[0], 0, CHUNK, null)).bytesRead;
      while (n > 0) {
        const cur = bufs[i]!;
        // Overlap: the next read runs while this chunk is written and checksummed.
        const writing = this.out.write(cur, 0, n, this.pos);
        const reading = src.read(bufs[1 - i]!, 0, CHUNK, null);
        crc = crc32(cur.subarray(0, n), crc);
        await writing;
        const next = (await reading).bytesRead;
        this.pos += n;
        total += n;
        // Called with no read or write in flight, so a cancel thrown from here leaves nothing dangling.
        progress(n);
        n = next;
        i = 1 - i;
      }
      if (total !== p.size) throw changed(p);
      w.crc = crc;
      const b = Buffer.alloc(4);
      b.writeUInt32LE(crc >>> 0, 0);
      await this.out.write(b, 0, 4, w.offset + 14);
    } finally {
      await src.close();
    }
  }

  /** Writes the central directory and end records; returns the zip's size. */
  async finish(): Promise<number> {
    const cdStart = this.pos;
    for (const w of this.done) {
      await this.write(centralRecord(w, this.force64 || w.size >= MAX32 || w.csize >= MAX32 || w.offset >= MAX32));
    }
    await this.flush();
    const cdSize = this.pos - cdStart;
    const count = this.done.length;
    const zip64 = this.force64 || count >= MAX16 || cdStart >= MAX32 || cdSize >= MAX32;
    const tail: Buffer[] = [];
    if (zip64) {
      const eocd64At = this.pos;
      const r = Buffer.alloc(56);
      r.writeUInt32LE(0x06064b50, 0);
      r.writeBigUInt64LE(44n, 4);
      r.writeUInt16LE((3 << 8) | 45, 12);
      r.writeUInt16LE(45, 14);
      r.writeBigUInt64LE(BigInt(count), 24);
      r.writeBigUInt64LE(BigInt(count), 32);
      r.writeBigUInt64LE(BigInt(cdSize), 40);
      r.writeBigUInt64LE(BigInt(cdStart), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeBigUInt64LE(BigInt(eocd64At), 8);
      loc.writeUInt32LE(1, 16);
      tail.push(r, loc);
    }
    const e = Buffer.alloc(22);
    e.writeUInt32LE(0x06054b50, 0);
    e.writeUInt16LE(zip64 ? MAX16 : count, 8);
    e.writeUInt16LE(zip64 ? MAX16 : count, 10);
    e.writeUInt32LE(zip64 ? MAX32 : cdSize, 12);
    e.writeUInt32LE(zip64 ? MAX32 : cdStart, 16);
    tail.push(e);
    await this.write(Buffer.concat(tail));
    await this.flush();
    return this.pos;
  }

  private needs64(size: number, csize: number): boolean {
    return this.force64 || size >= MAX32 || csize >= MAX32;
  }

  private entry(p: Planned, crc: number, size: number, csize: number, method: 0 | 8): Written {
    const [date, time] = dosDateTime(p.mtime);
    const w: Written = { name: Buffer.from(p.name, 'utf8'), crc, size, csize, method, offset: this.pos, time, date };
    this.done.push(w);
    return w;
  }

  /** Queues bytes at the end of the zip; they reach the disk by the MiB, or at the next flush. */
  private async write(b: Buffer): Promise<void> {
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.pos += b.length;
    if (this.pendingBytes >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const b = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.out.write(b, 0, b.length, this.pos - b.length);
  }
}

const UTF8_FLAG = 1 << 11;

function localHeader(w: Written, zip64: boolean): Buffer {
  const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(w.size), 4);
    extra.writeBigUInt64LE(BigInt(w.csize), 12);
  }
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(zip64 ? 45 : 20, 4);
  h.writeUInt16LE(UTF8_FLAG, 6);
  h.writeUInt16LE(w.method, 8);
  h.writeUInt16LE(w.time, 10);
  h.writeUInt16LE(w.date, 12);
  h.writeUInt32LE(w.crc >>> 0, 14);
  h.writeUInt32LE(zip64 ? MAX32 : w.csize, 18);
  h.writeUInt32LE(zip64 ? MAX32 : w.size, 22);
  h.writeUInt16LE(w.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, w.name, extra]);
}

function centralRecord(w: Written, zip64: boolean): Buffer {
  const extra = zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(w.size), 4);
    extra.writeBigUInt64LE(BigInt(w.csize), 12);
    extra.writeBigUInt64LE(BigInt(w.offset), 20);
  }
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), 4);
  h.writeUInt16LE(zip64 ? 45 : 20, 6);
  h.writeUInt16LE(UTF8_FLAG, 8);
  h.writeUInt16LE(w.method, 10);
  h.writeUInt16LE(w.time, 12);
  h.writeUInt16LE(w.date, 14);
  h.writeUInt32LE(w.crc >>> 0, 16);
  h.writeUInt32LE(zip64 ? MAX32 : w.csize, 20);
  h.writeUInt32LE(zip64 ? MAX32 : w.size, 24);
  h.writeUInt16LE(w.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  h.writeUInt32LE(zip64 ? MAX32 : w.offset, 42);
  return Buffer.concat([h, w.name, extra]);
}

/** MS-DOS date and time (local time, 2 s resolution), clamped to the format's 1980-2107 range. */
function dosDateTime(d: Date): [number, number] {
  const y = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  const date = ((y - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  return [date, time];
}
