/**
 * Session bench: opening a 10,000-image dataset (session.json, every caption, tags.txt; target < 300 ms) and the
 * median time to save one caption (atomic write with fsync; target < 10 ms), plus one debounced session save.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { pngBuffer } from '../scripts/lib/makeImages.mjs';
import { Dataset } from '../src/extension/dataset/session/dataset';
import { saveSession, serializeSession } from '../src/extension/dataset/session/sessionFile';
import { SESSION_SCHEMA_VERSION, type ImageRecord, type Session } from '../src/extension/dataset/session/schema';
import { median, printRows, time, type BenchRow } from './harness';

const IMAGES = Number(process.env.SESSION_BENCH_IMAGES ?? 10000);

/** A caption of 8-16 tags drawn from a 600-tag vocabulary, trigger first. */
function caption(i: number, vocab: string[]): string {
  const n = 8 + (i % 9);
  const tags = new Set<string>();
  for (let k = 0; tags.size < n; k++) tags.add(vocab[(i * 7919 + k * 104729) % vocab.length]!);
  return ['ohwx', ...tags].join(', ');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-session-bench-'));
  const out = join(dir, 'output');
  mkdirSync(out);
  const rows: BenchRow[] = [];
  try {
    const vocab = Array.from(
      { length: 600 },
      (_, i) => `tag ${i} ${['red', 'blue', 'outdoor', 'smile', 'hat'][i % 5]}`,
    );
    const png = pngBuffer(8, 8);
    const images: ImageRecord[] = [];
    const width = Math.max(4, String(IMAGES).length);
    for (let i = 1; i <= IMAGES; i++) {
      const file = `bench_${String(i).padStart(width, '0')}.png`;
      writeFileSync(join(out, file), png);
      const tagged = i % 4 !== 0;
      writeFileSync(join(out, file.replace('.png', '.txt')), tagged ? caption(i, vocab) : 'ohwx');
      images.push({
        file,
        source: `photos/img ${i}.png`,
        size: png.length,
        width: 8,
        height: 8,
        format: 'png',
        status: tagged ? 'tagged' : 'untagged',
        favourite: i % 50 === 0,
        nsfw: false,
      });
    }
    writeFileSync(join(out, 'tags.txt'), ['ohwx', ...vocab].join('\n') + '\n');
    const now = new Date().toISOString();
    const session: Session = {
      schemaVersion: SESSION_SCHEMA_VERSION,
      id: nanoid(),
      createdAt: now,
      updatedAt: now,
      sourceFolder: '..',
      prefix: 'bench',
      triggerWord: 'ohwx',
      captionStyle: 'tags',
      includeSubfolders: false,
      mode: 'copy',
      images,
      currentFile: images[0]!.file,
      recentTags: vocab.slice(0, 20),
      pinnedTags: vocab.slice(0, 5),
      categories: [{ name: 'Colours', tags: vocab.slice(0, 30) }],
    };
    writeFileSync(join(out, 'session.json'), serializeSession(session));

    const open = async () => {
      const { dataset, notices } = await Dataset.open(out);
      if (notices.length) throw new Error(`unexpected repair: ${notices.join(' ')}`);
      await dataset.close();
    };
    await open(); // warm the page cache and the module graph
    rows.push({ name: `open a ${IMAGES}-image session (median of 5)`, ms: await median(5, open), target: 300 });

    const { dataset } = await Dataset.open(out, { saveDelayMs: 1000 });
    let i = 0;
    const saveExisting = () => {
      const file = images[(i++ * 37) % images.length]!.file;
      return dataset.setCaption(file, `${caption(i, vocab)}, ${vocab[i % vocab.length]}`);
    };
    rows.push({
      name: 'save one caption, known tags (median of 200)',
      ms: await median(200, saveExisting),
      target: 10,
    });
    const saveNewTag = () => {
      const file = images[(i++ * 37) % images.length]!.file;
      return dataset.setCaption(file, `ohwx, brand new tag ${i}`);
    };
    rows.push({
      name: 'save one caption with a new tag (+ tags.txt, median of 50)',
      ms: await median(50, saveNewTag),
      target: 10,
    });
    rows.push({
      name: `write session.json of ${IMAGES} images (+ .bak)`,
      ms: await median(5, () => saveSession(out, dataset.session as Session)),
    });
    rows.push({ name: 'flush and close', ms: await time(() => dataset.close()) });
    printRows(
      `Session (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
      rows,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
