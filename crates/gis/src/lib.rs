//! The C libraries at the platform's edges, kept out of the pure crates:
//! GDAL reads and writes the bureaus' files, PROJ converts any EPSG code.
//! The `spatial` crate's built-in systems (WGS84/CGCS2000, Web Mercator, the
//! CGCS2000 Gauss-Krüger zones, GCJ-02, BD-09) need neither.

pub mod crs;
pub mod export;
pub mod write;

/// GDAL's release name, e.g. "3.6.2".
pub fn gdal_version() -> String {
    gdal::version::version_info("RELEASE_NAME")
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_gdal_3() {
        assert!(super::gdal_version().starts_with('3'), "{}", super::gdal_version());
    }
}
