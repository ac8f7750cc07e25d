import { strict as assert } from 'node:assert';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../../../src/extension/dataset/session/dataset';
import { stageDataset } from '../../../../src/extension/dataset/staging/stage';
import { parseSession } from '../../../../src/extension/dataset/session/sessionFile';
import { img, ls, opts, read, sysError, tempDir, text, trapFs } from '../helpers';

/** A staged dataset of four images, the first with a caption. */
async function staged(trigger = 'ohwx'): Promise<string> {
  const src = tempDir('dsrc');
  for (let i = 1; i <= 4; i++) img(src, `i${i}.png`, i);
  text(src, 'i1.txt', 'ohwx, red hair');
  return (await stageDataset(src, opts({ prefix: 'd', triggerWord: trigger, captionStyle: 'tags' }))).outputFolder;
}

const onDisk = (out: string) => parseSession(read(join(out, 'session.json')));

describe('Dataset', () => {
  it('opens with every caption, the known tags and the session', async () => {
    const out = await staged();
    const { dataset, notices } = await Dataset.open(out);
    assert.deepEqual(notices, []);
    assert.equal(dataset.caption('d_0001.png'), 'ohwx, red hair');
    assert.equal(dataset.caption('d_0002.png'), 'ohwx');
    assert.deepEqual(dataset.knownTags(), ['ohwx', 'red hair']);
    assert.deepEqual(
      dataset.session.images.map((i) => i.status),
      ['tagged', 'untagged', 'untagged', 'untagged'],
    );
    assert.equal(dataset.sessionFile, join(out, 'session.json'));
    await dataset.close();
  });

  it('saves a caption atomically, updates the status and appends new tags to tags.txt after hand-added lines', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out, { saveDelayMs: 20 });
    writeFileSync(join(out, 'tags.txt'), 'ohwx\nred hair\nmy own tag\n');
    await dataset.setCaption('d_0002.png', 'ohwx, blue eyes,\nred hair');
    assert.equal(read(join(out, 'd_0002.txt')), 'ohwx, blue eyes, red hair', 'line breaks become spaces');
    assert.equal(read(join(out, 'tags.txt')), 'ohwx\nred hair\nmy own tag\nblue eyes\n');
    assert.equal(dataset.session.images[1]!.status, 'tagged');
    // The debounced session save may be in flight (its temp is its own); the caption's and tags.txt's are gone.
    assert.ok(!ls(out).some((n) => n.endsWith('.lora-tmp') && !n.startsWith('.session.json')), ls(out).join(' '));
    await dataset.setCaption('d_0002.png', 'ohwx');
    assert.equal(dataset.session.images[1]!.status, 'untagged', 'the trigger word alone is not tagged');
    assert.ok(dataset.knownTags().includes('blue eyes'), 'an unused tag is never dropped');
    await dataset.close();
    assert.equal(onDisk(out).images[1]!.status, 'untagged');
  });

  it('serializes writes to one caption: the last text wins, every promise settles', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out);
    await Promise.all(['a', 'a, b', 'a, b, c', 'final'].map((t) => dataset.setCaption('d_0003.png', t)));
    assert.equal(read(join(out, 'd_0003.txt')), 'final');
    assert.equal(dataset.caption('d_0003.png'), 'final');
    await dataset.close();
  });

  it('debounces the session save to at most saveDelayMs and keeps the previous version as .bak', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out, { saveDelayMs: 50 });
    const before = read(join(out, 'session.json'));
    dataset.setFlags('d_0002.png', { favourite: true });
    dataset.setFlags('d_0003.png', { nsfw: true, skipped: true });
    assert.equal(read(join(out, 'session.json')), before, 'not saved synchronously');
    // Wait for the debounced save to land (polling what is on disk, not a fixed pause).
    for (const deadline = Date.now() + 10_000; read(join(out, 'session.json')) === before; ) {
      assert.ok(Date.now() < deadline, 'the debounced save never reached session.json');
      await new Promise((r) => setTimeout(r, 20));
    }
    const s = onDisk(out);
    assert.deepEqual([s.images[1]!.favourite, s.images[2]!.nsfw, s.images[2]!.status], [true, true, 'skipped']);
    assert.equal(read(join(out, 'session.json.bak')), before);
    dataset.setFlags('d_0003.png', { skipped: false });
    assert.equal(dataset.session.images[2]!.status, 'untagged');
    await dataset.setCaption('d_0004.png', 'ohwx, hat');
    dataset.setFlags('d_0004.png', { skipped: true });
    await dataset.setCaption('d_0004.png', 'ohwx, hat, scarf');
    assert.equal(dataset.session.images[3]!.status, 'skipped', 'skipped stays skipped when the caption changes');
    await dataset.close();
  });

  it('keeps the current image, recent tags (most recent first, at most 20), pinned tags and categories', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out);
    let changes = 0;
    const sub = dataset.onDidChange(() => changes++);
    dataset.select('d_0003.png');
    for (let i = 0; i < 25; i++) dataset.useTags([`t${i}`]);
    dataset.useTags(['t3', 'new']);
    dataset.setPinned('hat', true);
    dataset.setPinned('scarf', true);
    dataset.setPinned('hat', false);
    dataset.setCategories([{ name: 'Clothes', tags: ['scarf', ' scarf ', 'hat'] }]);
    assert.ok(changes >= 30);
    sub.dispose();
    dataset.select('d_0001.png');
    const before = changes;
    dataset.select('d_0002.png');
    assert.equal(changes, before, 'a disposed listener is not called');
    await dataset.close();
    const s = onDisk(out);
    assert.equal(s.currentFile, 'd_0002.png');
    assert.equal(s.recentTags.length, 20);
    assert.deepEqual(s.recentTags.slice(0, 4), ['t3', 'new', 't24', 't23']);
    assert.deepEqual(s.pinnedTags, ['scarf']);
    assert.deepEqual(s.categories, [{ name: 'Clothes', tags: ['scarf', 'hat'] }]);
    const reopened = (await Dataset.open(out)).dataset;
    assert.equal(reopened.session.currentFile, 'd_0002.png');
    await reopened.close();
  });

  it('refuses file names that escape the output folder', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out);
    assert.equal(dataset.resolve('d_0001.png'), join(out, 'd_0001.png'));
    assert.equal(dataset.captionPath('d_0001.png'), join(out, 'd_0001.txt'));
    for (const bad of ['../x.png', '..', '.', '', 'a/b.png', 'a\\b.png', '/etc/passwd', 'x\0.png']) {
      assert.throws(() => dataset.resolve(bad), /not a file of this dataset/, bad);
    }
    await assert.rejects(dataset.setCaption('nope.png', 'x'), /not an image of the dataset/);
    await dataset.close();
  });

  it('reloads a caption and tags.txt changed outside the panel', async () => {
    const out = await staged();
    const { dataset } = await Dataset.open(out);
    assert.equal(await dataset.reloadCaption('d_0001.png'), undefined, 'unchanged');
    writeFileSync(join(out, 'd_0002.txt'), 'ohwx, from the editor');
    assert.equal(await dataset.reloadCaption('d_0002.png'), 'ohwx, from the editor');
    assert.equal(dataset.session.images[1]!.status, 'tagged');
    assert.ok(read(join(out, 'tags.txt')).includes('from the editor\n'));
    unlinkSync(join(out, 'd_0003.txt'));
    assert.equal(await dataset.reloadCaption('d_0003.png'), '');
    writeFileSync(join(out, 'tags.txt'), 'ohwx\nred hair\nfrom the editor\nadded by hand\n');
    assert.equal(await dataset.reloadTagsFile(), true);
    assert.ok(dataset.knownTags().includes('added by hand'));
    assert.equal(await dataset.reloadTagsFile(), false);
    writeFileSync(join(out, 'tags.txt'), 'added by hand\n');
    await dataset.reloadTagsFile();
    assert.deepEqual(
      dataset.knownTags(),
      ['added by hand', 'ohwx', 'red hair', 'from the editor'],
      'tags in use stay known',
    );
    await dataset.close();
  });

  it('a full disk while saving a caption: a clear error, the old caption intact, no temp left, and the next save works', async () => {
    const out = await staged();
    let full = true;
    const t = trapFs((m, a) =>
      full && m === 'handle.writeFile' && String(a[0]).includes('d_0001.txt')
        ? sysError('ENOSPC', 'write', String(a[0]))
        : undefined,
    );
    const { dataset } = await Dataset.open(out, { fs: t.fs });
    await assert.rejects(
      dataset.setCaption('d_0001.png', 'ohwx, lost?'),
      (e: Error) =>
        e.message.includes(join(out, 'd_0001.txt')) &&
        /disk is full/.test(e.message) &&
        /previous caption/.test(e.message),
    );
    assert.equal(read(join(out, 'd_0001.txt')), 'ohwx, red hair');
    assert.equal(dataset.caption('d_0001.png'), 'ohwx, red hair', 'the cache follows the disk');
    assert.ok(!ls(out).some((n) => n.endsWith('.lora-tmp')));
    full = false;
    await dataset.setCaption('d_0001.png', 'ohwx, saved now');
    assert.equal(read(join(out, 'd_0001.txt')), 'ohwx, saved now');
    await dataset.close();
  });

  it('a full disk while saving the session: reported, session.json intact, saved on the next flush', async () => {
    const out = await staged();
    let full = true;
    const t = trapFs((m, a) =>
      full && m === 'handle.writeFile' && String(a[0]).includes('session.json')
        ? sysError('ENOSPC', 'write', String(a[0]))
        : undefined,
    );
    const { dataset } = await Dataset.open(out, { fs: t.fs, saveDelayMs: 10 });
    const before = read(join(out, 'session.json'));
    const errors: Error[] = [];
    dataset.onDidFailSave((e) => errors.push(e));
    dataset.setFlags('d_0001.png', { favourite: true });
    await assert.rejects(dataset.flush(), /Could not save the session .*session\.json.*disk is full/);
    assert.equal(errors.length, 1);
    assert.equal(read(join(out, 'session.json')), before);
    assert.ok(!ls(out).some((n) => n.endsWith('.lora-tmp')));
    full = false;
    await dataset.flush();
    assert.equal(onDisk(out).images[0]!.favourite, true);
    await dataset.close();
  });

  it('a corrupt session.json is moved aside (never overwritten) and restored from the .bak, statuses from the captions', async () => {
    const out = await staged();
    const d1 = (await Dataset.open(out)).dataset;
    d1.setFlags('d_0002.png', { favourite: true });
    await d1.flush(); // session.json.bak now holds the staged version, session.json the favourite
    d1.setFlags('d_0003.png', { nsfw: true });
    await d1.close();
    writeFileSync(join(out, 'd_0004.txt'), 'ohwx, tagged after the backup');
    writeFileSync(join(out, 'session.json'), '{"schemaVersion": 1, "images": [tru');
    const { dataset, notices } = await Dataset.open(out);
    const aside = ls(out).filter((n) => /^session\.corrupt-.*\.json$/.test(n));
    assert.equal(aside.length, 1);
    assert.equal(read(join(out, aside[0]!)), '{"schemaVersion": 1, "images": [tru');
    assert.ok(notices.some((n) => n.includes(aside[0]!) && /moved aside/.test(n)));
    assert.ok(notices.some((n) => /restored from session\.json\.bak/.test(n)));
    assert.equal(dataset.session.images[3]!.status, 'tagged', 'statuses follow the .txt files');
    assert.equal(dataset.session.images.length, 4);
    assert.equal(dataset.session.images[1]!.favourite, true, 'the flags of the .bak came back');
    await dataset.close();
    assert.equal(onDisk(out).images.length, 4, 'a valid session.json was written again');
  });

  it('a corrupt session without a usable .bak is rebuilt from the images and captions on disk', async () => {
    const out = await staged();
    writeFileSync(join(out, 'session.json'), JSON.stringify({ schemaVersion: 1, images: 'nope' }));
    writeFileSync(join(out, 'session.json.bak'), 'garbage');
    writeFileSync(join(out, 'notes.txt'), 'unrelated');
    const { dataset, notices } = await Dataset.open(out);
    assert.ok(notices.some((n) => /rebuilt from the 4 images/.test(n)));
    assert.deepEqual(
      dataset.session.images.map((i) => [i.file, i.width, i.height, i.status]),
      [
        ['d_0001.png', 16, 12, 'tagged'],
        ['d_0002.png', 16, 12, 'untagged'],
        ['d_0003.png', 16, 12, 'untagged'],
        ['d_0004.png', 16, 12, 'untagged'],
      ],
    );
    assert.equal(dataset.session.prefix, 'd');
    assert.equal(dataset.session.triggerWord, 'ohwx', 'guessed from the captions');
    assert.equal(ls(out).filter((n) => n.startsWith('session.corrupt-')).length, 1);
    await dataset.close();
    // A second corruption does not overwrite the first one set aside.
    writeFileSync(join(out, 'session.json'), 'again');
    writeFileSync(join(out, 'session.json.bak'), 'garbage');
    await (await Dataset.open(out)).dataset.close();
    assert.equal(ls(out).filter((n) => n.startsWith('session.corrupt-')).length, 2);
  });

  it('refuses a session from a newer version without touching it', async () => {
    const out = await staged();
    const s = JSON.parse(read(join(out, 'session.json')));
    writeFileSync(join(out, 'session.json'), JSON.stringify({ ...s, schemaVersion: 7 }));
    await assert.rejects(Dataset.open(out), /newer version .*Update the extension/);
    assert.equal(JSON.parse(read(join(out, 'session.json'))).schemaVersion, 7);
  });

  it('reconciles with the folder: images gone are dropped, staged images found are added, with notices', async () => {
    const out = await staged();
    unlinkSync(join(out, 'd_0002.png'));
    img(out, 'd_0005.png', 9, 30, 20);
    writeFileSync(join(out, 'd_0005.txt'), 'ohwx, found later');
    renameSync(join(out, 'd_0004.txt'), join(out, 'd_0004.txt.off'));
    const { dataset, notices } = await Dataset.open(out);
    assert.deepEqual(
      dataset.session.images.map((i) => i.file),
      ['d_0001.png', 'd_0003.png', 'd_0004.png', 'd_0005.png'],
    );
    assert.ok(notices.some((n) => /no longer in the folder.*d_0002\.png/.test(n)));
    assert.ok(notices.some((n) => /not in the session were added: d_0005\.png/.test(n)));
    assert.equal(dataset.caption('d_0004.png'), '');
    assert.equal(dataset.session.images[3]!.status, 'tagged');
    assert.ok(dataset.knownTags().includes('found later'));
    assert.ok(read(join(out, 'tags.txt')).includes('found later'), 'tags.txt lists every tag in use');
    await dataset.close();
  });
});
