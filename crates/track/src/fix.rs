//! [`Fix`]: one GPS position with its time, as read from a track file.

use crate::location::Location;
use landtrace_spatial::{CoordError, LonLat};

/// One GPS fix: a WGS84 position and a time.
///
/// **Times are milliseconds since the Unix epoch (UTC)**, `t_ms`; the readers
/// keep millisecond precision and drop finer digits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Where the fix was read.
    pub at: Location,
    /// Unix time in milliseconds (UTC).
    pub t_ms: i64,
    /// Position in WGS84 (already converted from the input CRS).
    pub position: LonLat,
    /// The time was written without an offset and read as Beijing time (UTC+8).
    pub local_time_assumed: bool,
}

impl Fix {
    /// A fix from raw WGS84 degrees, rejecting NaN and out-of-range values.
    ///
    /// ```
    /// use landtrace_track::{Fix, Location};
    /// let fix = Fix::new(Location::Line(2), 1_714_528_800_000, 110.77, 35.14).unwrap();
    /// assert_eq!(fix.position.lon(), 110.77);
    /// assert!(Fix::new(Location::Line(3), 0, f64::NAN, 35.14).is_err());
    /// ```
    pub fn new(at: Location, t_ms: i64, lon: f64, lat: f64) -> Result<Fix, CoordError> {
        Ok(Fix { at, t_ms, position: LonLat::new(lon, lat)?, local_time_assumed: false })
    }
}
