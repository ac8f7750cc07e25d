/**
 * What a command of the command line is, and what the commands share: checking a folder argument before anything is
 * written, opening the dataset of an output folder, and finding the decode worker beside the bundle.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Dataset } from '../extension/dataset/session/dataset';
import { sessionExists } from '../extension/dataset/session/sessionFile';
import { UsageError, type CommandSpec, type ParsedArgs } from './args';
import type { Output } from './output';

/** What a command runs with. */
export interface RunContext {
  out: Output;
  /** Relative paths are resolved against this. */
  cwd: string;
  /** Aborted on Ctrl-C: long work stops cleanly and leaves nothing half-written. */
  signal: AbortSignal;
}

/** One command: its arguments and what it does; resolves to the exit code. */
export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, ctx: RunContext): Promise<number>;
}

/** A command with subcommands, e.g. `tags rename|remove|add|undo`. */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
}

/** Exit codes: 0 done, 1 the work failed (or `check` found an error), 2 a bad command line, 130 stopped by Ctrl-C. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The absolute path of a folder argument; a UsageError when it is not a folder that exists. */
export async function folderArg(args: ParsedArgs, name: string, spec: CommandSpec, ctx: RunContext): Promise<string> {
  const given = args.positionals[name]!;
  const folder = resolve(ctx.cwd, given);
  const st = await stat(folder).catch(() => undefined);
  if (!st) throw new UsageError(`<${name}> ${given} does not exist (looked for ${folder})`, spec.name);
  if (!st.isDirectory()) throw new UsageError(`<${name}> ${folder} is a file, not a folder`, spec.name);
  return folder;
}

/** The absolute path of an output-folder argument; a UsageError unless it holds a tagging session. */
export async function outputFolderArg(args: ParsedArgs, spec: CommandSpec, ctx: RunContext): Promise<string> {
  const folder = await folderArg(args, 'outputFolder', spec, ctx);
  if (!(await sessionExists(folder))) {
    throw new UsageError(
      `${folder} holds no tagging session (no session.json). Pass the output folder that "lora-tagger stage" made ` +
        '(by default the "output" subfolder of the image folder).',
      spec.name,
    );
  }
  return folder;
}

/** Runs `fn` on the dataset of an output folder (what the engine repaired on opening is printed as notes). */
export async function withDataset<T>(
  outputFolder: string,
  out: Output,
  fn: (dataset: Dataset) => Promise<T>,
): Promise<T> {
  const { dataset, notices } = await Dataset.open(outputFolder);
  for (const n of notices) out.note(n);
  try {
    return await fn(dataset);
  } finally {
    await dataset.close();
  }
}

/** dist/decodeWorker.js, beside this bundle (dist/cli.js): the preflight decodes images in worker threads. */
export function decodeWorkerScript(): string {
  const script = join(__dirname, 'decodeWorker.js');
  if (!existsSync(script)) {
    const cli = join(__dirname, 'cli.js');
    throw new Error(`The image decoder ${script} is missing beside ${cli}. Run "npm run build" again.`);
  }
  return script;
}

/** A string flag's value, or undefined when it was not given. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}
