//! The C libraries at the platform's edges, kept out of the pure crates:
//! GDAL reads and writes the bureaus' files, PROJ converts any EPSG code.
//! The `spatial` crate's built-in systems (WGS84/CGCS2000, Web Mercator, the
//! CGCS2000 Gauss-Krüger zones, GCJ-02, BD-09) need neither.
//!
//! - [`read`]: one layer of a file into neutral [`read::SourceFeature`]s, under the
//!   input policy's limits;
//! - [`archive`]: zip archives checked before GDAL opens them;
//! - [`shapefile_encoding`]: which encoding a shapefile's attributes are in;
//! - [`csv_encoding`]: which encoding a CSV file is in, recoded to UTF-8 for GDAL;
//! - [`table_geometry`]: points or WKT geometries of CSV/XLSX rows;
//! - [`reproject`]: the file's CRS (declared or recognised) and the conversion to
//!   EPSG:4326.
//!
//! Exports:
//! - [`write`]: a layer written by GDAL in any of seven formats and any EPSG CRS;
//! - [`export`]: the use case of `landtrace export` and `GET /api/layers/{layer}/export`
//!   (parameters, bounding box, personal fields only for readers who may see them).

pub mod archive;
pub mod crs;
pub mod csv_encoding;
pub mod export;
pub mod read;
pub mod reproject;
pub mod shapefile_encoding;
pub mod table_geometry;
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
