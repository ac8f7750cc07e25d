// The real engine as the tagging panel's host, for the latency test (latency.test.mjs): run with
// `node --import tsx test/webview/realHost.ts <sourceFolder> <imageUrlPrefix>`. It stages the source folder, opens the
// dataset and answers the panel's messages the way TaggingPanel does for captions (PanelSaves: revisions and the
// panel's save order; Dataset: the per-file queue, the disk check), one JSON envelope per line on stdin and stdout.
// Like VS Code's file watcher, it re-reads every caption it wrote a random moment later, so each save also comes
// back as a (late) watcher event. Lines with `control` are the test's own: { control: 'drain' } waits for every
// save, re-read and session write, then answers { control: 'drained', captions }.
import { relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { WebviewEnvelope, type DatasetView, type ToWebview, type ReplyBody } from '../../src/shared/protocol';
import { Dataset } from '../../src/extension/dataset/session/dataset';
import { PanelSaves } from '../../src/extension/dataset/session/panelSaves';
import { stageDataset } from '../../src/extension/dataset/staging/stage';
import { withDefaults } from '../../src/extension/dataset/staging/options';

const [source, urlPrefix, imgRoot, seedArg] = process.argv.slice(2) as [string, string, string, string];
// Seeded (mulberry32), so a failing run replays with the same seed.
let seed = Number(seedArg) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
let ids = 0;
const out = (line: object) => process.stdout.write(JSON.stringify(line) + '\n');
const post = (body: ToWebview | ReplyBody, inReplyTo?: string) =>
  out({ id: `h${++ids}`, ...(inReplyTo ? { inReplyTo } : {}), body });

async function main(): Promise<void> {
  const options = withDefaults({ prefix: 'lat', triggerWord: 'ohwx', captionStyle: 'natural' }, 'lat');
  const staged = await stageDataset(source, options);
  const { dataset } = await Dataset.open(staged.outputFolder, { saveDelayMs: 20 });
  const saves = new PanelSaves(dataset);
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
  };
  dataset.onDidChangeCaption((e) => post({ type: 'caption/changed', file: e.file, text: e.text, rev: e.rev }));

  function view(): DatasetView {
    const s = dataset.session;
    const url = (file: string) => urlPrefix + relative(imgRoot, dataset.resolve(file)).split(sep).join('/');
    return {
      title: 'Latency',
      outputFolder: dataset.outputFolder,
      prefix: s.prefix,
      triggerWord: s.triggerWord,
      captionStyle: s.captionStyle,
      knownTags: dataset.knownTags(),
      recentTags: [],
      pinnedTags: [],
      categories: [],
      currentIndex: 0,
      hostKeys: [],
      images: s.images.map((i) => ({
        file: i.file,
        uri: url(i.file),
        width: i.width,
        height: i.height,
        status: i.status,
        favourite: i.favourite,
        nsfw: i.nsfw,
        caption: dataset.caption(i.file),
        rev: dataset.captionRev(i.file),
        machine: false,
      })),
    };
  }

  async function answer(raw: unknown): Promise<void> {
    const env = WebviewEnvelope.parse(raw);
    const body = env.body;
    if (body.type === 'reply') return;
    let result: unknown;
    if (body.type === 'ready') post({ type: 'dataset/load', dataset: view() });
    else if (body.type === 'caption/update') {
      const r = await saves.save(body.file, body.text, body.base, body.seq, undefined, body.typing);
      result = r.saved ? { ...r, savedAt: 'now' } : { saved: false, rev: r.rev, text: r.text };
      // A late watcher event for what was just written.
      const file = body.file;
      track(new Promise((res) => setTimeout(res, random() * 600)).then(() => dataset.reloadCaption(file)));
    } else if (body.type === 'image/select') dataset.select(body.file);
    else if (body.type === 'tags/used') dataset.useTags(body.tags);
    post({ type: 'reply', ok: true, result }, env.id);
  }

  for await (const line of createInterface({ input: process.stdin })) {
    const msg = JSON.parse(line) as { control?: string };
    if (msg.control === 'drain') {
      while (pending.size) await Promise.allSettled([...pending]);
      await dataset.flush();
      const captions = Object.fromEntries(dataset.session.images.map((i) => [i.file, dataset.caption(i.file)]));
      out({ control: 'drained', captions });
    } else track(answer(msg));
  }
  await dataset.close();
}

void main().catch((err: unknown) => {
  process.stderr.write(`realHost: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
