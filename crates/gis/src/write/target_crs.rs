//! The CRS an export is written in, and converting WGS84 geometries to it.
//!
//! Any [`Crs`] with an EPSG code: the built-in systems of `landtrace_spatial`
//! (CGCS2000, Web Mercator, the Gauss-Krüger zones) and every other code through
//! PROJ ([`crate::crs`], installed on first use). GCJ-02 and BD-09 have no EPSG
//! code, so no file could declare them: they are refused. The declaration written
//! into the file is GDAL's for the code (x = longitude or easting, y = latitude or
//! northing, as every format below stores them).

use std::fmt;

use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use geo::Geometry;
use landtrace_spatial::{Crs, CrsError, convert_geometry};

/// A CRS with an EPSG code GDAL can declare; the CRS of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetCrs {
    crs: Crs,
    epsg: u32,
}

/// Why a CRS was refused for an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetCrsError {
    /// Not a CRS name or a code PROJ knows.
    #[error(transparent)]
    Crs(#[from] CrsError),
    /// A CRS without an EPSG code (GCJ-02, BD-09): no file format can declare it.
    #[error("{0} has no EPSG code, so a file cannot declare it; export in EPSG:4326 or a projected EPSG code")]
    NoEpsgCode(String),
    /// GDAL cannot declare the code, or a coordinate has no position in it.
    #[error("EPSG:{code} cannot be used for an export: {reason}")]
    Unusable {
        /// The code.
        code: u32,
        /// What GDAL or the conversion said.
        reason: String,
    },
}

impl TargetCrs {
    /// WGS84 longitude/latitude, what the store holds.
    pub const WGS84: TargetCrs = TargetCrs { crs: Crs::Wgs84, epsg: 4326 };

    /// Parses a CRS name as [`Crs::parse`] does (`EPSG:4546`, `4490`, `WGS84`,
    /// `CGCS2000`, any EPSG code PROJ knows) and checks that GDAL can declare it.
    pub fn parse(name: &str) -> Result<TargetCrs, TargetCrsError> {
        crate::crs::install();
        TargetCrs::new(Crs::parse(name)?)
    }

    /// The export CRS of `crs`: refused without an EPSG code or when GDAL cannot declare it.
    pub fn new(crs: Crs) -> Result<TargetCrs, TargetCrsError> {
        let epsg = crs.epsg().ok_or_else(|| TargetCrsError::NoEpsgCode(crs.name()))?;
        let target = TargetCrs { crs, epsg };
        target.spatial_ref()?;
        Ok(target)
    }

    /// The EPSG code.
    pub fn epsg(self) -> u32 {
        self.epsg
    }

    /// The CRS.
    pub fn crs(self) -> Crs {
        self.crs
    }

    /// Whether coordinates are degrees (not metres).
    pub(crate) fn is_geographic(self) -> bool {
        self.crs.is_geographic()
    }

    /// GDAL's declaration of the CRS, x = longitude/easting.
    pub(crate) fn spatial_ref(self) -> Result<SpatialRef, TargetCrsError> {
        let mut srs = SpatialRef::from_epsg(self.epsg)
            .map_err(|e| TargetCrsError::Unusable { code: self.epsg, reason: e.to_string() })?;
        srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(srs)
    }

    /// Converts WGS84 geometries (x = lon, y = lat) to this CRS in place; the index of
    /// a geometry that cannot be converted is in the error.
    pub(crate) fn convert_from_wgs84<'a>(
        self,
        geometries: impl IntoIterator<Item = &'a mut Geometry<f64>>,
    ) -> Result<(), (usize, TargetCrsError)> {
        if self.crs == Crs::Wgs84 {
            return Ok(());
        }
        for (i, g) in geometries.into_iter().enumerate() {
            convert_geometry(g, Crs::Wgs84, self.crs)
                .map_err(|e| (i, TargetCrsError::Unusable { code: self.epsg, reason: e.to_string() }))?;
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
    use landtrace_spatial::CrsError;

    #[test]
    fn parses_codes_and_names_and_refuses_the_unknown() {
        assert_eq!(TargetCrs::parse("epsg:4546").map(TargetCrs::epsg), Ok(4546));
        assert_eq!(TargetCrs::parse("4326").map(TargetCrs::epsg), Ok(4326));
        assert_eq!(TargetCrs::parse("CGCS2000").map(TargetCrs::epsg), Ok(4490));
        assert_eq!(TargetCrs::parse("EPSG:32649").map(TargetCrs::epsg), Ok(32649), "through PROJ");
        assert!(matches!(TargetCrs::parse("EPSG:999999"), Err(TargetCrsError::Crs(CrsError::UnknownEpsg(999999)))));
        let e = TargetCrs::parse("gcj02").unwrap_err().to_string();
        assert!(e.contains("GCJ-02 has no EPSG code"), "{e}");
        let e = TargetCrs::parse("mars").unwrap_err().to_string();
        assert!(e.contains("\"mars\""), "{e}");
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
