/** `lora-tagger stage <folder>`: stages a folder of images into its output folder, as "Start LoRA Tagging" does. */
import { basename } from 'node:path';
import { defaultPrefix } from '../extension/dataset/staging/naming';
import { StageOptionsInput, withDefaults, type StageOptions } from '../extension/dataset/staging/options';
import { stageDataset } from '../extension/dataset/staging/stage';
import { sessionExists } from '../extension/dataset/session/sessionFile';
import { UsageError, type CommandSpec, type ParsedArgs } from './args';
import { EXIT, folderArg, stringFlag, type Command } from './command';

const spec: CommandSpec = {
  name: 'stage',
  summary: 'Copy (or move) the images of <folder> into its output folder as <prefix>_0001.png, … with a .txt each.',
  details: [
    'Writes tags.txt and session.json beside them. Run it again on the same folder to resume an interrupted run;',
    '--on-existing add stages only new images, restart sets the old output folder aside (nothing is deleted).',
  ],
  positionals: [{ name: 'folder', help: 'the folder of source images' }],
  flags: [
    { name: 'prefix', value: 'P', help: "file-name prefix (default: the folder's name made file-safe)" },
    { name: 'trigger', value: 'T', help: 'trigger word written first in every caption (default: none)' },
    { name: 'style', value: 'STYLE', choices: ['natural', 'tags'], help: 'caption style: natural (default) or tags' },
    { name: 'output', value: 'NAME', help: 'output folder: a name or path in <folder>, or absolute (default: output)' },
    {
      name: 'mode',
      value: 'MODE',
      choices: ['copy', 'move'],
      help: 'copy (default), or move: a source is removed once its copy is verified',
    },
    { name: 'subfolders', help: 'also stage images from subfolders' },
    {
      name: 'on-existing',
      value: 'WHAT',
      choices: ['resume', 'add', 'restart'],
      help: 'when the output folder holds a session: resume (default), add new images, or restart',
    },
  ],
};

// Which flag each staging option comes from, so that a refused value names the flag the user typed.
const FLAG_OF: Record<string, string> = {
  prefix: '--prefix',
  triggerWord: '--trigger',
  captionStyle: '--style',
  outputFolder: '--output',
  mode: '--mode',
  onExisting: '--on-existing',
  includeSubfolders: '--subfolders',
};

/** The stage command. */
export const stageCommand: Command = {
  spec,
  async run(args, ctx) {
    const folder = await folderArg(args, 'folder', spec, ctx);
    const options = stageOptions(args, folder);
    if (await sessionExists(folder)) {
      // Staging an output folder would copy its staged images into a nested output folder.
      throw new UsageError(
        `${folder} is the output folder of a tagging session, not a folder of source images. Pass the folder ` +
          'that holds the source images, or use check, export, tags or report on this one.',
        spec.name,
      );
    }
    const { out } = ctx;
    const r = await stageDataset(folder, options, { signal: ctx.signal, onProgress: out.progress('Staging') });
    for (const n of r.notices) out.note(n);
    const { outputFolder, sessionFile, total, staged, skipped } = r;
    out.document({ outputFolder, sessionFile, total, staged, skipped });
    out.line(`Staged ${r.staged} image(s) from ${folder}; ${r.total} in the dataset at ${r.outputFolder}.`);
    if (r.skipped.length) {
      out.line(`Skipped ${r.skipped.length} file(s):`);
      for (const s of r.skipped) out.line(`  ${s.file}: ${s.reason}`);
    }
    return EXIT.ok;
  },
};

function stageOptions(args: ParsedArgs, folder: string): StageOptions {
  const str = (name: string) => stringFlag(args, name);
  const raw = {
    prefix: str('prefix'),
    triggerWord: str('trigger'),
    captionStyle: str('style') ?? 'natural',
    outputFolder: str('output'),
    mode: str('mode'),
    onExisting: str('on-existing'),
    includeSubfolders: args.flags.subfolders === true,
  };
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const checked = StageOptionsInput.safeParse(given);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const flag = FLAG_OF[String(issue.path[0])] ?? String(issue.path[0]);
    throw new UsageError(`${flag}: ${issue.message}`, spec.name);
  }
  return withDefaults(checked.data, defaultPrefix(basename(folder)));
}
