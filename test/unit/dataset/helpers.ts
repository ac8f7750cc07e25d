/** Shared helpers of the dataset engine tests: temp folders, generated images, an fs that fails on cue. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { writeImage } from '../../../scripts/lib/makeImages.mjs';
import { nodeFs, type FsLike } from '../../../src/extension/dataset/io/fsLike';
import {
  withDefaults,
  type StageOptions,
  type StageOptionsInput,
} from '../../../src/extension/dataset/staging/options';

const made: string[] = [];

/** A fresh temp folder, removed after the run. */
export function tempDir(tag = 'ds'): string {
  const d = mkdtempSync(join(tmpdir(), `lora-${tag}-`));
  made.push(d);
  return d;
}

after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Writes a small real PNG/JPEG (by extension) at `dir/rel`. */
export function img(dir: string, rel: string, seed = 1, w = 16, h = 12): string {
  return writeImage(join(dir, rel), w, h, seed);
}

/** Writes a text file, creating folders. */
export function text(dir: string, rel: string, content: string | Uint8Array): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** Full staging options over the defaults. */
export function opts(given: StageOptionsInput = {}): StageOptions {
  return withDefaults(given, 'set');
}

/** Every file under `dir` (relative, `/`-separated, sorted) with its bytes, for whole-tree comparisons. */
export function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(dir, p).split('\\').join('/');
      if (skip(rel)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(rel, readFileSync(p));
    }
  };
  walk(dir);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Names in a folder, sorted. */
export function ls(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Reads a file as text. */
export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The size of a file. */
export function size(path: string): number {
  return statSync(path).size;
}

/** A Node system error with a code, as the real fs throws. */
export function sysError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated, ${syscall} '${path}'`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  e.path = path;
  return e;
}

/** An fs method, or a FileHandle method as `handle.<name>` (its args then start with the file's path). */
export type Method = keyof FsLike | `handle.${string}`;

/** A trapped fs, how often its trap fired, and a promise settled when it "dies". */
export interface Trap {
  fs: FsLike;
  state: { fired: number; dead: boolean };
  /** Resolves when the trap fires in kill mode: from then on every call hangs, as if the process had died. */
  killed: Promise<void>;
  /** Resolves once no real call is in flight (after a kill: the calls already in the kernel have landed). */
  idle(): Promise<void>;
}

/**
 * The real fs with a trap: `when(method, args)` decides, per call, to pass (undefined), to fail (an Error), or
 * to kill ('kill'): that call and every later one never settles, so nothing more reaches the disk and no
 * clean-up runs, like VS Code being killed at that instant.
 */
export function trapFs(when: (method: Method, args: unknown[]) => Error | 'kill' | undefined): Trap {
  const state = { fired: 0, dead: false };
  let onKill: () => void = () => undefined;
  const killed = new Promise<void>((r) => (onKill = r));
  const wrapped: Record<string, unknown> = {};
  const trap = (m: Method, args: unknown[]): Promise<never> | undefined => {
    if (state.dead) return new Promise(() => undefined);
    const err = when(m, args);
    if (!err) return undefined;
    state.fired++;
    if (err !== 'kill') return Promise.reject(err);
    state.dead = true;
    onKill();
    return new Promise(() => undefined);
  };
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const track = async <T>(call: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await call();
    } finally {
      if (--inFlight === 0) for (const w of waiting.splice(0)) w();
    }
  };
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => waiting.push(r)));
  // Only the asynchronous methods: an injected fs takes the engine's asynchronous paths.
  for (const m of (Object.keys(nodeFs) as (keyof FsLike)[]).filter((k) => !k.endsWith('Sync'))) {
    const real = nodeFs[m] as (...a: unknown[]) => Promise<unknown>;
    wrapped[m] = async (...args: unknown[]) => {
      const t = trap(m, args);
      if (t) return t;
      const result = await track(() => real(...args));
      if (m !== 'open') return result;
      const handle = result as Record<string, unknown>;
      return new Proxy(handle, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (typeof v !== 'function' || typeof prop !== 'string') return v;
          return (...a: unknown[]) =>
            trap(`handle.${prop}`, [args[0], ...a]) ??
            track(async () => (v as (...x: unknown[]) => unknown).apply(target, a));
        },
      });
    };
  }
  return { fs: wrapped as unknown as FsLike, state, killed, idle };
}

/** A minimal valid session as stored on disk. */
export function sampleSession(images = 2): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: 'abc',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    sourceFolder: '..',
    prefix: 'cat',
    triggerWord: 'ohwx',
    captionStyle: 'tags',
    includeSubfolders: false,
    mode: 'copy',
    images: Array.from({ length: images }, (_, i) => ({
      file: `cat_000${i + 1}.png`,
      source: `p${i}.png`,
      size: 10,
      width: 1,
      height: 1,
      format: 'png',
      status: 'untagged',
      favourite: false,
      nsfw: false,
    })),
    currentFile: 'cat_0001.png',
    recentTags: [],
    pinnedTags: [],
    categories: [],
  };
}
