import { strict as assert } from 'node:assert';
import type { DatasetView, ToHost } from '../../../src/shared/protocol';
import { TaggerStore } from '../../../src/webview/state/store';
import { wantVisibleThumbs } from '../../../src/webview/state/thumbRequests';

const dataset = (n: number, thumbEvery = 0): DatasetView => ({
  title: 't',
  outputFolder: '/tmp/o',
  prefix: 't',
  triggerWord: 'ohwx',
  captionStyle: 'tags',
  images: Array.from({ length: n }, (_, i) => ({
    file: `t_${String(i + 1).padStart(4, '0')}.png`,
    uri: `/img/${i + 1}.png`,
    thumb: thumbEvery && i % thumbEvery === 0 ? `/thumb/${i + 1}.webp` : undefined,
    width: 64,
    height: 48,
    status: i % 2 ? ('tagged' as const) : ('untagged' as const),
    favourite: false,
    nsfw: false,
    caption: i % 2 ? `ohwx, tag ${i}` : '',
    rev: 0,
    machine: false,
  })),
  knownTags: [],
  recentTags: [],
  pinnedTags: [],
  categories: [],
  currentIndex: 0,
  hostKeys: [],
});

/** The real store, loaded, with the thumbnail requests it sends to the host kept. */
function loaded(ds: DatasetView): { store: TaggerStore; wants: string[][] } {
  const wants: string[][] = [];
  const store = new TaggerStore({
    notify: (b: ToHost) => void (b.type === 'thumbs/want' && wants.push([...b.files])),
    request: async () => undefined as never,
  });
  store.load(ds);
  return { store, wants };
}

describe('thumbnail requests shared by the filmstrip and the grid', () => {
  it('asks once for each missing thumbnail in the positions drawn, whichever view asks', () => {
    const { store, wants } = loaded(dataset(100, 3));
    // The filmstrip draws positions 0-9: of those, 0, 3, 6 and 9 have thumbnails already.
    assert.deepEqual(wantVisibleThumbs(store, 0, 10), [
      't_0002.png',
      't_0003.png',
      't_0005.png',
      't_0006.png',
      't_0008.png',
      't_0009.png',
    ]);
    // The grid then draws 0-19: only the ones nobody asked for yet go to the host.
    assert.deepEqual(wantVisibleThumbs(store, 0, 20), [
      't_0011.png',
      't_0012.png',
      't_0014.png',
      't_0015.png',
      't_0017.png',
      't_0018.png',
      't_0020.png',
    ]);
    // Drawn again (a re-render, a scroll back): nothing new, and no empty message either.
    assert.deepEqual(wantVisibleThumbs(store, 5, 15), []);
    assert.equal(wants.length, 2);
    assert.deepEqual(wants[1], [
      't_0011.png',
      't_0012.png',
      't_0014.png',
      't_0015.png',
      't_0017.png',
      't_0018.png',
      't_0020.png',
    ]);
  });

  it("follows the filter's order and clamps the range to what it shows", () => {
    const { store } = loaded(dataset(10));
    store.setImageFilter('untagged', '');
    assert.deepEqual(store.filtered, [0, 2, 4, 6, 8]);
    assert.deepEqual(wantVisibleThumbs(store, 1, 3), ['t_0003.png', 't_0005.png']);
    assert.deepEqual(wantVisibleThumbs(store, -4, 99), ['t_0001.png', 't_0007.png', 't_0009.png']);
  });

  it('skips thumbnails the host sent meanwhile, and starts afresh on a new dataset', () => {
    const { store } = loaded(dataset(6));
    store.setThumbs([{ file: 't_0002.png', uri: '/thumb/2.webp' }]);
    assert.deepEqual(wantVisibleThumbs(store, 0, 3), ['t_0001.png', 't_0003.png']);
    // A rebuild (the folder was reloaded): the host forgot its queue, so every missing thumbnail is asked again.
    store.load(dataset(6));
    assert.deepEqual(wantVisibleThumbs(store, 0, 3), ['t_0001.png', 't_0002.png', 't_0003.png']);
  });
});
