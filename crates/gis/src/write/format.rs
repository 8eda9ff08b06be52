//! The export formats, their names in requests and their files.

use std::fmt;

/// A file format a layer can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExportFormat {
    /// GeoJSON (RFC 7946 when the CRS is EPSG:4326; other CRSs are named in a `crs` member).
    GeoJson,
    /// CSV, UTF-8 with BOM: points as `X`,`Y` columns, other geometries as a `WKT` column.
    Csv,
    /// An Excel workbook: one sheet, the geometry as a `WKT` column.
    Xlsx,
    /// OGC GeoPackage.
    GeoPackage,
    /// ESRI Shapefile, zipped with its `.prj` and `.cpg`.
    Shapefile,
    /// KML 2.2 (always EPSG:4326), attributes as `ExtendedData`.
    Kml,
    /// AutoCAD DXF: geometry only (DXF has no attribute table).
    Dxf,
}

/// Why a format name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not one of the names of [`ExportFormat::ALL`].
    #[error("unknown export format {0:?}; formats: {names}", names = ExportFormat::names())]
    Unknown(String),
}

impl ExportFormat {
    /// Every format, in the order they are listed to users.
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::GeoJson,
        ExportFormat::Csv,
        ExportFormat::Xlsx,
        ExportFormat::GeoPackage,
        ExportFormat::Shapefile,
        ExportFormat::Kml,
        ExportFormat::Dxf,
    ];

    /// Parses a request's format name (case-insensitive): geojson (json), csv, xlsx, gpkg
    /// (geopackage), shp (shapefile), kml, dxf.
    pub fn parse(name: &str) -> Result<ExportFormat, FormatError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "geojson" | "json" => Ok(ExportFormat::GeoJson),
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            "gpkg" | "geopackage" => Ok(ExportFormat::GeoPackage),
            "shp" | "shapefile" => Ok(ExportFormat::Shapefile),
            "kml" => Ok(ExportFormat::Kml),
            "dxf" => Ok(ExportFormat::Dxf),
            _ => Err(FormatError::Unknown(name.chars().take(64).collect())),
        }
    }

    /// The name [`ExportFormat::parse`] reads.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::GeoPackage => "gpkg",
            ExportFormat::Shapefile => "shp",
            ExportFormat::Kml => "kml",
            ExportFormat::Dxf => "dxf",
        }
    }

    fn names() -> String {
        ExportFormat::ALL.map(ExportFormat::name).join(", ")
    }

    /// The extension of the file handed out (`zip` for a shapefile).
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::GeoPackage => "gpkg",
            ExportFormat::Shapefile => "zip",
            ExportFormat::Kml => "kml",
            ExportFormat::Dxf => "dxf",
        }
    }

    /// The HTTP media type of the file handed out.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "application/geo+json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::GeoPackage => "application/geopackage+sqlite3",
            ExportFormat::Shapefile => "application/zip",
            ExportFormat::Kml => "application/vnd.google-earth.kml+xml",
            ExportFormat::Dxf => "image/vnd.dxf",
        }
    }

    /// GDAL's short name of the driver that writes the format.
    pub(crate) fn driver(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "GeoJSON",
            ExportFormat::Csv => "CSV",
            ExportFormat::Xlsx => "XLSX",
            ExportFormat::GeoPackage => "GPKG",
            ExportFormat::Shapefile => "ESRI Shapefile",
            ExportFormat::Kml => "KML",
            ExportFormat::Dxf => "DXF",
        }
    }

    /// Whether the format carries attribute fields (DXF does not).
    pub fn has_attributes(self) -> bool {
        self != ExportFormat::Dxf
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The text encoding of a shapefile's attribute table (`.dbf`), declared in its `.cpg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8 (`.cpg`: `UTF-8`).
    #[default]
    Utf8,
    /// GBK, code page 936 (`.cpg`: `CP936`), for older Chinese desktop GIS.
    Gbk,
}

/// Why an encoding name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    /// Neither UTF-8 nor GBK.
    #[error("unknown encoding {0:?}; encodings: utf-8, gbk")]
    Unknown(String),
}

impl TextEncoding {
    /// Parses `utf-8`/`utf8` or `gbk`/`cp936`/`936` (case-insensitive).
    pub fn parse(name: &str) -> Result<TextEncoding, EncodingError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            "gbk" | "cp936" | "936" => Ok(TextEncoding::Gbk),
            _ => Err(EncodingError::Unknown(name.chars().take(64).collect())),
        }
    }

    /// The value of the shapefile driver's `ENCODING` layer option (also written to the `.cpg`).
    pub(crate) fn gdal_name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gbk => "CP936",
        }
    }

    /// How many bytes `text` takes in this encoding (characters GBK cannot hold are
    /// counted as their replacement).
    pub(crate) fn byte_len(self, text: &str) -> usize {
        match self {
            TextEncoding::Utf8 => text.len(),
            TextEncoding::Gbk => text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_listed() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(f.name()), Ok(f));
        }
        assert_eq!(ExportFormat::parse(" SHP "), Ok(ExportFormat::Shapefile));
        let e = ExportFormat::parse("pdf").unwrap_err().to_string();
        assert!(e.contains("\"pdf\"") && e.contains("geojson, csv, xlsx, gpkg, shp, kml, dxf"), "{e}");
        assert_eq!(TextEncoding::parse("GBK"), Ok(TextEncoding::Gbk));
        assert!(TextEncoding::parse("latin1").is_err());
    }
}
