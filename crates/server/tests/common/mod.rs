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

/// Fresh PostGIS databases for the tests that run on both stores.
pub mod postgis {
    use sqlx::{Connection, Executor, PgConnection};

    /// A fresh database on `LANDTRACE_TEST_DATABASE_URL`, dropped afterwards.
    pub struct TestDb {
        admin_url: String,
        name: String,
        /// The URL of the fresh database.
        pub url: String,
    }

    /// `None` (the test says it is skipped) without `LANDTRACE_TEST_DATABASE_URL`
    /// outside CI; `prefix` names the test in the database's name.
    pub async fn test_db(prefix: &str) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("LANDTRACE_TEST_DATABASE_URL") else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("PostGIS is mandatory in CI: scripts/test starts it (LANDTRACE_TEST_DATABASE_URL is unset)");
            }
            eprintln!("skipped: LANDTRACE_TEST_DATABASE_URL is unset; run: eval \"$(scripts/postgres start)\"");
            return None;
        };
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("landtrace_{prefix}_{}_{nanos}", std::process::id());
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect to LANDTRACE_TEST_DATABASE_URL");
        admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.unwrap();
        admin.close().await.unwrap();
        let authority = admin_url.find("://").map_or(0, |i| i + 3);
        let path = admin_url[authority..].find(['/', '?']).map_or(admin_url.len(), |i| authority + i);
        let query = admin_url[path..].find('?').map_or("", |i| &admin_url[path + i..]);
        let url = format!("{}/{name}{query}", &admin_url[..path]);
        let mut conn = PgConnection::connect(&url).await.unwrap();
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis").await.unwrap();
        conn.close().await.unwrap();
        Some(TestDb { admin_url, name, url })
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    let mut admin = PgConnection::connect(&admin_url).await?;
                    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
                    admin.close().await
                })
            })
            .join();
        }
    }
}
