/**
 * CRC-32 (the zip checksum). Node's native `zlib.crc32` (Node 20.15+/22.2+) runs at about 2 GB/s; older hosts,
 * such as VS Code 1.90's Node 20.9, get this table-driven version (slower, same result).
 */
import * as zlib from 'node:zlib';

let table: Int32Array | undefined;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** CRC-32 in plain JS, continuing from `value`. */
export function crc32Js(data: Uint8Array, value = 0): number {
  table ??= makeTable();
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

type Crc32 = (data: Uint8Array, value?: number) => number;

/** The fastest CRC-32 this Node has. */
export const crc32: Crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32 ?? crc32Js;
