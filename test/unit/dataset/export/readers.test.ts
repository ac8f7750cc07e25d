/**
 * Each trainer's own caption reader, transcribed (see readers/), run on our export of a staged dataset: it must read
 * exactly the caption the user typed, with the trigger where the user wanted it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { exportForTarget } from '../../../../src/extension/dataset/export/targetExport';
import type { CaptionStyle } from '../../../../src/shared/model';
import { img, opts, tempDir } from '../helpers';
import { civitaiEstimatedType, civitaiReadZip, civitaiTrainingLabel } from './readers/civitaiIntake';

const READERS = join(__dirname, 'readers');

/** Runs a reader script with python3 and returns what it printed as JSON. */
function python(script: string, ...args: string[]): Record<string, unknown> {
  const r = spawnSync('python3', [join(READERS, script), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const TAGS = ['ohwx, red hair, smiling', 'ohwx, blue sky, standing outdoors', ''];
const PROSE = 'ohwx, a woman standing in a field of sunflowers at dusk, wearing a long red coat and a knitted scarf';
const NATURAL = [
  PROSE,
  'ohwx woman laughing at a small table in a sunny cafe, holding a cup of coffee in both ' + 'hands',
  '',
];

/** A staged dataset of three images with the given captions (the last one left untagged). */
async function staged(style: CaptionStyle, captions: readonly string[], trigger = 'ohwx'): Promise<Dataset> {
  const src = tempDir('readers');
  captions.forEach((_, i) => img(src, `p${i + 1}.png`, i + 1, 96, 80));
  const { outputFolder } = await stageDataset(src, opts({ prefix: 'lora', triggerWord: trigger, captionStyle: style }));
  // Written as the user's editor would, before the session is opened: the export reads what is on disk.
  captions.forEach((c, i) => writeFileSync(join(outputFolder, `lora_${String(i + 1).padStart(4, '0')}.txt`), c));
  const { dataset } = await Dataset.open(outputFolder);
  assert.deepEqual(
    dataset.session.images.map((i) => dataset.caption(i.file)),
    [...captions],
  );
  return dataset;
}

/** The captions the user typed, by staged file name. */
function typed(dataset: Dataset): Map<string, string> {
  return new Map(dataset.session.images.map((i) => [i.file, dataset.caption(i.file)]));
}

describe('export targets, read back by each trainer’s own reader', function () {
  this.timeout(60_000);
  const opened: Dataset[] = [];
  after(async () => {
    for (const d of opened) await d.close();
  });
  const open = async (style: CaptionStyle, captions: readonly string[], trigger?: string) => {
    const d = await staged(style, captions, trigger);
    opened.push(d);
    return d;
  };

  for (const [style, captions] of [
    ['tags', TAGS],
    ['natural', NATURAL],
  ] as const) {
    it(
      `kohya (${style}): read_caption reads each caption as typed, an untagged image trains on its class ` + `tokens`,
      async () => {
        const d = await open(style, captions);
        const r = await exportForTarget(d, 'kohya');
        const read = python('kohya_reader.py', join(r.path, 'dataset.toml'), '7') as Record<string, [string, string]>;
        for (const [file, caption] of typed(d)) {
          const [got, shuffled] = read[file]!;
          assert.equal(got, caption === '' ? 'ohwx' : caption, file);
          // keep_tokens = 1 keeps the trigger first however kohya shuffles the tags; prose is not shuffled.
          if (style === 'tags') assert.equal(shuffled.split(',')[0], 'ohwx', file);
          else assert.equal(shuffled, got, file);
        }
        assert.equal(Object.keys(read).length, 3);
      },
    );

    it(`ai-toolkit (${style}): get_caption reads each caption as typed, the trigger where it was`, async () => {
      const d = await open(style, captions);
      const r = await exportForTarget(d, 'ai-toolkit');
      const yaml = readFileSync(join(r.path, 'ai-toolkit.yaml'), 'utf8');
      const folder = JSON.parse(/folder_path: (".*")/.exec(yaml)![1]!) as string;
      assert.match(yaml, /trigger_word: "ohwx"/);
      const read = python('ai_toolkit_reader.py', folder, 'txt', 'ohwx');
      for (const [file, caption] of typed(d)) {
        // An empty caption gets the trigger added in front, as ai-toolkit does with any caption lacking it.
        assert.equal(read[file], caption === '' ? 'ohwx ' : caption, file);
      }
    });

    it(`simpletuner (${style}): the textfile strategy reads one caption per image, as typed`, async () => {
      const d = await open(style, captions);
      const r = await exportForTarget(d, 'simpletuner');
      const read = python('simpletuner_reader.py', join(r.path, 'multidatabackend.json'));
      for (const [file, caption] of typed(d)) assert.equal(read[file], caption, file);
    });

    it(`huggingface (${style}): metadata.jsonl gives each image its caption`, async () => {
      const d = await open(style, captions);
      const r = await exportForTarget(d, 'huggingface');
      const read = python('imagefolder_reader.py', r.path);
      for (const [file, caption] of typed(d)) assert.equal(read[file], caption, file);
    });

    it(
      `civitai (${style}): the intake pairs each caption and sees the trigger first, so never adds it ` + `twice`,
      async () => {
        const d = await open(style, captions);
        const r = await exportForTarget(d, 'civitai');
        const images = await civitaiReadZip(r.path);
        const labelType = civitaiEstimatedType(images);
        assert.equal(labelType, style === 'natural' ? 'caption' : 'tag');
        const byName = new Map(images.map((i) => [i.name, i.label]));
        for (const [file, caption] of typed(d)) {
          const trained = civitaiTrainingLabel(byName.get(file)!, 'ohwx', labelType);
          // "ohwx, a woman…" in captions is written "ohwx a woman…", the form CivitAI's ^ohwx( |$) sees as first.
          const expected =
            caption === '' ? 'ohwx' : style === 'natural' ? caption.replace(/^ohwx, /, 'ohwx ') : caption;
          assert.equal(trained, expected, file);
        }
      },
    );
  }

  it(
    'ai-toolkit with [trigger]: the placeholder is filled in from trigger_word, reading the caption as ' + 'typed',
    async () => {
      const d = await open('tags', TAGS);
      const r = await exportForTarget(d, 'ai-toolkit', { triggerPlaceholder: true });
      const first = d.session.images[0]!.file.replace(/\.png$/, '.txt');
      assert.equal(readFileSync(join(r.path, 'images', first), 'utf8'), '[trigger],red hair,smiling');
      const read = python('ai_toolkit_reader.py', join(r.path, 'images'), '.txt', 'ohwx');
      for (const [file, caption] of typed(d)) if (caption) assert.equal(read[file], caption, file);
    },
  );

  it('a kohya export never writes an empty caption file (kohya asserts on one)', async () => {
    const d = await open('tags', ['', '', 'ohwx, one'], '');
    const r = await exportForTarget(d, 'kohya', { className: 'woman' });
    const dir = join(r.path, 'img', '10_woman');
    const untagged = d.session.images[0]!.file.replace(/\.png$/, '.txt');
    assert.equal(existsSync(join(dir, untagged)), false);
    const read = python('kohya_reader.py', join(r.path, 'dataset.toml'), '1') as Record<string, [string, string]>;
    assert.equal(read[d.session.images[0]!.file]![0], 'woman');
    assert.equal(read[d.session.images[2]!.file]![0], 'ohwx, one');
  });
});
