import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexVocabulary, loadVocabulary, vocabKey } from '../../../../src/extension/dataset/vocabulary/vocabulary';
import { categoryName, displayTag, schemeOf } from '../../../../src/extension/dataset/vocabulary/categories';
import { tempDir, cleanup } from '../export/helpers';
import { oracle, type OracleRow } from './vocabOracle';

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
    assert.equal(problems.length, 4, problems.join('\n'));
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
    // Prefix matches first; "solo" holds "lo" inside a word, so it comes after them, whatever its count.
    assert.deepEqual(
      vocab.query('lo', 10).map((s) => s.name),
      ['long hair', 'looking at viewer', 'long sleeves', 'lonely', 'solo'],
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
    assert.deepEqual(vocab.query('longh', 5), [
      { name: 'long hair', count: 3000000, category: 'general', alias: 'longhair' },
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
    // Digits of the count column and the commas between fields are not part of any tag.
    assert.deepEqual(vocab.query('4114', 5), []);
    assert.deepEqual(vocab.query('r,0', 5), []);
  });

  it('offers prefix, then word-start, then substring matches, by count within each, leaving room past the prefixes', () => {
    const problems: string[] = [];
    const rows = ['long_hair,0,4000000,longhair', 'short_hair,0,2000000,', 'chair,0,90000,', 'hairband,0,50,'];
    for (let i = 0; i < 20; i++) rows.push(`hair_thing_${i},0,${1000 + i},`);
    const vocab = indexVocabulary([{ file: 'danbooru.csv', text: rows.join('\n'), scheme: 'danbooru' }], problems);
    assert.deepEqual(problems, []);
    const names = vocab.query('hair', 12).map((s) => s.name);
    // Twelve places, a third kept for the others: nine prefix matches (the most used of 21), then the word
    // starts by count, then the substring.
    assert.deepEqual(names, [
      'hair thing 19',
      'hair thing 18',
      'hair thing 17',
      'hair thing 16',
      'hair thing 15',
      'hair thing 14',
      'hair thing 13',
      'hair thing 12',
      'hair thing 11',
      'long hair',
      'short hair',
      'chair',
    ]);
    // With few others, the prefixes fill the rest; the class order holds whatever the counts.
    assert.deepEqual(
      vocab.query('hairb', 5).map((s) => s.name),
      ['hairband'],
    );
    assert.deepEqual(
      vocab.query('air', 3).map((s) => s.name),
      ['long hair', 'short hair', 'chair'],
    );
    assert.deepEqual(
      vocab.query('t hair', 3).map((s) => s.name),
      ['short hair'],
    );
  });

  it('names the categories of the Danbooru and e621 CSVs, by the file they come from', () => {
    const danbooru = ['a,0,9', 'b,1,9', 'c,3,9', 'd,4,9', 'e,5,9', 'f,2,9', 'g,character,9', 'h,,9'].join('\n');
    const e621 = ['a,-1,9', 'b,0,9', 'c,1,9', 'd,3,9', 'e,4,9', 'f,5,9', 'g,6,9', 'h,7,9', 'i,8,9', 'j,2,9'].join('\n');
    const cats = (text: string, file: string) => {
      const vocab = indexVocabulary([{ file, text, scheme: schemeOf(file) }], []);
      return text.split('\n').map((l) => vocab.categoryOf(l.split(',')[0]!) ?? null);
    };
    assert.equal(schemeOf('/x/e621_sfw.csv'), 'e621');
    assert.equal(schemeOf('/x/E621.csv'), 'e621');
    assert.equal(schemeOf('/x/danbooru.csv'), 'danbooru');
    assert.equal(schemeOf('/x/my-tags.csv'), 'danbooru');
    assert.deepEqual(cats(danbooru, 'danbooru.csv'), [
      'general',
      'artist',
      'copyright',
      'character',
      'meta',
      'category 2',
      'character',
      null,
    ]);
    assert.deepEqual(cats(e621, 'e621.csv'), [
      'invalid',
      'general',
      'artist',
      'copyright',
      'character',
      'species',
      'invalid',
      'meta',
      'lore',
      'contributor',
    ]);
    assert.equal(categoryName('danbooru', '5'), 'meta');
    assert.equal(categoryName('e621', '5'), 'species');
  });

  it('keeps underscores that are part of the name: emoticons and letter-by-letter artist names', () => {
    const text = ['^_^,0,9', '>_<,0,9', '+_-,0,9', 't_t,0,9', 'y_o_u_k_a,1,9', 'long_hair,0,9', 'nanashi_(nlo),1,9'];
    const vocab = indexVocabulary([{ file: 'danbooru.csv', text: text.join('\n'), scheme: 'danbooru' }], []);
    assert.deepEqual(
      text.map((l) => vocab.canonical(l.split(',')[0]!)),
      ['^_^', '>_<', '+_-', 't_t', 'y_o_u_k_a', 'long hair', 'nanashi (nlo)'],
    );
    assert.deepEqual(
      vocab.query('y o', 3).map((s) => s.name),
      ['y_o_u_k_a'],
    );
  });

  it('skips and counts malformed rows, naming the file and the line', () => {
    const lines = ['ok,0,1'];
    for (let i = 0; i < 25; i++) lines.push(`bad_${i},0,many`);
    lines.push('"open,0,1', 'also_ok,0,2,"x,""y"""');
    const problems: string[] = [];
    const vocab = indexVocabulary([{ file: '/t/tags.csv', text: lines.join('\r\n'), scheme: 'danbooru' }], problems);
    assert.equal(vocab.size, 2);
    assert.equal(problems.length, 21);
    assert.equal(problems[0], '/t/tags.csv:2: the count "many" is not a number; the line was skipped.');
    assert.equal(problems[20], '/t/tags.csv: 6 more bad lines were skipped.');
    assert.deepEqual(vocab.query('y"', 2), [{ name: 'also ok', count: 2, category: 'general', alias: '"y"' }]);
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

  it('answers a query typed on from the last one exactly as a fresh scan does', () => {
    const words = ['long', 'hair', 'red', 'ribbon', 'hat', 'shirt', 'sitting', 'smile', 'open', 'mouth'];
    const rows: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const name = `${words[i % 10]}_${words[(i * 7) % 10]}_${i}`;
      rows.push(`${name},${i % 6},${(i * 7919) % 100000},"${words[(i * 3) % 10]}${i},alt_${words[(i * 5) % 10]}"`);
    }
    const src = [{ file: 'danbooru.csv', text: rows.join('\n'), scheme: 'danbooru' as const }];
    const typed = indexVocabulary(src, []);
    for (const word of ['long hair 1', 'smile', 'shirt s', 'alt ri', 'hat', 'at', 'ribbon', 'n 2']) {
      for (let k = 1; k <= word.length; k++) {
        const q = word.slice(0, k);
        assert.deepEqual(
          typed.query(q, 20),
          indexVocabulary(src, []).query(q, 20),
          `"${q}" after "${word.slice(0, k - 1)}"`,
        );
      }
    }
  });

  it('normalises keys and display names', () => {
    assert.equal(vocabKey('Long__Hair  X'), 'long hair x');
    assert.equal(displayTag('long_hair'), 'long hair');
    assert.equal(displayTag('o_o'), 'o_o');
  });
});

describe('vocabulary against a brute force', () => {
  // Two files that share tags (merged: the highest count, every alias), one of them not sorted by count, with
  // capitals, names outside ASCII, a line read by RFC 4180 rules and aliases of every class.
  const words = ['long', 'hair', 'red', 'ribbon', 'hat', 'shirt', 'sitting', 'Smile', 'open', 'mouth', 'été', 'ÉCOLE'];
  const rows: OracleRow[] = [];
  const files: string[][] = [[], []];
  for (let i = 0; i < 1500; i++) {
    const f = i % 3 === 0 ? 1 : 0;
    const name = `${words[i % 12]}_${words[(i * 7) % 12]}${i % 5 === 0 ? '' : `_${i % 400}`}`;
    const count = f === 0 ? 100_000 - i * 13 : (i * 7919) % 5000;
    const aliases = i % 4 === 0 ? [`${words[(i * 3) % 12]}${i % 50}`, `alt_${words[(i * 5) % 12]}`] : [];
    const quoted = i % 97 === 0;
    const line = quoted
      ? `"${name}",${i % 6},${count},"${aliases.join(',')}"`
      : `${name},${i % 6},${count}${aliases.length ? `,"${aliases.join(',')}"` : ''}`;
    files[f]!.push(line);
    rows.push({ name, category: String(i % 6), count, aliases, scheme: 'danbooru' });
  }
  // The oracle reads the rows in file order: all of the first file, then the second.
  const ordered = [...rows.filter((_, i) => i % 3 !== 0), ...rows.filter((_, i) => i % 3 === 0)];
  const expect = oracle(ordered);
  const sources = files.map((lines, f) => ({
    file: `tags${f}.csv`,
    text: lines.join('\n'),
    scheme: 'danbooru' as const,
  }));

  it('answers every query, fresh and typed on, as the brute force does', () => {
    const typed = indexVocabulary(sources, []);
    assert.equal(typed.size, new Set(rows.map((r) => r.name.toLowerCase())).size);
    for (const word of ['long hair 1', 'hair', 'smile', 'été', 'école', 'alt ri', 'hat', 'at', 'e', 'r', '1', 'n 2']) {
      for (let k = 1; k <= word.length; k++) {
        const q = word.slice(0, k);
        for (const n of [3, 20]) {
          const want = expect(q, n);
          assert.deepEqual(indexVocabulary(sources, []).query(q, n), want, `"${q}" (limit ${n})`);
          assert.deepEqual(typed.query(q, n), want, `"${q}" (limit ${n}) typed after "${word.slice(0, k - 1)}"`);
        }
      }
    }
  });
});
