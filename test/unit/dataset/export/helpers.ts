/** Test helpers for the export tests: temp folders and a zip read back entry by entry with yauzl. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';

/** A fresh temp folder removed after the current suite. */
export function tempDir(prefix = 'lora-export-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a temp folder. */
export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** One entry of a zip read back. */
export interface ZipEntryRead {
  name: string;
  method: number;
  data: Buffer;
}

/** Reads every entry of a zip with yauzl (CRC checked by yauzl as it streams). */
export function readZip(path: string): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out: ZipEntryRead[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return reject(e2 ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push({ name: entry.fileName, method: entry.compressionMethod, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Counts the entries of a zip from its central directory without reading any data. */
export function countZipEntries(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: false, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      let n = 0;
      zip.on('entry', () => n++);
      zip.on('error', reject);
      zip.on('end', () => resolve(n));
    });
  });
}
