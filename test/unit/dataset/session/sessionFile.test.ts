import { strict as assert } from 'node:assert';
import { migrateSession, SESSION_SCHEMA_VERSION } from '../../../../src/extension/dataset/session/schema';
import { parseSession, serializeSession } from '../../../../src/extension/dataset/session/sessionFile';
import { sampleSession } from '../helpers';

describe('session schema', () => {
  it('accepts a valid session and fills lists a hand edit left out', () => {
    const raw = sampleSession();
    delete raw.recentTags;
    delete raw.categories;
    const s = migrateSession(raw);
    assert.equal(s.schemaVersion, SESSION_SCHEMA_VERSION);
    assert.deepEqual(s.recentTags, []);
    assert.deepEqual(s.categories, []);
  });
  it('round-trips through the on-disk text, one image per line', () => {
    const s = migrateSession(sampleSession(3));
    const text = serializeSession(s);
    assert.deepEqual(parseSession(text), s);
    assert.equal(text.split('\n').filter((l) => l.includes('"file":')).length, 3);
  });
  it('refuses what it cannot read, saying why', () => {
    assert.throws(() => migrateSession(null), /JSON object/);
    assert.throws(() => migrateSession({ ...sampleSession(), schemaVersion: undefined }), /schemaVersion/);
    assert.throws(() => migrateSession({ ...sampleSession(), schemaVersion: 99 }), /newer version/);
    assert.throws(() => migrateSession({ ...sampleSession(), images: [{ file: '../x.png' }] }), /not a valid session/);
    const dup = sampleSession(2);
    (dup.images as { file: string }[])[1]!.file = 'cat_0001.png';
    assert.throws(() => migrateSession(dup), /listed twice/);
    assert.throws(() => parseSession('{"schemaVersion": 1,'), /not valid JSON/);
  });
});
