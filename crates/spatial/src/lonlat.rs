//! [`LonLat`]: a longitude/latitude pair in degrees that is known to be valid.
//!
//! Parse untrusted numbers once with [`LonLat::new`]; everything downstream can
//! then rely on the values being finite and in range.

use geo::{Coord, Point};

/// Why a longitude/latitude pair was rejected by [`LonLat::new`].
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoordError {
    /// The longitude is NaN or infinite.
    #[error("lon {0} is not a finite number")]
    LonNotFinite(f64),
    /// The latitude is NaN or infinite.
    #[error("lat {0} is not a finite number")]
    LatNotFinite(f64),
    /// The longitude is outside -180..180 degrees.
    #[error("lon {0} is outside -180..180")]
    LonOutOfRange(f64),
    /// The latitude is outside -90..90 degrees.
    #[error("lat {0} is outside -90..90")]
    LatOutOfRange(f64),
    /// A projected position outside the area its CRS covers (or one the
    /// installed converter could not convert).
    #[error("{x} {y} is not a position EPSG:{epsg} can convert")]
    OutsideProjection {
        /// Easting (or longitude).
        x: f64,
        /// Northing (or latitude).
        y: f64,
        /// The CRS.
        epsg: u32,
    },
    /// A Gauss-Krüger easting without the zone number its CRS puts in front.
    #[error(
        "easting {easting} lacks the zone number {zone} that EPSG:{epsg} puts in front (the same zone without it is EPSG:{plain})"
    )]
    ZoneNumberMissing {
        /// The easting read.
        easting: f64,
        /// The zone of the CRS.
        zone: u32,
        /// The CRS.
        epsg: u32,
        /// The same zone without the number.
        plain: u32,
    },
    /// A Gauss-Krüger easting with a zone number its CRS does not have.
    #[error(
        "easting {easting} carries a zone number, which EPSG:{epsg} does not (zone {zone} with its number is EPSG:{numbered})"
    )]
    ZoneNumberUnexpected {
        /// The easting read.
        easting: f64,
        /// The CRS.
        epsg: u32,
        /// The zone the easting's prefix names.
        zone: u32,
        /// The numbered CRS of that zone.
        numbered: u32,
    },
    /// A Gauss-Krüger easting whose zone number is not its CRS's zone.
    #[error("easting {easting} carries zone number {found}, but EPSG:{epsg} is zone {zone}")]
    WrongZone {
        /// The easting read.
        easting: f64,
        /// The zone its prefix names.
        found: u32,
        /// The CRS's zone.
        zone: u32,
        /// The CRS.
        epsg: u32,
    },
}

/// A longitude/latitude pair in degrees: both finite, lon in [-180, 180],
/// lat in [-90, 90] (bounds included).
///
/// The pair carries no datum by itself; which CRS it is in is said by the call
/// that produced it (e.g. [`crate::gcj02::wgs84_to_gcj02`] returns GCJ-02).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

impl LonLat {
    /// Validates and wraps a longitude/latitude pair in degrees.
    ///
    /// ```
    /// use landtrace_spatial::LonLat;
    /// let p = LonLat::new(110.77, 35.14).unwrap();
    /// assert_eq!(p.lon(), 110.77);
    /// let err = LonLat::new(110.77, 200.0).unwrap_err();
    /// assert_eq!(err.to_string(), "lat 200 is outside -90..90");
    /// ```
    pub fn new(lon: f64, lat: f64) -> Result<LonLat, CoordError> {
        if !lon.is_finite() {
            return Err(CoordError::LonNotFinite(lon));
        }
        if !lat.is_finite() {
            return Err(CoordError::LatNotFinite(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordError::LonOutOfRange(lon));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordError::LatOutOfRange(lat));
        }
        Ok(LonLat { lon, lat })
    }

    /// Wraps values the caller has already proven valid (e.g. a sub-kilometre
    /// shift of a point well inside China). Checked in debug builds.
    pub(crate) fn from_valid(lon: f64, lat: f64) -> LonLat {
        debug_assert!(LonLat::new(lon, lat).is_ok(), "invalid LonLat({lon}, {lat})");
        LonLat { lon, lat }
    }

    /// Longitude in degrees, in [-180, 180].
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees, in [-90, 90].
    pub fn lat(self) -> f64 {
        self.lat
    }
}

impl From<LonLat> for Coord<f64> {
    /// `x` is the longitude, `y` the latitude.
    fn from(p: LonLat) -> Self {
        Coord { x: p.lon, y: p.lat }
    }
}

impl From<LonLat> for Point<f64> {
    fn from(p: LonLat) -> Self {
        Point::new(p.lon, p.lat)
    }
}

impl TryFrom<Coord<f64>> for LonLat {
    type Error = CoordError;

    /// Reads `x` as the longitude and `y` as the latitude.
    fn try_from(c: Coord<f64>) -> Result<Self, Self::Error> {
        LonLat::new(c.x, c.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_err(lon: f64, lat: f64, expected: &str) {
        let err = LonLat::new(lon, lat).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }

    #[test]
    fn accepts_valid_values_and_bounds() {
        let p = LonLat::new(110.77, 35.14).unwrap();
        assert_eq!((p.lon(), p.lat()), (110.77, 35.14));
        for (lon, lat) in [(-180.0, -90.0), (180.0, 90.0), (0.0, 0.0), (-0.0, -0.0)] {
            assert!(LonLat::new(lon, lat).is_ok(), "{lon} {lat}");
        }
    }

    #[test]
    fn error_messages_name_the_problem_and_value() {
        check_err(0.0, 200.0, "lat 200 is outside -90..90");
        check_err(0.0, -90.5, "lat -90.5 is outside -90..90");
        check_err(180.25, 0.0, "lon 180.25 is outside -180..180");
        check_err(-181.0, 0.0, "lon -181 is outside -180..180");
        check_err(f64::NAN, 0.0, "lon NaN is not a finite number");
        check_err(0.0, f64::INFINITY, "lat inf is not a finite number");
        check_err(0.0, f64::NEG_INFINITY, "lat -inf is not a finite number");
    }

    #[test]
    fn lon_is_checked_before_lat() {
        assert_eq!(LonLat::new(500.0, 500.0), Err(CoordError::LonOutOfRange(500.0)));
    }

    #[test]
    fn converts_to_and_from_geo_types() {
        let p = LonLat::new(110.77, 35.14).unwrap();
        let c: Coord<f64> = p.into();
        assert_eq!(c, Coord { x: 110.77, y: 35.14 });
        assert_eq!(LonLat::try_from(c), Ok(p));
        assert_eq!(Point::from(p), Point::new(110.77, 35.14));
        assert!(LonLat::try_from(Coord { x: 0.0, y: 91.0 }).is_err());
    }
}
