import { strict as assert } from 'node:assert';
import type { DatasetView, ToHost } from '../../../src/shared/protocol';
import { FindReplace, segments } from '../../../src/webview/state/findReplace';
import { TaggerStore } from '../../../src/webview/state/store';

const image = (n: number, caption: string) => ({
  file: `t_000${n}.png`,
  uri: `/img/${n}.png`,
  width: 64,
  height: 48,
  status: caption ? ('tagged' as const) : ('untagged' as const),
  favourite: false,
  nsfw: false,
  caption,
  rev: 0,
  machine: false,
});

function loaded(captions: string[]): { store: TaggerStore; sent: ToHost[] } {
  const sent: ToHost[] = [];
  const store: TaggerStore = new TaggerStore({
    notify: (b) => void sent.push(b),
    request: async (b): Promise<never> => {
      sent.push(b);
      if (b.type === 'findReplace/apply')
        return { ok: false, error: '1 caption(s) changed since the preview' } as never;
      if (b.type !== 'findReplace/preview') return undefined as never;
      const files: string[] = b.query.files ?? store.model.images.map((i) => i.file);
      return {
        ok: true,
        label: 'Replace',
        scanned: files.length,
        replacements: 1,
        changes: [],
        revs: files.slice(0, 1).map((file) => ({ file, rev: 3 })),
      } as never;
    },
  });
  const ds: DatasetView = {
    title: 't',
    outputFolder: '/tmp/o',
    prefix: 't',
    triggerWord: 'ohwx',
    captionStyle: 'tags',
    images: captions.map((c, i) => image(i + 1, c)),
    knownTags: [],
    recentTags: [],
    pinnedTags: [],
    categories: [],
    currentIndex: 0,
    hostKeys: [],
  };
  store.load(ds);
  return { store, sent };
}

describe('find and replace preview text', () => {
  it('cuts a caption into marked and unmarked pieces, eliding long unchanged runs', () => {
    assert.deepEqual(segments('ohwx, red hair, smile', [[6, 14]]), [
      { text: 'ohwx, ', marked: false },
      { text: 'red hair', marked: true },
      { text: ', smile', marked: false },
    ]);
    const long = `${'a'.repeat(100)}X${'b'.repeat(200)}Y${'c'.repeat(100)}`;
    const s = segments(
      long,
      [
        [100, 101],
        [301, 302],
      ],
      10,
    );
    assert.deepEqual(
      s.map((x) => x.text),
      [`…${'a'.repeat(10)}`, 'X', `${'b'.repeat(10)}…${'b'.repeat(10)}`, 'Y', `${'c'.repeat(10)}…`],
    );
    assert.deepEqual(segments('', []), []);
  });
});

describe('find and replace dialog state', () => {
  it('resolves the scope to files, and a preview stays current only while the form, scope and captions do', async () => {
    const { store, sent } = loaded(['ohwx, red hair', 'ohwx', 'ohwx, red hair, hat']);
    const st = new FindReplace(store, () => {});
    assert.equal(st.form.wholeTags, true, 'whole tags by default in a tags dataset');
    assert.equal(st.query(), undefined, 'nothing to find, nothing to ask');
    assert.deepEqual(st.counts(), { all: 3, filtered: undefined, selection: 1 });
    st.set({ find: 'red hair', replace: 'auburn', scope: 'filtered' });
    // Filtered without a filter is all images.
    assert.equal(st.query()?.scope, 'all');
    assert.equal(st.query()?.files, undefined);
    store.setImageFilter('query', 'hat');
    assert.deepEqual(st.query()?.files, ['t_0003.png']);
    await st.runPreview();
    assert.equal(st.isCurrent(), true);
    st.captions++;
    assert.equal(st.isCurrent(), false, 'a caption changed since');
    await st.runPreview();
    st.set({ replace: 'ginger' });
    assert.equal(st.isCurrent(), false, 'the form changed since');
    await st.runPreview();
    store.setImageFilter('query', '');
    assert.equal(st.isCurrent(), false, 'the scope holds other images now');
    store.setImageFilter('query', 'hat');
    assert.equal(st.isCurrent(), true);
    assert.equal(await st.apply(), false, 'the host refused it');
    assert.equal(st.error, '1 caption(s) changed since the preview');
    assert.equal(store.status.message, st.error);
    const apply = sent.find((b) => b.type === 'findReplace/apply');
    assert.deepEqual(apply, {
      type: 'findReplace/apply',
      query: st.preview!.query,
      revs: [{ file: 't_0003.png', rev: 3 }],
    });
  });

  it('asks for one preview at a time, and once more for what changed meanwhile', async () => {
    const { store, sent } = loaded(['ohwx, red hair', 'ohwx']);
    const st = new FindReplace(store, () => {});
    st.set({ find: 'red' });
    const first = st.runPreview();
    st.set({ find: 'red h' });
    void st.runPreview();
    st.set({ find: 'red hair' });
    void st.runPreview();
    await first;
    const asked = sent
      .filter((b) => b.type === 'findReplace/preview')
      .map((b) => (b as { query: { find: string } }).query.find);
    assert.deepEqual(asked, ['red', 'red hair']);
    assert.equal(st.isCurrent(), true);
  });
});
