//! MVT geometry command streams (spec 2.1 §4.3): `MoveTo`, `LineTo` and `ClosePath`
//! command integers followed by zigzag-encoded coordinate deltas.
//!
//! Input here is already in integer tile pixels and already cleaned (no repeated
//! points, rings open — the closing point is not repeated — and wound as the spec
//! wants); this module only writes the stream. The cursor carries over from one part
//! to the next, as the spec requires.

use crate::protobuf_wire::zigzag32;

/// A position in integer tile pixels, `[x, y]` with `y` down.
pub type TilePoint = [i32; 2];

/// Command id of `MoveTo`.
pub(crate) const MOVE_TO: u32 = 1;
/// Command id of `LineTo`.
pub(crate) const LINE_TO: u32 = 2;
/// Command id of `ClosePath`.
pub(crate) const CLOSE_PATH: u32 = 7;

/// A command integer: id in the low 3 bits, repeat count above.
pub(crate) fn command_integer(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// Writes commands while tracking the cursor.
#[derive(Debug, Default)]
pub(crate) struct CommandWriter {
    out: Vec<u32>,
    cursor: TilePoint,
}

impl CommandWriter {
    fn delta(&mut self, p: TilePoint) {
        self.out.push(zigzag32(p[0].wrapping_sub(self.cursor[0])));
        self.out.push(zigzag32(p[1].wrapping_sub(self.cursor[1])));
        self.cursor = p;
    }

    /// One `MoveTo` with all `points` (a point or multipoint geometry).
    pub(crate) fn points(&mut self, points: &[TilePoint]) {
        if points.is_empty() {
            return;
        }
        self.out.push(command_integer(MOVE_TO, points.len() as u32));
        for p in points {
            self.delta(*p);
        }
    }

    /// `MoveTo` the first vertex, `LineTo` the rest. Needs at least two vertices.
    pub(crate) fn line(&mut self, vertices: &[TilePoint]) {
        let [first, rest @ ..] = vertices else { return };
        if rest.is_empty() {
            return;
        }
        self.out.push(command_integer(MOVE_TO, 1));
        self.delta(*first);
        self.out.push(command_integer(LINE_TO, rest.len() as u32));
        for p in rest {
            self.delta(*p);
        }
    }

    /// A linear ring: `MoveTo`, `LineTo` the remaining vertices, `ClosePath`. The ring
    /// is open (its first vertex is not repeated at the end) and has at least three.
    pub(crate) fn ring(&mut self, ring: &[TilePoint]) {
        if ring.len() < 3 {
            return;
        }
        self.line(ring);
        self.out.push(command_integer(CLOSE_PATH, 1));
    }

    /// The command stream written so far.
    pub(crate) fn finish(self) -> Vec<u32> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expected stream below is copied from the worked examples of the Mapbox
    // Vector Tile specification 2.1, §4.3.5.

    #[test]
    fn spec_example_point() {
        let mut w = CommandWriter::default();
        w.points(&[[25, 17]]);
        assert_eq!(w.finish(), [9, 50, 34]);
    }

    #[test]
    fn spec_example_multi_point() {
        let mut w = CommandWriter::default();
        w.points(&[[5, 7], [3, 2]]);
        assert_eq!(w.finish(), [17, 10, 14, 3, 9]);
    }

    #[test]
    fn spec_example_linestring() {
        let mut w = CommandWriter::default();
        w.line(&[[2, 2], [2, 10], [10, 10]]);
        assert_eq!(w.finish(), [9, 4, 4, 18, 0, 16, 16, 0]);
    }

    #[test]
    fn spec_example_multi_linestring() {
        let mut w = CommandWriter::default();
        w.line(&[[2, 2], [2, 10], [10, 10]]);
        w.line(&[[1, 1], [3, 5]]);
        assert_eq!(w.finish(), [9, 4, 4, 18, 0, 16, 16, 0, 9, 17, 17, 10, 4, 8]);
    }

    #[test]
    fn spec_example_polygon() {
        let mut w = CommandWriter::default();
        w.ring(&[[3, 6], [8, 12], [20, 34]]);
        assert_eq!(w.finish(), [9, 6, 12, 18, 10, 12, 24, 44, 15]);
    }

    #[test]
    fn spec_example_multi_polygon() {
        let mut w = CommandWriter::default();
        w.ring(&[[0, 0], [10, 0], [10, 10], [0, 10]]);
        w.ring(&[[11, 11], [20, 11], [20, 20], [11, 20]]);
        w.ring(&[[13, 13], [13, 17], [17, 17], [17, 13]]);
        assert_eq!(
            w.finish(),
            [
                9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0, 0, 18, 17, 0, 15, 9, 4, 13, 26, 0, 8, 8, 0,
                0, 7, 15
            ]
        );
    }

    #[test]
    fn degenerate_parts_write_nothing() {
        let mut w = CommandWriter::default();
        w.points(&[]);
        w.line(&[[1, 1]]);
        w.ring(&[[1, 1], [2, 2]]);
        assert!(w.finish().is_empty());
    }
}
