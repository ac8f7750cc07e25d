// Keeps the module graph of src/ free of import cycles (types included): two modules that import each other load
// in an order that depends on who imports first, and their split into files says nothing about who depends on whom.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The src/ modules a file imports or re-exports from, by relative path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
  return specs
    .map((s) => resolve(dirname(file), s))
    .flatMap((p) => [`${p}.ts`, join(p, 'index.ts')].filter((c) => existsSync(c)).slice(0, 1));
}

/** Every cycle found by a depth-first walk, each as the files along it. */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...path.slice(path.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('the module graph of src/', () => {
  it('has no import cycles', () => {
    const files = sources(SRC);
    assert.ok(files.length > 100, `only ${files.length} source files found under ${SRC}`);
    const found = cycles(files).map((c) => c.map((f) => relative(SRC, f)).join(' -> '));
    assert.deepEqual(found, []);
  });
});
