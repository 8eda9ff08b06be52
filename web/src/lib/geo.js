// Bounding boxes of GeoJSON coordinates (plain functions, no DOM).

/** A box that any point extends: [w, s, e, n] = [∞, ∞, −∞, −∞]. */
export const emptyBox = () => [Infinity, Infinity, -Infinity, -Infinity];

/** Extends `box` ([w, s, e, n]) by nested coordinate arrays (a geometry's `coordinates`, a list of points); returns `box`. */
export function extendBox(box, coords) {
  if (typeof coords[0] === 'number') {
    const [x, y] = coords;
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  } else {
    for (const c of coords) extendBox(box, c);
  }
  return box;
}

/** [w, s, e, n] of nested coordinate arrays, or null when there are none. */
export function coordsBox(coords) {
  const box = extendBox(emptyBox(), coords);
  return Number.isFinite(box[0]) ? box : null;
}
