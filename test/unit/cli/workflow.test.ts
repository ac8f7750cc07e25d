/** The command line end to end on real photos: stage, then check, then export, then report, as a CI job would. */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { needRealImages } from '../fixtures';
import { readZip } from '../dataset/export/helpers';
import { copyRealImages, json, runCli, type CliRun } from './helpers';

interface Session {
  prefix: string;
  triggerWord: string;
  captionStyle: string;
  images: { file: string; source: string }[];
}

interface StageResult {
  outputFolder: string;
  sessionFile: string;
  total: number;
  staged: number;
  skipped: { file: string; reason: string }[];
}

interface Finding {
  file: string;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

const SOURCES = [
  'photos/Landscape_1.jpg',
  'photos/Landscape_6.jpg',
  'photos/Portrait_1.jpg',
  'formats/png-sample.png',
  'formats/webp-lossy.webp',
  'formats/gif-sample.gif',
  'invalid/truncated-or-garbage.png',
];

describe('lora-tagger: stage, check, export, report (built CLI, real images)', function () {
  this.timeout(120_000);
  let src: string;
  let out: string;
  let session: Session;
  const fileOf = (source: string) => session.images.find((i) => i.source === source)!.file;
  let findings: Finding[];

  before(function () {
    needRealImages(this);
    src = copyRealImages(SOURCES);
  });

  it('stage copies every image it can with a caption each and lists the rest with the reason', async () => {
    const args = ['stage', src, '--prefix', 'fx', '--trigger', 'ohwx', '--style', 'tags', '--json'];
    const r = await runCli(args, dirname(src));
    assert.equal(r.code, 0, r.stderr);
    const result = json<StageResult>(r);
    out = join(src, 'output');
    assert.equal(result.outputFolder, out);
    assert.equal(result.sessionFile, join(out, 'session.json'));
    assert.equal(result.total, 5);
    assert.equal(result.staged, 5);
    assert.deepEqual(result.skipped.map((s) => s.file).sort(), ['gif-sample.gif', 'truncated-or-garbage.png']);
    for (const s of result.skipped) assert.ok(s.reason.length > 10, `a reason for ${s.file}: ${s.reason}`);
    session = JSON.parse(readFileSync(result.sessionFile, 'utf8'));
    assert.equal(session.prefix, 'fx');
    assert.equal(session.triggerWord, 'ohwx');
    assert.equal(session.captionStyle, 'tags');
    for (const img of session.images) {
      assert.ok(existsSync(join(out, img.file)), img.file);
      const copy = readFileSync(join(out, img.file));
      assert.deepEqual(copy, readFileSync(join(src, img.source)), `${img.file} is a full copy`);
      assert.equal(readFileSync(join(out, img.file.replace(/\.[^.]+$/, '.txt')), 'utf8'), 'ohwx');
    }
    assert.ok(existsSync(join(src, 'Landscape_1.jpg')), 'copy mode leaves the originals');
  });

  it('stage prints progress on stderr as whole lines when stderr is not a terminal', async () => {
    const again = copyRealImages(SOURCES.slice(0, 3));
    const r = await runCli(['stage', again], again);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Staged 3 image\(s\) from .*; 3 in the dataset at .*output\.\n$/);
    assert.doesNotMatch(r.stderr, /[\r\x1b]/, 'no carriage returns or terminal escapes in a log');
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('Staging:'));
    assert.ok(progress.length >= 2, r.stderr);
    assert.match(progress.at(-1)!, /^Staging: 3\/3 \(100%\)$/);
  });

  it('check returns the findings and exits 0 when none is an error', async () => {
    writeFileSync(join(out, fileOf('Portrait_1.jpg').replace('.jpg', '.txt')), 'ohwx, a man, hat, ohwx');
    const r = await runCli(['check', out, '--json'], src);
    assert.equal(r.code, 0, r.stderr);
    findings = json<Finding[]>(r);
    const rules = findings.map((f) => `${f.file} ${f.rule}`);
    assert.ok(rules.includes(`${fileOf('Landscape_6.jpg')} exif-orientation`), rules.join('\n'));
    assert.ok(rules.includes(`${fileOf('Portrait_1.jpg')} trigger-repeated`), rules.join('\n'));
    assert.ok(!rules.includes(`${fileOf('Landscape_1.jpg')} exif-orientation`), 'orientation 1 is upright');
    for (const f of findings) {
      assert.deepEqual(Object.keys(f).sort(), ['file', 'message', 'rule', 'severity']);
      assert.notEqual(f.severity, 'error');
    }
    const human = await runCli(['check', out], src);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /^warning +fx_\d{4}\.jpg +exif-orientation +/m);
    assert.match(human.stdout, /: \d+ warnings?(, \d+ notes?)?\.\n$/);
  });

  it('export writes the zip its JSON describes, with the same findings as check', async () => {
    const zip = join(dirname(src), 'dataset.zip');
    const r = await runCli(['export', 'images/output', '--out', 'dataset.zip', '--json'], dirname(src));
    assert.equal(r.code, 0, r.stderr);
    const result = json<{ zipPath: string; images: number; bytes: number; findings: Finding[] }>(r);
    assert.equal(result.zipPath, zip);
    assert.equal(result.images, 5);
    assert.equal(result.bytes, statSync(zip).size);
    assert.deepEqual(result.findings, findings);
    const entries = await readZip(zip);
    const expected = session.images.flatMap((i) => [i.file, i.file.replace(/\.[^.]+$/, '.txt')]).sort();
    assert.deepEqual(entries.map((e) => e.name).sort(), expected);
    const portrait = fileOf('Portrait_1.jpg');
    assert.deepEqual(entries.find((e) => e.name === portrait)!.data, readFileSync(join(out, portrait)));
    const caption = entries.find((e) => e.name === portrait.replace('.jpg', '.txt'))!;
    assert.equal(caption.data.toString(), 'ohwx, a man, hat, ohwx');
  });

  it('export without --out writes <prefix>_civitai.zip beside the output folder', async () => {
    const r = await runCli(['export', out], src);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Exported 5 images with their captions \([\d.]+ MB\) to .*fx_civitai\.zip\.$/m);
    assert.ok(existsSync(join(src, 'fx_civitai.zip')));
  });

  it('report prints the Markdown report, and --json the report object', async () => {
    const md = await runCli(['report', out], src);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# Dataset report\n/);
    assert.match(md.stdout, /5 images: 1 tagged, 4 untagged, 0 skipped\./);
    assert.match(md.stdout, /\| a man \| 1 \|/);
    const r = await runCli(['report', out, '--json'], src);
    assert.equal(r.code, 0, r.stderr);
    type Report = { counts: Record<string, number>; exported: number; tags: { top: { tag: string; count: number }[] } };
    const report = json<Report>(r);
    assert.deepEqual(report.counts, { images: 5, tagged: 1, untagged: 4, skipped: 0, unreviewed: 0 });
    assert.equal(report.exported, 5);
    assert.deepEqual(report.tags.top.map((t) => t.tag).sort(), ['a man', 'hat']);
  });

  it('every command with --json prints exactly one JSON document and nothing else on stdout', async () => {
    const runs: CliRun[] = [];
    // One after another: they share the dataset, as separate CI steps would.
    for (const args of [
      ['stage', src],
      ['check', out],
      ['report', out],
      ['tags', 'add', out, '--tag', 'outdoors'],
    ]) {
      runs.push(await runCli([...args, '--json'], src));
    }
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(typeof json(r), 'object');
    }
  });
});
