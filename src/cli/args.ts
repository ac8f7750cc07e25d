/**
 * The command line's argument parser and help text: each command declares its positionals and flags, and gets
 * them back checked (unknown flag, missing value, bad choice, missing or extra argument are UsageErrors naming the
 * flag). Hand-written because it is about 150 lines and node:util's parseArgs names neither the command nor the
 * choices in its messages. `--json` and `--help` are every command's.
 */

/** A flag: `--name VALUE` (or `--name=VALUE`), or a switch `--name` when `value` is absent. */
export interface Flag {
  name: string;
  /** Placeholder shown in help, e.g. 'P'; absent for a switch. */
  value?: string;
  /** The only values accepted. */
  choices?: readonly string[];
  required?: boolean;
  help: string;
}

/** A positional argument, always required. */
export interface Positional {
  name: string;
  help: string;
}

/** What a command declares about its arguments. */
export interface CommandSpec {
  /** The full name as typed, e.g. 'tags rename'. */
  name: string;
  summary: string;
  /** More lines for `--help`, after the summary. */
  details?: string[];
  positionals: Positional[];
  flags: Flag[];
}

/** Arguments as parsed: positionals by name, flags by name (a switch is true when given). */
export interface ParsedArgs {
  positionals: Record<string, string>;
  flags: Record<string, string | true | undefined>;
  json: boolean;
  help: boolean;
}

/** A mistake in the command line: exit code 2, nothing written. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` would have helped, e.g. 'tags rename'. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The flags every command takes. */
export const COMMON_FLAGS: readonly Flag[] = [
  { name: 'json', help: 'print exactly one JSON document on stdout instead of text' },
  { name: 'help', help: 'show this help' },
];

/** Parses `argv` (after the command name) against `spec`; throws a UsageError for anything it does not accept. */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = new Map([...spec.flags, ...COMMON_FLAGS].map((f) => [f.name, f]));
  const out: ParsedArgs = { positionals: {}, flags: {}, json: false, help: false };
  const loose: string[] = [];
  const fail = (message: string): never => {
    throw new UsageError(message, spec.name);
  };
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      loose.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) fail(`unknown option ${arg} (options are spelled out, e.g. --json)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = flags.get(name) ?? fail(`unknown option --${name}${suggestion(name, [...flags.keys()])}`);
    if (out.flags[name] !== undefined) fail(`--${name} is given twice; give it once`);
    if (!flag.value) {
      if (eq >= 0) fail(`--${name} is a switch and takes no value (found "${arg.slice(eq + 1)}")`);
      out.flags[name] = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      // A following "--flag" is taken as a forgotten value; a value that starts with "--" can be given as --x=--y.
      if (next === undefined || next.startsWith('--')) fail(`--${name} needs a value: --${name} ${flag.value}`);
      value = next!;
      i++;
    }
    if (flag.choices && !flag.choices.includes(value)) {
      fail(`--${name} must be one of ${flag.choices.join(', ')} (found "${value}")`);
    }
    out.flags[name] = value;
  }
  out.json = out.flags.json === true;
  out.help = out.help || out.flags.help === true;
  if (out.help) return out;
  spec.positionals.forEach((p, i) => {
    if (loose[i] === undefined) fail(`missing <${p.name}>: ${p.help}`);
    out.positionals[p.name] = loose[i]!;
  });
  if (loose.length > spec.positionals.length) {
    fail(`unexpected argument "${loose[spec.positionals.length]}"`);
  }
  for (const f of spec.flags) {
    if (f.required && out.flags[f.name] === undefined) {
      fail(`--${f.name}${f.value ? ' ' + f.value : ''} is required: ${f.help}`);
    }
  }
  return out;
}

/** The usage line of a command, e.g. `lora-tagger tags rename <outputFolder> --from A --to B [--json]`. */
export function usageLine(spec: CommandSpec): string {
  const parts = [`lora-tagger ${spec.name}`, ...spec.positionals.map((p) => `<${p.name}>`)];
  for (const f of spec.flags) {
    const text = `--${f.name}${f.value ? ` ${f.choices ? f.choices.join('|') : f.value}` : ''}`;
    parts.push(f.required ? text : `[${text}]`);
  }
  parts.push('[--json]');
  // Wrapped at 100 columns, continuation lines indented under the first argument.
  const lines = [parts[0]!];
  for (const p of parts.slice(1)) {
    if (lines.at(-1)!.length + p.length + 1 > 100) lines.push(' '.repeat(14) + p);
    else lines[lines.length - 1] += ' ' + p;
  }
  return lines.join('\n');
}

/** The `--help` text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = [
    ...spec.positionals.map((p): [string, string] => [`<${p.name}>`, p.help]),
    ...[...spec.flags, ...COMMON_FLAGS].map((f): [string, string] => [`--${f.name} ${f.value ?? ''}`.trim(), f.help]),
  ];
  const width = Math.max(...rows.map(([a]) => a.length)) + 2;
  return [
    `Usage: ${usageLine(spec)}`,
    '',
    spec.summary,
    ...(spec.details?.length ? ['', ...spec.details] : []),
    '',
    'Arguments and options:',
    ...rows.map(([a, b]) => `  ${a.padEnd(width)}${b}`),
    '',
  ].join('\n');
}

function suggestion(name: string, known: string[]): string {
  const close = known.find((k) => k.startsWith(name) || name.startsWith(k) || distance(k, name) <= 2);
  return close ? ` (did you mean --${close}?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
