//! A position as the doors take it (two numbers and an optional CRS name), in
//! WGS84, with what was assumed when no CRS was named: the one reading of
//! `lon`/`lat`/`crs` for `/api/locate`, the expropriation lookup and the
//! truck-ban check.

use landtrace_domain::county::GAUSS_KRUGER_EPSG;
use landtrace_spatial::gauss_kruger::detect;
use landtrace_spatial::{Crs, LonLat};
use serde_json::{Value, json};

/// A position read from a request, in WGS84.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPosition {
    /// The position in WGS84.
    pub point: LonLat,
    /// The CRS the numbers were read in.
    pub crs: Crs,
    /// What was assumed, when the CRS was recognised rather than named.
    pub assumed: Option<String>,
}

impl ResolvedPosition {
    /// How answers echo the input: the numbers, the CRS and any assumption.
    pub fn input_json(&self, x: f64, y: f64) -> Value {
        let mut input = json!({ "lon": x, "lat": y, "crs": self.crs.name(), "crs_title": self.crs.title() });
        if let Some(assumed) = &self.assumed {
            input["assumed"] = json!(assumed);
        }
        input
    }
}

/// Reads `x`/`y` (lon/lat or easting/northing) in the named CRS; without a
/// name, as WGS84 lon/lat, or, when they are not lon/lat but have the ranges
/// of CGCS2000 Gauss-Krüger coordinates (in either order), as those, saying
/// what was assumed. The error names the problem.
///
/// ```
/// use landtrace_app::position_input::resolve_position;
/// let p = resolve_position(37_479_039.53, 3_890_148.98, None).unwrap();
/// assert!((p.point.lon() - 110.77).abs() < 1e-7);
/// assert!(p.assumed.unwrap().contains("EPSG:4525"));
/// assert!(resolve_position(500.0, 35.0, None).unwrap_err().contains("lon 500"));
/// ```
pub fn resolve_position(x: f64, y: f64, crs: Option<&str>) -> Result<ResolvedPosition, String> {
    if let Some(name) = crs {
        let crs = Crs::parse(name).map_err(|e| e.to_string())?;
        let point = crs.to_wgs84(geo::Coord { x, y }).map_err(|e| e.to_string())?;
        return Ok(ResolvedPosition { point, crs, assumed: None });
    }
    let as_lon_lat = LonLat::new(x, y);
    if let Ok(point) = as_lon_lat {
        return Ok(ResolvedPosition { point, crs: Crs::Wgs84, assumed: None });
    }
    let Some(detected) = detect(x, y, GAUSS_KRUGER_EPSG) else {
        return Err(as_lon_lat.map(|_| ()).unwrap_err().to_string());
    };
    let crs = Crs::from_epsg(detected.epsg).map_err(|e| e.to_string())?;
    let (easting, northing) = if detected.northing_first { (y, x) } else { (x, y) };
    let point = crs.to_wgs84(geo::Coord { x: easting, y: northing }).map_err(|e| e.to_string())?;
    Ok(ResolvedPosition { point, crs, assumed: Some(detected.assumption) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_crs_recognised_ranges_and_plain_lon_lat() {
        let p = resolve_position(110.77, 35.14, None).unwrap();
        assert_eq!((p.crs, p.assumed), (Crs::Wgs84, None));
        let p = resolve_position(479_039.53, 3_890_148.98, Some("EPSG:4546")).unwrap();
        assert!((p.point.lon() - 110.77).abs() < 1e-7 && (p.point.lat() - 35.14).abs() < 1e-7);
        assert_eq!(p.assumed, None);
        // Northing first, no zone number: the county's zone, said so.
        let p = resolve_position(3_890_148.98, 479_039.53, None).unwrap();
        assert_eq!(p.crs, Crs::GaussKruger(4546));
        assert!((p.point.lon() - 110.77).abs() < 1e-7 && (p.point.lat() - 35.14).abs() < 1e-7);
        let assumed = p.assumed.unwrap();
        assert!(assumed.contains("assumed the county's zone EPSG:4546") && assumed.contains("northing first"));
        let input =
            resolve_position(37_479_039.53, 3_890_148.98, None).unwrap().input_json(37_479_039.53, 3_890_148.98);
        assert_eq!(input["crs"], "EPSG:4525");
        assert_eq!(input["crs_title"], "CGCS2000 / 3-degree Gauss-Kruger zone 37");
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(resolve_position(110.77, 95.0, None).unwrap_err(), "lat 95 is outside -90..90");
        assert!(
            resolve_position(479_039.53, 3_890_148.98, Some("EPSG:4525"))
                .unwrap_err()
                .contains("lacks the zone number 37")
        );
        assert!(resolve_position(1.0, 2.0, Some("EPSG:nope")).unwrap_err().starts_with("unknown CRS"));
    }
}
