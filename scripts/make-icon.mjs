// Draws media/icon.png (128x128): a price-tag glyph on a rounded square. Run once; the PNG is committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { PNG } from 'pngjs';

const S = 128;
const png = new PNG({ width: S, height: S });
const inRounded = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), S - 1 - r),
    cy = Math.min(Math.max(y, r), S - 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
// The tag: a rotated rectangle with a pointed end and a hole.
const rot = (x, y) => {
  const a = -Math.PI / 4,
    dx = x - 64,
    dy = y - 64;
  return [dx * Math.cos(a) - dy * Math.sin(a), dx * Math.sin(a) + dy * Math.cos(a)];
};
const inTag = (x, y) => {
  const [u, v] = rot(x, y);
  if (Math.abs(v) > 22) return false;
  if (u > 38) return false;
  if (u < -24) return u > -46 && Math.abs(v) < 22 - (-24 - u);
  return true;
};
const inHole = (x, y) => {
  const [u, v] = rot(x, y);
  return (u + 26) ** 2 + v ** 2 < 36;
};
for (let y = 0; y < S; y++)
  for (let x = 0; x < S; x++) {
    const i = (y * S + x) * 4;
    let [r, g, b, a] = [0, 0, 0, 0];
    if (inRounded(x, y, 24)) {
      const t = (x + y) / (2 * S);
      r = 36 + 40 * t;
      g = 42 + 30 * t;
      b = 120 + 100 * t;
      a = 255;
    }
    if (inTag(x, y) && !inHole(x, y)) {
      r = 255;
      g = 196;
      b = 61;
      a = 255;
    }
    if (inTag(x, y) && !inHole(x, y)) {
      const [u] = rot(x, y);
      if (u > 0 && u < 30 && Math.abs(rot(x, y)[1]) < 3) {
        r = 120;
        g = 80;
        b = 20;
      }
    }
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = a;
  }
mkdirSync('media', { recursive: true });
writeFileSync('media/icon.png', PNG.sync.write(png));
console.log('wrote media/icon.png');
