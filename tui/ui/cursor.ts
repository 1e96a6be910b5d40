// Selection in a list that changes under it: the selected row is followed by its id, and the window
// (the first row shown) moves with it, so the row stays put on the screen while others come and go.

export interface Cursor {
  index: number;
  top: number;
  /** The id of the selected row, when known. */
  id?: string | undefined;
}

export function clampCursor(c: Cursor, count: number, height: number): Cursor {
  const h = Math.max(1, height);
  const index = Math.max(0, Math.min(c.index, count - 1));
  let top = Math.max(0, Math.min(c.top, Math.max(0, count - h)));
  if (index < top) top = index;
  if (index >= top + h) top = index - h + 1;
  return { ...c, index: Math.max(0, index), top };
}

/** Move by `delta` rows (page keys pass ±height; home/end ±Infinity). */
export function moveCursor(c: Cursor, delta: number, count: number, height: number, idAt: (i: number) => string | undefined): Cursor {
  const index = Number.isFinite(delta) ? c.index + delta : delta > 0 ? count - 1 : 0;
  const moved = clampCursor({ ...c, index }, count, height);
  return { ...moved, id: idAt(moved.index) };
}

/**
 * After the rows changed: where is the selected id now? `find` answers its new index (or undefined when it
 * is not among the rows known). The window shifts by as much as the row moved.
 */
export function followCursor(
  c: Cursor,
  count: number,
  height: number,
  find: (id: string) => number | undefined,
  idAt: (i: number) => string | undefined,
): Cursor {
  if (c.id !== undefined) {
    const at = find(c.id);
    if (at !== undefined) return clampCursor({ index: at, top: c.top + (at - c.index), id: c.id }, count, height);
  }
  const kept = clampCursor(c, count, height);
  return { ...kept, id: idAt(kept.index) };
}

/** followCursor for a list held whole, its rows named by `keyOf`. */
export function followRows<T>(c: Cursor, rows: readonly T[], height: number, keyOf: (row: T) => string): Cursor {
  return followCursor(
    c,
    rows.length,
    height,
    (id) => {
      const i = rows.findIndex((r) => keyOf(r) === id);
      return i >= 0 ? i : undefined;
    },
    (i) => (rows[i] === undefined ? undefined : keyOf(rows[i])),
  );
}

/** The list keys: arrows, j/k, page up/down, g/G (home/end). Answers the delta, or undefined for another key. */
export function listDelta(
  input: string,
  key: { upArrow: boolean; downArrow: boolean; pageUp: boolean; pageDown: boolean; home?: boolean; end?: boolean },
  height: number,
): number | undefined {
  if (key.upArrow || input === 'k') return -1;
  if (key.downArrow || input === 'j') return 1;
  if (key.pageUp) return -height;
  if (key.pageDown || input === ' ') return height;
  if (key.home || input === 'g') return -Infinity;
  if (key.end || input === 'G') return Infinity;
  return undefined;
}
