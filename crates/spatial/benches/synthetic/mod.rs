//! Deterministic synthetic zones and points around Linyi County, for the
//! benchmarks and for a later PostGIS comparison on the very same data.
//!
//! Everything is generated from fixed seeds with a xorshift64* generator, so
//! every run on every machine sees identical coordinates (the only floating
//! point functions used are `sin`/`cos`, so generate the PostGIS copy with
//! this module rather than re-implementing it).
//!
//! - [`parcels`]: 5,000 irregular star-shaped parcels of 8–40 vertices, one
//!   per cell of a 50 x 100 grid over 0.5° x 0.5° centred on 110.77 E,
//!   35.14 N (cells about 910 m x 555 m); every 7th parcel has a hole.
//!   Parcels do not touch; about 40 % of the area is covered.
//! - [`admin_areas`]: one smooth county-like polygon of 650 vertices over
//!   most of the area and 16 smooth township-like polygons of 300 vertices in
//!   a 4 x 4 grid (they exercise the banded edge index).
//! - [`points`]: uniform random points over the area plus a 1 % margin.

use geo::{Coord, LineString, MultiPolygon, Polygon, coord};
use std::f64::consts::TAU;

/// Centre of the synthetic area (Linyi County seat, roughly).
pub const CENTER: Coord<f64> = Coord { x: 110.77, y: 35.14 };
/// Width and height of the synthetic area, degrees.
pub const EXTENT_DEG: f64 = 0.5;
/// Parcel grid columns and rows (50 x 100 = 5,000 parcels).
pub const GRID_COLUMNS: usize = 50;
pub const GRID_ROWS: usize = 100;

/// Which layer a synthetic zone belongs to; a zone key is `(Layer, fid)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Parcel,
    County,
    Township,
}

/// xorshift64*: tiny, deterministic, good enough for test data.
#[derive(Debug, Clone)]
pub struct XorShift64(u64);

impl XorShift64 {
    pub fn new(seed: u64) -> Self {
        XorShift64(seed.max(1))
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// Uniform integer in lo..=hi.
    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        (lo + (self.next_f64() * (hi - lo + 1) as f64) as usize).min(hi)
    }
}

fn area_min() -> Coord<f64> {
    coord! { x: CENTER.x - EXTENT_DEG / 2.0, y: CENTER.y - EXTENT_DEG / 2.0 }
}

/// A star-shaped ring of `n` vertices around `center`: vertex `i` at angle
/// `(i + jitter) / n` of a turn, on an ellipse with half-axes `(rx, ry)`
/// scaled by a factor in `[r_lo, r_hi]`. Counter-clockwise, closed.
fn star_ring(
    rng: &mut XorShift64,
    n: usize,
    center: Coord<f64>,
    (rx, ry): (f64, f64),
    (r_lo, r_hi): (f64, f64),
) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let t = (i as f64 + rng.range(0.0, 0.7)) / n as f64 * TAU;
            let r = rng.range(r_lo, r_hi);
            coord! { x: center.x + rx * r * t.cos(), y: center.y + ry * r * t.sin() }
        })
        .collect();
    coords.push(coords[0]);
    LineString(coords)
}

/// The 5,000 parcels, keyed `(Layer::Parcel, fid)` with fid 0..5000.
pub fn parcels() -> Vec<((Layer, u32), MultiPolygon<f64>)> {
    let mut rng = XorShift64::new(0x5EED_0001);
    let (cell_w, cell_h) = (EXTENT_DEG / GRID_COLUMNS as f64, EXTENT_DEG / GRID_ROWS as f64);
    let min = area_min();
    let mut out = Vec::with_capacity(GRID_COLUMNS * GRID_ROWS);
    for row in 0..GRID_ROWS {
        for column in 0..GRID_COLUMNS {
            let fid = (row * GRID_COLUMNS + column) as u32;
            let center = coord! {
                x: min.x + (column as f64 + 0.5 + rng.range(-0.03, 0.03)) * cell_w,
                y: min.y + (row as f64 + 0.5 + rng.range(-0.03, 0.03)) * cell_h,
            };
            let half_axes = (cell_w / 2.0, cell_h / 2.0);
            let n = rng.int(8, 40);
            let exterior = star_ring(&mut rng, n, center, half_axes, (0.55, 0.95));
            let holes = if fid.is_multiple_of(7) {
                let n = rng.int(8, 16);
                vec![star_ring(&mut rng, n, center, half_axes, (0.15, 0.4))]
            } else {
                vec![]
            };
            out.push(((Layer::Parcel, fid), MultiPolygon(vec![Polygon::new(exterior, holes)])));
        }
    }
    out
}

/// A smooth closed ring like an administrative boundary: `n` vertices at
/// even angles, radius modulated by two low-frequency waves plus 0.5 % noise.
fn boundary_ring(rng: &mut XorShift64, n: usize, center: Coord<f64>, radius: f64) -> LineString<f64> {
    let (phase_a, phase_b) = (rng.range(0.0, TAU), rng.range(0.0, TAU));
    let mut coords: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * TAU;
            let r = radius
                * (0.9
                    + 0.05 * (3.0 * t + phase_a).sin()
                    + 0.03 * (7.0 * t + phase_b).sin()
                    + rng.range(-0.005, 0.005));
            coord! { x: center.x + r * t.cos(), y: center.y + r * t.sin() }
        })
        .collect();
    coords.push(coords[0]);
    LineString(coords)
}

/// One county-like zone (650 vertices) over most of the area and 16
/// township-like zones (300 vertices each) in a 4 x 4 grid, all smooth like
/// real boundaries; keyed `(Layer::County, 0)` and `(Layer::Township, 0..16)`.
pub fn admin_areas() -> Vec<((Layer, u32), MultiPolygon<f64>)> {
    let mut rng = XorShift64::new(0x5EED_0002);
    let county = boundary_ring(&mut rng, 650, CENTER, EXTENT_DEG / 2.0);
    let mut out = vec![((Layer::County, 0), MultiPolygon(vec![Polygon::new(county, vec![])]))];
    let min = area_min();
    let step = EXTENT_DEG / 4.0;
    for i in 0..16u32 {
        let center = coord! {
            x: min.x + (f64::from(i % 4) + 0.5) * step,
            y: min.y + (f64::from(i / 4) + 0.5) * step,
        };
        let ring = boundary_ring(&mut rng, 300, center, step / 2.0);
        out.push(((Layer::Township, i), MultiPolygon(vec![Polygon::new(ring, vec![])])));
    }
    out
}

/// `n` uniform random points over the area plus a 1 % margin on every side.
pub fn points(n: usize) -> Vec<Coord<f64>> {
    let mut rng = XorShift64::new(0x5EED_0003);
    let margin = EXTENT_DEG * 0.01;
    let min = area_min();
    let max = coord! { x: min.x + EXTENT_DEG, y: min.y + EXTENT_DEG };
    (0..n)
        .map(|_| {
            coord! {
                x: rng.range(min.x - margin, max.x + margin),
                y: rng.range(min.y - margin, max.y + margin),
            }
        })
        .collect()
}
