//! Land prices and valuation: the benchmark land prices of 临政发〔2023〕8号 and the
//! benchmark value of a parcel from its areas in the grade zones.

pub mod appraisal;
pub mod prices;
pub mod valuation;
