/**
 * The vocabulary in a worker thread (dist/vocabWorker.js): loading Danbooru's 140,000 rows and scanning them for a
 * query never stalls the extension host. One worker holds one set of files; asking with another set (or after a
 * file changed) loads it again. A worker that dies fails what was in flight and is started again on the next call.
 */
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { VocabSuggestion } from '../../../shared/model';

/** A request to the vocabulary worker. */
export type VocabRequest =
  | { id: number; kind: 'load'; files: string[] }
  | { id: number; kind: 'query'; query: string; limit: number }
  | { id: number; kind: 'categories'; tags: string[] };

/** The worker's reply to one request. */
export type VocabReply =
  | { id: number; ok: true; size: number; problems: string[] }
  | { id: number; ok: true; suggestions: VocabSuggestion[] }
  | { id: number; ok: true; categories: Record<string, string> }
  | { id: number; ok: false; error: string };

/** Distributes Omit over the request union. */
type Body<R> = R extends { id: number } ? Omit<R, 'id'> : never;

/** The files' identity: each path with its modification time, so an edited CSV is loaded again. */
async function keyOf(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => `${f}@${(await stat(f).catch(() => undefined))?.mtimeMs ?? 'missing'}`),
  );
  return parts.join('|');
}

/** Autocomplete and categories from vocabulary files loaded in a worker thread. */
export class VocabularyWorker {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve(r: VocabReply): void; reject(e: Error): void }>();
  private loaded: { key: string; done: Promise<unknown> } | undefined;

  /** @param script dist/vocabWorker.js; `onProblem` hears each unreadable file and bad line, once per load. */
  constructor(
    private readonly script: string,
    private readonly onProblem: (problem: string) => void,
  ) {}

  /** The best matches of `query` in these files (loading them first when needed). */
  async query(files: readonly string[], query: string, limit: number): Promise<VocabSuggestion[]> {
    if (files.length === 0) return [];
    await this.ensure(files);
    const r = (await this.call({ kind: 'query', query, limit })) as { suggestions: VocabSuggestion[] };
    return r.suggestions;
  }

  /** The vocabulary's category of each of these tags it knows (`character`, `artist`, …). */
  async categories(files: readonly string[], tags: readonly string[]): Promise<Record<string, string>> {
    if (files.length === 0 || tags.length === 0) return {};
    await this.ensure(files);
    const r = (await this.call({ kind: 'categories', tags: [...tags] })) as { categories: Record<string, string> };
    return r.categories;
  }

  /** Loads these files unless they are what the worker holds. */
  async ensure(files: readonly string[]): Promise<void> {
    const key = await keyOf(files);
    if (this.loaded?.key !== key) {
      const done = this.call({ kind: 'load', files: [...files] }).then((r) => {
        for (const p of (r as { problems: string[] }).problems) this.onProblem(p);
      });
      this.loaded = { key, done };
      done.catch(() => {
        if (this.loaded?.done === done) this.loaded = undefined;
      });
    }
    await this.loaded.done;
  }

  /** Ends the worker. */
  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.loaded = undefined;
    await w?.terminate();
  }

  private call(req: Body<VocabRequest>): Promise<VocabReply> {
    const worker = this.spawn();
    const id = this.next++;
    return new Promise<VocabReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
    }).then((r) => {
      if (!r.ok) throw new Error(r.error);
      return r;
    });
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script, { name: 'lora-tagger vocabulary' });
    w.unref();
    w.on('message', (r: VocabReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      p?.resolve(r);
    });
    const fail = (err: Error) => {
      if (this.worker === w) {
        this.worker = undefined;
        this.loaded = undefined;
      }
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (err) => fail(new Error(`The vocabulary worker failed: ${err.message}`)));
    w.on('exit', (code) => fail(new Error(`The vocabulary worker stopped (exit code ${code}).`)));
    this.worker = w;
    return w;
  }
}
