/**
 * The panel's natural-style shape `ohwx, tag` (what adding a chip to a fresh natural caption writes): no target's
 * check reports a trigger problem for it, and CivitAI's own intake (transcribed in readers/) reads the trigger once.
 */
import { strict as assert } from 'node:assert';
import { EXPORT_TARGETS, checkTarget, writtenCaption } from '../../../../src/extension/dataset/export/targets';
import { civitaiTrainingLabel } from './readers/civitaiIntake';

describe('the natural-style shape `ohwx, tag`', () => {
  const shapes = ['ohwx, red hair', 'ohwx, red hair, smile', 'ohwx,red hair'];
  const input = { triggerWord: 'ohwx', captionStyle: 'natural' as const };

  it('gives no trigger finding on any target, and CivitAI (label type caption) reads the trigger once', () => {
    const images = shapes.map((caption, i) => ({ file: `n_${i + 1}.png`, caption }));
    for (const t of EXPORT_TARGETS) {
      const trig = checkTarget(t, { ...input, images }).filter((f) => /trigger/.test(f.rule));
      assert.deepEqual(trig, [], `${t}: ${JSON.stringify(trig)}`);
    }
    for (const c of shapes) {
      const label = civitaiTrainingLabel(writtenCaption('civitai', c, input), 'ohwx', 'caption');
      assert.equal(label.match(/ohwx/g)?.length, 1, `${c} -> ${label}`);
      assert.match(label, /^ohwx red hair/);
    }
  });

  it('a trigger that is not first in that shape is still reported where the trainer would add it', () => {
    const images = [{ file: 'n_1.png', caption: 'red hair, ohwx' }];
    const rules = checkTarget('civitai', { ...input, images }).map((f) => f.rule);
    assert.ok(rules.includes('civitai-trigger-prepended'), rules.join(', '));
  });
});
