import { strict as assert } from 'node:assert';
import {
  defaultPrefix,
  extensionForFormat,
  naturalCompare,
  naturalSort,
  numberWidth,
  prefixProblem,
  stagedName,
  stagedNumber,
} from '../../../../src/extension/dataset/staging/naming';
import { validateStageOptions, withDefaults } from '../../../../src/extension/dataset/staging/options';

describe('dataset naming', () => {
  it('sorts relative paths naturally, folder by folder, the same on every machine', () => {
    const files = ['img10.png', 'img2.png', 'Img1.png', 'a/img1.png', 'img1.png', 'b/x.png', 'a b/c.png', 'z.png'];
    assert.deepEqual([...files].sort(naturalCompare), [
      'a/img1.png',
      'a b/c.png',
      'b/x.png',
      'img1.png',
      'Img1.png',
      'img2.png',
      'img10.png',
      'z.png',
    ]);
  });
  it('naturalSort (keys split once) orders exactly as naturalCompare', () => {
    const files = [
      'img10.png',
      'img2.png',
      'Img1.png',
      'a/img1.png',
      'img1.png',
      'b/x.png',
      'a b/c.png',
      'z.png',
      'a/b/c1',
      'a/b/c01',
    ];
    const items = files.map((rel, i) => ({ rel, i }));
    assert.deepEqual(
      naturalSort(items, (x) => x.rel).map((x) => x.rel),
      [...files].sort(naturalCompare),
    );
  });
  it('batch and CLI callers get the product default caption style, natural, when they name none', () => {
    assert.equal(withDefaults({}, 'p').captionStyle, 'natural');
  });
  it('makes a folder name file-safe for the default prefix', () => {
    assert.equal(defaultPrefix('My Cat Photos'), 'My_Cat_Photos');
    assert.equal(defaultPrefix('Crème brûlée 🍮 (2024)'), 'Creme_brulee_2024');
    assert.equal(defaultPrefix('--dash'), 'dash');
    assert.equal(defaultPrefix('日本'), 'image');
    assert.equal(prefixProblem(defaultPrefix('-x. y?')), undefined);
    for (const device of ['con', 'NUL', 'Com1']) assert.equal(prefixProblem(defaultPrefix(device)), undefined, device);
  });
  it('names staged files with at least four digits, five past 9999, lower-case extension', () => {
    assert.equal(stagedName('cat', 1, numberWidth(20), 'png'), 'cat_0001.png');
    assert.equal(numberWidth(9999), 4);
    assert.equal(numberWidth(10000), 5);
    assert.equal(stagedName('cat', 12, numberWidth(10000), 'jpg'), 'cat_00012.jpg');
    assert.equal(stagedNumber('cat_0012.png', 'cat'), 12);
    assert.equal(stagedNumber('cat_12.png', 'cat'), undefined);
    assert.equal(stagedNumber('dog_0012.png', 'cat'), undefined);
  });
  it('keeps jpeg as jpeg and maps a mislabelled file to an accepted extension', () => {
    assert.equal(extensionForFormat('jpg', 'jpeg', ['png', 'jpg', 'jpeg', 'webp']), 'jpeg');
    assert.equal(extensionForFormat('jpg', 'png', ['png', 'jpg', 'jpeg', 'webp']), 'jpg');
    assert.equal(extensionForFormat('gif', 'png', ['png', 'jpg', 'jpeg', 'webp']), undefined);
  });
  it('refuses prefixes that break file names or command lines', () => {
    for (const bad of ['', 'a/b', 'a:b', '-rf', '.hidden', 'end.', 'x\u0001']) assert.ok(prefixProblem(bad), bad);
    assert.equal(prefixProblem('ohwx_cat-2'), undefined);
  });
  it('refuses the names Windows reserves for devices, in any case and with any extension, and trailing dots or spaces', () => {
    const reserved = [
      'CON',
      'con',
      'Prn',
      'AUX',
      'nul',
      'COM1',
      'com9',
      'LPT1',
      'lpt9',
      'COM\u00b9',
      'CONIN$',
      'conout$',
    ];
    for (const bad of [...reserved, 'NUL.txt', 'con.tar.gz', 'Aux .x', 'CON ', 'cat.', 'cat ', 'cat. .']) {
      assert.match(prefixProblem(bad) ?? '', /Windows/, bad);
    }
    assert.match(prefixProblem('COM1') ?? '', /reserves "COM1" for a device/);
    assert.throws(
      () => validateStageOptions({ prefix: 'nul' }),
      /prefix "nul" cannot be used: .*Windows.*Nothing was written/,
    );
    for (const fine of ['CONSOLE', 'con_cat', 'COM10', 'LPT0', 'nullable', 'auxiliary', 'my.con'])
      assert.equal(prefixProblem(fine), undefined, fine);
  });
  it('validates batch options with a message naming each bad field', () => {
    assert.deepEqual(validateStageOptions({ prefix: 'cat', extensions: ['.PNG', 'jpg'] }), {
      prefix: 'cat',
      extensions: ['png', 'jpg'],
    });
    assert.deepEqual(validateStageOptions(undefined), {});
    assert.throws(
      () => validateStageOptions({ prefix: 'a/b', mode: 'teleport' }),
      (e: Error) => /prefix/.test(e.message) && /mode/.test(e.message) && /Nothing was written/.test(e.message),
    );
    assert.throws(() => validateStageOptions({ prefx: 'typo' }), /prefx/);
    assert.throws(() => validateStageOptions({ triggerWord: 'a, b' }), /trigger word/);
  });
});
