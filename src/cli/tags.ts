/**
 * `lora-tagger tags rename|remove|add|undo <outputFolder>`: the dataset-wide tag operations of the VS Code commands.
 * Each one is recorded in the output folder's tag-undo.json, so `tags undo` takes back the newest one in a later
 * run, and never overwrites a caption edited since.
 */
import {
  applyTagOperation,
  planForDataset,
  undoLastTagOperation,
  validateOperation,
  type TagOperation,
} from '../extension/dataset/tags/tagOperations';
import { UsageError, type CommandSpec, type ParsedArgs } from './args';
import { EXIT, outputFolderArg, stringFlag, withDataset, type Command, type CommandGroup } from './command';

const FOLDER = { name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' };

function operationCommand(spec: CommandSpec, build: (args: ParsedArgs) => TagOperation): Command {
  return {
    spec,
    async run(args, ctx) {
      const op = build(args);
      try {
        // The checks that need no dataset (empty tag, comma, a rename to the same name) are command-line mistakes.
        validateOperation(op, '');
      } catch (err) {
        throw new UsageError((err as Error).message, spec.name);
      }
      const folder = await outputFolderArg(args, spec, ctx);
      const { out } = ctx;
      const r = await withDataset(folder, out, async (ds) => {
        const changes = planForDataset(ds, op);
        // A few captions are written in a blink; a progress line is for the big datasets.
        const onProgress = changes.length > 200 ? out.progress('Writing captions') : undefined;
        return applyTagOperation(ds, op, changes, { onProgress });
      });
      for (const n of r.notices) out.warn(n);
      const files = r.changes.map((c) => c.file);
      out.document({ label: r.label, changed: files.length, files });
      if (files.length === 0) out.line(`${r.label}: no caption has it, so nothing changed.`);
      else {
        out.line(`${r.label}: ${files.length} caption(s) changed (${preview(files)}).`);
        out.line(`Undo: lora-tagger tags undo ${args.positionals.outputFolder}`);
      }
      return EXIT.ok;
    },
  };
}

const renameCommand = operationCommand(
  {
    name: 'tags rename',
    summary: 'Rename a tag in every caption that has it; renaming to a tag a caption already has merges the two.',
    positionals: [FOLDER],
    flags: [
      { name: 'from', value: 'A', required: true, help: 'the tag to rename' },
      { name: 'to', value: 'B', required: true, help: 'its new name (an existing tag merges them)' },
    ],
  },
  (a) => ({ kind: 'rename', from: stringFlag(a, 'from')!, to: stringFlag(a, 'to')! }),
);

const removeCommand = operationCommand(
  {
    name: 'tags remove',
    summary: 'Remove a tag from every caption.',
    positionals: [FOLDER],
    flags: [{ name: 'tag', value: 'A', required: true, help: 'the tag to remove' }],
  },
  (a) => ({ kind: 'remove', tag: stringFlag(a, 'tag')! }),
);

const addCommand = operationCommand(
  {
    name: 'tags add',
    summary: 'Add a tag to the caption of every image that is not skipped.',
    positionals: [FOLDER],
    flags: [{ name: 'tag', value: 'A', required: true, help: 'the tag to add' }],
  },
  (a) => ({ kind: 'add', tag: stringFlag(a, 'tag')! }),
);

const undoSpec: CommandSpec = {
  name: 'tags undo',
  summary: 'Take back the newest dataset-wide tag operation (from this tool or VS Code), one per run.',
  details: ['A caption edited since the operation keeps the newer text and is listed as skipped.'],
  positionals: [FOLDER],
  flags: [],
};

const undoCommand: Command = {
  spec: undoSpec,
  async run(args, ctx) {
    const folder = await outputFolderArg(args, undoSpec, ctx);
    const { out } = ctx;
    const r = await withDataset(folder, out, (ds) => undoLastTagOperation(ds));
    out.document({ label: r.label, changed: r.restored.length, files: r.restored, skipped: r.skipped });
    if (r.label === null) out.line('There is no dataset-wide tag operation to undo in this dataset.');
    else {
      const which = r.restored.length ? ` (${preview(r.restored)})` : '';
      out.line(`Undid ${r.label}: ${r.restored.length} caption(s) restored${which}.`);
    }
    if (r.skipped.length) {
      out.line(`${r.skipped.length} caption(s) edited since were left as they are: ${preview(r.skipped)}.`);
    }
    return EXIT.ok;
  },
};

/** The tags command group. */
export const tagsGroup: CommandGroup = {
  name: 'tags',
  summary: 'Rename, remove or add a tag across the dataset, or undo the last such operation.',
  commands: [renameCommand, removeCommand, addCommand, undoCommand],
};

function preview(files: readonly string[]): string {
  return files.slice(0, 5).join(', ') + (files.length > 5 ? `, … ${files.length - 5} more` : '');
}
