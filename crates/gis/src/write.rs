//! Writing a layer's features to a file with GDAL: GeoJSON, CSV, XLSX, GeoPackage,
//! Shapefile (zipped), KML and DXF, in any CRS with an EPSG code.
//!
//! [`write_layer`] takes features in WGS84 (as the store holds them) and the fields to
//! write (from the layer schema), converts the geometries to the requested CRS, has
//! GDAL write the file into a temporary folder, and hands back its bytes. What each
//! format keeps:
//!
//! | format | geometry | attributes | CRS declared |
//! |---|---|---|---|
//! | GeoJSON | yes | typed | `crs` member unless EPSG:4326 |
//! | CSV (UTF-8, BOM) | points `X`,`Y`; others `WKT` | text, formula cells neutralised | in the file name |
//! | XLSX | `WKT` column (0.1 mm) | typed cells | in the file name |
//! | GeoPackage | yes | typed | `gpkg_spatial_ref_sys` |
//! | Shapefile (.zip) | yes; a mixed layer as `_points` and `_polygons` | DBF, names ≤ 10 characters ([`shapefile_names`]), UTF-8 or GBK (`.cpg`) | `.prj` |
//! | KML | yes | `ExtendedData` | always EPSG:4326 (other CRSs refused) |
//! | DXF | yes (polygons as hatches) | none: DXF has no attribute table | in the file name |
//!
//! Dates are written as dates where the format has them (GeoPackage, Shapefile,
//! XLSX, GeoJSON) and as `YYYY-MM-DD` text elsewhere.

pub mod format;
pub mod shapefile_names;
pub mod target_crs;

use std::io::Write;
use std::path::{Path, PathBuf};

use gdal::DriverManager;
use gdal::vector::{FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal};
use geo::{Geometry, MapCoordsInPlace};
use landtrace_domain::schema::layers::{FieldDef, FieldType, GeometryKind};
use landtrace_domain::spreadsheet_cell::formula_safe;
use serde_json::{Map, Value};

pub use format::{EncodingError, ExportFormat, FormatError, TextEncoding};
pub use target_crs::{TargetCrs, TargetCrsError};

/// The most characters a spreadsheet cell holds (Excel's limit).
pub const MAX_SPREADSHEET_CELL: usize = 32_767;

/// One feature to write: geometry in WGS84 (x = lon, y = lat) and its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureToWrite {
    /// The geometry, WGS84 (None for attribute-only layers).
    pub geometry: Option<Geometry<f64>>,
    /// Attribute values by field name; fields not listed in [`LayerToWrite::fields`] are not written.
    pub properties: Map<String, Value>,
}

/// A layer to write.
#[derive(Debug, Clone)]
pub struct LayerToWrite {
    /// The layer name in the file (the table name); also the stem of the file name.
    pub name: String,
    /// The layer's geometry kind.
    pub geometry: GeometryKind,
    /// The fields to write, in order (the schema's, less any the reader may not see).
    pub fields: Vec<FieldDef>,
    /// The features.
    pub features: Vec<FeatureToWrite>,
}

/// How to write a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// The file format.
    pub format: ExportFormat,
    /// The CRS of the coordinates written, declared in the file where the format can.
    pub crs: TargetCrs,
    /// Text encoding of a shapefile's attributes (other formats are always UTF-8).
    pub encoding: TextEncoding,
}

/// A written file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// A file name for it: `{layer}_EPSG{code}.{ext}` (`…_shp.zip` for a shapefile).
    pub file_name: String,
    /// Its HTTP media type.
    pub content_type: &'static str,
}

/// Why a layer could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The format cannot hold this layer or these options (KML in another CRS, DXF
    /// without geometry, GBK outside a shapefile, …).
    #[error("{0}")]
    Unsupported(String),
    /// The CRS is unknown or unusable.
    #[error(transparent)]
    Crs(#[from] TargetCrsError),
    /// One feature could not be converted to the CRS.
    #[error("feature {index}: {reason}")]
    Reproject {
        /// Position of the feature in the layer.
        index: usize,
        /// What went wrong.
        reason: TargetCrsError,
    },
    /// A value does not fit the format (a spreadsheet cell over its limit, …).
    #[error("feature {index}: {message}")]
    Value {
        /// Position of the feature in the layer.
        index: usize,
        /// What does not fit.
        message: String,
    },
    /// GDAL refused to write.
    #[error("GDAL: {0}")]
    Gdal(#[from] gdal::errors::GdalError),
    /// The temporary folder or a file in it.
    #[error("temporary file: {0}")]
    Io(#[from] std::io::Error),
    /// Zipping the shapefile.
    #[error("zipping the shapefile: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Writes `layer` as `options` ask (see the module docs for what each format keeps).
pub fn write_layer(mut layer: LayerToWrite, options: &WriteOptions) -> Result<WrittenFile, WriteError> {
    check_supported(&layer, options)?;
    options
        .crs
        .convert_from_wgs84(layer.features.iter_mut().filter_map(|f| f.geometry.as_mut()))
        .map_err(|(index, reason)| WriteError::Reproject { index, reason })?;
    let dir = tempfile::tempdir()?;
    let stem = format!("{}_EPSG{}", layer.name, options.crs.epsg());
    let bytes = match options.format {
        ExportFormat::Shapefile => {
            let folder = dir.path().join("shp");
            let renamed = write_shapefiles(&folder, &layer, options)?;
            zip_folder(&folder, &renamed)?
        }
        format => {
            let path = dir.path().join(format!("{stem}.{}", format.extension()));
            write_single(&path, &layer, options)?;
            std::fs::read(&path)?
        }
    };
    let file_name = match options.format {
        ExportFormat::Shapefile => format!("{stem}_shp.zip"),
        format => format!("{stem}.{}", format.extension()),
    };
    Ok(WrittenFile { bytes, file_name, content_type: options.format.content_type() })
}

fn check_supported(layer: &LayerToWrite, options: &WriteOptions) -> Result<(), WriteError> {
    let unsupported = |m: String| Err(WriteError::Unsupported(m));
    if options.format != ExportFormat::Shapefile && options.encoding != TextEncoding::Utf8 {
        return unsupported(format!(
            "{} files are always UTF-8; the encoding applies to shapefiles only",
            options.format
        ));
    }
    if options.format == ExportFormat::Kml && options.crs != TargetCrs::WGS84 {
        return unsupported(format!("KML is always WGS84 (EPSG:4326); {} cannot be written as KML", options.crs));
    }
    if matches!(options.format, ExportFormat::Kml | ExportFormat::Dxf) && layer.geometry == GeometryKind::None {
        return unsupported(format!("{} has no geometry: export it as csv, xlsx, gpkg, geojson or shp", layer.name));
    }
    Ok(())
}

/// A field as written: the schema field, its name in the file, its OGR type.
struct OutField {
    def: FieldDef,
    name: String,
    ty: OGRFieldType::Type,
    width: Option<i32>,
}

fn out_fields(layer: &LayerToWrite, format: ExportFormat, encoding: TextEncoding) -> Vec<OutField> {
    if !format.has_attributes() {
        return Vec::new();
    }
    let names: Vec<String> = match format {
        ExportFormat::Shapefile => shapefile_names::shapefile_field_names(layer.fields.iter().map(|f| f.name)),
        _ => layer.fields.iter().map(|f| f.name.to_owned()).collect(),
    };
    let dates_as_text = matches!(format, ExportFormat::Csv | ExportFormat::Kml);
    layer
        .fields
        .iter()
        .zip(names)
        .map(|(def, name)| {
            let ty = match def.ty {
                FieldType::Text => OGRFieldType::OFTString,
                FieldType::Integer => OGRFieldType::OFTInteger64,
                FieldType::Real => OGRFieldType::OFTReal,
                FieldType::Date if dates_as_text => OGRFieldType::OFTString,
                FieldType::Date => OGRFieldType::OFTDate,
            };
            // A DBF text column is as wide as its longest value in bytes (GDAL's default
            // of 80 would cut longer text), at most 254.
            let width = (format == ExportFormat::Shapefile && def.ty == FieldType::Text).then(|| {
                let longest = layer
                    .features
                    .iter()
                    .filter_map(|f| f.properties.get(def.name))
                    .map(|v| encoding.byte_len(&text_of(v)))
                    .max()
                    .unwrap_or(1);
                longest.clamp(1, 254) as i32
            });
            OutField { def: *def, name, ty, width }
        })
        .collect()
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn geometry_type(kind: GeometryKind) -> OGRwkbGeometryType::Type {
    match kind {
        GeometryKind::Point => OGRwkbGeometryType::wkbPoint,
        GeometryKind::MultiPolygon => OGRwkbGeometryType::wkbMultiPolygon,
        GeometryKind::Any => OGRwkbGeometryType::wkbUnknown,
        GeometryKind::None => OGRwkbGeometryType::wkbNone,
    }
}

/// Every format but the shapefile: one file, one layer.
fn write_single(path: &Path, layer: &LayerToWrite, options: &WriteOptions) -> Result<(), WriteError> {
    let format = options.format;
    let driver = DriverManager::get_driver_by_name(format.driver())?;
    let mut dataset = driver.create_vector_only(path)?;
    let srs = options.crs.spatial_ref()?;
    let has_geometry = layer.geometry != GeometryKind::None;
    let mut layer_options: Vec<&str> = Vec::new();
    let mut ty = geometry_type(layer.geometry);
    let mut wkt_column = false;
    match format {
        ExportFormat::Csv => {
            layer_options.push("WRITE_BOM=YES");
            layer_options.push("LINEFORMAT=CRLF");
            if layer.geometry == GeometryKind::Point {
                layer_options.push("GEOMETRY=AS_XY");
            } else if has_geometry {
                layer_options.push("GEOMETRY=AS_WKT");
            }
        }
        ExportFormat::Xlsx => {
            // The XLSX driver has no geometry: a WKT text column instead.
            ty = OGRwkbGeometryType::wkbNone;
            wkt_column = has_geometry;
        }
        ExportFormat::GeoJson => layer_options.push("RFC7946=NO"),
        _ => {}
    }
    let fields = out_fields(layer, format, options.encoding);
    let decimals = if options.crs.is_geographic() { 9 } else { 4 };
    let gdal_layer = dataset.create_layer(LayerOptions {
        name: &layer.name,
        srs: (has_geometry && ty != OGRwkbGeometryType::wkbNone).then_some(&srs),
        ty,
        options: Some(&layer_options),
    })?;
    if wkt_column {
        FieldDefn::new("WKT", OGRFieldType::OFTString)?.add_to_layer(&gdal_layer)?;
    }
    for f in &fields {
        let defn = FieldDefn::new(&f.name, f.ty)?;
        if let Some(w) = f.width {
            defn.set_width(w);
        }
        defn.add_to_layer(&gdal_layer)?;
    }
    let wkt_index = if wkt_column { Some(gdal_layer.defn().field_index("WKT")?) } else { None };
    let indices = field_indices(&gdal_layer, &fields)?;
    let dxf_layer_index =
        if format == ExportFormat::Dxf { Some(gdal_layer.defn().field_index("Layer")?) } else { None };
    for (index, feature) in layer.features.iter().enumerate() {
        let mut out = gdal::vector::Feature::new(gdal_layer.defn())?;
        set_fields(&mut out, &fields, &indices, feature, format, index)?;
        if let Some(i) = dxf_layer_index {
            out.set_field_string(i, &layer.name)?;
        }
        match (&feature.geometry, wkt_index) {
            (Some(g), Some(i)) => out.set_field_string(i, &spreadsheet_wkt(g, decimals, index)?)?,
            (Some(g), None) if ty != OGRwkbGeometryType::wkbNone => out.set_geometry(g.to_gdal()?)?,
            _ => {}
        }
        out.create(&gdal_layer)?;
    }
    dataset.close()?;
    Ok(())
}

fn field_indices<L: LayerAccess>(layer: &L, fields: &[OutField]) -> Result<Vec<usize>, WriteError> {
    fields.iter().map(|f| Ok(layer.defn().field_index(&f.name)?)).collect()
}

fn set_fields(
    out: &mut gdal::vector::Feature<'_>,
    fields: &[OutField],
    indices: &[usize],
    feature: &FeatureToWrite,
    format: ExportFormat,
    index: usize,
) -> Result<(), WriteError> {
    for (f, &i) in fields.iter().zip(indices) {
        let value = match feature.properties.get(f.def.name) {
            None | Some(Value::Null) => continue,
            Some(v) => v,
        };
        match (f.def.ty, value) {
            (FieldType::Integer, Value::Number(n)) if n.as_i64().is_some() => {
                out.set_field_integer64(i, n.as_i64().unwrap_or_default())?
            }
            (FieldType::Real | FieldType::Integer, Value::Number(n)) if n.as_f64().is_some() => {
                out.set_field_double(i, n.as_f64().unwrap_or_default())?
            }
            _ => {
                let text = text_of(value);
                let text = if format == ExportFormat::Csv { formula_safe(&text).into_owned() } else { text };
                if format == ExportFormat::Xlsx && text.chars().count() > MAX_SPREADSHEET_CELL {
                    return Err(WriteError::Value {
                        index,
                        message: format!("`{}` is longer than a spreadsheet cell holds", f.def.name),
                    });
                }
                out.set_field_string(i, &text)?
            }
        }
    }
    Ok(())
}

/// The WKT of a geometry for a spreadsheet cell: coordinates rounded to `decimals`
/// (9 for degrees, about 0.1 mm; 4 for metres), refused over the cell limit.
fn spreadsheet_wkt(geometry: &Geometry<f64>, decimals: i32, index: usize) -> Result<String, WriteError> {
    use wkt::ToWkt;
    let scale = 10f64.powi(decimals);
    let mut rounded = geometry.clone();
    rounded.map_coords_in_place(|c| geo::Coord { x: (c.x * scale).round() / scale, y: (c.y * scale).round() / scale });
    let text = rounded.wkt_string();
    if text.len() > MAX_SPREADSHEET_CELL {
        return Err(WriteError::Value {
            index,
            message: format!(
                "its geometry takes {} characters of WKT, more than a spreadsheet cell holds ({MAX_SPREADSHEET_CELL}); \
                 export it as gpkg, shp or geojson",
                text.len()
            ),
        });
    }
    Ok(text)
}

/// The shapefiles of a layer in `folder`: one, or for a layer of points and polygons,
/// `{name}_points` and `{name}_polygons`. Returns the renamed fields (DBF name, schema name).
fn write_shapefiles(
    folder: &Path,
    layer: &LayerToWrite,
    options: &WriteOptions,
) -> Result<Vec<(String, String)>, WriteError> {
    let driver = DriverManager::get_driver_by_name(ExportFormat::Shapefile.driver())?;
    let mut dataset = driver.create_vector_only(folder)?;
    let srs = options.crs.spatial_ref()?;
    let fields = out_fields(layer, ExportFormat::Shapefile, options.encoding);
    let encoding = format!("ENCODING={}", options.encoding.gdal_name());
    let parts: Vec<(String, OGRwkbGeometryType::Type, Vec<usize>)> = match layer.geometry {
        GeometryKind::Any => {
            let (points, polygons): (Vec<usize>, Vec<usize>) = (0..layer.features.len())
                .filter(|&i| layer.features[i].geometry.is_some())
                .partition(|&i| matches!(layer.features[i].geometry, Some(Geometry::Point(_))));
            let mut parts = Vec::new();
            if !points.is_empty() {
                parts.push((format!("{}_points", layer.name), OGRwkbGeometryType::wkbPoint, points));
            }
            if !polygons.is_empty() || parts.is_empty() {
                parts.push((format!("{}_polygons", layer.name), OGRwkbGeometryType::wkbMultiPolygon, polygons));
            }
            parts
        }
        kind => vec![(layer.name.clone(), geometry_type(kind), (0..layer.features.len()).collect())],
    };
    for (name, ty, members) in parts {
        let gdal_layer = dataset.create_layer(LayerOptions {
            name: &name,
            srs: (ty != OGRwkbGeometryType::wkbNone).then_some(&srs),
            ty,
            options: Some(&[encoding.as_str()]),
        })?;
        for f in &fields {
            let defn = FieldDefn::new(&f.name, f.ty)?;
            if let Some(w) = f.width {
                defn.set_width(w);
            }
            defn.add_to_layer(&gdal_layer)?;
        }
        let indices = field_indices(&gdal_layer, &fields)?;
        for index in members {
            let feature = &layer.features[index];
            let mut out = gdal::vector::Feature::new(gdal_layer.defn())?;
            set_fields(&mut out, &fields, &indices, feature, ExportFormat::Shapefile, index)?;
            if let Some(g) = &feature.geometry
                && ty != OGRwkbGeometryType::wkbNone
            {
                let g = match (ty, g) {
                    // A polygon in a polygon file is written as the MultiPolygon it is stored as.
                    (OGRwkbGeometryType::wkbMultiPolygon, Geometry::Polygon(p)) => {
                        Geometry::MultiPolygon(geo::MultiPolygon(vec![p.clone()]))
                    }
                    _ => g.clone(),
                };
                out.set_geometry(g.to_gdal()?)?;
            }
            out.create(&gdal_layer)?;
        }
    }
    dataset.close()?;
    let renamed =
        fields.iter().filter(|f| f.name != f.def.name).map(|f| (f.name.clone(), f.def.name.to_owned())).collect();
    Ok(renamed)
}

/// Zips every file of `folder` (the shapefiles' parts), adding `field_names.txt`
/// when fields were renamed.
fn zip_folder(folder: &Path, renamed: &[(String, String)]) -> Result<Vec<u8>, WriteError> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(folder)?.map(|e| e.map(|e| e.path())).collect::<Result<_, std::io::Error>>()?;
    files.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("part").to_owned();
        zip.start_file(name, options)?;
        zip.write_all(&std::fs::read(&path)?)?;
    }
    if !renamed.is_empty() {
        zip.start_file("field_names.txt", options)?;
        let mut text = String::from("shapefile field\tlandtrace field\r\n");
        for (short, full) in renamed {
            text.push_str(&format!("{short}\t{full}\r\n"));
        }
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
