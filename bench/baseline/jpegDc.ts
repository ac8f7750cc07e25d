/**
 * Part of the bench's baseline (see handDecoders.ts): the DC-coefficient JPEG decoder the dataset check used
 * before the image library, kept unchanged so the bench can measure against it. Not shipped.
 */

/**
 * Fast path for baseline JPEG (SOF0/SOF1, Huffman): decodes the whole entropy-coded stream, so a corrupt or cut
 * file fails as in a full decode, but keeps only each luma block's DC coefficient, which is the block's mean
 * brightness: the image at 1/8 scale, all the perceptual hash needs. It skips the dequantisation of AC
 * coefficients, the IDCT and the colour conversion, which are most of jpeg-js' time. Returns undefined for what
 * it does not handle (progressive, arithmetic, lossless), which then goes through jpeg-js.
 */
export function decodeJpegDc(
  buf: Uint8Array,
): { width: number; height: number; dcWidth: number; dcHeight: number; dc: Float32Array } | undefined {
  type Comp = {
    id: number;
    h: number;
    v: number;
    tq: number;
    bw: number;
    bh: number;
    pred: number;
    td: number;
    ta: number;
  };
  const q: number[][] = [];
  const dcTables: Huff[] = [];
  const acTables: Huff[] = [];
  let comps: Comp[] = [];
  let width = 0;
  let height = 0;
  let hmax = 1;
  let vmax = 1;
  let restart = 0;
  let dc: Float32Array | undefined;
  let pos = 2;
  const u16 = (p: number) => (buf[p]! << 8) | buf[p + 1]!;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) throw new Error(`a JPEG marker was expected at byte ${pos}`);
    const m = buf[pos + 1]!;
    if (m === 0xff) {
      pos++;
      continue;
    }
    if (m === 0xd9) break;
    if (m >= 0xd0 && m <= 0xd7) {
      pos += 2;
      continue;
    }
    const len = u16(pos + 2);
    const seg = pos + 4;
    const end = pos + 2 + len;
    if (end > buf.length) throw new Error('a JPEG segment runs past the end of the file');
    if (m === 0xdb) {
      for (let p = seg; p < end; ) {
        const pq = buf[p]! >> 4;
        const t = buf[p]! & 15;
        q[t] = [pq ? u16(p + 1) : buf[p + 1]!];
        p += 1 + 64 * (pq ? 2 : 1);
      }
    } else if (m === 0xc0 || m === 0xc1) {
      height = u16(seg + 1);
      width = u16(seg + 3);
      const n = buf[seg + 5]!;
      comps = [];
      for (let i = 0; i < n; i++) {
        const b = seg + 6 + i * 3;
        comps.push({
          id: buf[b]!,
          h: buf[b + 1]! >> 4,
          v: buf[b + 1]! & 15,
          tq: buf[b + 2]!,
          bw: 0,
          bh: 0,
          pred: 0,
          td: 0,
          ta: 0,
        });
      }
      hmax = Math.max(...comps.map((c) => c.h));
      vmax = Math.max(...comps.map((c) => c.v));
      if (!width || !height || !comps.length || comps.some((c) => !c.h || !c.v))
        throw new Error('its frame header is damaged');
      for (const c of comps) {
        c.bw = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
        c.bh = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
      }
      dc = new Float32Array(comps[0]!.bw * comps[0]!.bh);
    } else if (m >= 0xc2 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      return undefined; // progressive, lossless, hierarchical or arithmetic: jpeg-js' job
    } else if (m === 0xc4) {
      for (let p = seg; p < end; ) {
        const cls = buf[p]! >> 4;
        const id = buf[p]! & 15;
        const counts = buf.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        (cls ? acTables : dcTables)[id] = buildHuff(counts, buf.subarray(p + 17, p + 17 + total));
        p += 17 + total;
      }
    } else if (m === 0xdd) {
      restart = u16(seg);
    } else if (m === 0xda) {
      if (!dc) throw new Error('the image data comes before the frame header');
      const ns = buf[seg]!;
      const scan: Comp[] = [];
      for (let i = 0; i < ns; i++) {
        const c = comps.find((x) => x.id === buf[seg + 1 + i * 2]);
        if (!c) throw new Error('a scan names a component the frame does not have');
        c.td = buf[seg + 2 + i * 2]! >> 4;
        c.ta = buf[seg + 2 + i * 2]! & 15;
        scan.push(c);
      }
      pos = decodeScan(buf, end, scan, comps[0]!, dc, dcTables, acTables, restart, hmax, vmax, width, height);
      continue;
    }
    pos = end;
  }
  if (!dc || !width) throw new Error('it has no baseline frame');
  const y = comps[0]!;
  // The DC coefficient times its quantiser is 8 x the block's mean, level-shifted by 128.
  const scale = (q[y.tq]?.[0] ?? 1) / 8;
  for (let i = 0; i < dc.length; i++) dc[i] = dc[i]! * scale + 128;
  return { width, height, dcWidth: y.bw, dcHeight: y.bh, dc };
}

interface Huff {
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

function buildHuff(counts: Uint8Array, values: Uint8Array): Huff {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    const n = counts[l - 1]!;
    if (n) {
      valptr[l] = k;
      mincode[l] = code;
      code += n;
      k += n;
      maxcode[l] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { maxcode, valptr, mincode, values: Uint8Array.from(values) };
}

/** Decodes one scan's entropy-coded data from `p`; returns the position of the marker that ends it. */
function decodeScan(
  buf: Uint8Array,
  p: number,
  scan: Array<{ h: number; v: number; bw: number; bh: number; pred: number; td: number; ta: number }>,
  luma: object,
  dc: Float32Array,
  dcT: Huff[],
  acT: Huff[],
  restart: number,
  hmax: number,
  vmax: number,
  width: number,
  height: number,
): number {
  let bits = 0;
  let nbits = 0;
  let hitMarker = false;
  // Bytes of zero padding read after the data ran into a marker: a whole stream needs none.
  let pad = 0;
  const fill = () => {
    let b = 0;
    if (!hitMarker) {
      if (p >= buf.length) throw new Error('it is cut short (the image data ends early)');
      b = buf[p]!;
      if (b === 0xff) {
        const n = buf[p + 1];
        if (n === undefined) throw new Error('it is cut short (the image data ends early)');
        if (n === 0) p += 2;
        else {
          hitMarker = true;
          b = 0;
          pad++;
        }
      } else p++;
    } else pad++;
    if (pad > 2) throw new Error('its image data ends before the last block');
    bits = b;
    nbits = 8;
  };
  const bit = () => {
    if (!nbits) fill();
    nbits--;
    return (bits >>> nbits) & 1;
  };
  const receive = (s: number) => {
    let v = 0;
    for (let i = 0; i < s; i++) v = (v << 1) | bit();
    return v;
  };
  const decode = (t: Huff | undefined) => {
    if (!t) throw new Error('a scan uses a Huffman table that was never defined');
    let code = bit();
    let l = 1;
    while (code > t.maxcode[l]!) {
      code = (code << 1) | bit();
      if (++l > 16) throw new Error('its image data is corrupt (an invalid Huffman code)');
    }
    return t.values[t.valptr[l]! + code - t.mincode[l]!]!;
  };
  const block = (c: (typeof scan)[number], bx: number, by: number) => {
    const s = decode(dcT[c.td]);
    if (s > 16) throw new Error('its image data is corrupt (a DC value out of range)');
    const diff = s ? extend(receive(s), s) : 0;
    c.pred += diff;
    if (c === luma && bx < c.bw && by < c.bh) dc[by * c.bw + bx] = c.pred;
    const ac = acT[c.ta];
    for (let k = 1; k < 64; ) {
      const rs = decode(ac);
      const r = rs >> 4;
      const sz = rs & 15;
      if (!sz) {
        if (r !== 15) break;
        k += 16;
      } else {
        k += r;
        receive(sz);
        k++;
      }
      if (k > 64) throw new Error('its image data is corrupt (a block overruns 64 coefficients)');
    }
  };
  const single = scan.length === 1;
  const c0 = scan[0]!;
  // A non-interleaved scan covers the component's own blocks; an interleaved one goes MCU by MCU.
  const mcusX = single ? c0.bw : Math.ceil(width / (8 * hmax));
  const mcusY = single ? c0.bh : Math.ceil(height / (8 * vmax));
  const total = mcusX * mcusY;
  for (const c of scan) c.pred = 0;
  for (let m = 0; m < total; m++) {
    if (restart && m > 0 && m % restart === 0) {
      // Expect RSTn: drop leftover bits, step over the marker, reset the DC predictions.
      nbits = 0;
      hitMarker = false;
      pad = 0;
      while (p < buf.length - 1 && !(buf[p] === 0xff && buf[p + 1]! >= 0xd0 && buf[p + 1]! <= 0xd7)) p++;
      if (p >= buf.length - 1) throw new Error('it is cut short (a restart marker is missing)');
      p += 2;
      for (const c of scan) c.pred = 0;
    }
    const mx = m % mcusX;
    const my = Math.floor(m / mcusX);
    if (single) block(c0, mx, my);
    else {
      for (const c of scan) {
        for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) block(c, mx * c.h + h, my * c.v + v);
      }
    }
  }
  // Step to the marker that ends the scan. More than a few bytes left means the blocks were read out of step:
  // the data is damaged (a whole stream ends within a byte of its last block).
  const last = p;
  while (p < buf.length - 1 && !(buf[p] === 0xff && buf[p + 1] !== 0 && !(buf[p + 1]! >= 0xd0 && buf[p + 1]! <= 0xd7)))
    p++;
  if (p - last > 16) throw new Error(`its image data is corrupt (${p - last} bytes left over after the last block)`);
  return p;
}

function extend(v: number, s: number): number {
  return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}
