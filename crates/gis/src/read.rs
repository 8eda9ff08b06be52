//! Reading the bureaus' files through GDAL into neutral [`SourceFeature`]s:
//! Shapefile (alone or zipped), GeoPackage, FileGDB (OpenFileGDB), KML/KMZ, DXF, GPX,
//! MapInfo, FlatGeobuf, CSV/XLSX with coordinate or WKT columns.
//!
//! What the reader guarantees, whatever the file:
//! - only the drivers of [`DRIVERS`] are tried (no network, no raster, no driver that
//!   follows links);
//! - archives are checked before GDAL opens them ([`crate::archive::check_zip`]);
//! - at most the features and vertices its [`Door`] allows (a request's, or a
//!   file import's on the machine) and [`Limit::GeometryNesting`] levels per
//!   geometry are read: a whole file over a limit is one error, a geometry over one
//!   is a problem of its feature;
//! - every feature keeps its number (from 1, in file order) for messages.
//!
//! Geometries stay in the source's coordinates; [`crate::reproject`] converts them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gdal::errors::GdalError;
use gdal::vector::{FieldValue, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::CoordsIter;
use landtrace_domain::input_limits::{Door, Limit, LimitError, echo};
use serde_json::{Map, Number, Value};

use crate::archive;
use crate::csv_encoding;
use crate::reproject::SourceCrs;
use crate::shapefile_encoding::{self, ShapefileEncoding};
use crate::table_geometry;

/// The GDAL drivers an import may use. LIBKML comes before KML: the plain KML
/// driver drops a placemark's `ExtendedData` (every attribute but name and
/// description).
pub const DRIVERS: [&str; 13] = [
    "ESRI Shapefile",
    "GPKG",
    "OpenFileGDB",
    "LIBKML",
    "KML",
    "DXF",
    "GPX",
    "MapInfo File",
    "FlatGeobuf",
    "CSV",
    "XLSX",
    "ODS",
    "GeoJSON",
];

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The layer of a multi-layer source (a GeoPackage, a geodatabase, a workbook).
    pub layer: Option<String>,
    /// The encoding of a shapefile's attributes when neither its `.cpg` nor its DBF
    /// header says, or of a CSV file that is not UTF-8 (`--encoding`).
    pub encoding: Option<String>,
    /// Which door the file comes through: its limits on features and vertices.
    pub door: Door,
}

/// One feature as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFeature {
    /// Its position in the file, from 1.
    pub number: usize,
    /// Its geometry in the source's coordinates (None: none, or unreadable).
    pub geometry: Option<geo::Geometry<f64>>,
    /// Why the geometry could not be read, if it could not.
    pub geometry_problem: Option<String>,
    /// Its attributes (blank values left out: a blank cell is a missing value).
    pub properties: Map<String, Value>,
}

/// A layer read from a file.
#[derive(Debug, Clone)]
pub struct Source {
    /// The GDAL driver that read it.
    pub driver: String,
    /// The layer's name.
    pub layer: String,
    /// The CRS the file declares (None: it declares none).
    pub crs: Option<SourceCrs>,
    /// The encoding a shapefile's attributes or a CSV file that is not UTF-8 were
    /// read in.
    pub encoding: Option<ShapefileEncoding>,
    /// The features, in file order.
    pub features: Vec<SourceFeature>,
    /// What the reader decided or GDAL warned about, for the user.
    pub notes: Vec<String>,
}

/// Why a file could not be read (nothing of it is imported).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened as any accepted format.
    #[error("cannot open {file}: {message}")]
    Open {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// An archive was refused.
    #[error("{0}")]
    Archive(String),
    /// Over an input limit.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// A source of several layers, none named.
    #[error("{file} holds {} layers ({}); name one with --layer", names.len(), names.join(", "))]
    SeveralLayers {
        /// The file.
        file: String,
        /// Its layers.
        names: Vec<String>,
    },
    /// The named layer is not in the source.
    #[error("{file} has no layer {name:?}; its layers: {}", names.join(", "))]
    NoSuchLayer {
        /// The file.
        file: String,
        /// The name asked for.
        name: String,
        /// Its layers.
        names: Vec<String>,
    },
    /// GDAL failed while reading.
    #[error("reading {file}: {message}")]
    Gdal {
        /// The file.
        file: String,
        /// GDAL's message.
        message: String,
    },
}

/// Warnings GDAL reported while the current file was read (bounded).
static GDAL_MESSAGES: Mutex<Vec<String>> = Mutex::new(Vec::new());
const MAX_GDAL_MESSAGES: usize = 20;

/// Routes GDAL's messages into [`GDAL_MESSAGES`] instead of standard error.
fn quiet_gdal() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        gdal::config::set_error_handler(|class, _, message| {
            if matches!(class, gdal::errors::CplErrType::Warning | gdal::errors::CplErrType::Failure)
                && let Ok(mut messages) = GDAL_MESSAGES.lock()
                && messages.len() < MAX_GDAL_MESSAGES
            {
                messages.push(message.to_owned());
            }
        });
    });
}

fn take_gdal_messages() -> Vec<String> {
    GDAL_MESSAGES.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default()
}

/// Reads one layer of the file at `path`. `progress` is told (features read, total
/// when known) as reading goes on.
pub fn read(
    path: &Path,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Source, ReadError> {
    quiet_gdal();
    take_gdal_messages();
    let shown = path.display().to_string();
    let opened = open(path, &shown, options)?;
    let dataset = &opened.dataset;
    let names: Vec<String> = dataset.layers().map(|l| l.name()).collect();
    let mut notes = opened.notes;
    let index = match &options.layer {
        Some(name) => names.iter().position(|n| n == name).ok_or_else(|| ReadError::NoSuchLayer {
            file: shown.clone(),
            name: name.clone(),
            names: names.clone(),
        })?,
        None if names.len() == 1 => 0,
        None => {
            // GPX files hold five layers, usually one of them not empty.
            let filled: Vec<usize> =
                (0..names.len()).filter(|&i| dataset.layer(i).is_ok_and(|l| l.feature_count() > 0)).collect();
            match filled[..] {
                [one] => {
                    notes.push(format!("read layer {:?}, the only one of {} with features", names[one], names.len()));
                    one
                }
                _ => return Err(ReadError::SeveralLayers { file: shown, names }),
            }
        }
    };
    let mut layer = dataset.layer(index).map_err(|e| gdal_error(&shown, e))?;
    let total = layer.try_feature_count();
    if let Some(n) = total {
        options.door.features().check(n, format_args!("{shown} (layer {})", names[index]))?;
    }
    let crs = layer.spatial_ref().and_then(crs_of);
    let driver = dataset.driver().short_name();
    let is_table = layer.defn().geom_fields().count() == 0 || matches!(driver.as_str(), "CSV" | "XLSX" | "ODS");

    let plain_shapefile = driver == "ESRI Shapefile"
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "shp" | "dbf"));
    let halves = match total {
        Some(n) if plain_shapefile && !is_table && n >= PARALLEL_READ_FEATURES => {
            read_in_halves(&layer, n, path, &shown, options, index, progress)?
        }
        _ => None,
    };
    let features = match halves {
        Some(features) => features,
        None => {
            let mut features = Vec::new();
            let mut vertices: u64 = 0;
            for (feature, number) in layer.features().zip(1usize..) {
                if number as u64 > options.door.features().max() {
                    return Err(options.door.features().check(number as u64, &shown).unwrap_err().into());
                }
                let f = source_feature(&feature, number);
                vertices += f.vertices();
                options.door.vertices().check(vertices, &shown)?;
                features.push(f);
                progress(number as u64, total);
            }
            features
        }
    };
    let mut features = features;
    if is_table && let Some(columns) = table_geometry::build(&mut features) {
        notes.push(columns);
    }
    notes.extend(take_gdal_messages().into_iter().map(|m| format!("GDAL: {}", echo(&m))));
    Ok(Source { driver, layer: names[index].clone(), crs, encoding: opened.encoding, features, notes })
}

/// A plain Shapefile of at least this many features is read by two threads, one
/// half each: GDAL reads a Shapefile's records at random (`GetFeature` by record
/// number) and each thread has its own dataset. Reading was a quarter of a
/// 100,000-polygon import's CPU (docs/benchmarks.md); the machine has a second core.
const PARALLEL_READ_FEATURES: u64 = 20_000;

/// One feature read: its geometry converted (or why not) and its attributes.
fn source_feature(feature: &gdal::vector::Feature<'_>, number: usize) -> SourceFeature {
    let (geometry, geometry_problem) = match feature.geometry() {
        Some(g) => match convert_geometry(g, number) {
            Ok(g) => (g, None),
            Err(problem) => (None, Some(problem)),
        },
        None => (None, None),
    };
    let properties = feature.fields().filter_map(|(name, value)| value.and_then(json_of).map(|v| (name, v))).collect();
    SourceFeature { number, geometry, geometry_problem, properties }
}

impl SourceFeature {
    fn vertices(&self) -> u64 {
        self.geometry.as_ref().map_or(0, |g| g.coords_count()) as u64
    }
}

/// Records `range` of the layer by record number, numbered from `range.start + 1`;
/// `None` when one of them cannot be read that way (a deleted record), so the
/// caller reads the file in order instead.
fn read_records(
    layer: &gdal::vector::Layer<'_>,
    range: std::ops::Range<u64>,
    shown: &str,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Option<(Vec<SourceFeature>, u64)>, ReadError> {
    let mut out = Vec::with_capacity((range.end - range.start) as usize);
    let mut vertices = 0u64;
    for fid in range {
        let Some(feature) = layer.feature(fid) else { return Ok(None) };
        let f = source_feature(&feature, fid as usize + 1);
        vertices += f.vertices();
        options.door.vertices().check(vertices, shown)?;
        out.push(f);
        progress(fid + 1);
    }
    Ok(Some((out, vertices)))
}

/// The `n` records of a plain Shapefile read by two threads (see
/// [`PARALLEL_READ_FEATURES`]), in file order; `None` when a record could not be
/// read by its number.
fn read_in_halves(
    layer: &gdal::vector::Layer<'_>,
    n: u64,
    path: &Path,
    shown: &str,
    options: &ReadOptions,
    index: usize,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Option<Vec<SourceFeature>>, ReadError> {
    let half = n / 2;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| -> Result<Option<(Vec<SourceFeature>, u64)>, ReadError> {
            let opened = open(path, shown, options)?;
            let layer = opened.dataset.layer(index).map_err(|e| gdal_error(shown, e))?;
            read_records(&layer, half..n, shown, options, &mut |_| {})
        });
        let first = read_records(layer, 0..half, shown, options, &mut |done| progress(2 * done, Some(n)));
        let second = second.join().map_err(|_| ReadError::Open {
            file: shown.to_owned(),
            message: "the thread reading the second half of the file stopped".to_owned(),
        })?;
        let (Some((mut features, a)), Some((rest, b))) = (first?, second?) else { return Ok(None) };
        options.door.vertices().check(a + b, shown)?;
        features.extend(rest);
        progress(n, Some(n));
        Ok(Some(features))
    })
}

/// An opened dataset and what was decided to open it.
struct Opened {
    dataset: Dataset,
    encoding: Option<ShapefileEncoding>,
    notes: Vec<String>,
    /// GDAL options of this thread that have to hold while the dataset is read
    /// (GDAL reads some of them lazily: a workbook's sheets are parsed on first use).
    _config: ThreadConfig,
    /// Files in GDAL's memory the dataset reads (a CSV file recoded to UTF-8).
    _memory: MemoryFiles,
}

fn open(path: &Path, shown: &str, options: &ReadOptions) -> Result<Opened, ReadError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let absolute =
        std::path::absolute(path).map_err(|e| ReadError::Open { file: shown.to_owned(), message: e.to_string() })?;
    let mut notes = Vec::new();
    let mut config = ThreadConfig::default();
    let mut memory = MemoryFiles::default();
    let (gdal_path, encoding) = match ext.as_str() {
        "zip" | "kmz" => {
            let checked = archive::check_zip(path, shown)?;
            // GDAL reads names without the UTF-8 flag as CP437 unless told otherwise.
            config.set("CPL_ZIP_ENCODING", checked.gdal_name_encoding(), shown)?;
            let inner = pick_member(&checked.members, &ext).ok_or_else(|| ReadError::Open {
                file: shown.to_owned(),
                message: "the archive holds no file of an accepted format (.shp, .gdb, .gpkg, .kml, .tab, .mif, \
                          .fgb, .gpx, .dxf, .csv, .xlsx, .geojson)"
                    .to_owned(),
            })?;
            let vsi = PathBuf::from(format!("/vsizip/{}/{inner}", absolute.display()));
            let encoding = if inner.to_ascii_lowercase().ends_with(".shp") {
                let sidecar = |ext: &str| read_member(path, &checked.members, &inner[..inner.len() - 3], ext);
                Some(shapefile_encoding::decide_from(
                    sidecar("cpg").as_deref(),
                    sidecar("dbf").as_deref(),
                    options.encoding.as_deref(),
                ))
            } else {
                None
            };
            notes.push(format!("read {inner} from the archive"));
            (vsi, encoding)
        }
        "shp" | "dbf" => {
            let shp = path.with_extension("shp");
            let encoding = shapefile_encoding::decide(&shp, options.encoding.as_deref())
                .map_err(|e| ReadError::Open { file: shown.to_owned(), message: e.to_string() })?;
            (absolute, Some(encoding))
        }
        "csv" => match csv_as_utf8(path, shown, options, &mut memory)? {
            Some((recoded, encoding)) => (recoded, Some(encoding)),
            None => (absolute, None),
        },
        _ => (absolute, None),
    };
    let mut open_options: Vec<String> = Vec::new();
    if let Some(e) = &encoding
        && ext != "csv"
    {
        open_options.push(format!("ENCODING={}", e.gdal_name));
    }
    match ext.as_str() {
        "csv" => open_options.extend(["AUTODETECT_TYPE=YES".to_owned(), "EMPTY_STRING_AS_NULL=YES".to_owned()]),
        // The first row names the fields even when every row is text (GDAL's
        // automatic choice takes such a row for data). GDAL 3.6 has no HEADERS
        // open option for these drivers, only the configuration option.
        "xlsx" => config.set("OGR_XLSX_HEADERS", "FORCE", shown)?,
        "ods" => config.set("OGR_ODS_HEADERS", "FORCE", shown)?,
        _ => {}
    }
    let open_refs: Vec<&str> = open_options.iter().map(String::as_str).collect();
    let dataset = Dataset::open_ex(
        &gdal_path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(&DRIVERS),
            open_options: Some(&open_refs),
            sibling_files: None,
        },
    )
    .map_err(|e| {
        let gdal = take_gdal_messages();
        let detail = gdal.last().cloned().unwrap_or_else(|| e.to_string());
        ReadError::Open {
            file: shown.to_owned(),
            message: format!(
                "not a file of an accepted format (Shapefile, GeoPackage, FileGDB, KML/KMZ, DXF, GPX, MapInfo, \
                 FlatGeobuf, CSV, XLSX, GeoJSON): {}",
                echo(&detail)
            ),
        }
    })?;
    Ok(Opened { dataset, encoding, notes, _config: config, _memory: memory })
}

/// A CSV file that is not UTF-8, recoded ([`csv_encoding::to_utf8`]) into GDAL's
/// memory under its own name, with its `.csvt` and `.prj` beside it; None when the
/// file is UTF-8 and GDAL reads it from the disk.
fn csv_as_utf8(
    path: &Path,
    shown: &str,
    options: &ReadOptions,
    memory: &mut MemoryFiles,
) -> Result<Option<(PathBuf, ShapefileEncoding)>, ReadError> {
    let io = |e: std::io::Error| ReadError::Open { file: shown.to_owned(), message: e.to_string() };
    Limit::FileBytes.check(std::fs::metadata(path).map_err(io)?.len(), shown)?;
    let bytes = std::fs::read(path).map_err(io)?;
    let Some((text, encoding)) = csv_encoding::to_utf8(&bytes, options.encoding.as_deref())
        .map_err(|message| ReadError::Open { file: shown.to_owned(), message })?
    else {
        return Ok(None);
    };
    static FOLDERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let folder = format!(
        "/vsimem/landtrace-csv-{}-{}",
        std::process::id(),
        FOLDERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let name = path.file_name().map_or_else(|| "file.csv".into(), |n| n.to_string_lossy());
    let csv = PathBuf::from(format!("{folder}/{name}"));
    memory.create(&csv, text.into_bytes(), shown)?;
    for sidecar in ["csvt", "prj"] {
        let beside = path.with_extension(sidecar);
        if beside.is_file() {
            let bytes = std::fs::read(&beside).map_err(io)?;
            memory.create(&csv.with_extension(sidecar), bytes, shown)?;
        }
    }
    Ok(Some((csv, encoding)))
}

/// Thread-local GDAL configuration options, cleared when dropped.
#[derive(Default)]
struct ThreadConfig(Vec<&'static str>);

impl ThreadConfig {
    fn set(&mut self, key: &'static str, value: &str, shown: &str) -> Result<(), ReadError> {
        gdal::config::set_thread_local_config_option(key, value).map_err(|e| gdal_error(shown, e))?;
        self.0.push(key);
        Ok(())
    }
}

impl Drop for ThreadConfig {
    fn drop(&mut self) {
        for key in &self.0 {
            // Only a key with a NUL byte fails, and these are constants.
            let _ = gdal::config::clear_thread_local_config_option(key);
        }
    }
}

/// Files in GDAL's memory (`/vsimem/`), deleted when dropped.
#[derive(Default)]
struct MemoryFiles(Vec<PathBuf>);

impl MemoryFiles {
    fn create(&mut self, path: &Path, bytes: Vec<u8>, shown: &str) -> Result<(), ReadError> {
        gdal::vsi::create_mem_file(path, bytes).map_err(|e| gdal_error(shown, e))?;
        self.0.push(path.to_owned());
        Ok(())
    }
}

impl Drop for MemoryFiles {
    fn drop(&mut self) {
        for path in &self.0 {
            // Nothing else deletes them: a failure leaves memory behind, no wrong answer.
            let _ = gdal::vsi::unlink_mem_file(path);
        }
    }
}

/// The member of an archive to open: a file geodatabase folder, else a shapefile
/// (the folder when there are several, each a layer), else the first file of an
/// accepted format.
fn pick_member(members: &[archive::Member], ext: &str) -> Option<String> {
    let lower = |m: &archive::Member| m.name.to_ascii_lowercase();
    if let Some(gdb) = members.iter().find_map(|m| {
        let l = lower(m);
        l.find(".gdb/").map(|i| m.name[..i + 4].to_owned())
    }) {
        return Some(gdb);
    }
    let shapefiles: Vec<&archive::Member> = members.iter().filter(|m| lower(m).ends_with(".shp")).collect();
    if let [one] = shapefiles[..] {
        return Some(one.name.clone());
    }
    let accepted: &[&str] = if ext == "kmz" {
        &[".kml"]
    } else {
        &[".gpkg", ".kml", ".tab", ".mif", ".fgb", ".gpx", ".dxf", ".csv", ".xlsx", ".geojson", ".json"]
    };
    if shapefiles.len() > 1 {
        let folder = shapefiles[0].name.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        return Some(folder);
    }
    members.iter().find(|m| !m.is_dir && accepted.iter().any(|e| lower(m).ends_with(e))).map(|m| m.name.clone())
}

/// The bytes of the archive member `stem` + `ext` (either case), if present.
fn read_member(archive_path: &Path, members: &[archive::Member], stem: &str, ext: &str) -> Option<Vec<u8>> {
    let names = [format!("{stem}{ext}"), format!("{stem}{}", ext.to_ascii_uppercase())];
    let name = names.into_iter().find(|n| members.iter().any(|m| m.name == *n))?;
    // The archive's total was checked against the limit already.
    archive::read_member(archive_path, &name, landtrace_domain::input_limits::MAX_ARCHIVE_UNPACKED_BYTES)
}

/// The CRS of a layer's spatial reference: its EPSG code when it has or is found
/// to have one, else its WKT.
fn crs_of(mut srs: gdal::spatial_ref::SpatialRef) -> Option<SourceCrs> {
    let epsg = |srs: &gdal::spatial_ref::SpatialRef| {
        (srs.auth_name().is_some_and(|a| a.eq_ignore_ascii_case("EPSG")))
            .then(|| srs.auth_code().ok())
            .flatten()
            .and_then(|c| u32::try_from(c).ok())
    };
    if let Some(crs) = epsg(&srs).and_then(|code| SourceCrs::from_epsg(code).ok()) {
        return Some(crs);
    }
    if srs.auto_identify_epsg().is_ok()
        && let Some(crs) = epsg(&srs).and_then(|code| SourceCrs::from_epsg(code).ok())
    {
        return Some(crs);
    }
    srs.to_wkt().ok().filter(|w| !w.is_empty()).map(SourceCrs::Wkt)
}

/// A GDAL geometry as a `geo` geometry (2D; curves are refused), or why not.
pub(crate) fn convert_geometry(
    g: &gdal::vector::Geometry,
    number: usize,
) -> Result<Option<geo::Geometry<f64>>, String> {
    if g.is_empty() {
        return Ok(None);
    }
    let depth = nesting(g, 1);
    Limit::GeometryNesting.check(depth, format_args!("geometry of feature #{number}")).map_err(|e| e.to_string())?;
    let mut flat = g.clone();
    flat.flatten_to_2d();
    let name = flat.geometry_name();
    // gdal's conversion panics on shapes OGR never makes; a hostile file must not stop us.
    let converted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| flat.to_geo()));
    match converted {
        Ok(Ok(geometry)) => {
            let n = geometry.coords_count() as u64;
            Limit::VerticesPerGeometry
                .check(n, format_args!("geometry of feature #{number}"))
                .map_err(|e| e.to_string())?;
            Ok(Some(geometry))
        }
        Ok(Err(_)) | Err(_) => Err(format!(
            "geometry: a {name} cannot be imported (curves and other types have to be converted to points, \
             lines or polygons first)"
        )),
    }
}

/// How deep a geometry is nested (a point is 1, a polygon 2, a multipolygon 3),
/// counted no further than one level past the limit.
fn nesting(g: &gdal::vector::Geometry, depth: u64) -> u64 {
    if depth > landtrace_domain::input_limits::MAX_GEOMETRY_NESTING {
        return depth;
    }
    (0..g.geometry_count()).map(|i| nesting(&g.get_geometry(i), depth + 1)).max().unwrap_or(depth)
}

/// An attribute value as JSON; None for a blank one.
fn json_of(value: FieldValue) -> Option<Value> {
    let number = |x: f64| Number::from_f64(x).map_or_else(|| Value::String(x.to_string()), Value::Number);
    Some(match value {
        FieldValue::IntegerValue(i) => Value::from(i),
        FieldValue::Integer64Value(i) => Value::from(i),
        FieldValue::RealValue(x) => number(x),
        FieldValue::StringValue(s) if s.trim().is_empty() => return None,
        FieldValue::StringValue(s) => Value::String(s),
        FieldValue::DateValue(d) => Value::String(d.to_string()),
        // chrono's Debug form is RFC 3339 (`2024-05-01T08:30:00+08:00`).
        FieldValue::DateTimeValue(t) => Value::String(format!("{t:?}")),
        FieldValue::IntegerListValue(v) => Value::from(v),
        FieldValue::Integer64ListValue(v) => Value::from(v),
        FieldValue::StringListValue(v) => Value::from(v),
        FieldValue::RealListValue(v) => Value::Array(v.into_iter().map(number).collect()),
    })
}

fn gdal_error(shown: &str, e: GdalError) -> ReadError {
    ReadError::Gdal { file: shown.to_owned(), message: e.to_string() }
}
