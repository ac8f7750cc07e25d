import assert from 'node:assert/strict';
import { DEFAULT_VIEW_STATE, readViewState, ViewStateStore } from '../../../src/webview/vscodeApi';

describe('the view state the webview keeps (read as untrusted)', () => {
  it('is the defaults when nothing, or not an object, was saved', () => {
    for (const saved of [undefined, null, 'grid', 42, [], [1, 2]])
      assert.deepEqual(readViewState(saved), DEFAULT_VIEW_STATE);
  });

  it('keeps every good field and puts the default in place of each bad one', () => {
    const got = readViewState({
      view: 'grid',
      paletteFilter: 'hair',
      paletteSort: 'sideways',
      groupByCategory: 'yes',
      imageFilterKind: 'query',
      imageFilterValue: 'tag:"red hair"',
      filmstripScroll: -5,
      paletteScroll: 120,
      zoom: Number.NaN,
      sideWidth: 1e12,
      previewHeight: 300,
      thumbSize: '96',
      extra: { nested: true },
    });
    assert.deepEqual(got, {
      ...DEFAULT_VIEW_STATE,
      view: 'grid',
      paletteFilter: 'hair',
      imageFilterKind: 'query',
      imageFilterValue: 'tag:"red hair"',
      paletteScroll: 120,
      previewHeight: 300,
    });
  });

  it('a view from a later or damaged build opens the tagging view', () => {
    assert.equal(readViewState({ view: 'timeline' }).view, 'tagging');
    assert.equal(readViewState({ zoom: 'fit' }).zoom, 'fit');
    assert.equal(readViewState({ zoom: 2 }).zoom, 2);
    assert.equal(readViewState({ zoom: 1000 }).zoom, 'fit');
  });

  it('the store starts from the checked state and writes merged changes once per microtask', async () => {
    const written: unknown[] = [];
    const store = new ViewStateStore({
      postMessage: () => undefined,
      getState: () => ({ view: 'report', sideWidth: 'wide' }),
      setState: (s) => written.push(s),
    });
    assert.equal(store.get().view, 'report');
    assert.equal(store.get().sideWidth, 0);
    store.set({ zoom: 2 });
    store.set({ view: 'grid' });
    await Promise.resolve();
    assert.equal(written.length, 1);
    assert.deepEqual(written[0], { ...DEFAULT_VIEW_STATE, view: 'grid', zoom: 2 });
  });
});
