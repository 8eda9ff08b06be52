//! Money as a whole number of fen (分, 0.01 元), so no amount ever loses a cent.
//!
//! The gazette's rates are whole yuan per m², per 亩, per month or per household,
//! and percentages; an amount becomes fractional only when a rate meets a
//! fractional area (120.35 m² × 15 元) or a percentage meets an odd fen. Those
//! products are rounded **once, half away from zero, to the fen**, where they are
//! computed ([`Money::from_rate_times`], [`Money::percent_of`]); sums of [`Money`]
//! are exact.
//!
//! JSON form: `{"fen": 96900000, "yuan": "969000.00"}`: the integer for programs,
//! the exact decimal text for people (never a binary float).

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Largest amount accepted: 10^15 元 (10^17 fen). Sums of a few dozen such amounts
/// still fit in `u64`.
pub const MAX_FEN: u64 = 100_000_000_000_000_000;

/// Why an amount was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// Not a non-negative decimal with at most two decimals (`800000`, `1805.25`).
    #[error("{0:?} is not an amount in yuan (digits, optionally . and one or two decimals)")]
    Format(String),
    /// Larger than [`MAX_FEN`].
    #[error("amount is larger than 10^15 yuan")]
    TooLarge,
}

/// A non-negative amount of money in fen (分); 100 fen = 1 元.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(u64);

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// `fen` fen, if at most [`MAX_FEN`].
    pub const fn from_fen(fen: u64) -> Result<Money, MoneyError> {
        if fen <= MAX_FEN { Ok(Money(fen)) } else { Err(MoneyError::TooLarge) }
    }

    /// `yuan` whole yuan, if at most 10^15.
    pub const fn from_yuan(yuan: u64) -> Result<Money, MoneyError> {
        match yuan.checked_mul(100) {
            Some(fen) => Money::from_fen(fen),
            None => Err(MoneyError::TooLarge),
        }
    }

    /// Parses a yuan amount written as a decimal: `800000`, `800000.5`, `1805.25`
    /// (ASCII digits, at most two decimals, no sign, separators or spaces).
    pub fn parse_yuan(text: &str) -> Result<Money, MoneyError> {
        let format_error = || MoneyError::Format(text.to_owned());
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || text.ends_with('.') {
            return Err(format_error());
        }
        if whole.len() > 16 {
            return Err(MoneyError::TooLarge);
        }
        let whole: u64 = whole.parse().map_err(|_| format_error())?;
        let cents: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().map_err(|_| format_error())? * 10,
            _ => frac.parse().map_err(|_| format_error())?,
        };
        Money::from_fen(whole * 100 + cents)
    }

    /// `rate_fen × quantity`, rounded half away from zero to the fen: the one place
    /// where a rate meets a fractional area. `quantity` must be finite and
    /// non-negative (areas are, by construction).
    pub fn from_rate_times(rate: Money, quantity: f64) -> Result<Money, MoneyError> {
        // rate ≤ 10^17 fen and areas ≤ 10^11, so the product is finite; a product
        // above MAX_FEN is rejected before the cast.
        let fen = (rate.0 as f64 * quantity).round();
        if fen.is_finite() && (0.0..=MAX_FEN as f64).contains(&fen) {
            Money::from_fen(fen as u64)
        } else {
            Err(MoneyError::TooLarge)
        }
    }

    /// `percent`% of `self`, rounded half up to the fen (exact integer arithmetic).
    pub const fn percent_of(self, percent: u8) -> Money {
        // In u128 the product cannot overflow; the result is at most 2.55 × self
        // ≤ 2.55 × 10^17, which fits in u64 (it exceeds MAX_FEN only above 100%).
        Money(((self.0 as u128 * percent as u128 + 50) / 100) as u64)
    }

    /// The amount in fen.
    pub const fn fen(self) -> u64 {
        self.0
    }

    /// The amount in yuan as exact text with two decimals: `969000.00`.
    pub fn yuan_text(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// The amount in 万元 as exact decimal text without trailing zeros:
    /// 644000 元 → `64.4`, 969000 元 → `96.9`, 1234567.89 元 → `123.456789`.
    pub fn wan_yuan_text(self) -> String {
        // 1 万元 = 1 000 000 fen.
        let (whole, frac) = (self.0 / 1_000_000, self.0 % 1_000_000);
        if frac == 0 {
            return whole.to_string();
        }
        let frac = format!("{frac:06}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }
}

impl Add for Money {
    type Output = Money;

    /// Exact sum. Amounts are at most 10^17 fen, so sums of fewer than 184 amounts
    /// cannot overflow.
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 元", self.yuan_text())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Money", 2)?;
        s.serialize_field("fen", &self.0)?;
        s.serialize_field("yuan", &self.yuan_text())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(y: u64) -> Money {
        Money::from_yuan(y).unwrap()
    }

    #[test]
    fn parses_yuan_exactly() {
        assert_eq!(Money::parse_yuan("800000"), Ok(yuan(800_000)));
        assert_eq!(Money::parse_yuan("800000.5").unwrap().fen(), 80_000_050);
        assert_eq!(Money::parse_yuan("1805.25").unwrap().fen(), 180_525);
        assert_eq!(Money::parse_yuan("0.07").unwrap().fen(), 7);
        for bad in ["", ".5", "5.", "1.234", "-1", "1,000", " 1", "1e3", "１", "1.2.3"] {
            assert_eq!(Money::parse_yuan(bad), Err(MoneyError::Format(bad.to_owned())), "{bad:?}");
        }
        assert_eq!(Money::parse_yuan("99999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(Money::parse_yuan("1000000000000001"), Err(MoneyError::TooLarge));
        assert!(Money::parse_yuan("1000000000000000").is_ok());
        assert_eq!(Money::from_yuan(u64::MAX), Err(MoneyError::TooLarge));
    }

    #[test]
    fn texts_are_exact() {
        assert_eq!(yuan(969_000).yuan_text(), "969000.00");
        assert_eq!(Money::from_fen(180_525).unwrap().yuan_text(), "1805.25");
        assert_eq!(Money::from_fen(5).unwrap().yuan_text(), "0.05");
        assert_eq!(yuan(644_000).wan_yuan_text(), "64.4");
        assert_eq!(yuan(10_000).wan_yuan_text(), "1");
        assert_eq!(Money::from_fen(123_456_789).unwrap().wan_yuan_text(), "123.456789");
        assert_eq!(Money::ZERO.wan_yuan_text(), "0");
        assert_eq!(Money::from_fen(1).unwrap().wan_yuan_text(), "0.000001");
        assert_eq!(yuan(1800).to_string(), "1800.00 元");
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_the_fen() {
        let fifteen = yuan(15);
        assert_eq!(Money::from_rate_times(fifteen, 120.0), Ok(yuan(1800)));
        assert_eq!(Money::from_rate_times(fifteen, 120.35).unwrap().fen(), 180_525);
        // 15 元 × 0.001 m² = 1.5 fen → 2 fen; × 0.0003 m² = 0.45 fen → 0.
        assert_eq!(Money::from_rate_times(fifteen, 0.001).unwrap().fen(), 2);
        assert_eq!(Money::from_rate_times(fifteen, 0.0003).unwrap().fen(), 0);
        assert_eq!(Money::from_rate_times(yuan(1_000_000_000), 1.0e11), Err(MoneyError::TooLarge));
        // Percentages: exact integers, half up.
        assert_eq!(yuan(800_000).percent_of(20), yuan(160_000));
        assert_eq!(yuan(800_000).percent_of(10), yuan(80_000));
        assert_eq!(Money::from_fen(12_345).unwrap().percent_of(10).fen(), 1_235); // 1234.5 → 1235
        assert_eq!(Money::from_fen(12_344).unwrap().percent_of(10).fen(), 1_234);
        assert_eq!(Money::from_fen(MAX_FEN).unwrap().percent_of(20).fen(), MAX_FEN / 5);
    }

    #[test]
    fn sums_and_json() {
        let total: Money = [yuan(800_000), yuan(1_800), yuan(7_200), yuan(160_000)].into_iter().sum();
        assert_eq!(total, yuan(969_000));
        assert_eq!(serde_json::to_value(total).unwrap(), serde_json::json!({"fen": 96_900_000, "yuan": "969000.00"}));
    }
}
