import { strict as assert } from 'node:assert';
import {
  GRID_CELL_MIN_PX,
  GRID_OVERSCAN_ROWS,
  GRID_ROW_PX,
  gridColumns,
  gridMove,
  gridPoolSize,
  gridWindow,
} from '../../../src/webview/components/grid/gridLayout';

describe('review grid layout', () => {
  it('fits one column at 360 px and several at 1400 px, never none', () => {
    assert.equal(gridColumns(344), 1);
    assert.equal(gridColumns(0), 1);
    assert.equal(gridColumns(-20), 1);
    assert.equal(gridColumns(1384), Math.floor(1384 / GRID_CELL_MIN_PX));
    assert.ok(gridColumns(1384) >= 6);
  });

  it('draws the rows in view plus the margin, whatever the dataset size', () => {
    const top = gridWindow(0, 600, 5, 10_000);
    assert.equal(top.first, 0);
    // At the top the margin above has nothing to show: the rows go below instead, the window keeps its size.
    assert.equal(top.end, gridPoolSize(600, 5));
    assert.ok(top.end >= (Math.ceil(600 / GRID_ROW_PX) + GRID_OVERSCAN_ROWS) * 5);
    const mid = gridWindow(GRID_ROW_PX * 1000 + 10, 600, 5, 10_000);
    assert.equal(mid.firstRow, 1000 - GRID_OVERSCAN_ROWS);
    assert.equal(mid.first, mid.firstRow * 5);
    assert.ok(mid.end - mid.first <= (Math.ceil(600 / GRID_ROW_PX) + 1 + 2 * GRID_OVERSCAN_ROWS) * 5);
    const end = gridWindow(GRID_ROW_PX * 2000, 600, 5, 10_000);
    assert.equal(end.end, 10_000);
    assert.deepEqual(gridWindow(0, 600, 3, 0), { first: 0, end: 0, firstRow: 0 });
  });

  it("always draws as many cells as the grid's pool holds, so scrolling never makes or drops a cell", () => {
    for (const [height, cols] of [
      [600, 5],
      [750, 6],
      [237, 1],
      [1400, 7],
    ]) {
      const pool = gridPoolSize(height, cols);
      const total = 10_000 - (10_000 % cols);
      for (let top = 0; top <= Math.ceil(total / cols) * GRID_ROW_PX - height; top += 97) {
        const w = gridWindow(top, height, cols, total);
        assert.equal(w.end - w.first, pool, `${w.end - w.first} cells at ${top} px (${height} px, ${cols} columns)`);
        // The rows in view are always among them.
        assert.ok(w.first <= Math.floor(top / GRID_ROW_PX) * cols, `row in view above the window at ${top} px`);
        assert.ok(w.end >= Math.min(total, Math.ceil((top + height) / GRID_ROW_PX) * cols), `below it at ${top} px`);
      }
    }
    // Fewer images than the pool: all of them.
    assert.deepEqual(gridWindow(0, 600, 5, 12), { first: 0, end: 12, firstRow: 0 });
  });

  it('moves by cell, by row, and to either end, staying on the shown images', () => {
    // 10 images in 4 columns: rows 0-3, 4-7, 8-9.
    assert.equal(gridMove(1, 'ArrowDown', 4, 10), 5);
    assert.equal(gridMove(5, 'ArrowUp', 4, 10), 1);
    assert.equal(gridMove(1, 'ArrowUp', 4, 10), 1, 'the top row stays');
    assert.equal(gridMove(7, 'ArrowDown', 4, 10), 9, 'onto a shorter last row: its last image');
    assert.equal(gridMove(9, 'ArrowDown', 4, 10), 9, 'the last row stays');
    assert.equal(gridMove(3, 'ArrowRight', 4, 10), 4, 'right wraps into the next row');
    assert.equal(gridMove(0, 'ArrowLeft', 4, 10), 0);
    assert.equal(gridMove(9, 'ArrowRight', 4, 10), 9);
    assert.equal(gridMove(5, 'Home', 4, 10), 0);
    assert.equal(gridMove(5, 'End', 4, 10), 9);
    assert.equal(gridMove(-1, 'ArrowRight', 4, 10), 0, 'a current image the filter hides: the first shown');
    assert.equal(gridMove(-1, 'End', 4, 10), 9);
    assert.equal(gridMove(0, 'ArrowDown', 4, 0), -1);
  });
});
