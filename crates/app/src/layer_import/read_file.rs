//! Reading an import file into [`ImportedFeature`]s in EPSG:4326: the one reading
//! path of `landtrace import` and `POST /api/layers/{layer}/import`.
//!
//! GeoJSON (`.geojson`, `.json`) is read by the pure reader in every build; every
//! other format by GDAL (`landtrace-gis`, this crate's `gdal` feature). The file's
//! CRS is the one given, else the one it declares, else the one recognised from its
//! coordinates' ranges, and the answer says which ([`ReadFile::notes`]). A GeoJSON
//! file declares its CRS by the `crs` member of the 2008 GeoJSON specification,
//! which RFC 7946 dropped but GDAL (and so QGIS) still writes for other systems;
//! without one it is EPSG:4326. A CRS given wins over the one a file declares, as
//! it does over a shapefile's `.prj`, and the answer then names the declared one
//! (a 建设用地报批 coordinate file is the exception: its own zone is part of the
//! format, and a CRS that contradicts it is refused).
//! Conversion failures of single features become problems of those features.
//!
//! The attribute names are then matched to the layer's fields
//! ([`field_match::match_layer_fields`]): a difference only in case is forgiven and
//! KML's styling fields are left out.

use std::path::Path;

use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::{Limit, LimitError, echo};
use landtrace_store::NewFeature;
use landtrace_store::geojson_io::parse_features;
use landtrace_store::validate::FeatureErrors;

use super::ImportedFeature;
use super::field_match::match_layer_fields;

/// What to read, beyond the file: the doors' options (`--crs`, `--encoding`,
/// `--layer`; the HTTP query's `crs`, `encoding`, `layer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The CRS of the coordinates, overriding what the file declares.
    pub crs: Option<String>,
    /// The encoding of a shapefile's attributes when the file does not say, or of a
    /// CSV file that is not UTF-8 (else GB18030 is assumed).
    pub encoding: Option<String>,
    /// The layer of a multi-layer source (a GeoPackage, a geodatabase, a workbook).
    pub layer: Option<String>,
    /// Which door the file comes through: its limits on features and vertices.
    pub door: landtrace_domain::input_limits::Door,
}

/// A file read: its features in EPSG:4326 and what was decided on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadFile {
    /// The features, numbered from 1 in file order.
    pub features: Vec<ImportedFeature>,
    /// What the reader decided or assumed (driver, encoding, CRS), for the user.
    pub notes: Vec<String>,
    /// The CRS the coordinates were read in (None: the file had no coordinates).
    pub crs: Option<String>,
}

impl ReadFile {
    /// The attribute names of the file's features, in order of first appearance
    /// (a field blank in every feature is not seen).
    pub fn source_fields(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut fields = Vec::new();
        for f in &self.features {
            for key in f.properties.keys() {
                if seen.insert(key.as_str()) {
                    fields.push(key.clone());
                }
            }
        }
        fields
    }
}

/// Why a file could not be read (nothing of it is imported).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadFileError {
    /// The file could not be read from the disk.
    #[error("reading {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// Over an input limit (the file's size, its features or vertices).
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// A GeoJSON file that is not UTF-8 text.
    #[error("{file} is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        file: String,
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// A GeoJSON document that cannot be read, or features whose geometries cannot.
    #[error("reading {file}: {errors}")]
    GeoJson {
        /// The file.
        file: String,
        /// Every problem.
        errors: FeatureErrors,
    },
    /// The CRS given is not one landtrace knows, or the file's CRS cannot be
    /// decided from its coordinates.
    #[error("{0}")]
    Crs(String),
    /// A 建设用地报批 coordinate file with problems (each at its line).
    #[error("{file} (a 建设用地报批 coordinate file): {message}")]
    ApprovalCoordinates {
        /// The file.
        file: String,
        /// Every problem, at its line.
        message: String,
    },
    /// GDAL could not read the file.
    #[cfg(feature = "gdal")]
    #[error(transparent)]
    Gdal(#[from] landtrace_gis::read::ReadError),
    /// A format other than GeoJSON in a build without GDAL.
    #[error("{file}: this landtrace was built without GDAL (the `gdal` feature) and imports GeoJSON only")]
    NoGdal {
        /// The file.
        file: String,
    },
}

/// Whether `file` is read by the pure GeoJSON reader (by its extension).
pub fn is_geojson(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// Reads `file` for layer `kind` with `options`; `progress` is told (features read,
/// total when known) while GDAL reads.
pub fn read_file(
    kind: LayerKind,
    file: &Path,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<ReadFile, ReadFileError> {
    let mut notes = Vec::new();
    if !is_geojson(file)
        && let Some(read) = read_approval_coordinates(file, options)?
    {
        return Ok(read);
    }
    let (mut read, kml) = if is_geojson(file) {
        let (features, declared) = read_geojson(kind, file)?;
        let (features, crs) = geojson_to_wgs84(features, options.crs.as_deref(), declared, &mut notes)?;
        (ReadFile { features, notes, crs }, false)
    } else {
        read_other(file, options, progress, &mut notes)?
    };
    let matched = match_layer_fields(kind, kml, &mut read.features);
    read.notes.extend(matched);
    Ok(read)
}

/// A 建设用地报批 coordinate file (told by its first section, whatever the file's
/// name), read by `landtrace_formats::approval_coordinates` in every build: one
/// feature per 地块 with `parcel_no`, `name`, `land_use`, `land_class_code`, `sheet`
/// and `area_ha` (the declared 地块面积), converted from the file's own Gauss-Krüger
/// zone. A CRS given must repeat the file's. `None` when the file is not one.
fn read_approval_coordinates(file: &Path, options: &ReadOptions) -> Result<Option<ReadFile>, ReadFileError> {
    use landtrace_formats::approval_coordinates;
    use serde_json::{Map, Value, json};
    let shown = file.display().to_string();
    let io = |source| ReadFileError::Io { file: shown.clone(), source };
    if std::fs::metadata(file).map_err(io)?.is_dir() {
        return Ok(None);
    }
    let mut head = [0u8; 64];
    let n = std::io::Read::read(&mut std::fs::File::open(file).map_err(io)?, &mut head).map_err(io)?;
    if !approval_coordinates::looks_like(&head[..n]) {
        return Ok(None);
    }
    let len = std::fs::metadata(file).map_err(io)?.len();
    Limit::FileBytes.check(len, &shown)?;
    let bytes = std::fs::read(file).map_err(io)?;
    let parsed = approval_coordinates::parse(&bytes)
        .map_err(|e| ReadFileError::ApprovalCoordinates { file: shown.clone(), message: e.to_string() })?;
    let epsg = parsed.attributes.epsg;
    if let Some(given) = options.crs.as_deref()
        && landtrace_spatial::Crs::parse(given).ok().and_then(landtrace_spatial::Crs::epsg) != Some(epsg)
    {
        return Err(ReadFileError::Crs(format!(
            "the file names its own coordinate system, {}; the CRS given ({}) contradicts it: leave the CRS out",
            parsed.attributes.describe(),
            landtrace_domain::input_limits::echo(given)
        )));
    }
    let notes = vec![format!(
        "read {} parcels of a 建设用地报批 coordinate file ({}, {}), converted from its own coordinate system to EPSG:4326",
        parsed.parcels.len(),
        parsed.encoding,
        parsed.attributes.describe()
    )];
    let features = parsed
        .parcels
        .iter()
        .zip(1..)
        .map(|(parcel, number)| {
            let mut properties = Map::new();
            for (key, value) in [
                ("parcel_no", &parcel.number),
                ("name", &parcel.name),
                ("land_use", &parcel.land_use),
                ("land_class_code", &parcel.land_class_code),
                ("sheet", &parcel.sheet),
            ] {
                if !value.trim().is_empty() {
                    properties.insert(key.to_owned(), Value::from(value.trim()));
                }
            }
            properties.insert("area_ha".to_owned(), json!(parcel.declared_area_ha));
            let geometry = Some(geo::Geometry::MultiPolygon(parcel.to_wgs84()));
            ImportedFeature { number, geometry, properties, problems: Vec::new() }
        })
        .collect();
    Ok(Some(ReadFile { features, notes, crs: Some(format!("EPSG:{epsg}")) }))
}

/// The GeoJSON file's features, as written, and the CRS its legacy `crs` member
/// names ([`legacy_crs_member`]).
fn read_geojson(kind: LayerKind, file: &Path) -> Result<(Vec<NewFeature>, DeclaredCrs), ReadFileError> {
    let shown = file.display().to_string();
    let io = |source| ReadFileError::Io { file: shown.clone(), source };
    let len = std::fs::metadata(file).map_err(io)?.len();
    Limit::FileBytes.check(len, &shown)?;
    let bytes = std::fs::read(file).map_err(io)?;
    Limit::FileBytes.check(bytes.len() as u64, &shown)?;
    let text = String::from_utf8(bytes)
        .map_err(|e| ReadFileError::NotUtf8 { file: shown.clone(), offset: e.utf8_error().valid_up_to() })?;
    let features = parse_features(kind, &text).map_err(|errors| ReadFileError::GeoJson { file: shown, errors })?;
    Ok((features, legacy_crs_member(&text)))
}

/// What a GeoJSON file says of its CRS.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DeclaredCrs {
    /// No `crs` member (or `"crs": null`): EPSG:4326, as RFC 7946 says.
    Rfc7946,
    /// A `crs` member naming a CRS (as `landtrace_spatial::Crs::parse` reads names).
    Named(String),
    /// A `crs` member that names no CRS landtrace can read (why).
    Unreadable(String),
}

/// The CRS named by the `crs` member of the 2008 GeoJSON specification:
/// `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}}` (any
/// spelling `Crs::parse` takes; the OGC's CRS84 URNs are EPSG:4326 longitude/latitude),
/// or the older `{"type": "EPSG", "properties": {"code": 4546}}`. A linked CRS
/// (`"type": "link"`) is not fetched.
fn legacy_crs_member(text: &str) -> DeclaredCrs {
    use serde_json::Value;
    #[derive(serde::Deserialize)]
    struct Document {
        #[serde(default)]
        crs: Option<Value>,
    }
    let Some(member) = serde_json::from_str::<Document>(text).ok().and_then(|d| d.crs) else {
        return DeclaredCrs::Rfc7946;
    };
    let properties = member.get("properties");
    let kind = member.get("type").and_then(Value::as_str).unwrap_or_default();
    let name = match kind.to_ascii_lowercase().as_str() {
        "name" => properties.and_then(|p| p.get("name")).and_then(Value::as_str).map(str::to_owned),
        "epsg" => properties.and_then(|p| p.get("code")).and_then(Value::as_u64).map(|code| format!("EPSG:{code}")),
        _ => None,
    };
    match name {
        // urn:ogc:def:crs:OGC:1.3:CRS84, urn:ogc:def:crs:OGC::CRS84
        Some(name) if name.trim().to_ascii_uppercase().ends_with(":CRS84") => DeclaredCrs::Named("CRS84".to_owned()),
        Some(name) => DeclaredCrs::Named(name),
        None => {
            let shown: String = member.to_string().chars().take(120).collect();
            DeclaredCrs::Unreadable(format!("its crs member ({shown}) names no CRS by name or EPSG code"))
        }
    }
}

/// The error for a file whose declared CRS cannot be used and no CRS was given.
fn unusable_declaration(why: &str) -> ReadFileError {
    ReadFileError::Crs(format!(
        "the file declares its coordinate system, but {why}: give the CRS (--crs, e.g. --crs EPSG:4546; \
         crs=EPSG:4546 over HTTP)"
    ))
}

/// Numbers the features from 1.
fn numbered(features: Vec<NewFeature>) -> impl Iterator<Item = (NewFeature, usize)> {
    features.into_iter().zip(1..)
}

/// GeoJSON is in the CRS given, else the one its `crs` member declares, else
/// EPSG:4326 (RFC 7946).
#[cfg(feature = "gdal")]
fn geojson_to_wgs84(
    features: Vec<NewFeature>,
    crs: Option<&str>,
    declared: DeclaredCrs,
    notes: &mut Vec<String>,
) -> Result<(Vec<ImportedFeature>, Option<String>), ReadFileError> {
    use landtrace_gis::read::SourceFeature;
    use landtrace_gis::reproject::SourceCrs;
    let given = crs.map(SourceCrs::parse).transpose().map_err(ReadFileError::Crs)?;
    let declared = match declared {
        // RFC 7946: saying so on every import is noise, and a CRS given is not
        // contradicting the file.
        DeclaredCrs::Rfc7946 => None,
        DeclaredCrs::Named(name) => match SourceCrs::parse(&name) {
            Ok(crs) => Some(crs),
            Err(e) if given.is_some() => {
                notes.push(format!("the file's crs member names {:?}, which is not usable ({e})", echo(&name)));
                None
            }
            Err(e) => return Err(unusable_declaration(&format!("{:?} is not usable: {e}", echo(&name)))),
        },
        DeclaredCrs::Unreadable(why) if given.is_some() => {
            notes.push(format!("the file declares a CRS, but {why}"));
            None
        }
        DeclaredCrs::Unreadable(why) => return Err(unusable_declaration(&why)),
    };
    let source = numbered(features)
        .map(|(f, number)| SourceFeature {
            number,
            geometry: f.geometry,
            geometry_problem: None,
            properties: f.properties,
        })
        .collect();
    let rfc7946 = given.is_none() && declared.is_none();
    let declared = declared.or_else(|| rfc7946.then_some(SourceCrs::Known(landtrace_spatial::Crs::Wgs84)));
    let converted = gdal_read::to_wgs84(source, given, declared, notes)?;
    if rfc7946 {
        notes.retain(|n| !n.ends_with("(declared by the file)"));
    }
    Ok(converted)
}

/// GeoJSON is in the CRS given, else the one its `crs` member declares, else
/// EPSG:4326 (RFC 7946); built-in systems only.
#[cfg(not(feature = "gdal"))]
fn geojson_to_wgs84(
    features: Vec<NewFeature>,
    crs: Option<&str>,
    declared: DeclaredCrs,
    notes: &mut Vec<String>,
) -> Result<(Vec<ImportedFeature>, Option<String>), ReadFileError> {
    use landtrace_spatial::Crs;
    let given = crs.map(Crs::parse).transpose().map_err(|e| ReadFileError::Crs(e.to_string()))?;
    let declared = match declared {
        DeclaredCrs::Rfc7946 => Ok(None),
        DeclaredCrs::Named(name) => {
            Crs::parse(&name).map(Some).map_err(|e| format!("{:?} is not usable: {e}", echo(&name)))
        }
        DeclaredCrs::Unreadable(why) => Err(why),
    };
    let crs = match (given, declared) {
        (Some(given), declared) => {
            notes.push(format!("coordinates read as {} (given)", given.name()));
            match declared {
                Ok(Some(declared)) if declared != given => notes.push(overridden(&declared.name(), &given.name())),
                Ok(_) => {}
                Err(why) => notes.push(format!("the file declares a CRS, but {why}")),
            }
            given
        }
        (None, Ok(Some(declared))) => {
            notes.push(format!("coordinates read as {} (declared by the file)", declared.name()));
            declared
        }
        (None, Ok(None)) => Crs::Wgs84,
        (None, Err(why)) => return Err(unusable_declaration(&why)),
    };
    let features = numbered(features)
        .map(|(f, number)| {
            let mut geometry = f.geometry;
            let mut problems = Vec::new();
            if let Some(g) = geometry.as_mut()
                && let Err(e) = landtrace_spatial::geometry_to_wgs84(crs, g)
            {
                problems.push(format!("geometry: {e}"));
                geometry = None;
            }
            ImportedFeature { number, geometry, properties: f.properties, problems }
        })
        .collect();
    Ok((features, Some(crs.name())))
}

/// The note for a CRS given over the one the file declares.
fn overridden(declared: &str, given: &str) -> String {
    format!("the file declares its coordinates to be in {declared}; the CRS given, {given}, was used instead")
}

/// Any other format, through GDAL; also whether it is KML.
#[cfg(feature = "gdal")]
fn read_other(
    file: &Path,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64, Option<u64>),
    notes: &mut Vec<String>,
) -> Result<(ReadFile, bool), ReadFileError> {
    use landtrace_gis::reproject::SourceCrs;
    let given = options.crs.as_deref().map(SourceCrs::parse).transpose().map_err(ReadFileError::Crs)?;
    let read_options = landtrace_gis::read::ReadOptions {
        layer: options.layer.clone(),
        encoding: options.encoding.clone(),
        door: options.door,
    };
    let source = landtrace_gis::read::read(file, &read_options, progress)?;
    notes.push(format!("read layer {:?} with GDAL's {} driver", source.layer, source.driver));
    if let Some(e) = &source.encoding {
        notes.push(format!("attributes read as {e}"));
    }
    notes.extend(source.notes);
    let kml = matches!(source.driver.as_str(), "LIBKML" | "KML");
    let (features, crs) = gdal_read::to_wgs84(source.features, given, source.crs, notes)?;
    Ok((ReadFile { features, notes: std::mem::take(notes), crs }, kml))
}

/// Without GDAL only GeoJSON is read.
#[cfg(not(feature = "gdal"))]
fn read_other(
    file: &Path,
    _: &ReadOptions,
    _: &mut dyn FnMut(u64, Option<u64>),
    _: &mut Vec<String>,
) -> Result<(ReadFile, bool), ReadFileError> {
    Err(ReadFileError::NoGdal { file: file.display().to_string() })
}

/// The CRS decision and conversion of GDAL's formats.
#[cfg(feature = "gdal")]
mod gdal_read {
    use landtrace_gis::read::SourceFeature;
    use landtrace_gis::reproject::{self, Reprojector, SourceCrs};

    use super::{ImportedFeature, ReadFileError};

    /// Decides the CRS of `features` and converts their geometries to EPSG:4326:
    /// the one given, else the one the file declares, else the one recognised from
    /// the coordinates' ranges. Coordinates written northing first in a
    /// Gauss-Krüger system are swapped. Per-feature conversion failures become
    /// problems of their features. Returns the features and the CRS's name.
    pub(super) fn to_wgs84(
        features: Vec<SourceFeature>,
        given: Option<SourceCrs>,
        declared: Option<SourceCrs>,
        notes: &mut Vec<String>,
    ) -> Result<(Vec<ImportedFeature>, Option<String>), ReadFileError> {
        let mut features = features;
        let bounds = reproject::bounds(features.iter().filter_map(|f| f.geometry.as_ref()));
        let detected = given.is_none() && declared.is_none();
        let crs = match (given, declared) {
            (Some(crs), declared) => {
                notes.push(format!("coordinates read as {crs} (given)"));
                if let Some(declared) = declared.filter(|d| *d != crs) {
                    notes.push(super::overridden(&declared.to_string(), &crs.to_string()));
                }
                Some(crs)
            }
            (None, Some(crs)) => {
                notes.push(format!("coordinates read as {crs} (declared by the file)"));
                Some(crs)
            }
            (None, None) => match bounds {
                None => None,
                Some(b) => match reproject::detect(b) {
                    Some(found) => {
                        notes.push(format!("assumed CRS: {}", found.why));
                        if found.northing_first {
                            swap_all(&mut features);
                        }
                        Some(found.crs)
                    }
                    None => {
                        return Err(ReadFileError::Crs(format!(
                            "the file declares no CRS and its coordinates (x {:.3}..{:.3}, y {:.3}..{:.3}) are \
                             neither degrees nor CGCS2000 Gauss-Kruger metres: give the CRS (--crs, e.g. --crs \
                             EPSG:4525; crs=EPSG:4525 over HTTP)",
                            b[0], b[2], b[1], b[3]
                        )));
                    }
                },
            },
        };
        // A declared or given Gauss-Kruger system with the surveyors' X-north habit.
        if let (false, Some(crs), Some(b)) = (detected, &crs, bounds)
            && crs.is_gauss_kruger()
            && reproject::looks_northing_first(b)
        {
            notes.push(format!("the coordinates are written northing first (X north, Y east) in {crs}: axes swapped"));
            swap_all(&mut features);
        }
        let reprojector = crs.as_ref().map(Reprojector::new).transpose().map_err(ReadFileError::Crs)?;
        let features = features
            .into_iter()
            .map(|f| {
                let mut problems: Vec<String> = f.geometry_problem.into_iter().collect();
                let mut geometry = f.geometry;
                if let (Some(g), Some(r)) = (geometry.as_mut(), &reprojector)
                    && let Err(e) = r.to_wgs84(g)
                {
                    problems.push(format!("geometry: {e}"));
                    geometry = None;
                }
                ImportedFeature { number: f.number, geometry, properties: f.properties, problems }
            })
            .collect();
        Ok((features, crs.map(|c| c.to_string())))
    }

    fn swap_all(features: &mut [SourceFeature]) {
        for g in features.iter_mut().filter_map(|f| f.geometry.as_mut()) {
            reproject::swap_axes(g);
        }
    }
}
