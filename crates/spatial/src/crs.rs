//! [`Crs`]: the coordinate reference systems landtrace reads and writes, and
//! converting points and whole geometries between them.
//!
//! Everything is stored in WGS84 lon/lat; other CRSs exist only at the edges
//! (imports, exports, the `crs` parameter of the API). Coordinates are always
//! in "GIS order": `x` is the longitude or the easting, `y` the latitude or
//! the northing, whatever axis order an EPSG definition states. Readers of
//! northing-first files (the Chinese coordinate text files) swap on reading.
//!
//! Built in and pure: WGS84 (EPSG:4326), CGCS2000 (EPSG:4490), Web Mercator
//! (EPSG:3857), the CGCS2000 Gauss-Krüger zones (EPSG:4491–4554, see
//! [`crate::gauss_kruger`]), GCJ-02 and BD-09. Every other EPSG code is
//! [`Crs::Epsg`], converted by an [`ExternalCrs`] the program installs
//! (`landtrace-gis` installs PROJ); without one such codes are refused.

use crate::bd09::{bd09_to_wgs84, wgs84_to_bd09};
use crate::gauss_kruger::GaussKruger;
use crate::gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
use crate::lonlat::{CoordError, LonLat};
use geo::{Coord, MapCoords};
use std::fmt;
use std::sync::OnceLock;

/// The names [`Crs::parse`] accepts, as listed in its error message.
const ACCEPTED_NAMES: &str = "EPSG:4326 (WGS84), EPSG:4490 (CGCS2000), EPSG:3857 (Web Mercator), \
     EPSG:4491–4554 (CGCS2000 Gauss-Krüger zones), GCJ-02, BD-09, and any other EPSG code in builds with PROJ \
     (the default); as EPSG:n, n, or urn:ogc:def:crs:EPSG::n";
/// Longest part of an unknown CRS name echoed back in [`CrsError`].
const MAX_ECHOED_CHARS: usize = 64;
/// Web Mercator's sphere radius, metres.
const MERCATOR_RADIUS: f64 = 6_378_137.0;
/// Web Mercator's largest |x| and |y|, metres (±180°, ±85.051 128 78°).
const MERCATOR_MAX: f64 = 20_037_508.342_789_244;

/// Why a CRS name was rejected by [`Crs::parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    /// The name is none of the accepted ones (the echoed name is cut to 64
    /// characters).
    #[error("unknown CRS {0:?}; accepted: {ACCEPTED_NAMES}")]
    Unknown(String),
    /// An EPSG code this build cannot convert: not built in, and no PROJ.
    #[error("EPSG:{0} is not built in and this build has no PROJ; built in: {ACCEPTED_NAMES}")]
    NoProj(u32),
    /// An EPSG code PROJ does not know (or cannot convert to WGS84).
    #[error("EPSG:{0} is not a coordinate reference system PROJ can convert to WGS84")]
    UnknownEpsg(u32),
}

/// A coordinate reference system, geographic (lon/lat in degrees) or projected
/// (easting/northing in metres).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Crs {
    /// WGS84 (EPSG:4326), lon/lat.
    Wgs84,
    /// CGCS2000 (EPSG:4490), China's official datum, lon/lat: the same
    /// coordinates as WGS84 to within a few centimetres (the two realise the
    /// same ITRF frame at different epochs), far below the accuracy of the
    /// data landtrace handles, so no shift is applied.
    Cgcs2000,
    /// Web Mercator (EPSG:3857), metres.
    WebMercator,
    /// A CGCS2000 Gauss-Krüger zone, by its EPSG code (4491–4554), metres.
    GaussKruger(u16),
    /// GCJ-02, the obfuscated datum of Chinese web maps (Amap, Tencent), lon/lat.
    Gcj02,
    /// BD-09, Baidu Maps' further-obfuscated GCJ-02, lon/lat.
    Bd09,
    /// Any other EPSG code, converted by the installed [`ExternalCrs`] (PROJ).
    Epsg(u32),
}

/// A converter for EPSG codes that are not built in (PROJ, in `landtrace-gis`).
/// Coordinates are in GIS order (x = lon/easting, y = lat/northing).
pub trait ExternalCrs: Send + Sync {
    /// The CRS's name, if the converter knows the code and can convert it to
    /// and from WGS84.
    fn name(&self, epsg: u32) -> Option<String>;
    /// Whether the code is geographic (degrees) rather than projected.
    fn is_geographic(&self, epsg: u32) -> bool;
    /// Converts coordinates of `epsg` to WGS84 lon/lat in place; false if any fails.
    fn to_wgs84(&self, epsg: u32, coords: &mut [Coord<f64>]) -> bool;
    /// Converts WGS84 lon/lat to coordinates of `epsg` in place; false if any fails.
    fn wgs84_to(&self, epsg: u32, coords: &mut [Coord<f64>]) -> bool;
}

static EXTERNAL: OnceLock<Box<dyn ExternalCrs>> = OnceLock::new();

/// Installs the converter for EPSG codes that are not built in; the first
/// installation wins (later calls are ignored and return false).
pub fn install_external(converter: Box<dyn ExternalCrs>) -> bool {
    EXTERNAL.set(converter).is_ok()
}

/// Whether a converter for other EPSG codes is installed.
pub fn has_external() -> bool {
    EXTERNAL.get().is_some()
}

fn external() -> Option<&'static dyn ExternalCrs> {
    EXTERNAL.get().map(|b| b.as_ref())
}

impl Crs {
    /// Parses a CRS name: an EPSG code as "EPSG:4546", "4546",
    /// "urn:ogc:def:crs:EPSG::4546" or "http://www.opengis.net/def/crs/EPSG/0/4546",
    /// or one of the names "WGS84", "CRS84", "CGCS2000", "GCJ02"/"GCJ-02",
    /// "BD09"/"BD-09". Case-insensitive; surrounding whitespace is ignored.
    ///
    /// ```
    /// use landtrace_spatial::Crs;
    /// assert_eq!(Crs::parse("gcj-02").unwrap(), Crs::Gcj02);
    /// assert_eq!(Crs::parse("EPSG:4490").unwrap(), Crs::Cgcs2000);
    /// assert_eq!(Crs::parse("epsg:4546").unwrap(), Crs::GaussKruger(4546));
    /// assert!(Crs::parse("EPSG:WGS").unwrap_err().to_string().contains("CGCS2000"));
    /// ```
    pub fn parse(name: &str) -> Result<Crs, CrsError> {
        let unknown = || CrsError::Unknown(name.chars().take(MAX_ECHOED_CHARS).collect());
        let normalized = name.trim().to_ascii_uppercase();
        let code = match normalized.as_str() {
            "WGS84" | "WGS 84" | "CRS84" | "OGC:CRS84" | "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84" => {
                return Ok(Crs::Wgs84);
            }
            "CGCS2000" => return Ok(Crs::Cgcs2000),
            "GCJ02" | "GCJ-02" => return Ok(Crs::Gcj02),
            "BD09" | "BD-09" => return Ok(Crs::Bd09),
            n => ["EPSG:", "URN:OGC:DEF:CRS:EPSG::", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", ""]
                .iter()
                .find_map(|prefix| n.strip_prefix(prefix))
                .filter(|digits| !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse::<u32>().ok())
                .ok_or_else(unknown)?,
        };
        Crs::from_epsg(code)
    }

    /// The CRS of an EPSG code: built in, or [`Crs::Epsg`] when the installed
    /// converter knows the code.
    pub fn from_epsg(code: u32) -> Result<Crs, CrsError> {
        match code {
            4326 => Ok(Crs::Wgs84),
            4490 => Ok(Crs::Cgcs2000),
            3857 | 900_913 => Ok(Crs::WebMercator),
            4491..=4554 => Ok(Crs::GaussKruger(code as u16)),
            _ => match external() {
                None => Err(CrsError::NoProj(code)),
                Some(converter) if converter.name(code).is_some() => Ok(Crs::Epsg(code)),
                Some(_) => Err(CrsError::UnknownEpsg(code)),
            },
        }
    }

    /// The EPSG code, where the CRS has one (GCJ-02 and BD-09 have none).
    pub fn epsg(self) -> Option<u32> {
        match self {
            Crs::Wgs84 => Some(4326),
            Crs::Cgcs2000 => Some(4490),
            Crs::WebMercator => Some(3857),
            Crs::GaussKruger(code) => Some(u32::from(code)),
            Crs::Gcj02 | Crs::Bd09 => None,
            Crs::Epsg(code) => Some(code),
        }
    }

    /// Whether coordinates are lon/lat degrees (false: metres).
    pub fn is_geographic(self) -> bool {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 | Crs::Gcj02 | Crs::Bd09 => true,
            Crs::WebMercator | Crs::GaussKruger(_) => false,
            Crs::Epsg(code) => external().is_some_and(|c| c.is_geographic(code)),
        }
    }

    /// The identifier: "EPSG:4546", or "GCJ-02"/"BD-09"; parses back.
    pub fn name(self) -> String {
        match self {
            Crs::Gcj02 => "GCJ-02".to_owned(),
            Crs::Bd09 => "BD-09".to_owned(),
            other => format!("EPSG:{}", other.epsg().unwrap_or_default()),
        }
    }

    /// A description for people, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 111E".
    pub fn title(self) -> String {
        match self {
            Crs::Wgs84 => "WGS 84".to_owned(),
            Crs::Cgcs2000 => "China Geodetic Coordinate System 2000".to_owned(),
            Crs::WebMercator => "WGS 84 / Pseudo-Mercator".to_owned(),
            Crs::GaussKruger(code) => GaussKruger::title(u32::from(code)),
            Crs::Gcj02 => "GCJ-02 (Chinese web maps: Amap, Tencent)".to_owned(),
            Crs::Bd09 => "BD-09 (Baidu Maps)".to_owned(),
            Crs::Epsg(code) => external().and_then(|c| c.name(code)).unwrap_or_else(|| format!("EPSG:{code}")),
        }
    }

    /// The Gauss-Krüger zone, for [`Crs::GaussKruger`].
    pub fn gauss_kruger(self) -> Option<GaussKruger> {
        match self {
            Crs::GaussKruger(code) => GaussKruger::from_epsg(u32::from(code)),
            _ => None,
        }
    }

    /// Converts a position in this CRS (x = lon/easting, y = lat/northing) to
    /// WGS84, refusing what is not a valid position of this CRS.
    ///
    /// ```
    /// use geo::Coord;
    /// use landtrace_spatial::Crs;
    /// let p = Crs::GaussKruger(4525).to_wgs84(Coord { x: 37_479_039.53, y: 3_890_148.98 }).unwrap();
    /// assert!((p.lon() - 110.77).abs() < 1e-7 && (p.lat() - 35.14).abs() < 1e-7);
    /// ```
    pub fn to_wgs84(self, c: Coord<f64>) -> Result<LonLat, CoordError> {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => LonLat::try_from(c),
            Crs::Gcj02 => Ok(gcj02_to_wgs84(LonLat::try_from(c)?)),
            Crs::Bd09 => bd09_to_wgs84(LonLat::try_from(c)?),
            Crs::WebMercator => {
                check_projected(c, self)?;
                if c.x.abs() > MERCATOR_MAX || c.y.abs() > MERCATOR_MAX {
                    return Err(CoordError::OutsideProjection { x: c.x, y: c.y, epsg: 3857 });
                }
                let lon = (c.x / MERCATOR_RADIUS).to_degrees();
                let lat = (2.0 * (c.y / MERCATOR_RADIUS).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
                LonLat::new(lon, lat)
            }
            Crs::GaussKruger(code) => {
                check_projected(c, self)?;
                let zone = GaussKruger::from_epsg(u32::from(code)).ok_or(CoordError::OutsideProjection {
                    x: c.x,
                    y: c.y,
                    epsg: u32::from(code),
                })?;
                zone.check_easting(c.x, u32::from(code))?;
                if c.y.abs() > 10_100_000.0 {
                    return Err(CoordError::OutsideProjection { x: c.x, y: c.y, epsg: u32::from(code) });
                }
                let (lon, lat) = zone.inverse(c.x, c.y);
                LonLat::new(lon, lat)
            }
            Crs::Epsg(code) => {
                check_projected(c, self)?;
                let mut one = [c];
                let converter = external().ok_or(CoordError::OutsideProjection { x: c.x, y: c.y, epsg: code })?;
                if !converter.to_wgs84(code, &mut one) {
                    return Err(CoordError::OutsideProjection { x: c.x, y: c.y, epsg: code });
                }
                LonLat::try_from(one[0])
            }
        }
    }

    /// Converts a WGS84 position to this CRS (x = lon/easting, y = lat/northing).
    pub fn from_wgs84(self, p: LonLat) -> Result<Coord<f64>, CoordError> {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => Ok(p.into()),
            Crs::Gcj02 => Ok(wgs84_to_gcj02(p).into()),
            Crs::Bd09 => Ok(wgs84_to_bd09(p)?.into()),
            Crs::WebMercator => {
                // Beyond ±85.05° Web Mercator has no finite y; clamp as map tiles do.
                let lat = p.lat().clamp(-85.051_128_779_806_59, 85.051_128_779_806_59).to_radians();
                let y = MERCATOR_RADIUS * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln();
                Ok(Coord { x: MERCATOR_RADIUS * p.lon().to_radians(), y })
            }
            Crs::GaussKruger(code) => {
                let zone = GaussKruger::from_epsg(u32::from(code)).ok_or(CoordError::OutsideProjection {
                    x: p.lon(),
                    y: p.lat(),
                    epsg: u32::from(code),
                })?;
                let (x, y) = zone.forward(p.lon(), p.lat());
                Ok(Coord { x, y })
            }
            Crs::Epsg(code) => {
                let mut one = [Coord::from(p)];
                let ok = external().is_some_and(|converter| converter.wgs84_to(code, &mut one));
                if ok && one[0].x.is_finite() && one[0].y.is_finite() {
                    Ok(one[0])
                } else {
                    Err(CoordError::OutsideProjection { x: p.lon(), y: p.lat(), epsg: code })
                }
            }
        }
    }
}

/// Refuses non-finite projected coordinates.
fn check_projected(c: Coord<f64>, _crs: Crs) -> Result<(), CoordError> {
    if !c.x.is_finite() {
        return Err(CoordError::LonNotFinite(c.x));
    }
    if !c.y.is_finite() {
        return Err(CoordError::LatNotFinite(c.y));
    }
    Ok(())
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl std::str::FromStr for Crs {
    type Err = CrsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::parse(s)
    }
}

/// Converts every coordinate of `geometry` from `from` to `to` (GIS order).
/// Works on any geo type: `Geometry`, `MultiPolygon`, `Point`, …
///
/// All coordinates are converted first; if one is not a valid position of
/// `from` (or has none in `to`) the error names it and `geometry` is left
/// unchanged.
pub fn convert_geometry<G>(geometry: &mut G, from: Crs, to: Crs) -> Result<(), CoordError>
where
    G: MapCoords<f64, f64, Output = G>,
{
    // A new geometry is built and swapped in only when every coordinate
    // converted; the same CRS still refuses what is not a position of it.
    let converted = if from == to {
        geometry.try_map_coords(|c| from.to_wgs84(c).map(|_| c))?
    } else {
        geometry.try_map_coords(|c| to.from_wgs84(from.to_wgs84(c)?))?
    };
    *geometry = converted;
    Ok(())
}

/// Converts every coordinate of `geometry` from `crs` to WGS84; see
/// [`convert_geometry`].
pub fn geometry_to_wgs84<G>(crs: Crs, geometry: &mut G) -> Result<(), CoordError>
where
    G: MapCoords<f64, f64, Output = G>,
{
    convert_geometry(geometry, crs, Crs::Wgs84)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{CoordsIter, Geometry, LineString, MultiPolygon, Point, polygon};

    fn check_parse(name: &str, expected: Crs) {
        assert_eq!(Crs::parse(name), Ok(expected), "{name}");
    }

    #[test]
    fn parses_accepted_names_case_insensitively() {
        for name in
            ["EPSG:4326", "epsg:4326", "4326", "WGS84", "wgs84", " WGS84 ", "CRS84", "urn:ogc:def:crs:EPSG::4326"]
        {
            check_parse(name, Crs::Wgs84);
        }
        for name in ["EPSG:4490", "4490", "CGCS2000", "cgcs2000", "http://www.opengis.net/def/crs/EPSG/0/4490"] {
            check_parse(name, Crs::Cgcs2000);
        }
        for name in ["gcj02", "GCJ02", "GCJ-02", "gcj-02", "Gcj-02"] {
            check_parse(name, Crs::Gcj02);
        }
        for name in ["bd09", "BD-09"] {
            check_parse(name, Crs::Bd09);
        }
        check_parse("EPSG:3857", Crs::WebMercator);
        check_parse("4491", Crs::GaussKruger(4491));
        check_parse("EPSG:4554", Crs::GaussKruger(4554));
    }

    #[test]
    fn unknown_names_and_codes_without_proj() {
        let err = Crs::parse("EPSG:x").unwrap_err();
        assert!(err.to_string().starts_with("unknown CRS \"EPSG:x\"; accepted: EPSG:4326 (WGS84)"), "{err}");
        let long = "x".repeat(10_000);
        let Err(CrsError::Unknown(echoed)) = Crs::parse(&long) else { panic!() };
        assert_eq!(echoed.len(), MAX_ECHOED_CHARS);
        assert!(Crs::parse("").is_err() && Crs::parse("EPSG:").is_err() && Crs::parse("1234567").is_err());
        // No converter is installed in this crate's tests.
        assert_eq!(Crs::parse("EPSG:2385"), Err(CrsError::NoProj(2385)));
    }

    #[test]
    fn names_round_trip_through_parse() {
        for crs in [Crs::Wgs84, Crs::Cgcs2000, Crs::WebMercator, Crs::GaussKruger(4525), Crs::Gcj02, Crs::Bd09] {
            assert_eq!(crs.to_string().parse::<Crs>(), Ok(crs));
        }
        assert_eq!(Crs::GaussKruger(4546).title(), "CGCS2000 / 3-degree Gauss-Kruger CM 111E");
        assert_eq!(Crs::GaussKruger(4525).title(), "CGCS2000 / 3-degree Gauss-Kruger zone 37");
    }

    #[test]
    fn point_conversion_follows_the_datum_modules() {
        let p = LonLat::new(110.77, 35.14).unwrap();
        let c = Coord::from(p);
        assert_eq!(Crs::Wgs84.to_wgs84(c), Ok(p));
        assert_eq!(Crs::Cgcs2000.to_wgs84(c), Ok(p));
        assert_eq!(Crs::Gcj02.to_wgs84(c), Ok(gcj02_to_wgs84(p)));
        assert_eq!(Crs::Gcj02.from_wgs84(p), Ok(wgs84_to_gcj02(p).into()));
        assert_eq!(Crs::Bd09.to_wgs84(c), bd09_to_wgs84(p));
    }

    #[test]
    fn the_issue_s_point_in_gauss_kruger_and_back() {
        let p = LonLat::new(110.77, 35.14).unwrap();
        let c = Crs::GaussKruger(4546).from_wgs84(p).unwrap();
        assert!((c.x - 479_039.53).abs() < 0.005 && (c.y - 3_890_148.98).abs() < 0.005, "{c:?}");
        let c = Crs::GaussKruger(4525).from_wgs84(p).unwrap();
        assert!((c.x - 37_479_039.53).abs() < 0.005, "{c:?}");
        let back = Crs::GaussKruger(4525).to_wgs84(c).unwrap();
        assert!((back.lon() - 110.77).abs() < 1e-9 && (back.lat() - 35.14).abs() < 1e-9);
    }

    #[test]
    fn a_gauss_kruger_easting_in_the_wrong_variant_is_named() {
        let err = Crs::GaussKruger(4525).to_wgs84(Coord { x: 479_039.53, y: 3_890_148.98 }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "easting 479039.53 lacks the zone number 37 that EPSG:4525 puts in front (the same zone without it is EPSG:4546)"
        );
        let err = Crs::GaussKruger(4546).to_wgs84(Coord { x: 37_479_039.53, y: 3_890_148.98 }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "easting 37479039.53 carries a zone number, which EPSG:4546 does not (zone 37 with its number is EPSG:4525)"
        );
        assert!(Crs::GaussKruger(4546).to_wgs84(Coord { x: f64::NAN, y: 0.0 }).is_err());
    }

    #[test]
    fn web_mercator_known_values() {
        let c = Crs::WebMercator.from_wgs84(LonLat::new(180.0, 0.0).unwrap()).unwrap();
        assert!((c.x - MERCATOR_MAX).abs() < 1e-6 && c.y.abs() < 1e-6);
        let c = Crs::WebMercator.from_wgs84(LonLat::new(110.77, 35.14).unwrap()).unwrap();
        let back = Crs::WebMercator.to_wgs84(c).unwrap();
        assert!((back.lon() - 110.77).abs() < 1e-12 && (back.lat() - 35.14).abs() < 1e-12);
        // 85.0511287798° is the top of the square world.
        let top = Crs::WebMercator.to_wgs84(Coord { x: 0.0, y: MERCATOR_MAX }).unwrap();
        assert!((top.lat() - 85.051_128_779_806_59).abs() < 1e-9);
        assert!(Crs::WebMercator.to_wgs84(Coord { x: 0.0, y: 3e7 }).is_err());
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
        // Through a projected CRS and back.
        convert_geometry(&mut geometry, Crs::Gcj02, Crs::GaussKruger(4546)).unwrap();
        assert!(geometry.coords_iter().all(|c| c.x > 400_000.0 && c.y > 3_800_000.0));
        convert_geometry(&mut geometry, Crs::GaussKruger(4546), Crs::Gcj02).unwrap();
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
        let projected = Geometry::LineString(LineString::from(vec![(479_039.0, 3_890_148.0), (37_000_000.0, 0.0)]));
        let mut geometry = projected.clone();
        assert!(geometry_to_wgs84(Crs::GaussKruger(4546), &mut geometry).is_err());
        assert_eq!(geometry, projected);
    }

    #[test]
    fn same_crs_conversion_is_identity() {
        let mut point = Point::new(110.77, 35.14);
        convert_geometry(&mut point, Crs::Gcj02, Crs::Gcj02).unwrap();
        assert_eq!(point, Point::new(110.77, 35.14));
    }
}
