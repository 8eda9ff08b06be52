//! `landtrace import` (a file into a layer, through the one write path) and
//! `landtrace layers` (the layers with their counts).
//!
//! GeoJSON is read by the pure reader in every build; the other formats by GDAL
//! (`landtrace-gis`, the default `gdal` feature). Either way the features go
//! through `landtrace_app::layer_import`: field mapping, repair on request, every
//! problem listed, all or nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use landtrace_app::layer_import::{self, FieldMapping, ImportError, ImportedFeature};
use landtrace_domain::LayerKind;
use landtrace_store::Actor;
use landtrace_store::geojson_io::parse_features;

use crate::input_file;
use crate::store_args::{StoreArgs, open_or_create};

/// The options of `landtrace import` beyond the layer and the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImportArgs {
    pub crs: Option<String>,
    pub encoding: Option<String>,
    pub source_layer: Option<String>,
    pub fields: Option<PathBuf>,
    pub dry_run: bool,
    pub repair: bool,
}

/// `landtrace import LAYER FILE`.
pub(crate) async fn import(
    layer: &str,
    file: &Path,
    args: &ImportArgs,
    actor: String,
    store: &StoreArgs,
) -> anyhow::Result<()> {
    let Some(kind) = LayerKind::from_table_name(layer) else {
        let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
        bail!("no layer named {layer:?}; layers: {}", known.join(", "));
    };
    let mapping = match &args.fields {
        Some(path) => Some(
            FieldMapping::parse(&input_file::read_text(path)?, kind)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut notes = Vec::new();
    let mut features = read_features(kind, file, args, &mut notes)?;
    for f in &mut features {
        if let Some(m) = &mapping {
            f.properties = m.apply(&f.properties);
        }
        if args.repair
            && let Some(g) = f.geometry.as_mut()
            && let Some(change) = layer_import::repair_polygons(g)
        {
            notes.push(format!("feature #{}: polygon {change}", f.number));
        }
    }
    for note in &notes {
        eprintln!("note: {note}");
    }
    let store = open_or_create(store).await?;
    let total = features.len();
    match layer_import::import(store.as_ref(), kind, features, &Actor(actor), args.dry_run).await {
        Ok(_) if args.dry_run => {
            println!("checked {total} features for {layer}: all can be imported; nothing was written (dry run)");
            Ok(())
        }
        Ok(ids) => {
            println!(
                "imported {} features into {} (ids {}..={})",
                ids.len(),
                layer,
                ids.first().unwrap_or(&0),
                ids.last().unwrap_or(&0)
            );
            Ok(())
        }
        Err(ImportError::Refused(refused)) => Err(refused.into()),
        Err(ImportError::Write(e)) => Err(e.into()),
    }
}

/// Whether `file` is read by the pure GeoJSON reader.
fn is_geojson(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// The file's features with their geometries in EPSG:4326.
fn read_features(
    kind: LayerKind,
    file: &Path,
    args: &ImportArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ImportedFeature>> {
    if is_geojson(file) {
        let text = input_file::read_text(file)?;
        let features = parse_features(kind, &text).with_context(|| format!("reading {}", file.display()))?;
        return geojson_to_wgs84(features, args.crs.as_deref(), notes);
    }
    read_other(file, args, notes)
}

/// GeoJSON is EPSG:4326 (RFC 7946) unless `--crs` says otherwise.
#[cfg(feature = "gdal")]
fn geojson_to_wgs84(
    features: Vec<landtrace_store::NewFeature>,
    crs: Option<&str>,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ImportedFeature>> {
    use landtrace_gis::read::SourceFeature;
    use landtrace_gis::reproject::SourceCrs;
    let given = crs.map(SourceCrs::parse).transpose().map_err(anyhow::Error::msg)?;
    let source = features
        .into_iter()
        .zip(1..)
        .map(|(f, number)| SourceFeature {
            number,
            geometry: f.geometry,
            geometry_problem: None,
            properties: f.properties,
        })
        .collect();
    let wgs84 = SourceCrs::Known(landtrace_spatial::Crs::Wgs84);
    let converted = crate::import_gdal::to_wgs84(source, given, Some(wgs84), notes)?;
    // RFC 7946 declares the CRS: saying so on every import is noise.
    notes.retain(|n| !n.ends_with("(declared by the file)"));
    Ok(converted)
}

/// GeoJSON is EPSG:4326 (RFC 7946) unless `--crs` says otherwise (built-in systems only).
#[cfg(not(feature = "gdal"))]
fn geojson_to_wgs84(
    features: Vec<landtrace_store::NewFeature>,
    crs: Option<&str>,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ImportedFeature>> {
    let crs = landtrace_spatial::Crs::parse(crs.unwrap_or("EPSG:4326"))?;
    if crs != landtrace_spatial::Crs::Wgs84 {
        notes.push(format!("coordinates read as {} (given by --crs)", crs.name()));
    }
    Ok(features
        .into_iter()
        .zip(1..)
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
        .collect())
}

/// Any other format, through GDAL.
#[cfg(feature = "gdal")]
fn read_other(file: &Path, args: &ImportArgs, notes: &mut Vec<String>) -> anyhow::Result<Vec<ImportedFeature>> {
    use landtrace_gis::reproject::SourceCrs;
    input_file::check_dataset(file)?;
    let given = args.crs.as_deref().map(SourceCrs::parse).transpose().map_err(anyhow::Error::msg)?;
    let options =
        landtrace_gis::read::ReadOptions { layer: args.source_layer.clone(), encoding: args.encoding.clone() };
    let (features, declared) = crate::import_gdal::read_file(file, &options, notes)?;
    crate::import_gdal::to_wgs84(features, given, declared, notes)
}

/// Without GDAL only GeoJSON is read.
#[cfg(not(feature = "gdal"))]
fn read_other(file: &Path, args: &ImportArgs, _: &mut Vec<String>) -> anyhow::Result<Vec<ImportedFeature>> {
    let _ = (&args.encoding, &args.source_layer); // options of GDAL's formats
    bail!("{}: this landtrace was built without GDAL (the `gdal` feature) and imports GeoJSON only", file.display())
}

/// `landtrace layers`.
pub(crate) async fn layers(store: &StoreArgs) -> anyhow::Result<()> {
    let store = open_or_create(store).await?;
    let counts = store.counts().await;
    println!("{:<24} {:>8}  {:<13} title", "layer", "features", "geometry");
    for c in counts? {
        let geom = c.kind.geometry().ogc_name().unwrap_or("-");
        println!(
            "{:<24} {:>8}  {:<13} {} / {}",
            c.kind.table_name(),
            c.count,
            geom,
            c.kind.title_zh(),
            c.kind.title_en()
        );
    }
    Ok(())
}
