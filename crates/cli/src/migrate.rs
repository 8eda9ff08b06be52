//! `landtrace migrate`: copy every layer and its history into an empty store,
//! checked by the one write path's rules, then verified.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use landtrace_app::write_path;
use landtrace_domain::LayerKind;
use landtrace_store::postgis::{PostGisStore, RedactedUrl};
use landtrace_store::{Actor, GeoPackageStore, Store};

use crate::store_args::{is_database_url, is_empty};

/// `landtrace migrate`: copy, then verify.
pub(crate) async fn migrate(from: &str, to: &str) -> anyhow::Result<()> {
    let source: Arc<dyn Store> = if is_database_url(from) {
        Arc::new(
            PostGisStore::connect(from).await.with_context(|| format!("connecting to {}", RedactedUrl::new(from)))?,
        )
    } else {
        Arc::new(GeoPackageStore::open(Path::new(from)).await?)
    };
    // The built-in layers, then the user-defined ones (registered when the
    // source opened).
    let definitions = source.layer_definitions().await?;
    let mut kinds = LayerKind::ALL.to_vec();
    for def in &definitions {
        kinds.push(
            LayerKind::from_table_name(&def.name)
                .with_context(|| format!("the user-defined layer {} of the source is not registered", def.name))?,
        );
    }
    let mut batches = Vec::with_capacity(kinds.len());
    for kind in kinds {
        batches.push((kind, source.features(kind).await?));
    }
    let history = source.audit_all().await?;
    // The one write path: a copy is checked by the same rules as every write,
    // before the target is touched (a refused copy creates no target file).
    write_path::check_copy(&batches).with_context(|| format!("checking the copy of {}", source.describe()))?;
    let target: Arc<dyn Store> = if is_database_url(to) {
        Arc::new(PostGisStore::connect(to).await.with_context(|| format!("connecting to {}", RedactedUrl::new(to)))?)
    } else {
        Arc::new(GeoPackageStore::create(Path::new(to)).await?)
    };
    if !is_empty(target.as_ref()).await? {
        bail!("{} is not empty; migrate copies into an empty store only", target.describe());
    }
    eprintln!("copying {} -> {}", source.describe(), target.describe());
    for def in &definitions {
        target
            .create_layer(def, &Actor("system:migrate".to_owned()))
            .await
            .with_context(|| format!("creating the user-defined layer {}", def.name))?;
    }
    target.load_exact(batches.clone(), history.clone()).await.context("copying")?;

    // Verify: same ids, geometries and attributes in every layer, same history length.
    println!("{:<24} {:>8} {:>8}  check", "layer", "source", "target");
    let mut ok = true;
    for (kind, features) in &batches {
        let copied = target.features(*kind).await?;
        let same = &copied == features;
        ok &= same;
        println!(
            "{:<24} {:>8} {:>8}  {}",
            kind.table_name(),
            features.len(),
            copied.len(),
            if same { "identical" } else { "DIFFERENT" }
        );
    }
    let copied_history = target.audit_all().await?.len();
    println!(
        "{:<24} {:>8} {:>8}  {}",
        "audit history",
        history.len(),
        copied_history,
        if copied_history == history.len() { "identical" } else { "DIFFERENT" }
    );
    ok &= copied_history == history.len();
    if !ok {
        bail!("the copy differs from the source (see the table above)");
    }
    println!(
        "migrated {} features and {} history rows",
        batches.iter().map(|(_, f)| f.len()).sum::<usize>(),
        history.len()
    );
    Ok(())
}
