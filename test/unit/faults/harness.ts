/**
 * The fault-injection suite's harness: the built command line (the CLI bundle, as users run it) as a child process,
 * SIGKILLed after a seeded random delay; file hashes and listings; and a counter of every invariant checked.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCli } from '../cli/helpers';

/** Kills per scenario: FAULT_KILLS (30 or more for the figures in the README), a few in `npm test`. */
export const KILLS = Number(process.env.FAULT_KILLS ?? 5);
/** The seed: FAULT_SEED replays a run's choice of kill moments. */
export const SEED = Number(process.env.FAULT_SEED ?? 20261201);

/** A seeded random number generator (mulberry32), values in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The longest one run of the CLI may take. */
const STUCK_MS = 180_000;

/** How one run of the CLI ended. */
export interface Run {
  killed: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** When to SIGKILL a run: after a time, or as soon as `when()` (asked every 2 ms) says so. */
export type Kill = { afterMs: number } | { when: () => boolean };

/** Runs the CLI with `args`; with `kill`, SIGKILLs it then (a run that ended first was not killed). */
export async function runCli(args: readonly string[], cwd: string, kill?: Kill): Promise<Run> {
  const cli = await buildCli();
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const stop = () => {
      killed = child.kill('SIGKILL');
    };
    const poll = kill && 'when' in kill ? kill.when : undefined;
    const timer =
      kill === undefined
        ? undefined
        : 'afterMs' in kill
          ? setTimeout(stop, kill.afterMs)
          : setInterval(() => !killed && poll!() && stop(), 2);
    // A run that never ends is a failure of its own (a lock never released, a wait that never returns).
    const stuck = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lora-tagger ${args.join(' ')} did not end within ${STUCK_MS / 1000} s:\n${stderr}`));
    }, STUCK_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(timer);
      clearTimeout(stuck);
      resolve({ killed: killed && code === null, code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** SHA-256 of a file's bytes. */
export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file under `dir`, relative, sorted. */
export function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Temp files, partial exports, locks and the copies a replace kept aside (swapReplace.ts, `.lora-aside`: merged back
 * by the next replace, removed when the dataset closes): none may stay once a run has finished.
 */
export const isLeftover = (name: string) => /\.(lora-tmp|partial|lora-lock|lora-aside)$/.test(name);

/** Counts invariant checks; a failed one throws with what was found. */
export class Invariants {
  checked = 0;
  constructor(private readonly where: () => string) {}

  /** One invariant: `ok`, or fail saying what and where (the seed and kill number replay it). */
  check(ok: boolean, what: string): void {
    this.checked++;
    if (!ok) throw new Error(`${what} (${this.where()})`);
  }
}
