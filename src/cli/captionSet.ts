/**
 * `lora-tagger caption-set|caption-import <outputFolder> …`: write captions the way the panel saves them (atomic, the
 * status and tags.txt updated, a line break folded to a space), for scripts and other tools. A caption another
 * program changed while the command ran is never written over: the command stops and says which.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, type CommandSpec } from './args';
import { EXIT, outputFolderArg, withDataset, type Command } from './command';

const FOLDER = { name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' };

const setSpec: CommandSpec = {
  name: 'caption-set',
  summary: "Set one image's caption to the given text.",
  positionals: [
    FOLDER,
    { name: 'image', help: 'the staged image, e.g. cat_0001.png' },
    { name: 'text', help: 'its caption' },
  ],
  flags: [],
};

const importSpec: CommandSpec = {
  name: 'caption-import',
  summary: 'Set many captions, one after another, from a JSON file: { "<image>": "<caption>", … }.',
  details: ['The file may also hold a list of ["<image>", "<caption>"] pairs, saved in order (an image may recur).'],
  positionals: [FOLDER, { name: 'captions', help: 'the JSON file' }],
  flags: [],
};

/** Saves captions in order; the document lists the images saved. */
async function save(folder: string, captions: [string, string][], ctx: Parameters<Command['run']>[1]) {
  const files = await withDataset(folder, ctx.out, async (ds) => {
    const images = new Set(ds.session.images.map((i) => i.file));
    const unknown = captions.find(([f]) => !images.has(f));
    if (unknown) throw new UsageError(`${unknown[0]} is not an image of the dataset in ${folder}; nothing was saved`);
    const saved: string[] = [];
    for (const [file, text] of captions) {
      ctx.signal.throwIfAborted();
      await ds.setCaption(file, text);
      saved.push(file);
    }
    return saved;
  });
  ctx.out.document({ saved: files.length, files });
  ctx.out.line(`${files.length} caption(s) saved.`);
  return EXIT.ok;
}

/** `caption-set`. */
export const captionSetCommand: Command = {
  spec: setSpec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, setSpec, ctx);
    return save(folder, [[args.positionals.image!, args.positionals.text!]], ctx);
  },
};

/** `caption-import`. */
export const captionImportCommand: Command = {
  spec: importSpec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, importSpec, ctx);
    const path = resolve(ctx.cwd, args.positionals.captions!);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      const why = (err as Error).message;
      throw new UsageError(`${path} is not a readable JSON file (${why}); nothing was saved`, importSpec.name);
    }
    const isPair = (x: unknown) => Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'string');
    const entries: unknown[][] | undefined = Array.isArray(raw)
      ? raw.every(isPair)
        ? (raw as unknown[][])
        : undefined
      : typeof raw === 'object' && raw !== null
        ? Object.entries(raw)
        : undefined;
    if (!entries || entries.some(([, v]) => typeof v !== 'string')) {
      const what = 'one JSON object of image names to caption texts, or a list of [image, caption] pairs';
      throw new UsageError(`${path} must hold ${what}; nothing was saved`, importSpec.name);
    }
    return save(folder, entries as [string, string][], ctx);
  },
};
