//! Deterministic polygons that are hard for validity checks, shared by the
//! `validity` benchmark and the tests of `landtrace_spatial::validity`. Every
//! shape is a valid polygon of about `n` vertices near lon 110.7, lat 35.1.
//!
//! - [`circle`]: a regular `n`-gon, the easy case.
//! - [`comb`]: a spine with long horizontal teeth: every tooth spans the whole
//!   width, so a sweep over x-ranges compares all edges with all edges.
//! - [`slanted_comb`]: the comb sheared, so that no edge is horizontal.
//! - [`spiral`]: a thick Archimedean spiral arm, its turns nested tightly.

use geo::{Coord, LineString, Polygon};

const CENTER: Coord<f64> = Coord { x: 110.7, y: 35.1 };
const SIZE: f64 = 0.05;

/// A regular polygon with `n` vertices.
pub fn circle(n: usize) -> Polygon<f64> {
    let coords = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            Coord { x: CENTER.x + SIZE * t.cos(), y: CENTER.y + SIZE * t.sin() }
        })
        .collect::<Vec<_>>();
    Polygon::new(LineString(coords), vec![])
}

/// A comb of about `n / 4` teeth, each `SIZE` long, on a spine at the left.
pub fn comb(n: usize) -> Polygon<f64> {
    let teeth = (n / 4).max(1);
    let pitch = SIZE / teeth as f64;
    let (left, spine, right) = (CENTER.x, CENTER.x + SIZE / 50.0, CENTER.x + SIZE);
    let mut coords = Vec::with_capacity(4 * teeth + 2);
    coords.push(Coord { x: left, y: CENTER.y });
    for i in 0..teeth {
        let y = CENTER.y + i as f64 * pitch;
        coords.push(Coord { x: right, y });
        coords.push(Coord { x: right, y: y + pitch / 2.0 });
        if i + 1 < teeth {
            coords.push(Coord { x: spine, y: y + pitch / 2.0 });
            coords.push(Coord { x: spine, y: y + pitch });
        }
    }
    coords.push(Coord { x: left, y: CENTER.y + (teeth as f64 - 0.5) * pitch });
    Polygon::new(LineString(coords), vec![])
}

/// The comb sheared by `y += (x − left) / 3`: the teeth slant upwards.
pub fn slanted_comb(n: usize) -> Polygon<f64> {
    let mut polygon = comb(n);
    polygon.exterior_mut(|ring| {
        for c in &mut ring.0 {
            c.y += (c.x - CENTER.x) / 3.0;
        }
    });
    polygon
}

/// A spiral arm of about `n` vertices: out along one Archimedean spiral and
/// back along another just inside it. With `t` turns and `m` vertices per
/// turn, `m ≥ 6√t` keeps every chord clear of the neighbouring turns.
pub fn spiral(n: usize) -> Polygon<f64> {
    let turns = ((n as f64 / 12.0).powf(2.0 / 3.0)).max(1.0);
    let per_turn = (n as f64 / (2.0 * turns)).max(8.0);
    let steps = (turns * per_turn) as usize;
    let gap = SIZE / (turns + 1.0);
    let r = |theta: f64| gap + gap * theta / std::f64::consts::TAU;
    let point = |theta: f64, inset: f64| {
        let radius = r(theta) - inset;
        Coord { x: CENTER.x + radius * theta.cos(), y: CENTER.y + radius * theta.sin() }
    };
    let dtheta = std::f64::consts::TAU / per_turn;
    let mut coords: Vec<Coord<f64>> = (0..=steps).map(|i| point(i as f64 * dtheta, 0.0)).collect();
    coords.extend((0..=steps).rev().map(|i| point(i as f64 * dtheta, gap / 2.0)));
    Polygon::new(LineString(coords), vec![])
}
