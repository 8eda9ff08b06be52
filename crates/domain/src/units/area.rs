//! Areas with their unit in the type: [`SquareMetres`] (m²) and [`Mu`] (亩).
//!
//! 1 亩 = 10000/15 m² ≈ 666.667 m² (the national definition, used by the gazette's
//! 万元/亩 columns). Both types hold a finite, non-negative `f64` no larger than
//! [`MAX_M2`], so code that has one need not check it; conversion between them is
//! `m² × 15 / 10000` (not a division by 666.67, which would add a rounding error).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Square metres in one 亩: exactly 10000/15.
pub const M2_PER_MU: f64 = 10000.0 / 15.0;

/// Largest accepted area: 100 000 km² (the county is about 1 340 km²). Larger values
/// are input errors and would make money amounts overflow.
pub const MAX_M2: f64 = 1.0e11;

/// Why an area was rejected.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AreaError {
    /// NaN or infinite.
    #[error("area {0} is not a finite number")]
    NotFinite(f64),
    /// Below zero.
    #[error("area {0} is negative")]
    Negative(f64),
    /// Above [`MAX_M2`] (100 000 km²); the value is in m².
    #[error("area {0} m² is larger than 100 000 km²")]
    TooLarge(f64),
}

fn check_m2(m2: f64) -> Result<f64, AreaError> {
    if !m2.is_finite() {
        Err(AreaError::NotFinite(m2))
    } else if m2 < 0.0 {
        Err(AreaError::Negative(m2))
    } else if m2 > MAX_M2 {
        Err(AreaError::TooLarge(m2))
    } else {
        // Normalise -0.0 to 0.0 so it prints and serializes as 0.
        Ok(m2 + 0.0)
    }
}

/// An area in square metres (平方米).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct SquareMetres(f64);

impl SquareMetres {
    /// No area.
    pub const ZERO: SquareMetres = SquareMetres(0.0);

    /// `m2` square metres, if finite, non-negative and at most [`MAX_M2`].
    pub fn new(m2: f64) -> Result<SquareMetres, AreaError> {
        check_m2(m2).map(SquareMetres)
    }

    /// `mu` 亩 in square metres (`mu × 10000 / 15`).
    pub fn from_mu(mu: f64) -> Result<SquareMetres, AreaError> {
        Mu::new(mu).map(Mu::square_metres)
    }

    /// The area in m².
    pub const fn get(self) -> f64 {
        self.0
    }

    /// The area in 亩 (`m² × 15 / 10000`, not rounded).
    pub fn mu(self) -> f64 {
        self.0 * 15.0 / 10000.0
    }
}

impl TryFrom<f64> for SquareMetres {
    type Error = AreaError;

    fn try_from(m2: f64) -> Result<Self, Self::Error> {
        SquareMetres::new(m2)
    }
}

impl From<SquareMetres> for f64 {
    fn from(a: SquareMetres) -> f64 {
        a.0
    }
}

impl fmt::Display for SquareMetres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} m²", self.0)
    }
}

/// An area in 亩, for inputs that are declared in 亩 (consolidation projects,
/// orchards). Kept in 亩 so that `12.5 亩 × 300 元/亩` is computed from 12.5 itself.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Mu(f64);

impl Mu {
    /// No area.
    pub const ZERO: Mu = Mu(0.0);

    /// `mu` 亩, if finite, non-negative and at most [`MAX_M2`] in m².
    pub fn new(mu: f64) -> Result<Mu, AreaError> {
        if !mu.is_finite() {
            Err(AreaError::NotFinite(mu))
        } else if mu < 0.0 {
            Err(AreaError::Negative(mu))
        } else {
            check_m2(mu * M2_PER_MU).map(|_| Mu(mu + 0.0))
        }
    }

    /// The area in 亩.
    pub const fn get(self) -> f64 {
        self.0
    }

    /// The area in m² (`亩 × 10000 / 15`).
    pub fn square_metres(self) -> SquareMetres {
        SquareMetres(self.0 * 10000.0 / 15.0)
    }
}

impl TryFrom<f64> for Mu {
    type Error = AreaError;

    fn try_from(mu: f64) -> Result<Self, Self::Error> {
        Mu::new(mu)
    }
}

impl From<Mu> for f64 {
    fn from(a: Mu) -> f64 {
        a.0
    }
}

impl fmt::Display for Mu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 亩", self.0)
    }
}

/// An area in both units, for results: `{"m2": 1000.0, "mu": 1.5}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AreaFigures {
    /// Square metres.
    pub m2: f64,
    /// 亩 (`m² × 15 / 10000`, not rounded).
    pub mu: f64,
}

impl From<SquareMetres> for AreaFigures {
    fn from(a: SquareMetres) -> Self {
        AreaFigures { m2: a.get(), mu: a.mu() }
    }
}

impl From<Mu> for AreaFigures {
    /// Keeps the 亩 value as given (no round trip through m²).
    fn from(a: Mu) -> Self {
        AreaFigures { m2: a.square_metres().get(), mu: a.get() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mu_is_ten_thousand_fifteenths_of_a_square_metre() {
        assert_eq!(M2_PER_MU, 10000.0 / 15.0);
        assert_eq!(crate::land::prices::MU_IN_M2, M2_PER_MU);
        assert_eq!(SquareMetres::new(1000.0).unwrap().mu(), 1.5);
        assert_eq!(SquareMetres::new(600.0).unwrap().mu(), 0.9);
        assert_eq!(SquareMetres::new(10000.0).unwrap().mu(), 15.0);
        assert_eq!(SquareMetres::from_mu(1.5).unwrap().get(), 1000.0);
        assert_eq!(Mu::new(3.0).unwrap().square_metres().get(), 2000.0);
        assert!((SquareMetres::from_mu(1.0).unwrap().get() - 666.667).abs() < 0.001);
    }

    #[test]
    fn rejects_bad_areas() {
        assert_eq!(SquareMetres::new(-1.0), Err(AreaError::Negative(-1.0)));
        assert!(matches!(SquareMetres::new(f64::NAN), Err(AreaError::NotFinite(_))));
        assert_eq!(SquareMetres::new(f64::INFINITY), Err(AreaError::NotFinite(f64::INFINITY)));
        assert_eq!(SquareMetres::new(2.0e11), Err(AreaError::TooLarge(2.0e11)));
        assert_eq!(Mu::new(-0.5), Err(AreaError::Negative(-0.5)));
        assert!(Mu::new(1.0e9).is_err());
        assert_eq!(SquareMetres::new(-0.0).unwrap().get().to_string(), "0");
        assert_eq!(SquareMetres::new(-1.0).unwrap_err().to_string(), "area -1 is negative");
    }

    #[test]
    fn serde_checks_the_value() {
        let a: SquareMetres = serde_json::from_str("1000.5").unwrap();
        assert_eq!(a.get(), 1000.5);
        assert_eq!(serde_json::to_string(&a).unwrap(), "1000.5");
        assert!(serde_json::from_str::<SquareMetres>("-3").is_err());
        let m: Mu = serde_json::from_str("12").unwrap();
        assert_eq!(m.get(), 12.0);
        assert_eq!(
            serde_json::to_value(AreaFigures::from(SquareMetres::new(1000.0).unwrap())).unwrap(),
            serde_json::json!({"m2": 1000.0, "mu": 1.5})
        );
        assert_eq!(AreaFigures::from(Mu::new(100.0).unwrap()).mu, 100.0);
    }
}
