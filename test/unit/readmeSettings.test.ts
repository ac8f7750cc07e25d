// The README's settings table lists every setting package.json contributes, with its default: a setting a user
// cannot find in the README is one they will not know about.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** A default as the table writes it: `""` and `[]` for empty ones, a list's items separated by spaces. */
function shown(value: unknown): string {
  if (value === '') return '""';
  if (Array.isArray(value)) return value.length ? value.join(' ') : '[]';
  return String(value);
}

describe('README settings table', () => {
  it('has a row for every contributed setting, with its default', () => {
    const sections = [pkg.contributes.configuration].flat();
    const settings = sections.flatMap((s: { properties: Record<string, { default: unknown }> }) =>
      Object.entries(s.properties),
    );
    assert.ok(settings.length > 10, `only ${settings.length} settings in package.json`);
    const table = readme.slice(
      readme.indexOf('\n## Settings\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Settings\n') + 1),
    );
    const missing = settings
      .filter(([key, p]) => !table.includes(`| \`${key}\` | \`${shown(p.default)}\` |`))
      .map(([key, p]) => `${key} (default ${shown(p.default)})`);
    assert.deepEqual(missing, []);
  });
});
