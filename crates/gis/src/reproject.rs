//! The coordinate reference system of an imported file, and its conversion to
//! EPSG:4326 longitude/latitude.
//!
//! A file's CRS is, in this order: the one the user gave (`--crs`), the one the file
//! declares (`.prj`, embedded), or one recognised from the coordinates' ranges
//! ([`detect`], which asks `landtrace_spatial::gauss_kruger::detect` about the
//! corners of the data): a CGCS2000 Gauss-Krüger easting above 10⁷ carries its zone
//! number; one below 10⁶ has none, and the county's zone (3° zone 37, CM 111°E) is
//! assumed. Chinese coordinate files often write the northing first (surveyors' X is
//! north): such files are recognised by their ranges too and their axes swapped.
//!
//! Conversions are `landtrace_spatial::Crs`'s (built in, or PROJ for other EPSG
//! codes through [`crate::crs`]); only a CRS known by WKT alone goes to PROJ here.

use std::fmt;

use geo::{BoundingRect, CoordsIter, Geometry, MapCoordsInPlace};
use landtrace_domain::county::GAUSS_KRUGER_EPSG;
use landtrace_spatial::Crs;
use landtrace_spatial::gauss_kruger;
use proj::{Proj, Transform};

/// A coordinate reference system of a source file or given by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCrs {
    /// A system `landtrace_spatial::Crs` converts (built in, or any EPSG code
    /// through PROJ).
    Known(Crs),
    /// A WKT definition no EPSG code was found for, converted by PROJ.
    Wkt(String),
}

impl SourceCrs {
    /// Reads `--crs`: anything `landtrace_spatial::Crs::parse` takes (an EPSG code in
    /// any of its spellings, wgs84, cgcs2000, gcj02, bd09).
    pub fn parse(text: &str) -> Result<SourceCrs, String> {
        crate::crs::install();
        Crs::parse(text).map(SourceCrs::Known).map_err(|e| e.to_string())
    }

    /// The system of an EPSG code a file declares; an error when PROJ does not know it.
    pub fn from_epsg(code: u32) -> Result<SourceCrs, String> {
        crate::crs::install();
        Crs::from_epsg(code).map(SourceCrs::Known).map_err(|e| e.to_string())
    }

    /// Whether this is one of the CGCS2000 Gauss-Krüger systems (EPSG:4491–4554).
    pub fn is_gauss_kruger(&self) -> bool {
        matches!(self, SourceCrs::Known(Crs::GaussKruger(_)))
    }
}

impl fmt::Display for SourceCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceCrs::Known(crs) => write!(f, "{}", crs.name()),
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
/// CGCS2000 Gauss-Krüger metres, easting or northing first, the same zone at both
/// corners. None when the ranges fit none of them.
pub fn detect(bounds: [f64; 4]) -> Option<Detected> {
    let [min_x, min_y, max_x, max_y] = bounds;
    if min_x >= -180.0 && max_x <= 180.0 && min_y >= -90.0 && max_y <= 90.0 {
        return Some(Detected {
            crs: SourceCrs::Known(Crs::Wgs84),
            northing_first: false,
            why: "coordinates are in degrees: read as EPSG:4326 longitude/latitude".to_owned(),
        });
    }
    let low = gauss_kruger::detect(min_x, min_y, GAUSS_KRUGER_EPSG)?;
    let high = gauss_kruger::detect(max_x, max_y, GAUSS_KRUGER_EPSG)?;
    if (low.epsg, low.northing_first) != (high.epsg, high.northing_first) {
        return None;
    }
    let crs = SourceCrs::Known(Crs::from_epsg(low.epsg).ok()?);
    let why = if low.northing_first {
        format!("no CRS declared; {}, so its axes were swapped", low.assumption)
    } else {
        format!("no CRS declared; {}", low.assumption)
    };
    Some(Detected { crs, northing_first: low.northing_first, why })
}

/// Whether coordinates in a Gauss-Krüger system look written northing first
/// (a file that declares its CRS but follows the surveyors' X-north habit).
pub fn looks_northing_first(bounds: [f64; 4]) -> bool {
    let [min_x, min_y, max_x, max_y] = bounds;
    let first = |x, y| gauss_kruger::detect(x, y, GAUSS_KRUGER_EPSG).map(|d| d.northing_first);
    first(min_x, min_y) == Some(true) && first(max_x, max_y) == Some(true)
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
    /// PROJ's transformation, for a CRS known by WKT only.
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
        let proj = match crs {
            SourceCrs::Known(_) => None,
            SourceCrs::Wkt(wkt) => Some(
                Proj::new_known_crs(wkt, "EPSG:4326", None)
                    .map_err(|e| format!("PROJ cannot convert {crs} to EPSG:4326: {e}"))?,
            ),
        };
        Ok(Reprojector { crs: crs.clone(), proj })
    }

    /// Converts `geometry` in place; an error names what failed.
    pub fn to_wgs84(&self, geometry: &mut Geometry<f64>) -> Result<(), String> {
        match (&self.crs, &self.proj) {
            (SourceCrs::Known(crs), _) => {
                landtrace_spatial::geometry_to_wgs84(*crs, geometry).map_err(|e| e.to_string())
            }
            (SourceCrs::Wkt(_), Some(proj)) => {
                geometry.transform(proj).map_err(|e| format!("cannot convert from {}: {e}", self.crs))?;
                if geometry.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
                    Ok(())
                } else {
                    Err(format!("a coordinate cannot be converted from {}", self.crs))
                }
            }
            (SourceCrs::Wkt(_), None) => Err(format!("no converter from {}", self.crs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_kruger_is_recognised_by_its_ranges() {
        let zoned = detect([37_470_000.0, 3_880_000.0, 37_480_000.0, 3_890_000.0]).unwrap();
        assert_eq!((zoned.crs.clone(), zoned.northing_first), (SourceCrs::Known(Crs::GaussKruger(4525)), false));
        assert!(zoned.why.contains("zone number 37"), "{}", zoned.why);
        let swapped = detect([3_880_000.0, 37_470_000.0, 3_890_000.0, 37_480_000.0]).unwrap();
        assert_eq!((swapped.crs, swapped.northing_first), (SourceCrs::Known(Crs::GaussKruger(4525)), true));
        let plain = detect([470_000.0, 3_880_000.0, 480_000.0, 3_890_000.0]).unwrap();
        assert_eq!(plain.crs, SourceCrs::Known(Crs::GaussKruger(4546)));
        assert!(plain.why.contains("no zone number"), "{}", plain.why);
        assert_eq!(detect([110.5, 35.0, 110.9, 35.3]).unwrap().crs, SourceCrs::Known(Crs::Wgs84));
        let six = detect([19_470_000.0, 3_880_000.0, 19_480_000.0, 3_890_000.0]).unwrap();
        assert_eq!(six.crs, SourceCrs::Known(Crs::GaussKruger(4497)));
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
        assert_eq!(SourceCrs::parse("gcj02").unwrap(), SourceCrs::Known(Crs::Gcj02));
        assert!(SourceCrs::parse("EPSG:999999").unwrap_err().contains("not a coordinate reference system PROJ"));
        assert!(SourceCrs::parse("mars").unwrap_err().contains("unknown CRS"));
    }
}
