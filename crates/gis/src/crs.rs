//! PROJ for every EPSG code the `spatial` crate does not build in: installs a
//! [`landtrace_spatial::ExternalCrs`] so that [`landtrace_spatial::Crs::parse`]
//! accepts any code PROJ's database knows, for the API, the CLI, imports and
//! exports alike. Names and kinds come from GDAL's OSR (which reads the same
//! PROJ database); conversions from the `proj` crate, one cached
//! transformation per code, direction and thread (a PROJ object is not
//! thread-safe).

use std::cell::RefCell;
use std::collections::HashMap;

use gdal::spatial_ref::SpatialRef;
use geo_types::Coord;
use landtrace_spatial::ExternalCrs;
use proj::Proj;

/// The PROJ-backed converter.
#[derive(Debug, Default)]
pub struct ProjConverter;

thread_local! {
    /// (code, to WGS84?) → the transformation, or None when PROJ cannot make it.
    static TRANSFORMS: RefCell<HashMap<(u32, bool), Option<Proj>>> = RefCell::new(HashMap::new());
}

/// Runs `f` with the cached transformation of `code` in the given direction.
fn with_transform<R>(code: u32, to_wgs84: bool, f: impl FnOnce(&Proj) -> R) -> Option<R> {
    TRANSFORMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let proj = cache.entry((code, to_wgs84)).or_insert_with(|| {
            let (from, to) = if to_wgs84 {
                (format!("EPSG:{code}"), "EPSG:4326".to_owned())
            } else {
                ("EPSG:4326".to_owned(), format!("EPSG:{code}"))
            };
            // `new_known_crs` normalises both ends to GIS order (lon/lat, easting/northing).
            Proj::new_known_crs(&from, &to, None).ok()
        });
        proj.as_ref().map(f)
    })
}

fn convert(code: u32, to_wgs84: bool, coords: &mut [Coord<f64>]) -> bool {
    with_transform(code, to_wgs84, |proj| {
        proj.convert_array(coords).is_ok() && coords.iter().all(|c| c.x.is_finite() && c.y.is_finite())
    })
    .unwrap_or(false)
}

impl ExternalCrs for ProjConverter {
    fn name(&self, epsg: u32) -> Option<String> {
        let srs = SpatialRef::from_epsg(epsg).ok()?;
        // Only codes PROJ can take to WGS84 count as known.
        with_transform(epsg, true, |_| ())?;
        Some(srs.name().unwrap_or_else(|| format!("EPSG:{epsg}")))
    }

    fn is_geographic(&self, epsg: u32) -> bool {
        SpatialRef::from_epsg(epsg).is_ok_and(|srs| srs.is_geographic())
    }

    fn to_wgs84(&self, epsg: u32, coords: &mut [Coord<f64>]) -> bool {
        convert(epsg, true, coords)
    }

    fn wgs84_to(&self, epsg: u32, coords: &mut [Coord<f64>]) -> bool {
        convert(epsg, false, coords)
    }
}

/// Installs PROJ as the converter of codes that are not built in (idempotent).
pub fn install() {
    if !landtrace_spatial::has_external() {
        landtrace_spatial::install_external(Box::new(ProjConverter));
    }
}

/// The PROJ version this build links, e.g. "9.1.1".
pub fn proj_version() -> String {
    use proj::Info;
    proj::ProjBuilder::new().info().map(|i| i.version).unwrap_or_else(|_| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use landtrace_spatial::{Crs, LonLat};

    /// A grid over 临猗县 and a margin (110.4–111.2°E, 34.9–35.5°N).
    fn county_grid() -> impl Iterator<Item = LonLat> {
        (0..=16).flat_map(|i| {
            (0..=12).map(move |j| LonLat::new(110.4 + 0.05 * f64::from(i), 34.9 + 0.05 * f64::from(j)).unwrap())
        })
    }

    fn proj_forward(code: u32, p: LonLat) -> Coord<f64> {
        let proj = Proj::new_known_crs("EPSG:4490", &format!("EPSG:{code}"), None).unwrap();
        proj.convert(Coord::from(p)).unwrap()
    }

    #[test]
    fn built_in_projections_agree_with_proj_within_a_millimetre_over_the_county() {
        // The county's zones (3° zone 37, 6° zone 19, with and without the number),
        // their neighbours, and Web Mercator.
        for code in [4525, 4546, 4497, 4508, 4524, 4545, 4526, 4547, 3857] {
            let crs = Crs::from_epsg(code).unwrap();
            // Web Mercator is defined on WGS84; the Gauss-Krüger zones on CGCS2000.
            let datum = if code == 3857 { "EPSG:4326" } else { "EPSG:4490" };
            let proj = Proj::new_known_crs(datum, &format!("EPSG:{code}"), None).unwrap();
            let mut worst: f64 = 0.0;
            for p in county_grid() {
                let ours = crs.from_wgs84(p).unwrap();
                let theirs = proj.convert(Coord::from(p)).unwrap();
                worst = worst.max((ours.x - theirs.x).hypot(ours.y - theirs.y));
                // And back: our inverse of PROJ's forward lands on the grid point.
                let back = crs.to_wgs84(theirs).unwrap();
                let back_m = ((back.lon() - p.lon()) * 91_000.0).hypot((back.lat() - p.lat()) * 111_000.0);
                assert!(back_m < 0.001, "EPSG:{code} inverse of {p:?} is {back_m} m off");
            }
            assert!(worst < 0.001, "EPSG:{code}: built-in and PROJ differ by {worst} m");
        }
    }

    #[test]
    fn the_issue_s_reference_point_through_proj() {
        let c = proj_forward(4546, LonLat::new(110.77, 35.14).unwrap());
        assert!((c.x - 479_039.53).abs() < 0.005 && (c.y - 3_890_148.98).abs() < 0.005, "{c:?}");
        let c = proj_forward(4525, LonLat::new(110.77, 35.14).unwrap());
        assert!((c.x - 37_479_039.53).abs() < 0.005, "{c:?}");
    }

    #[test]
    fn any_epsg_code_once_installed() {
        install();
        // Xi'an 1980 / 3-degree Gauss-Kruger CM 111E: the county's older surveys.
        let crs = Crs::parse("EPSG:2382").unwrap();
        assert_eq!(crs, Crs::Epsg(2382));
        assert!(!crs.is_geographic());
        assert!(crs.title().contains("Xian 1980"), "{}", crs.title());
        let p = LonLat::new(110.77, 35.14).unwrap();
        let c = crs.from_wgs84(p).unwrap();
        // Same projection on another datum: within a few hundred metres of CGCS2000's.
        assert!((c.x - 479_039.53).abs() < 500.0 && (c.y - 3_890_148.98).abs() < 500.0, "{c:?}");
        let back = crs.to_wgs84(c).unwrap();
        assert!((back.lon() - 110.77).abs() < 1e-7 && (back.lat() - 35.14).abs() < 1e-7, "{back:?}");
        // A geographic code.
        assert!(Crs::parse("EPSG:4214").unwrap().is_geographic());
        // Codes PROJ does not know are refused by name.
        assert_eq!(
            Crs::parse("EPSG:999999").unwrap_err().to_string(),
            "EPSG:999999 is not a coordinate reference system PROJ can convert to WGS84"
        );
        assert!(proj_version().starts_with('9'), "{}", proj_version());
    }
}
