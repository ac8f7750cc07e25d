/**
 * The test runner the VS Code extension host loads (extensionTestsPath = out/integration/index.js): the
 * @vscode/test-electron shape, `run(): Promise<void>`. It runs every compiled suite file beside it with mocha 11
 * (BDD: describe/it) and the spec reporter, whose output reaches the runner through the host's console.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import Mocha from 'mocha';

/** Runs out/integration/suite/**\/*.test.js; rejects when any test fails. */
export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    slow: 5_000,
    forbidOnly: true,
  });
  const dir = path.join(__dirname, 'suite');
  const grep = process.env.LORA_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) =>
        failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve(),
      );
    } catch (err) {
      reject(err);
    }
  });
}
