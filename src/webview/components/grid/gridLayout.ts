/**
 * The review grid's geometry, kept apart from the element so it is plain arithmetic: how many columns a width
 * holds, which rows are in view (plus a margin), and where an arrow key moves the focus.
 */

/** Every row has this height in px, so the visible rows follow from the scroll offset alone (no measuring). */
export const GRID_ROW_PX = 236;
/** A cell is at least this wide; the columns share what is left over. */
export const GRID_CELL_MIN_PX = 190;
/** Rows drawn above and below the visible ones, so a fast scroll never shows an empty row. */
export const GRID_OVERSCAN_ROWS = 2;

/** How many columns fit in `width` px (at least one: 360 px is one column). */
export function gridColumns(width: number): number {
  return Math.max(1, Math.floor(Math.max(0, width) / GRID_CELL_MIN_PX));
}

/**
 * How many cell elements the grid keeps: the most that any window of `gridWindow` at this height can hold. Position
 * p is drawn by cell element p mod this, so a cell in view keeps its element while the rows around it come and go,
 * and a row scrolling out lends its elements to the row scrolling in (no element made or dropped while scrolling).
 */
export function gridPoolSize(viewHeight: number, columns: number): number {
  return (Math.ceil(Math.max(0, viewHeight) / GRID_ROW_PX) + 1 + 2 * GRID_OVERSCAN_ROWS) * columns;
}

/**
 * The positions (in the shown order) to render, as [first, end): whole rows in view plus the margin, always the
 * same number of rows at a given height (more margin below at the top, above at the end), so the grid's pool of
 * cells is always all in use and a scroll never makes or drops one.
 */
export function gridWindow(
  scrollTop: number,
  viewHeight: number,
  columns: number,
  total: number,
): { first: number; end: number; firstRow: number } {
  const rows = Math.ceil(total / columns);
  const span = gridPoolSize(viewHeight, columns) / columns;
  let firstRow = Math.max(0, Math.floor(scrollTop / GRID_ROW_PX) - GRID_OVERSCAN_ROWS);
  const lastRow = Math.min(rows, firstRow + span);
  firstRow = Math.max(0, lastRow - span);
  return { first: firstRow * columns, end: Math.min(total, lastRow * columns), firstRow };
}

/** The keys that move the focus in the grid. */
export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

/** True for a key the grid moves with. */
export function isGridKey(key: string): key is GridKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(key);
}

/** Where `key` moves the focus from position `pos`: up and down by a row, clamped to the shown images. */
export function gridMove(pos: number, key: GridKey, columns: number, total: number): number {
  if (total <= 0) return -1;
  // The current image is one the filter hides: any key lands on the first shown (End on the last).
  if (pos < 0) return key === 'End' ? total - 1 : 0;
  const at = Math.min(total - 1, pos);
  let to: number;
  if (key === 'ArrowLeft') to = at - 1;
  else if (key === 'ArrowRight') to = at + 1;
  else if (key === 'ArrowUp') to = at - columns < 0 ? at : at - columns;
  // Down from above a shorter last row lands on its last image; on the last row it stays.
  else if (key === 'ArrowDown')
    to =
      at + columns < total
        ? at + columns
        : Math.floor(at / columns) < Math.floor((total - 1) / columns)
          ? total - 1
          : at;
  else if (key === 'Home') to = 0;
  else to = total - 1;
  return Math.max(0, Math.min(total - 1, to));
}
