//! `landtrace import` (a GeoJSON file into a layer, through the one write path)
//! and `landtrace layers` (the layers with their counts).

use std::path::Path;

use anyhow::{Context, bail};
use landtrace_app::write_path;
use landtrace_domain::LayerKind;
use landtrace_store::Actor;
use landtrace_store::geojson_io::parse_features;

use crate::input_file;
use crate::store_args::{StoreArgs, open_or_create};

/// `landtrace import LAYER FILE`.
pub(crate) async fn import(layer: &str, file: &Path, actor: String, store: &StoreArgs) -> anyhow::Result<()> {
    let Some(kind) = LayerKind::from_table_name(layer) else {
        let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
        bail!("no layer named {layer:?}; layers: {}", known.join(", "));
    };
    let text = input_file::read_text(file)?;
    let features = parse_features(kind, &text).with_context(|| format!("reading {}", file.display()))?;
    let store = open_or_create(store).await?;
    // The one write path: the layer's rules, then the store's checks and insert.
    let ids = write_path::insert_checked(store.as_ref(), kind, features, &Actor(actor)).await?;
    println!(
        "imported {} features into {} (ids {}..={})",
        ids.len(),
        layer,
        ids.first().unwrap_or(&0),
        ids.last().unwrap_or(&0)
    );
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
