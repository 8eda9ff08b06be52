//! [`Crs`]: the coordinate reference systems landtrace reads, and converting
//! points and whole geometries between them.
//!
//! Everything is stored in WGS84 lon/lat; other CRSs exist only at the edges
//! (imports from web maps, exports for them).

use crate::gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
use crate::lonlat::{CoordError, LonLat};
use geo::{Coord, CoordsIter, MapCoordsInPlace};
use std::fmt;

/// The names [`Crs::parse`] accepts, as listed in its error message.
const ACCEPTED_NAMES: &str = "EPSG:4326, 4326, WGS84, EPSG:4490, 4490, CGCS2000, GCJ02, GCJ-02 (case-insensitive)";
/// Longest part of an unknown CRS name echoed back in [`CrsError`].
const MAX_ECHOED_CHARS: usize = 64;

/// Why a CRS name was rejected by [`Crs::parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    /// The name is none of the accepted ones (the echoed name is cut to 64
    /// characters).
    #[error("unknown CRS {0:?}; accepted: {ACCEPTED_NAMES}")]
    Unknown(String),
}

/// A geographic coordinate reference system, lon/lat in degrees.
///
/// CGCS2000 (EPSG:4490), China's official datum, parses as [`Crs::Wgs84`]:
/// the two agree to within a few centimetres, far below the accuracy of the
/// data landtrace handles. Gauss-Krüger projections and BD-09 may follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Crs {
    /// WGS84 (EPSG:4326); also used for CGCS2000 (EPSG:4490).
    Wgs84,
    /// GCJ-02, the obfuscated datum of Chinese web maps (Amap, Tencent).
    Gcj02,
}

impl Crs {
    /// Parses a CRS name: "EPSG:4326", "4326", "WGS84", "EPSG:4490", "4490",
    /// "CGCS2000" (all [`Crs::Wgs84`]), "GCJ02", "GCJ-02" ([`Crs::Gcj02`]).
    /// Case-insensitive; surrounding whitespace is ignored.
    ///
    /// ```
    /// use landtrace_spatial::Crs;
    /// assert_eq!(Crs::parse("gcj-02").unwrap(), Crs::Gcj02);
    /// assert_eq!(Crs::parse("EPSG:4490").unwrap(), Crs::Wgs84);
    /// assert!(Crs::parse("EPSG:3857").unwrap_err().to_string().contains("CGCS2000"));
    /// ```
    pub fn parse(name: &str) -> Result<Crs, CrsError> {
        let normalized = name.trim().to_ascii_uppercase();
        match normalized.as_str() {
            "EPSG:4326" | "4326" | "WGS84" | "EPSG:4490" | "4490" | "CGCS2000" => Ok(Crs::Wgs84),
            "GCJ02" | "GCJ-02" => Ok(Crs::Gcj02),
            _ => Err(CrsError::Unknown(name.chars().take(MAX_ECHOED_CHARS).collect())),
        }
    }

    /// A short display name: "WGS84" or "GCJ-02".
    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS84",
            Crs::Gcj02 => "GCJ-02",
        }
    }

    /// Converts a position in this CRS to WGS84.
    pub fn to_wgs84(self, p: LonLat) -> LonLat {
        match self {
            Crs::Wgs84 => p,
            Crs::Gcj02 => gcj02_to_wgs84(p),
        }
    }

    /// Converts a WGS84 position to this CRS.
    pub fn from_wgs84(self, p: LonLat) -> LonLat {
        match self {
            Crs::Wgs84 => p,
            Crs::Gcj02 => wgs84_to_gcj02(p),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Crs {
    type Err = CrsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::parse(s)
    }
}

/// Converts every coordinate of `geometry` (`x` = lon, `y` = lat) from `from`
/// to `to`. Works on any geo type: `Geometry`, `MultiPolygon`, `Point`, …
///
/// All coordinates are validated first; if one is not a valid lon/lat the
/// error names it and `geometry` is left unchanged.
pub fn convert_geometry<G>(geometry: &mut G, from: Crs, to: Crs) -> Result<(), CoordError>
where
    G: CoordsIter<Scalar = f64> + MapCoordsInPlace<f64>,
{
    for c in geometry.coords_iter() {
        LonLat::try_from(c)?;
    }
    if from == to {
        return Ok(());
    }
    geometry.map_coords_in_place(|c| {
        // Validated above; the fallback only keeps this closure total.
        match LonLat::try_from(c) {
            Ok(p) => Coord::from(to.from_wgs84(from.to_wgs84(p))),
            Err(_) => c,
        }
    });
    Ok(())
}

/// Converts every coordinate of `geometry` from `crs` to WGS84; see
/// [`convert_geometry`].
pub fn geometry_to_wgs84<G>(crs: Crs, geometry: &mut G) -> Result<(), CoordError>
where
    G: CoordsIter<Scalar = f64> + MapCoordsInPlace<f64>,
{
    convert_geometry(geometry, crs, Crs::Wgs84)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, LineString, MultiPolygon, Point, polygon};

    fn check_parse(name: &str, expected: Crs) {
        assert_eq!(Crs::parse(name), Ok(expected), "{name}");
    }

    #[test]
    fn parses_accepted_names_case_insensitively() {
        for name in
            ["EPSG:4326", "epsg:4326", "4326", "WGS84", "wgs84", "EPSG:4490", "4490", "CGCS2000", "cgcs2000", " WGS84 "]
        {
            check_parse(name, Crs::Wgs84);
        }
        for name in ["gcj02", "GCJ02", "GCJ-02", "gcj-02", "Gcj-02"] {
            check_parse(name, Crs::Gcj02);
        }
    }

    #[test]
    fn unknown_name_error_lists_accepted_names() {
        let err = Crs::parse("EPSG:3857").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown CRS \"EPSG:3857\"; accepted: EPSG:4326, 4326, WGS84, EPSG:4490, 4490, \
             CGCS2000, GCJ02, GCJ-02 (case-insensitive)"
        );
        let long = "x".repeat(10_000);
        let CrsError::Unknown(echoed) = Crs::parse(&long).unwrap_err();
        assert_eq!(echoed.len(), MAX_ECHOED_CHARS);
    }

    #[test]
    fn display_round_trips_through_parse() {
        for crs in [Crs::Wgs84, Crs::Gcj02] {
            assert_eq!(crs.to_string().parse::<Crs>(), Ok(crs));
        }
    }

    #[test]
    fn point_conversion_follows_gcj02_module() {
        let p = LonLat::new(110.77, 35.14).unwrap();
        assert_eq!(Crs::Wgs84.to_wgs84(p), p);
        assert_eq!(Crs::Gcj02.to_wgs84(p), gcj02_to_wgs84(p));
        assert_eq!(Crs::Gcj02.from_wgs84(p), wgs84_to_gcj02(p));
    }

    #[test]
    fn converts_every_coordinate_of_a_geometry() {
        let gcj = polygon![
            exterior: [(x: 110.7, y: 35.1), (x: 110.8, y: 35.1), (x: 110.8, y: 35.2), (x: 110.7, y: 35.1)],
            interiors: [[(x: 110.75, y: 35.12), (x: 110.76, y: 35.12), (x: 110.76, y: 35.13), (x: 110.75, y: 35.12)]],
        ];
        let mut geometry = Geometry::MultiPolygon(MultiPolygon(vec![gcj.clone()]));
        geometry_to_wgs84(Crs::Gcj02, &mut geometry).unwrap();
        let expected: Vec<Coord<f64>> =
            gcj.coords_iter().map(|c| Coord::from(gcj02_to_wgs84(LonLat::try_from(c).unwrap()))).collect();
        assert_eq!(geometry.coords_iter().collect::<Vec<_>>(), expected);

        convert_geometry(&mut geometry, Crs::Wgs84, Crs::Gcj02).unwrap();
        for (back, original) in geometry.coords_iter().zip(gcj.coords_iter()) {
            assert!((back.x - original.x).abs() < 1e-8 && (back.y - original.y).abs() < 1e-8);
        }
    }

    #[test]
    fn invalid_coordinate_rejects_and_leaves_geometry_unchanged() {
        let original = Geometry::LineString(LineString::from(vec![(110.7, 35.1), (110.8, 95.0)]));
        let mut geometry = original.clone();
        let err = geometry_to_wgs84(Crs::Gcj02, &mut geometry).unwrap_err();
        assert_eq!(err, CoordError::LatOutOfRange(95.0));
        assert_eq!(geometry, original);
    }

    #[test]
    fn same_crs_conversion_is_identity() {
        let mut point = Point::new(110.77, 35.14);
        convert_geometry(&mut point, Crs::Gcj02, Crs::Gcj02).unwrap();
        assert_eq!(point, Point::new(110.77, 35.14));
    }
}
