/**
 * `lora-tagger`: the command line, the dataset engine's second front door (dist/cli.js, the package's bin). It
 * parses the arguments, runs one command and exits with its code; it never imports `vscode`. A new command is one
 * file exporting a Command (or a CommandGroup) and one entry in COMMANDS.
 */
import { version } from '../../package.json';
import { commandHelp, parseArgs, UsageError } from './args';
import { captionCommand } from './caption';
import { captionImportCommand, captionSetCommand } from './captionSet';
import { checkCommand } from './check';
import { EXIT, type Command, type CommandGroup } from './command';
import { exportCommand } from './export';
import { Output, type Streams } from './output';
import { reportCommand } from './report';
import { stageCommand } from './stage';
import { tagsGroup } from './tags';
import { replaceCommand } from './replace';

const COMMANDS: readonly (Command | CommandGroup)[] = [
  stageCommand,
  checkCommand,
  exportCommand,
  tagsGroup,
  reportCommand,
  captionCommand,
  captionSetCommand,
  captionImportCommand,
  replaceCommand,
];

const isGroup = (c: Command | CommandGroup): c is CommandGroup => 'commands' in c;
const nameOf = (c: Command | CommandGroup) => (isGroup(c) ? c.name : c.spec.name);

/** Runs the command line `argv` (without node and the script) and resolves to the exit code. */
export async function main(
  argv: readonly string[],
  streams: Streams,
  cwd: string,
  signal: AbortSignal,
): Promise<number> {
  const flagsEnd = argv.indexOf('--');
  const json = (flagsEnd < 0 ? argv : argv.slice(0, flagsEnd)).includes('--json');
  const out = new Output(streams, json);
  const say = (text: string): number => {
    streams.stdout.write(text.endsWith('\n') ? text : text + '\n');
    return EXIT.ok;
  };
  let command: Command | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      streams.stderr.write(overallHelp());
      return EXIT.usage;
    }
    if (first === '--help' || first === '-h') return say(overallHelp());
    if (first === '--version' || first === '-V') return say(version);
    if (first === 'help') return say(rest.length ? helpOf(find(rest).target) : overallHelp());
    const found = find(argv);
    const args = argv.slice(found.depth);
    if (isGroup(found.target)) {
      if (args.includes('--help') || args.includes('-h')) return say(helpOf(found.target));
      throw new UsageError(`"${found.target.name}" needs one of: ${subNames(found.target)}`, found.target.name);
    }
    command = found.target;
    const parsed = parseArgs(command.spec, args);
    if (parsed.help) return say(commandHelp(command.spec));
    return await command.run(parsed, { out, cwd, signal });
  } catch (err) {
    return fail(err, out, json, streams, command);
  }
}

function fail(err: unknown, out: Output, json: boolean, streams: Streams, command: Command | undefined): number {
  const message = err instanceof Error ? err.message : String(err);
  const stopped = signalStopped(err);
  const code = err instanceof UsageError ? EXIT.usage : stopped ? EXIT.interrupted : EXIT.failed;
  const where = err instanceof UsageError ? err.command : command?.spec.name;
  if (stopped) out.error(`${where ?? 'lora-tagger'}: stopped. ${stopped}`);
  else out.error(`${where ? where + ': ' : ''}${message}`);
  if (err instanceof UsageError) {
    streams.stderr.write(`Run "lora-tagger ${where ? where + ' ' : ''}--help" for usage.\n`);
  }
  // With --json the caller reads stdout: it gets one document in every case, the error too.
  if (json) streams.stdout.write(JSON.stringify({ error: { message, exitCode: code } }, null, 2) + '\n');
  return code;
}

/** For an error caused by Ctrl-C, what is left on disk; undefined for any other error. */
function signalStopped(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'AbortError') return 'Nothing is left half-written; run the same command again to finish.';
  if (err.name === 'ExportError' && (err as { code?: string }).code === 'cancelled') return 'No zip was written.';
  return undefined;
}

/** The command (or group) `argv` names, and how many words named it. */
function find(argv: readonly string[]): { target: Command | CommandGroup; depth: number } {
  const top = COMMANDS.find((c) => nameOf(c) === argv[0]);
  if (!top) {
    const hint = argv[0]!.startsWith('-') ? ' (options come after the command)' : '';
    throw new UsageError(`unknown command "${argv[0]}"${hint}; the commands are ${COMMANDS.map(nameOf).join(', ')}`);
  }
  if (!isGroup(top) || argv[1] === undefined || argv[1].startsWith('-')) return { target: top, depth: 1 };
  const sub = top.commands.find((c) => c.spec.name === `${top.name} ${argv[1]}`);
  if (!sub) {
    throw new UsageError(`unknown command "${top.name} ${argv[1]}"; "${top.name}" has ${subNames(top)}`, top.name);
  }
  return { target: sub, depth: 2 };
}

function subNames(group: CommandGroup): string {
  return group.commands.map((c) => c.spec.name.split(' ').pop()).join(', ');
}

function helpOf(target: Command | CommandGroup): string {
  if (!isGroup(target)) return commandHelp(target.spec);
  const lines = target.commands.map((c) => `  lora-tagger ${c.spec.name.padEnd(12)} ${c.spec.summary}`);
  const more = `Run "lora-tagger ${target.name} <command> --help" for its options.`;
  return [target.summary, '', ...lines, '', more, ''].join('\n');
}

function overallHelp(): string {
  const rows = COMMANDS.flatMap((c) => (isGroup(c) ? c.commands.map((s) => s.spec) : [c.spec]));
  return [
    `lora-tagger ${version}: stage, check, export and tag LoRA training datasets (the engine of LoRA Dataset Tagger).`,
    '',
    'Usage: lora-tagger <command> [arguments] [options]',
    '',
    'Commands:',
    ...rows.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`),
    '',
    'Every command takes --json (exactly one JSON document on stdout) and --help.',
    'Exit codes: 0 done, 1 failed (or check found an error), 2 bad command line (nothing written), 130 stopped.',
    '',
  ].join('\n');
}

// The entry point: real streams, Ctrl-C stops long work cleanly (a second Ctrl-C exits at once).
if (require.main === module) {
  const abort = new AbortController();
  process.on('SIGINT', () => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\nStopping… (Ctrl-C again to quit at once)\n');
    abort.abort();
  });
  // The decode pool unrefs its worker threads (they must not hold the extension host open), so while a command
  // waits on them nothing else would keep this process alive: hold the event loop open until the command ends.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const streams = { stdout: process.stdout, stderr: process.stderr };
  void main(process.argv.slice(2), streams, process.cwd(), abort.signal).then((code) => {
    clearInterval(keepAlive);
    process.exitCode = code;
  });
}
