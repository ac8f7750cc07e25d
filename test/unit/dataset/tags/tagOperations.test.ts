import { strict as assert } from 'node:assert';
import { applyToCaption, planOperation } from '../../../../src/extension/dataset/tags/tagOperations';

describe('dataset-wide tag operations', () => {
  const input = (style: 'tags' | 'natural', texts: string[]) => ({
    style,
    trigger: 'ohwx',
    captions: texts.map((text, i) => ({ file: `x_000${i + 1}.png`, text, skipped: i === 3 })),
  });

  it('renames a tag in every caption that has it, and only those', () => {
    const changes = planOperation(input('tags', ['ohwx, red hair, smile', 'ohwx, smile', 'ohwx, red hair']), {
      kind: 'rename',
      from: 'red hair',
      to: 'auburn hair',
    });
    assert.deepEqual(
      changes.map((c) => [c.file, c.after]),
      [
        ['x_0001.png', 'ohwx, auburn hair, smile'],
        ['x_0003.png', 'ohwx, auburn hair'],
      ],
    );
    assert.equal(changes[0]!.before, 'ohwx, red hair, smile');
  });

  it('merges into a tag the caption already has', () => {
    assert.equal(
      applyToCaption(
        'ohwx, redhead, red hair, smile',
        { kind: 'rename', from: 'redhead', to: 'red hair' },
        'tags',
        'ohwx',
      ),
      'ohwx, red hair, smile',
    );
    assert.equal(
      applyToCaption(
        'A woman smiling.  Soft light., redhead, red hair',
        { kind: 'rename', from: 'redhead', to: 'red hair' },
        'natural',
        'ohwx',
      ),
      'A woman smiling.  Soft light., red hair',
    );
  });

  it('keeps natural prose byte for byte around the renamed part, and never renames words of the prose', () => {
    const prose = 'ohwx woman in a field.  She smiles.,  film grain, 35mm';
    assert.equal(
      applyToCaption(prose, { kind: 'rename', from: 'film grain', to: 'grainy film' }, 'natural', 'ohwx'),
      'ohwx woman in a field.  She smiles.,  grainy film, 35mm',
    );
    const inProse = 'ohwx woman in a field.  She smiles,  film grain, 35mm.';
    assert.equal(
      applyToCaption(inProse, { kind: 'rename', from: 'film grain', to: 'grainy film' }, 'natural', 'ohwx'),
      inProse,
    );
    assert.equal(applyToCaption(inProse, { kind: 'remove', tag: 'film grain' }, 'natural', 'ohwx'), inProse);
  });

  it('removes every occurrence, and adds to all but skipped images', () => {
    assert.equal(applyToCaption('ohwx, a, b, a', { kind: 'remove', tag: 'a' }, 'tags', 'ohwx'), 'ohwx, b');
    const adds = planOperation(input('tags', ['ohwx', 'ohwx, hdr', 'ohwx, a', 'ohwx, skipped one']), {
      kind: 'add',
      tag: 'hdr',
    });
    assert.deepEqual(
      adds.map((c) => c.file),
      ['x_0001.png', 'x_0003.png'],
    );
  });

  it('refuses empty tags, commas, a no-op rename and the trigger word, with a reason', () => {
    const i = input('tags', ['ohwx, a']);
    assert.throws(() => planOperation(i, { kind: 'rename', from: 'a', to: ' ' }), /empty/);
    assert.throws(() => planOperation(i, { kind: 'add', tag: 'a, b' }), /comma/);
    assert.throws(() => planOperation(i, { kind: 'rename', from: 'a', to: 'a' }), /already/);
    assert.throws(() => planOperation(i, { kind: 'remove', tag: 'OHWX' }), /trigger/);
  });
});
