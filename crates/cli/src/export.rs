//! `landtrace export LAYER --format … --out PATH`: a stored layer written by GDAL
//! (`landtrace_gis::export`, the use case `GET /api/layers/{layer}/export` shares).
//!
//! The command is an admin tool on the server machine: it exports every field,
//! personal ones included, and says so when the file holds personal data.

use std::path::Path;

use anyhow::{Context, bail};
use landtrace_domain::LayerKind;
use landtrace_gis::export::{ExportRequest, StoredFeature, export_layer};

use crate::store_args::{StoreArgs, open_or_create};

/// The arguments of `landtrace export`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// Layer (table) name, e.g. origin_points; `landtrace layers` lists them.
    pub(crate) layer: String,
    /// geojson, csv, xlsx, gpkg, shp (a .zip with .prj and .cpg), kml or dxf (geometry only).
    #[arg(long)]
    pub(crate) format: String,
    /// CRS of the file: an EPSG code, e.g. EPSG:4546 (CGCS2000 / 3-degree Gauss-Krüger CM 111E).
    #[arg(long, default_value = "EPSG:4326")]
    pub(crate) crs: String,
    /// Only features meeting this box: minlon,minlat,maxlon,maxlat (WGS84 degrees).
    #[arg(long)]
    pub(crate) bbox: Option<String>,
    /// Text encoding of a shapefile's attributes: utf-8 or gbk.
    #[arg(long, default_value = "utf-8")]
    pub(crate) encoding: String,
    /// The file to write.
    #[arg(long)]
    pub(crate) out: std::path::PathBuf,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

/// `landtrace export`.
pub(crate) async fn export(args: &ExportArgs) -> anyhow::Result<()> {
    let request = ExportRequest::parse(&args.format, Some(&args.crs), args.bbox.as_deref(), Some(&args.encoding))?;
    // Opened first: it registers the store's own layers.
    let store = open_or_create(&args.store).await?;
    let Some(kind) = LayerKind::from_table_name(&args.layer) else {
        let known: Vec<&str> = LayerKind::all().iter().map(|k| k.table_name()).collect();
        bail!("no layer named {:?}; layers: {}", args.layer, known.join(", "));
    };
    let features = store.features(kind).await?;
    let exported = tokio::task::spawn_blocking(move || {
        let stored =
            features.iter().map(|f| StoredFeature { geometry: f.geometry.as_ref(), properties: &f.properties });
        export_layer(kind, stored, &request, true)
    })
    .await
    .context("the export stopped")?
    .with_context(|| format!("exporting {}", kind.table_name()))?;
    write_file(&args.out, &exported.file.bytes)?;
    println!(
        "exported {} features of {} as {} ({}) to {}",
        exported.features,
        kind.table_name(),
        request.format,
        request.crs,
        args.out.display()
    );
    if exported.holds_personal_data {
        let personal: Vec<&str> = kind.fields().iter().filter(|f| f.personal).map(|f| f.name).collect();
        println!(
            "note: the file holds personal data ({}): keep it on the bureau's machines and do not publish it",
            personal.join(", ")
        );
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
