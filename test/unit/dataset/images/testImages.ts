/**
 * Images the image tests make: variants of a real photo written by the image library itself (CMYK JPEG, 16-bit,
 * interlaced, palette and alpha PNG, animated WebP, a WebP whose payload is overwritten), and the ones no encoder
 * here writes, from hand-written bytes: a JPEG with restart markers and Motion Photos (a JPEG with a video after it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { library } from '../../../../src/extension/dataset/images/library';
import { REAL_IMAGES } from '../../fixtures';

/** A real photo (1800x1200, EXIF orientation 1) as bytes. */
export function photo(name = 'Landscape_1.jpg'): Buffer {
  return readFileSync(join(REAL_IMAGES, 'photos', name));
}

/** The photo re-encoded by the library in one of the variants the checks must read. */
export async function variant(
  src: Buffer,
  kind:
    | 'cmyk-jpeg'
    | 'progressive-jpeg'
    | 'png16'
    | 'interlaced-png'
    | 'palette-png'
    | 'alpha-png'
    | 'grey-png'
    | 'lossy-webp'
    | 'lossless-webp'
    | 'alpha-webp'
    | 'tiff'
    | 'gif',
  width = 600,
): Promise<Buffer> {
  const sharp = await library();
  const img = sharp(src).autoOrient().resize(width);
  switch (kind) {
    case 'cmyk-jpeg':
      return img.toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer();
    case 'progressive-jpeg':
      return img.jpeg({ quality: 85, progressive: true }).toBuffer();
    case 'png16':
      return img.toColourspace('rgb16').png().toBuffer();
    case 'interlaced-png':
      return img.png({ progressive: true }).toBuffer();
    case 'palette-png':
      return img.png({ palette: true }).toBuffer();
    case 'alpha-png':
      return img.ensureAlpha(0.6).png().toBuffer();
    case 'grey-png':
      return img.greyscale().png().toBuffer();
    case 'lossy-webp':
      return img.webp({ quality: 75 }).toBuffer();
    case 'lossless-webp':
      return img.webp({ lossless: true }).toBuffer();
    case 'alpha-webp':
      return img.ensureAlpha(0.6).webp({ quality: 80 }).toBuffer();
    case 'tiff':
      return img.tiff().toBuffer();
    case 'gif':
      return img.gif().toBuffer();
  }
}

/** A three-frame animated WebP of the photo (frames: the photo, its negative, the photo again). */
export async function animatedWebp(src: Buffer, width = 300): Promise<Buffer> {
  const sharp = await library();
  const a = await sharp(src).resize(width).png().toBuffer();
  const b = await sharp(a).negate().png().toBuffer();
  return sharp([a, b, a], { join: { animated: true } })
    .webp({ quality: 70, loop: 0 })
    .toBuffer();
}

/** A WebP whose header and frame header are whole but whose compressed pixels are overwritten with 0xFF. */
export function corruptWebpPayload(webp: Buffer): Buffer {
  const bad = Buffer.from(webp);
  bad.fill(0xff, 40);
  return bad;
}

/**
 * A 64x64 grayscale baseline JPEG with a restart marker after every 8x8 block (DRI = 1), written by hand: each block
 * is flat, its DC value giving the mean `blockMean(i)`, every AC coefficient zero, quantisation all ones.
 */
export function restartJpeg(): Buffer {
  const bytes: number[] = [0xff, 0xd8];
  const seg = (marker: number, body: number[]) =>
    bytes.push(0xff, marker, ((body.length + 2) >> 8) & 255, (body.length + 2) & 255, ...body);
  seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  seg(0xc0, [8, 0, 64, 0, 64, 1, 1, 0x11, 0]);
  // Annex K's luminance DC table; an AC table that holds only EOB, coded as a single 0 bit.
  seg(0xc4, [0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 12 }, (_, i) => i)]);
  seg(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]);
  seg(0xdd, [0, 1]);
  seg(0xda, [1, 1, 0x00, 0, 63, 0]);
  const dcCodes = [
    '00',
    '010',
    '011',
    '100',
    '101',
    '110',
    '1110',
    '11110',
    '111110',
    '1111110',
    '11111110',
    '111111110',
  ];
  for (let b = 0; b < 64; b++) {
    // With one block per restart interval the prediction is reset each time: the difference is the DC itself.
    const dc = (blockMean(b) - 128) * 8;
    const cat = dc === 0 ? 0 : Math.floor(Math.log2(Math.abs(dc))) + 1;
    const extra = cat === 0 ? '' : (dc > 0 ? dc : dc + (1 << cat) - 1).toString(2).padStart(cat, '0');
    let bits = dcCodes[cat]! + extra + '0';
    while (bits.length % 8) bits += '1';
    for (let i = 0; i < bits.length; i += 8) {
      const v = parseInt(bits.slice(i, i + 8), 2);
      bytes.push(v);
      if (v === 0xff) bytes.push(0x00);
    }
    if (b < 63) bytes.push(0xff, 0xd0 + (b % 8));
  }
  bytes.push(0xff, 0xd9);
  return Buffer.from(bytes);
}

/** The mean of block `i` (row-major, 8 x 8 blocks) in restartJpeg(). */
export function blockMean(i: number): number {
  return 16 + ((i * 53) % 224);
}

/**
 * A Motion Photo: the JPEG, an XMP block declaring the video (Google's MicroVideoOffset) after SOI, then `video`
 * bytes. `declareLength: false` declares a Motion Photo without saying where its video starts.
 */
export function motionPhoto(
  jpeg: Buffer,
  videoBytes = 300_000,
  opts: { declareLength?: boolean; padding?: number } = {},
): Buffer {
  // Video bytes without an FF D9 pair, as an MP4's payload need not have one in its last kilobytes.
  const video = Buffer.alloc(videoBytes);
  video.write('\0\0\0\x18ftypmp42', 0, 'latin1');
  for (let i = 16; i < video.length; i++) video[i] = (i * 131 + 7) & 0x7f;
  const attr = opts.declareLength === false ? '' : ` GCamera:MicroVideoOffset="${video.length}"`;
  const xmp = `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1"${attr}/></rdf:RDF></x:xmpmeta>`;
  const segment = (marker: number, body: Buffer) =>
    Buffer.concat([Buffer.from([0xff, marker, ((body.length + 2) >> 8) & 255, (body.length + 2) & 255]), body]);
  // A camera's EXIF block (with its thumbnail) often comes first; comment segments of that size push the XMP as far.
  const padding = Array.from({ length: Math.ceil((opts.padding ?? 0) / 60_000) }, () =>
    segment(0xfe, Buffer.alloc(60_000, 0x20)),
  );
  return Buffer.concat([
    jpeg.subarray(0, 2),
    ...padding,
    segment(0xe1, Buffer.from(xmp, 'latin1')),
    jpeg.subarray(2),
    video,
  ]);
}
