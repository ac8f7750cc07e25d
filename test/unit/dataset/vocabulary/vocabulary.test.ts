import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVocabulary, vocabKey, displayTag } from '../../../../src/extension/dataset/vocabulary/vocabulary';
import { tempDir, cleanup } from '../export/helpers';

const CSV = [
  'name,category,count,aliases',
  '1girl,0,4114588,"1girls,sole_female"',
  'long_hair,0,3000000,"longhair,very_long_hair_(alias)"',
  'looking_at_viewer,0,2500000,',
  'solo,0,3500000,"alone,solo_female"',
  'hatsune_miku,4,100000,"miku,初音ミク"',
  '^_^,0,5000,',
  'long_sleeves,0,1200000',
  'lonely,0,10',
  '',
  'bad,0,"unterminated',
  ',0,12,',
  'weird,0,lots,',
  '"quoted_""name""",1,7,',
].join('\n');

describe('vocabulary', () => {
  let dir: string;
  before(() => (dir = tempDir('lora-vocab-')));
  after(() => cleanup(dir));

  it('parses a1111 CSV lines with quoted alias lists and reports bad lines by file:line', async () => {
    const f = join(dir, 'danbooru.csv');
    writeFileSync(f, CSV);
    const { vocab, problems } = await loadVocabulary([f, join(dir, 'missing.csv')]);
    assert.equal(vocab.size, 9);
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /danbooru\.csv:11: a quoted field is not closed/);
    assert.match(problems[1]!, /danbooru\.csv:12: the tag name/);
    assert.match(problems[2]!, /danbooru\.csv:13: the count "lots" is not a number/);
    assert.match(problems[3]!, /missing\.csv: cannot read .*ENOENT.*loraTagger\.vocabularyFiles/);
    assert.deepEqual(
      vocab.query('quoted', 5).map((s) => s.name),
      ['quoted "name"'],
    );
  });

  it('ranks prefix matches by count, matches aliases, and treats _ and space alike', async () => {
    const f = join(dir, 'v.csv');
    writeFileSync(f, CSV);
    const { vocab } = await loadVocabulary([f]);
    assert.deepEqual(
      vocab.query('lo', 10).map((s) => s.name),
      ['long hair', 'looking at viewer', 'long sleeves', 'lonely'],
    );
    assert.deepEqual(
      vocab.query('long_', 10).map((s) => s.name),
      ['long hair', 'long sleeves'],
    );
    assert.deepEqual(
      vocab.query('LONG H', 10).map((s) => s.name),
      ['long hair'],
    );
    assert.deepEqual(
      vocab.query('lo', 2).map((s) => s.name),
      ['long hair', 'looking at viewer'],
    );
    // An alias finds its tag, named through the alias; a tag found by name and alias shows once.
    assert.deepEqual(vocab.query('sole', 5), [
      { name: '1girl', count: 4114588, category: 'general', alias: 'sole female' },
    ]);
    assert.deepEqual(vocab.query('miku', 5), [
      { name: 'hatsune miku', count: 100000, category: 'character', alias: 'miku' },
    ]);
    assert.deepEqual(
      vocab.query('初音', 5).map((s) => s.name),
      ['hatsune miku'],
    );
    assert.deepEqual(
      vocab.query('solo', 5).map((s) => [s.name, s.alias]),
      [['solo', undefined]],
    );
    assert.deepEqual(
      vocab.query('^_', 5).map((s) => s.name),
      ['^_^'],
    );
    assert.deepEqual(vocab.query('', 5), []);
    assert.deepEqual(vocab.query('zzz', 5), []);
  });

  it('merges a tag listed in two files: highest count, all aliases', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    writeFileSync(a, 'red_hair,0,10,"redhead"\n');
    writeFileSync(b, 'red hair,0,99,"ginger"\r\nred_eyes,0,50\r\n');
    const { vocab, problems } = await loadVocabulary([a, b]);
    assert.deepEqual(problems, []);
    assert.equal(vocab.size, 2);
    assert.deepEqual(vocab.query('ginger', 3), [{ name: 'red hair', count: 99, category: 'general', alias: 'ginger' }]);
    assert.deepEqual(
      vocab.query('red', 3).map((s) => s.name),
      ['red hair', 'red eyes'],
    );
  });

  it('answers short prefixes over a large vocabulary from the top counts', async () => {
    const f = join(dir, 'big.csv');
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`a_tag_${i},0,${i},"alias_${i}"`);
    writeFileSync(f, lines.join('\n'));
    const { vocab } = await loadVocabulary([f]);
    const top = vocab.query('a', 3);
    assert.deepEqual(
      top.map((s) => s.count),
      [19_999, 19_998, 19_997],
    );
    assert.deepEqual(vocab.query('a', 3), top, 'the cached answer is the same');
    assert.equal(vocab.query('a_tag_1999', 100).length, 11, 'a_tag_1999 and a_tag_19990-19999');
  });

  it('normalises keys and display names', () => {
    assert.equal(vocabKey('Long__Hair  X'), 'long hair x');
    assert.equal(displayTag('long_hair'), 'long hair');
    assert.equal(displayTag('o_o'), 'o_o');
  });
});
