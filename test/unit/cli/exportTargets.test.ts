/** `lora-tagger export --target T` and `check --target T` (built CLI): the JSON, the folder, the target's rules. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeImage } from '../../../scripts/lib/makeImages.mjs';
import { json, runCli, tempDir } from './helpers';

interface Finding {
  file: string;
  rule: string;
  severity: string;
}
interface Result {
  target: string;
  path: string;
  images: number;
  bytes: number;
  findings: Finding[];
}

function kohyaRead(toml: string): Record<string, [string, string]> {
  const script = join(__dirname, '..', 'dataset', 'export', 'readers', 'kohya_reader.py');
  const r = spawnSync('python3', [script, toml, '3'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, [string, string]>;
}

describe('lora-tagger export --target and check --target (built CLI)', function () {
  this.timeout(120_000);
  let src: string;
  let out: string;

  before(async () => {
    src = join(tempDir('targets'), 'images');
    mkdirSync(src);
    for (let i = 1; i <= 3; i++) writeImage(join(src, `p${i}.png`), 96, 80, i);
    const r = await runCli(['stage', src, '--prefix', 'fx', '--trigger', 'ohwx', '--style', 'tags', '--json'], src);
    assert.equal(r.code, 0, r.stderr);
    out = join(src, 'output');
    writeFileSync(join(out, 'fx_0001.txt'), 'ohwx, red hair');
    writeFileSync(join(out, 'fx_0002.txt'), 'ohwx,blue sky');
    writeFileSync(join(out, 'fx_0003.txt'), '');
  });

  it('export --target kohya writes fx_kohya beside the output folder, which kohya reads as typed', async () => {
    const r = await runCli(['export', out, '--target', 'kohya', '--json'], src);
    assert.equal(r.code, 0, r.stderr);
    const result = json<Result>(r);
    assert.deepEqual(Object.keys(result).sort(), ['bytes', 'findings', 'images', 'path', 'target']);
    assert.equal(result.path, join(dirname(out), 'fx_kohya'));
    assert.equal(result.images, 3);
    assert.ok(result.bytes > 0);
    assert.ok(result.findings.some((f) => f.file === 'fx_0003.png' && f.rule === 'kohya-empty-caption'));
    const read = kohyaRead(join(result.path, 'dataset.toml'));
    assert.equal(read['fx_0001.png']![0], 'ohwx, red hair');
    assert.equal(read['fx_0003.png']![0], 'ohwx');
  });

  it(
    'export --target huggingface --out writes that folder; a .zip --out for a folder target is a usage ' + 'error',
    async () => {
      const r = await runCli(['export', out, '--target', 'huggingface', '--out', 'hf', '--json'], src);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(json<Result>(r).path, join(src, 'hf'));
      assert.ok(existsSync(join(src, 'hf', 'train', 'metadata.jsonl')));
      const bad = await runCli(['export', out, '--target', 'kohya', '--out', 'x.zip'], src);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /not a \.zip/);
      const unknown = await runCli(['export', out, '--target', 'dreambooth'], src);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /--target must be one of civitai, kohya, ai-toolkit, simpletuner, huggingface/);
    },
  );

  it(
    "check --target ai-toolkit reports the comma ai-toolkit rewrites; the default target's rules are " + "CivitAI's",
    async () => {
      const r = await runCli(['check', out, '--target', 'ai-toolkit', '--json'], src);
      assert.equal(r.code, 0, r.stderr);
      const rules = json<Finding[]>(r).map((f) => `${f.file} ${f.rule}`);
      assert.ok(rules.includes('fx_0002.png ai-toolkit-comma-spacing'), rules.join('\n'));
      assert.ok(!rules.some((x) => x.includes('civitai-')), rules.join('\n'));
      const civitai = json<Finding[]>(await runCli(['check', out, '--json'], src)).map((f) => `${f.file} ${f.rule}`);
      assert.ok(!civitai.some((x) => x.includes(' ai-toolkit-')));
      // CivitAI gives an empty label the trigger word alone.
      assert.ok(civitai.includes('fx_0003.png civitai-trigger-prepended'), civitai.join('\n'));
      const ai = await runCli(['export', out, '--target', 'ai-toolkit', '--json'], src);
      assert.equal(ai.code, 0, ai.stderr);
      assert.equal(json<Result>(ai).path, join(dirname(out), 'fx_ai-toolkit'));
      assert.ok(existsSync(join(dirname(out), 'fx_ai-toolkit', 'ai-toolkit.yaml')));
    },
  );

  it("without --target both use the session's export target (session.json exportTarget)", async () => {
    const file = join(out, 'session.json');
    const session = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...session, exportTarget: 'simpletuner' }));
    const rules = json<Finding[]>(await runCli(['check', out, '--json'], src)).map((f) => `${f.file} ${f.rule}`);
    assert.ok(rules.includes('fx_0003.png simpletuner-empty-caption'), rules.join('\n'));
    const r = await runCli(['export', out, '--json'], src);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json<Result>(r).target, 'simpletuner');
    assert.ok(existsSync(join(dirname(out), 'fx_simpletuner', 'multidatabackend.json')));
    // The report's buckets are the session's target's too.
    const report = await runCli(['report', out], src);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /## Buckets: SimpleTuner's, resolution 1024, after crops/);
  });
});
