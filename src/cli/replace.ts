/**
 * `lora-tagger replace <outputFolder> --find A --replace B`: find and replace across the captions, the engine of the
 * panel's Find and Replace. It prints each caption that changes (before -> after, the changed parts in [[ ]]) and
 * the count; `--dry-run` stops there. A run that writes is one step of tag-undo.json, so `lora-tagger tags undo`
 * takes it back and never overwrites a caption edited since.
 */
import {
  applyFindReplace,
  planFindReplaceForDataset,
  type Range,
  type ReplaceChange,
} from '../extension/dataset/tags/findReplace';
import { UsageError, type CommandSpec } from './args';
import { EXIT, outputFolderArg, stringFlag, withDataset, type Command } from './command';

const spec: CommandSpec = {
  name: 'replace',
  summary: 'Find and replace across the captions (plain text or a regex, whole tags or free text), as one undo step.',
  details: [
    'The trigger word is never matched unless --include-trigger is given. Undo: lora-tagger tags undo <outputFolder>.',
  ],
  positionals: [{ name: 'outputFolder', help: 'the output folder of a tagging session (it holds session.json)' }],
  flags: [
    { name: 'find', value: 'A', required: true, help: 'the text (or with --regex, the pattern) to find' },
    { name: 'replace', value: 'B', required: true, help: 'what to put instead ("" removes; with --regex $1 works)' },
    { name: 'regex', help: '--find is a JavaScript regular expression' },
    { name: 'case-sensitive', help: 'match the exact case (default: any case)' },
    { name: 'tags', help: 'match whole tags only (natural captions: the tag tail), not any text' },
    { name: 'include-trigger', help: 'also change the trigger word' },
    { name: 'dry-run', help: 'show what would change and write nothing' },
  ],
};

/** A text with its ranges wrapped in [[ ]]. */
function marked(text: string, marks: readonly Range[]): string {
  let out = '';
  let last = 0;
  for (const [a, b] of marks) {
    out += `${text.slice(last, a)}[[${text.slice(a, b)}]]`;
    last = b;
  }
  return out + text.slice(last);
}

/** The replace command. */
export const replaceCommand: Command = {
  spec,
  async run(args, ctx) {
    const find = stringFlag(args, 'find');
    const replace = stringFlag(args, 'replace');
    if (!find) throw new UsageError('--find is empty: give the text or pattern to look for', spec.name);
    const folder = await outputFolderArg(args, spec, ctx);
    const { out } = ctx;
    const dryRun = args.flags['dry-run'] === true;
    const r = await withDataset(folder, out, async (ds) => {
      const plan = planFindReplaceForDataset(ds, {
        find,
        replace: replace ?? '',
        regex: args.flags.regex === true,
        caseSensitive: args.flags['case-sensitive'] === true,
        target: args.flags.tags === true ? 'tags' : 'text',
        includeTrigger: args.flags['include-trigger'] === true,
      });
      if (dryRun || plan.changes.length === 0) return { plan, notices: [] as string[] };
      const onProgress = plan.changes.length > 200 ? out.progress('Writing captions') : undefined;
      const applied = await applyFindReplace(ds, plan, { onProgress });
      return { plan, notices: applied.notices };
    });
    for (const n of r.notices) out.warn(n);
    const { plan } = r;
    const list = (c: ReplaceChange) => ({ file: c.file, before: c.before, after: c.after });
    out.document({
      label: plan.label,
      changed: plan.changes.length,
      replacements: plan.replacements,
      written: !dryRun && plan.changes.length > 0,
      changes: plan.changes.map(list),
    });
    if (plan.changes.length === 0) {
      out.line(`${plan.label}: no caption matches, so nothing changed.`);
      return EXIT.ok;
    }
    for (const c of plan.changes) {
      out.line(`${c.file}: ${marked(c.before, c.beforeMarks)}`);
      out.line(`${' '.repeat(c.file.length)}  -> ${marked(c.after, c.afterMarks)}`);
    }
    const n = `${plan.changes.length} caption(s), ${plan.replacements} replacement(s)`;
    if (dryRun) out.line(`${plan.label}: would change ${n}. Nothing was written (--dry-run).`);
    else {
      out.line(`${plan.label}: changed ${n}.`);
      out.line(`Undo: lora-tagger tags undo ${args.positionals.outputFolder}`);
    }
    return EXIT.ok;
  },
};
