//! The coordinate reference system of an imported file, and its conversion to
//! EPSG:4326 longitude/latitude.
//!
//! A file's CRS is, in this order: the one the user gave (`--crs`), the one the file
//! declares (`.prj`, embedded), or one recognised from the coordinates' ranges
//! ([`detect`]): a CGCS2000 Gauss-Krüger easting above 10⁷ carries its zone number;
//! one below 10⁶ has none, and the county's central meridian (111°E) is assumed.
//! Chinese coordinate files often write the northing first (surveyors' X is north):
//! such files are recognised by their ranges too and their axes swapped.
//!
//! This is the import's private adapter until `landtrace_spatial::Crs` gains its
//! EPSG and Gauss-Krüger systems (issue 13): PROJ does every conversion here
//! (`proj` 0.25 normalises the axis order to x = easting/longitude, y =
//! northing/latitude).

use std::fmt;

use geo::{BoundingRect, CoordsIter, Geometry, MapCoordsInPlace};
use landtrace_spatial::Crs;
use proj::{Proj, Transform};

/// The EPSG code assumed for Gauss-Krüger coordinates without a zone number:
/// CGCS2000 / 3-degree Gauss-Kruger CM 111E, the central meridian nearest 临猗县
/// (about 110.3–111.0°E; the 6-degree zone 19 has the same meridian).
pub const COUNTY_GAUSS_KRUGER_EPSG: u32 = 4546;

/// A coordinate reference system of a source file or given by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCrs {
    /// One of the systems `landtrace_spatial::Crs` knows (WGS84/CGCS2000
    /// longitude/latitude, GCJ-02).
    Builtin(Crs),
    /// An EPSG code, converted by PROJ.
    Epsg(u32),
    /// A WKT definition no EPSG code was found for, converted by PROJ.
    Wkt(String),
}

impl SourceCrs {
    /// Reads `--crs`: a name `landtrace_spatial::Crs` knows (`EPSG:4326`, `wgs84`,
    /// `cgcs2000`, `gcj02`), or `EPSG:n` / `n` for any code PROJ knows.
    pub fn parse(text: &str) -> Result<SourceCrs, String> {
        if let Ok(crs) = Crs::parse(text) {
            return Ok(SourceCrs::Builtin(crs));
        }
        let t = text.trim();
        let digits = t.get(..5).filter(|p| p.eq_ignore_ascii_case("EPSG:")).map_or(t, |_| &t[5..]);
        let code: u32 = digits.parse().map_err(|_| {
            format!("unknown CRS {t:?}: give EPSG:CODE (e.g. EPSG:4525, CGCS2000 / 3-degree Gauss-Kruger zone 37), wgs84 or gcj02")
        })?;
        let crs = SourceCrs::from_epsg(code);
        Reprojector::new(&crs).map_err(|e| format!("unknown CRS {t:?}: {e}"))?;
        Ok(crs)
    }

    /// The system of an EPSG code (4326 and 4490 are longitude/latitude as stored).
    pub fn from_epsg(code: u32) -> SourceCrs {
        match code {
            4326 | 4490 => SourceCrs::Builtin(Crs::Wgs84),
            _ => SourceCrs::Epsg(code),
        }
    }

    /// Whether this is one of the CGCS2000 Gauss-Krüger systems (EPSG:4491–4554).
    pub fn is_gauss_kruger(&self) -> bool {
        matches!(self, SourceCrs::Epsg(4491..=4554))
    }
}

impl fmt::Display for SourceCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceCrs::Builtin(crs) => write!(f, "{}", crs.name()),
            SourceCrs::Epsg(code) => write!(f, "EPSG:{code}"),
            SourceCrs::Wkt(wkt) => {
                let name = wkt.split('"').nth(1).unwrap_or("a WKT definition");
                write!(f, "{name} (WKT)")
            }
        }
    }
}

/// A CRS recognised from the coordinates' ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The system.
    pub crs: SourceCrs,
    /// Whether the file writes the northing first (its axes are swapped on reading).
    pub northing_first: bool,
    /// What was assumed, for the user.
    pub why: String,
}

/// Recognises the CRS of coordinates whose file declares none, from `bounds`
/// (`[min_x, min_y, max_x, max_y]` of all of them): longitude/latitude in degrees, or
/// CGCS2000 Gauss-Krüger metres, easting or northing first. None when the ranges
/// fit none of them.
pub fn detect(bounds: [f64; 4]) -> Option<Detected> {
    let [min_x, min_y, max_x, max_y] = bounds;
    if min_x >= -180.0 && max_x <= 180.0 && min_y >= -90.0 && max_y <= 90.0 {
        return Some(Detected {
            crs: SourceCrs::Builtin(Crs::Wgs84),
            northing_first: false,
            why: "coordinates are in degrees: read as EPSG:4326 longitude/latitude".to_owned(),
        });
    }
    let x = (min_x, max_x);
    let y = (min_y, max_y);
    if let Some(found) = gauss_kruger(x, y) {
        return Some(found);
    }
    gauss_kruger(y, x).map(|mut found| {
        found.northing_first = true;
        found.why.push_str("; the file writes the northing first (X north, Y east), so its axes were swapped");
        found
    })
}

/// Gauss-Krüger with `easting` and `northing` ranges in that order.
fn gauss_kruger(easting: (f64, f64), northing: (f64, f64)) -> Option<Detected> {
    // China lies between about 1.9e6 m (18°N) and 5.9e6 m (54°N) of northing.
    if !(northing.0 >= 1.0e6 && northing.1 < 1.0e7) {
        return None;
    }
    if easting.0 >= 1.0e7 && easting.1 < 1.0e8 {
        let zone = (easting.0 / 1.0e6).floor();
        if (easting.1 / 1.0e6).floor() != zone {
            return None;
        }
        // The zone number is a small whole number here (10..=99).
        let zone = zone as u32;
        let (epsg, kind) = match zone {
            25..=45 => (4513 + zone - 25, "3-degree"),
            13..=23 => (4491 + zone - 13, "6-degree"),
            _ => return None,
        };
        return Some(Detected {
            crs: SourceCrs::Epsg(epsg),
            northing_first: false,
            why: format!(
                "no CRS declared; eastings above 10,000,000 m carry the zone number {zone}: read as EPSG:{epsg} \
                 (CGCS2000 / {kind} Gauss-Kruger zone {zone})"
            ),
        });
    }
    if easting.0 > 0.0 && easting.1 < 1.0e6 {
        let epsg = COUNTY_GAUSS_KRUGER_EPSG;
        return Some(Detected {
            crs: SourceCrs::Epsg(epsg),
            northing_first: false,
            why: format!(
                "no CRS declared; Gauss-Kruger metres without a zone number: read as EPSG:{epsg} \
                 (CGCS2000 / 3-degree Gauss-Kruger CM 111E, the county's central meridian)"
            ),
        });
    }
    None
}

/// Whether coordinates in a Gauss-Krüger system look written northing first
/// (a file that declares its CRS but follows the surveyors' X-north habit).
pub fn looks_northing_first(bounds: [f64; 4]) -> bool {
    let [min_x, min_y, max_x, max_y] = bounds;
    gauss_kruger((min_x, max_x), (min_y, max_y)).is_none() && gauss_kruger((min_y, max_y), (min_x, max_x)).is_some()
}

/// `[min_x, min_y, max_x, max_y]` over the geometries, None when there are none.
pub fn bounds<'a>(geometries: impl IntoIterator<Item = &'a Geometry<f64>>) -> Option<[f64; 4]> {
    geometries.into_iter().filter_map(|g| g.bounding_rect()).fold(None, |acc, r| {
        let [a, b, c, d] = acc.unwrap_or([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY]);
        Some([a.min(r.min().x), b.min(r.min().y), c.max(r.max().x), d.max(r.max().y)])
    })
}

/// Swaps x and y of every coordinate.
pub fn swap_axes(geometry: &mut Geometry<f64>) {
    geometry.map_coords_in_place(|c| geo::Coord { x: c.y, y: c.x });
}

/// Converts geometries from one source CRS to EPSG:4326 longitude/latitude.
pub struct Reprojector {
    crs: SourceCrs,
    proj: Option<Proj>,
}

impl fmt::Debug for Reprojector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reprojector").field("crs", &self.crs).finish_non_exhaustive()
    }
}

impl Reprojector {
    /// A converter from `crs`; an error when PROJ does not know it.
    pub fn new(crs: &SourceCrs) -> Result<Reprojector, String> {
        let definition = match crs {
            SourceCrs::Builtin(_) => return Ok(Reprojector { crs: crs.clone(), proj: None }),
            SourceCrs::Epsg(code) => format!("EPSG:{code}"),
            SourceCrs::Wkt(wkt) => wkt.clone(),
        };
        let proj = Proj::new_known_crs(&definition, "EPSG:4326", None)
            .map_err(|e| format!("PROJ cannot convert {crs} to EPSG:4326: {e}"))?;
        Ok(Reprojector { crs: crs.clone(), proj: Some(proj) })
    }

    /// Converts `geometry` in place; an error names what failed.
    pub fn to_wgs84(&self, geometry: &mut Geometry<f64>) -> Result<(), String> {
        match (&self.crs, &self.proj) {
            (SourceCrs::Builtin(crs), _) => {
                landtrace_spatial::geometry_to_wgs84(*crs, geometry).map_err(|e| e.to_string())
            }
            (_, Some(proj)) => {
                geometry.transform(proj).map_err(|e| format!("cannot convert from {}: {e}", self.crs))?;
                if geometry.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
                    Ok(())
                } else {
                    Err(format!("a coordinate cannot be converted from {}", self.crs))
                }
            }
            (_, None) => unreachable!("a converter for a PROJ system holds one"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_kruger_is_recognised_by_its_ranges() {
        let zoned = detect([37_470_000.0, 3_880_000.0, 37_480_000.0, 3_890_000.0]).unwrap();
        assert_eq!((zoned.crs.clone(), zoned.northing_first), (SourceCrs::Epsg(4525), false));
        assert!(zoned.why.contains("zone number 37"), "{}", zoned.why);
        let swapped = detect([3_880_000.0, 37_470_000.0, 3_890_000.0, 37_480_000.0]).unwrap();
        assert_eq!((swapped.crs, swapped.northing_first), (SourceCrs::Epsg(4525), true));
        let plain = detect([470_000.0, 3_880_000.0, 480_000.0, 3_890_000.0]).unwrap();
        assert_eq!(plain.crs, SourceCrs::Epsg(4546));
        assert!(plain.why.contains("without a zone number"), "{}", plain.why);
        assert_eq!(detect([110.5, 35.0, 110.9, 35.3]).unwrap().crs, SourceCrs::Builtin(Crs::Wgs84));
        let six = detect([19_470_000.0, 3_880_000.0, 19_480_000.0, 3_890_000.0]).unwrap();
        assert_eq!(six.crs, SourceCrs::Epsg(4497));
        assert_eq!(detect([-5e6, 0.0, 5e6, 1.0]), None);
        assert!(looks_northing_first([3_880_000.0, 470_000.0, 3_890_000.0, 480_000.0]));
        assert!(!looks_northing_first([470_000.0, 3_880_000.0, 480_000.0, 3_890_000.0]));
    }

    #[test]
    fn proj_converts_zone_37_to_longitude_latitude() {
        let crs = SourceCrs::parse("EPSG:4525").unwrap();
        assert!(crs.is_gauss_kruger());
        let mut g = Geometry::Point(geo::Point::new(37_479_039.526_028_7, 3_890_148.976_358_83));
        Reprojector::new(&crs).unwrap().to_wgs84(&mut g).unwrap();
        let Geometry::Point(p) = g else { unreachable!() };
        assert!((p.x() - 110.77).abs() < 1e-8 && (p.y() - 35.14).abs() < 1e-8, "{p:?}");
        assert_eq!(SourceCrs::parse("gcj02").unwrap(), SourceCrs::Builtin(Crs::Gcj02));
        assert!(SourceCrs::parse("EPSG:999999").unwrap_err().contains("unknown CRS"));
        assert!(SourceCrs::parse("mars").unwrap_err().contains("give EPSG:CODE"));
    }
}
