//! Shared set-up of the in-process server tests: a real GeoPackage store built
//! from the bundled data, and the app state over it.

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
