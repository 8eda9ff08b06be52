//! Deterministic random inputs shared by the property tests of this crate.

use geo::{Coord, LineString, coord};

/// xorshift64*: a tiny deterministic generator.
pub(crate) struct XorShift(pub(crate) u64);

impl XorShift {
    /// A number in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }

    /// A number in `[lo, hi)`.
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// A whole number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((self.next_f64() * n as f64) as usize).min(n - 1)
    }
}

/// A random star-shaped (hence simple) ring of `n` vertices around `center`, with
/// radii in `[r_min, r_max]`.
pub(crate) fn star(rng: &mut XorShift, center: Coord<f64>, r_min: f64, r_max: f64, n: usize) -> LineString<f64> {
    let coords: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let t = (i as f64 + rng.range(0.0, 0.8)) / n as f64 * std::f64::consts::TAU;
            let r = rng.range(r_min, r_max);
            coord! { x: center.x + r * t.cos(), y: center.y + r * t.sin() }
        })
        .collect();
    LineString(coords)
}
