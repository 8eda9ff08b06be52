//! OGC API – Features Part 2 (CRS by reference): the coordinate reference systems
//! the collections offer, as URIs, and the axis order each one's authority
//! defines.
//!
//! CRS84 (`http://www.opengis.net/def/crs/OGC/1.3/CRS84`) is lon/lat and the
//! default. EPSG:4326 and EPSG:4490 are the same datum but, as EPSG defines
//! them, **lat/lon**; the CGCS2000 Gauss-Krüger zones (EPSG:4491–4554) are
//! **northing, easting** (X north, Y east); EPSG:3857 is easting, northing. Part 2
//! asks for coordinates in the CRS's own axis order, so positions in those
//! systems are swapped on the way out and on the way in (bbox, filter literals,
//! bodies with `Content-Crs`).

use geo::{Geometry, MapCoords};
use landtrace_spatial::Crs;
use landtrace_spatial::crs::convert_geometry;

use crate::error::AppError;

/// The default CRS of every collection (and its storage CRS).
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// A CRS named by an OGC API request, with the axis order its URI implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OgcCrs {
    /// The system coordinates are converted to and from.
    pub crs: Crs,
    /// The first axis is north (lat, northing): x and y are swapped relative to
    /// the GIS order [`Crs`] converts in.
    pub north_first: bool,
}

impl OgcCrs {
    /// CRS84: lon/lat, the default.
    pub const CRS84: OgcCrs = OgcCrs { crs: Crs::Wgs84, north_first: false };

    /// Reads a CRS URI (`http://www.opengis.net/def/crs/EPSG/0/4546`, or the CRS84
    /// one); also the short forms `EPSG:4546` and `CRS84`, which mean the same.
    /// 400 naming the offered systems for anything else.
    pub fn parse(uri: &str, parameter: &str) -> Result<OgcCrs, AppError> {
        let trimmed = uri.trim().trim_start_matches('[').trim_end_matches(']');
        let upper = trimmed.to_ascii_uppercase();
        if matches!(upper.as_str(), "CRS84" | "OGC:CRS84" | "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84") {
            return Ok(OgcCrs::CRS84);
        }
        let unknown = || {
            AppError::BadRequest(format!(
                "`{parameter}` {:?} is not a CRS this server offers; use one of the collection's `crs` list: {CRS84}, \
                 http://www.opengis.net/def/crs/EPSG/0/4326, …/4490, …/3857, or a CGCS2000 Gauss-Krüger zone …/4491 to …/4554",
                landtrace_domain::input_limits::echo(uri)
            ))
        };
        let crs = Crs::parse(trimmed).map_err(|_| unknown())?;
        match crs {
            Crs::Wgs84 | Crs::Cgcs2000 | Crs::GaussKruger(_) => Ok(OgcCrs { crs, north_first: true }),
            Crs::WebMercator => Ok(OgcCrs { crs, north_first: false }),
            _ => Err(unknown()),
        }
    }

    /// The URI, as `Content-Crs` and the collections list it.
    pub fn uri(self) -> String {
        if self == OgcCrs::CRS84 {
            return CRS84.to_owned();
        }
        format!("http://www.opengis.net/def/crs/EPSG/0/{}", self.crs.epsg().unwrap_or(4326))
    }

    /// `geometry` (WGS84 lon/lat) in this CRS and axis order.
    pub fn from_wgs84(self, geometry: &Geometry<f64>) -> Result<Geometry<f64>, AppError> {
        let mut out = geometry.clone();
        if self.crs != Crs::Wgs84 {
            convert_geometry(&mut out, Crs::Wgs84, self.crs)
                .map_err(|e| AppError::BadRequest(format!("a geometry has no position in {}: {e}", self.uri())))?;
        }
        Ok(if self.north_first { swap(out) } else { out })
    }

    /// `geometry` given in this CRS and axis order, as WGS84 lon/lat; 400 naming
    /// `what` when a position is not one of this CRS.
    pub fn to_wgs84(self, geometry: Geometry<f64>, what: &str) -> Result<Geometry<f64>, AppError> {
        let mut out = if self.north_first { swap(geometry) } else { geometry };
        if self.crs != Crs::Wgs84 {
            convert_geometry(&mut out, self.crs, Crs::Wgs84)
                .map_err(|e| AppError::BadRequest(format!("{what} is not a position of {}: {e}", self.uri())))?;
        }
        Ok(out)
    }
}

fn swap(geometry: Geometry<f64>) -> Geometry<f64> {
    geometry.map_coords(|c| geo::coord! { x: c.y, y: c.x })
}

/// Every CRS a collection offers (its `crs` list): CRS84 first, then EPSG:4326,
/// 4490, 3857 and the 64 CGCS2000 Gauss-Krüger zones.
pub fn offered() -> Vec<String> {
    let mut out = vec![CRS84.to_owned()];
    out.extend([4326, 4490, 3857].iter().map(|c| format!("http://www.opengis.net/def/crs/EPSG/0/{c}")));
    out.extend((4491..=4554).map(|c| format!("http://www.opengis.net/def/crs/EPSG/0/{c}")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    #[test]
    fn axis_order_follows_the_authority() {
        let p = Geometry::Point(Point::new(110.77, 35.14));
        let crs84 = OgcCrs::parse(CRS84, "crs").unwrap();
        assert_eq!(crs84.from_wgs84(&p).unwrap(), p);
        let epsg4326 = OgcCrs::parse("http://www.opengis.net/def/crs/EPSG/0/4326", "crs").unwrap();
        assert_eq!(epsg4326.from_wgs84(&p).unwrap(), Geometry::Point(Point::new(35.14, 110.77)));
        let gk = OgcCrs::parse("EPSG:4546", "crs").unwrap();
        let Geometry::Point(q) = gk.from_wgs84(&p).unwrap() else { panic!() };
        assert!(q.x() > 3_800_000.0 && q.x() < 4_000_000.0, "northing first: {q:?}");
        assert!(q.y() > 400_000.0 && q.y() < 600_000.0, "then easting: {q:?}");
        let back = gk.to_wgs84(Geometry::Point(q), "the point").unwrap();
        let Geometry::Point(b) = back else { panic!() };
        assert!((b.x() - 110.77).abs() < 1e-8 && (b.y() - 35.14).abs() < 1e-8);
        let mercator = OgcCrs::parse("http://www.opengis.net/def/crs/EPSG/0/3857", "crs").unwrap();
        let Geometry::Point(m) = mercator.from_wgs84(&p).unwrap() else { panic!() };
        assert!(m.x() > 12_000_000.0, "easting first: {m:?}");
    }

    #[test]
    fn unknown_systems_are_refused_by_name() {
        for bad in ["EPSG:999999", "GCJ-02", "http://example.com/crs", "'; DROP TABLE x; --"] {
            let err = OgcCrs::parse(bad, "bbox-crs").unwrap_err().to_string();
            assert!(err.contains("bbox-crs") && err.contains("CRS84"), "{err}");
        }
        assert_eq!(offered().len(), 4 + 64);
    }
}
