//! Clipping polylines to an axis-aligned rectangle (Liang–Barsky, per segment).
//!
//! A line that leaves the rectangle and comes back becomes several lines; the parts
//! keep the input's direction and order. Points on the rectangle's edge are inside.

use geo::{Coord, LineString, Rect};

/// The parts of `line` inside `rect` (closed), in order. Parts of a single point (a
/// line that only touches a corner or an edge at one place) are left out.
pub(crate) fn clip_line_to_rect(line: &LineString<f64>, rect: Rect<f64>) -> Vec<LineString<f64>> {
    let mut parts: Vec<LineString<f64>> = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    for segment in line.lines() {
        match clip_segment(segment.start, segment.end, rect) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    finish_part(&mut parts, &mut current);
                    current.push(a);
                }
                if b != a {
                    current.push(b);
                }
                // The segment left the rectangle: the next inside piece is a new part.
                if b != segment.end {
                    finish_part(&mut parts, &mut current);
                }
            }
            None => finish_part(&mut parts, &mut current),
        }
    }
    finish_part(&mut parts, &mut current);
    parts
}

fn finish_part(parts: &mut Vec<LineString<f64>>, current: &mut Vec<Coord<f64>>) {
    if current.len() >= 2 {
        parts.push(LineString::new(std::mem::take(current)));
    } else {
        current.clear();
    }
}

/// Liang–Barsky: the part of segment `a → b` inside `rect`, if any. An endpoint that
/// is inside is returned unchanged (bit for bit), so consecutive segments join.
fn clip_segment(a: Coord<f64>, b: Coord<f64>, rect: Rect<f64>) -> Option<(Coord<f64>, Coord<f64>)> {
    let d = b - a;
    let (min, max) = (rect.min(), rect.max());
    let mut t0 = 0.0_f64;
    let mut t1 = 1.0_f64;
    for (p, q) in [(-d.x, a.x - min.x), (d.x, max.x - a.x), (-d.y, a.y - min.y), (d.y, max.y - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        let c = a + d * t;
        Coord { x: c.x.clamp(min.x, max.x), y: c.y.clamp(min.y, max.y) }
    };
    let start = if t0 == 0.0 { a } else { at(t0) };
    let end = if t1 == 1.0 { b } else { at(t1) };
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    fn rect() -> Rect<f64> {
        Rect::new((0.0, 0.0), (10.0, 10.0))
    }

    fn check(line: LineString<f64>, expected: &[&[(f64, f64)]]) {
        let parts = clip_line_to_rect(&line, rect());
        let got: Vec<Vec<(f64, f64)>> = parts.iter().map(|p| p.coords().map(|c| (c.x, c.y)).collect()).collect();
        let expected: Vec<Vec<(f64, f64)>> = expected.iter().map(|p| p.to_vec()).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn inside_line_is_unchanged() {
        check(
            line_string![(x: 1.0, y: 1.0), (x: 5.0, y: 5.0), (x: 9.0, y: 1.0)],
            &[&[(1.0, 1.0), (5.0, 5.0), (9.0, 1.0)]],
        );
    }

    #[test]
    fn crossing_line_is_cut_at_the_edges() {
        check(line_string![(x: -5.0, y: 5.0), (x: 15.0, y: 5.0)], &[&[(0.0, 5.0), (10.0, 5.0)]]);
    }

    #[test]
    fn leaving_and_returning_makes_two_parts() {
        check(
            line_string![(x: 2.0, y: 2.0), (x: 2.0, y: 20.0), (x: 8.0, y: 20.0), (x: 8.0, y: 2.0)],
            &[&[(2.0, 2.0), (2.0, 10.0)], &[(8.0, 10.0), (8.0, 2.0)]],
        );
    }

    #[test]
    fn outside_and_corner_touching_lines_vanish() {
        check(line_string![(x: 11.0, y: 0.0), (x: 20.0, y: 5.0)], &[]);
        check(line_string![(x: -1.0, y: 1.0), (x: 1.0, y: -1.0)], &[]);
    }

    #[test]
    fn line_along_an_edge_is_kept() {
        check(line_string![(x: 0.0, y: -5.0), (x: 0.0, y: 5.0)], &[&[(0.0, 0.0), (0.0, 5.0)]]);
    }

    #[test]
    fn diagonal_through_the_box() {
        check(line_string![(x: -10.0, y: -10.0), (x: 20.0, y: 20.0)], &[&[(0.0, 0.0), (10.0, 10.0)]]);
    }
}
