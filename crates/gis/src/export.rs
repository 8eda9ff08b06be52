//! Exporting a stored layer: the one use case behind `landtrace export` and
//! `GET /api/layers/{layer}/export`, so both doors read the same parameters, cut the
//! same bounding box and keep personal fields to the same readers.
//!
//! The caller says whether the reader may see personal fields (the CLI, an admin tool
//! on the server machine, always may; over HTTP only admins and the layer's owning
//! role, `landtrace_app::users::may_see_personal`); without that, the fields marked
//! `personal` in the schema are neither declared nor written, as
//! `landtrace_domain::public_properties` does for every other answer.

use geo::{BoundingRect, Geometry, Intersects, Rect, coord};
use landtrace_domain::LayerKind;
use landtrace_domain::schema::privacy::public_properties;
use serde_json::{Map, Value};

use crate::write::{
    ExportFormat, FeatureToWrite, LayerToWrite, TargetCrs, TextEncoding, WriteError, WriteOptions, WrittenFile,
    write_layer,
};

/// What was asked for, read from a request's or a command's text parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExportRequest {
    /// The format.
    pub format: ExportFormat,
    /// The CRS of the file (default EPSG:4326).
    pub crs: TargetCrs,
    /// Only features whose geometry meets this WGS84 box (lon/lat).
    pub bbox: Option<Rect<f64>>,
    /// A shapefile's text encoding (default UTF-8).
    pub encoding: TextEncoding,
}

/// A parameter of an export that cannot be read; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportParamError {
    /// `format`.
    #[error("format: {0}")]
    Format(crate::write::FormatError),
    /// `crs`.
    #[error("crs: {0}")]
    Crs(crate::write::TargetCrsError),
    /// `encoding`.
    #[error("encoding: {0}")]
    Encoding(crate::write::EncodingError),
    /// `bbox`.
    #[error("bbox: {0}")]
    Bbox(String),
}

impl ExportRequest {
    /// Reads the parameters: `format` (required), `crs`, `bbox`
    /// (`minlon,minlat,maxlon,maxlat` in WGS84) and `encoding` (`utf-8` or `gbk`).
    pub fn parse(
        format: &str,
        crs: Option<&str>,
        bbox: Option<&str>,
        encoding: Option<&str>,
    ) -> Result<ExportRequest, ExportParamError> {
        // The errors are wrapped, not chained: the message names the parameter once.
        let format = ExportFormat::parse(format).map_err(ExportParamError::Format)?;
        let crs = crs
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or(Ok(TargetCrs::WGS84), TargetCrs::parse)
            .map_err(ExportParamError::Crs)?;
        let encoding = encoding
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or(Ok(TextEncoding::Utf8), TextEncoding::parse)
            .map_err(ExportParamError::Encoding)?;
        let bbox = bbox.map(str::trim).filter(|s| !s.is_empty()).map(parse_bbox).transpose()?;
        Ok(ExportRequest { format, crs, bbox, encoding })
    }
}

/// Reads `minlon,minlat,maxlon,maxlat` (WGS84 degrees, min before max).
pub fn parse_bbox(text: &str) -> Result<Rect<f64>, ExportParamError> {
    let bad = |m: &str| ExportParamError::Bbox(format!("{m}; expected minlon,minlat,maxlon,maxlat in degrees"));
    let numbers: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|_| bad(&format!("{:?} is not a number", p.trim()))))
        .collect::<Result<_, _>>()?;
    let [min_lon, min_lat, max_lon, max_lat] = numbers[..] else {
        return Err(bad(&format!("{} numbers given", numbers.len())));
    };
    let lon_ok = |x: f64| (-180.0..=180.0).contains(&x);
    let lat_ok = |y: f64| (-90.0..=90.0).contains(&y);
    if !(lon_ok(min_lon) && lon_ok(max_lon) && lat_ok(min_lat) && lat_ok(max_lat)) {
        return Err(bad("a longitude is outside -180..180 or a latitude outside -90..90"));
    }
    if min_lon > max_lon || min_lat > max_lat {
        return Err(bad("a minimum is greater than its maximum"));
    }
    Ok(Rect::new(coord! { x: min_lon, y: min_lat }, coord! { x: max_lon, y: max_lat }))
}

/// A stored feature to export: geometry in WGS84 and every stored property.
#[derive(Debug, Clone, Copy)]
pub struct StoredFeature<'a> {
    /// Geometry (None for attribute-only layers).
    pub geometry: Option<&'a Geometry<f64>>,
    /// Properties as stored.
    pub properties: &'a Map<String, Value>,
}

/// An export and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The file.
    pub file: WrittenFile,
    /// Features written.
    pub features: usize,
    /// Whether the file holds personal data (a personal field with a value).
    pub holds_personal_data: bool,
}

/// Exports the features of `kind` (as stored, WGS84) that meet the request's box.
/// `personal`: whether the reader may see the layer's personal fields.
pub fn export_layer<'a>(
    kind: LayerKind,
    features: impl IntoIterator<Item = StoredFeature<'a>>,
    request: &ExportRequest,
    personal: bool,
) -> Result<Exported, WriteError> {
    let fields: Vec<_> = kind.fields().iter().filter(|f| personal || !f.personal).copied().collect();
    let to_write: Vec<FeatureToWrite> = features
        .into_iter()
        .filter(|f| match (&request.bbox, f.geometry) {
            (None, _) => true,
            (Some(bbox), Some(g)) => g.bounding_rect().is_some_and(|r| r.intersects(bbox)) && g.intersects(bbox),
            (Some(_), None) => false,
        })
        .map(|f| FeatureToWrite {
            geometry: f.geometry.cloned(),
            properties: if personal { f.properties.clone() } else { public_properties(kind, f.properties) },
        })
        .collect();
    let holds_personal_data = personal
        && to_write.iter().any(|f| {
            kind.fields().iter().filter(|d| d.personal).any(|d| f.properties.get(d.name).is_some_and(|v| !v.is_null()))
        });
    let count = to_write.len();
    let layer =
        LayerToWrite { name: kind.table_name().to_owned(), geometry: kind.geometry(), fields, features: to_write };
    let options = WriteOptions { format: request.format, crs: request.crs, encoding: request.encoding };
    let file = write_layer(layer, &options)?;
    Ok(Exported { file, features: count, holds_personal_data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parameters_and_names_the_bad_one() {
        let r = ExportRequest::parse("SHP", Some("EPSG:4546"), Some("110.5,35,111,35.3"), Some("gbk")).unwrap();
        assert_eq!((r.format, r.crs.epsg(), r.encoding), (ExportFormat::Shapefile, 4546, TextEncoding::Gbk));
        assert_eq!(r.bbox.unwrap().min(), coord! { x: 110.5, y: 35.0 });
        let r = ExportRequest::parse("geojson", None, Some(" "), None).unwrap();
        assert_eq!((r.crs, r.bbox, r.encoding), (TargetCrs::WGS84, None, TextEncoding::Utf8));
        for (format, crs, bbox, message) in [
            ("pdf", None, None, "format: unknown export format \"pdf\""),
            ("csv", Some("EPSG:1"), None, "crs: EPSG:1 is not a coordinate reference system PROJ"),
            ("csv", Some("gcj02"), None, "crs: GCJ-02 has no EPSG code"),
            ("csv", Some("mars"), None, "crs: unknown CRS \"mars\""),
            ("csv", None, Some("1,2,3"), "bbox: 3 numbers given"),
            ("csv", None, Some("111,35,110,36"), "bbox: a minimum is greater"),
            ("csv", None, Some("1,2,x,4"), "bbox: \"x\" is not a number"),
        ] {
            let e = ExportRequest::parse(format, crs, bbox, None).unwrap_err().to_string();
            assert!(e.starts_with(message), "{e}");
        }
    }
}
