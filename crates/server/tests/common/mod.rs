//! Shared set-up of the in-process server tests: a real GeoPackage store built
//! from the bundled data, and the app state over it.
// Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use landtrace_server::{AppOptions, AppState};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};

/// The app state over a fresh store in `dir`, writes allowed with `token`.
pub async fn bundled_state(dir: &Path, token: &str) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let options = AppOptions { admin_token: Some(token.to_owned()), ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

/// The personal values (names, phones) of stored origin points, deduplicated: what
/// no anonymous answer may hold.
pub fn collect_personal_values(features: &[landtrace_store::Feature]) -> Vec<String> {
    let mut values: Vec<String> = features
        .iter()
        .flat_map(|f| {
            landtrace_domain::LayerKind::OriginPoints
                .fields()
                .iter()
                .filter(|d| d.personal)
                .filter_map(|d| f.properties.get(d.name).and_then(serde_json::Value::as_str).map(str::to_owned))
                .collect::<Vec<_>>()
        })
        // The demo records were written by "demo", a word the public source notes use too.
        .filter(|v| !v.is_empty() && v != "demo")
        .collect();
    values.sort();
    values.dedup();
    values
}
