//! The CRS an export is written in, and converting WGS84 geometries to it.
//!
//! A small adapter until `landtrace_spatial::Crs` names every EPSG code (issue 13):
//! the code is checked by PROJ and GDAL here, and the conversion is PROJ's
//! (`proj_normalize_for_visualization`: x = longitude or easting, y = latitude or
//! northing, as every file format below stores them).

use std::fmt;

use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use geo::Geometry;
use proj::{Proj, Transform};

/// An EPSG code GDAL and PROJ both know; the declared CRS of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetCrs {
    epsg: u32,
}

/// Why a CRS was refused for an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetCrsError {
    /// Not a CRS name or EPSG code.
    #[error(
        "unknown CRS {0:?}; give an EPSG code such as EPSG:4326, EPSG:4490 or EPSG:4546 (CGCS2000 / 3-degree Gauss-Krüger CM 111E), or WGS84 / CGCS2000"
    )]
    Unknown(String),
    /// An EPSG code that PROJ or GDAL does not know, or that cannot be reached from WGS84.
    #[error("EPSG:{code} cannot be used for an export: {reason}")]
    Unusable {
        /// The code.
        code: u32,
        /// What PROJ or GDAL said.
        reason: String,
    },
}

impl TargetCrs {
    /// WGS84 longitude/latitude, what the store holds.
    pub const WGS84: TargetCrs = TargetCrs { epsg: 4326 };

    /// Parses `EPSG:NNNN`, `NNNN`, `WGS84` or `CGCS2000` (EPSG:4490), case-insensitive,
    /// and checks that PROJ and GDAL know the code.
    pub fn parse(name: &str) -> Result<TargetCrs, TargetCrsError> {
        let upper = name.trim().to_ascii_uppercase();
        let code = match upper.as_str() {
            "WGS84" => 4326,
            "CGCS2000" => 4490,
            other => other
                .strip_prefix("EPSG:")
                .unwrap_or(other)
                .parse::<u32>()
                .map_err(|_| TargetCrsError::Unknown(name.chars().take(64).collect()))?,
        };
        TargetCrs::from_epsg(code)
    }

    /// The CRS of an EPSG code, checked by PROJ (a conversion from WGS84 exists) and
    /// GDAL (it can declare it).
    pub fn from_epsg(code: u32) -> Result<TargetCrs, TargetCrsError> {
        let crs = TargetCrs { epsg: code };
        crs.spatial_ref()?;
        if code != 4326 {
            crs.proj_from_wgs84()?;
        }
        Ok(crs)
    }

    /// The EPSG code.
    pub fn epsg(self) -> u32 {
        self.epsg
    }

    /// Whether coordinates are degrees (not metres).
    pub(crate) fn is_geographic(self) -> Result<bool, TargetCrsError> {
        Ok(self.spatial_ref()?.is_geographic())
    }

    /// GDAL's declaration of the CRS, x = longitude/easting.
    pub(crate) fn spatial_ref(self) -> Result<SpatialRef, TargetCrsError> {
        let mut srs = SpatialRef::from_epsg(self.epsg).map_err(|e| self.unusable(e))?;
        srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(srs)
    }

    fn proj_from_wgs84(self) -> Result<Proj, TargetCrsError> {
        Proj::new_known_crs("EPSG:4326", &format!("EPSG:{}", self.epsg), None).map_err(|e| self.unusable(e))
    }

    fn unusable(self, e: impl fmt::Display) -> TargetCrsError {
        TargetCrsError::Unusable { code: self.epsg, reason: e.to_string() }
    }

    /// Converts WGS84 geometries (x = lon, y = lat) to this CRS in place; the index of
    /// a geometry PROJ cannot convert is in the error.
    pub(crate) fn convert_from_wgs84<'a>(
        self,
        geometries: impl IntoIterator<Item = &'a mut Geometry<f64>>,
    ) -> Result<(), (usize, TargetCrsError)> {
        if self.epsg == 4326 {
            return Ok(());
        }
        let proj = self.proj_from_wgs84().map_err(|e| (0, e))?;
        for (i, g) in geometries.into_iter().enumerate() {
            g.transform(&proj).map_err(|e| (i, self.unusable(e)))?;
            let finite = geo::CoordsIter::coords_iter(&*g).all(|c| c.x.is_finite() && c.y.is_finite());
            if !finite {
                return Err((i, self.unusable("a coordinate falls outside the system's area")));
            }
        }
        Ok(())
    }
}

impl fmt::Display for TargetCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{}", self.epsg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, point};

    #[test]
    fn parses_codes_and_names_and_refuses_the_unknown() {
        assert_eq!(TargetCrs::parse("epsg:4546").map(TargetCrs::epsg), Ok(4546));
        assert_eq!(TargetCrs::parse("4326").map(TargetCrs::epsg), Ok(4326));
        assert_eq!(TargetCrs::parse("CGCS2000").map(TargetCrs::epsg), Ok(4490));
        assert!(matches!(TargetCrs::parse("EPSG:999999"), Err(TargetCrsError::Unusable { code: 999999, .. })));
        let e = TargetCrs::parse("mars").unwrap_err().to_string();
        assert!(e.contains("\"mars\"") && e.contains("EPSG:4546"), "{e}");
    }

    #[test]
    fn converts_the_county_seat_to_gauss_kruger_zone_37() {
        // EPSG:4546: CGCS2000 3-degree Gauss-Krüger CM 111E, no zone prefix, false easting 500 km.
        let mut g = Geometry::Point(point!(x: 110.77, y: 35.14));
        TargetCrs::parse("EPSG:4546").unwrap().convert_from_wgs84([&mut g]).unwrap();
        let Geometry::Point(Point(c)) = g else { unreachable!() };
        assert!((c.x - 479_039.526).abs() < 0.01 && (c.y - 3_890_148.976).abs() < 0.01, "{c:?}");
    }
}
