//! `landtrace import` (a file into a layer, through the one write path) and
//! `landtrace layers` (the layers with their counts).
//!
//! GeoJSON is read by the pure reader in every build; the other formats by GDAL
//! (`landtrace-gis`, the default `gdal` feature). Either way the features go
//! through `landtrace_app::layer_import`: field mapping, repair on request, every
//! problem listed, all or nothing.

use std::path::{Path, PathBuf};

use anyhow::bail;
use landtrace_app::layer_import::{self, FieldMapping, ImportError, ImportedFeature, ReadFileError, ReadOptions};
use landtrace_domain::LayerKind;
use landtrace_store::Actor;

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
    notes.extend(layer_import::map_and_repair(&mut features, mapping.as_ref(), args.repair));
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

/// The file's features with their geometries in EPSG:4326, through the one reading
/// path ([`layer_import::read_file`]); the command adds the size checks of its input
/// files and a progress bar.
fn read_features(
    kind: LayerKind,
    file: &Path,
    args: &ImportArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ImportedFeature>> {
    if layer_import::is_geojson(file) {
        // Under the CLI's policy for input files (regular, within the size limit).
        input_file::open(file)?;
    } else {
        check_dataset(file)?;
    }
    let options =
        ReadOptions { crs: args.crs.clone(), encoding: args.encoding.clone(), layer: args.source_layer.clone() };
    let mut progress = crate::import_progress::Progress::default();
    let read = layer_import::read_file(kind, file, &options, &mut |done, total| progress.tell(done, total));
    progress.finish();
    let read = read.map_err(|e| match e {
        ReadFileError::GeoJson { errors, .. } => {
            anyhow::Error::from(errors).context(format!("reading {}", file.display()))
        }
        other => other.into(),
    })?;
    notes.extend(read.notes);
    Ok(read.features)
}

#[cfg(feature = "gdal")]
fn check_dataset(file: &Path) -> anyhow::Result<()> {
    input_file::check_dataset(file)
}

/// Without GDAL the reader refuses every format but GeoJSON itself.
#[cfg(not(feature = "gdal"))]
fn check_dataset(_: &Path) -> anyhow::Result<()> {
    Ok(())
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
