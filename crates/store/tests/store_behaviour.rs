//! Behaviour every `Store` backend must have. Written against `&dyn Store` so the
//! PostGIS backend (issue 4) runs the same suite.

use geo::{Geometry, MultiPolygon, point, polygon};
use landtrace_domain::LayerKind;
use landtrace_store::{Actor, GeoPackageStore, NewFeature, Store, StoreError};
use serde_json::{Map, Value, json};

fn props(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn zone(grade: i64) -> NewFeature {
    let p = polygon![
        exterior: [(x: 110.70, y: 35.10), (x: 110.80, y: 35.10), (x: 110.80, y: 35.20), (x: 110.70, y: 35.20)],
        interiors: [[(x: 110.74, y: 35.14), (x: 110.76, y: 35.14), (x: 110.76, y: 35.16), (x: 110.74, y: 35.16)]],
    ];
    NewFeature {
        geometry: Some(p.into()),
        properties: props(json!({"grade": grade, "name": "测试", "accuracy": "illustrative", "source": "test"})),
    }
}

fn origin_point(name: &str) -> NewFeature {
    NewFeature {
        geometry: Some(point!(x: 110.77, y: 35.14).into()),
        properties: props(json!({
            "subject_name": name, "subject_type": "家庭农场", "product": "韭菜", "township_code": "140821100",
            "contact_name": "示例联系人", "contact_phone": "13800000000", "scale": 12.5, "scale_unit": "亩",
            "market_date": "2023-06-01", "accuracy": "illustrative",
        })),
    }
}

async fn count(store: &dyn Store, kind: LayerKind) -> u64 {
    store.counts().await.unwrap().into_iter().find(|c| c.kind == kind).unwrap().count
}

async fn writes_read_back_exactly(store: &dyn Store) {
    let ids = store.insert(LayerKind::UrbanGradeZones, vec![zone(1), zone(2)], &Actor("a".into())).await.unwrap();
    assert_eq!(ids.len(), 2);
    assert!(ids[0] < ids[1]);
    let back = store.features(LayerKind::UrbanGradeZones).await.unwrap();
    assert_eq!(back.iter().map(|f| f.id).collect::<Vec<_>>(), ids);
    let Some(Geometry::MultiPolygon(MultiPolygon(polys))) = &back[0].geometry else { panic!("{:?}", back[0].geometry) };
    assert_eq!(polys.len(), 1);
    assert_eq!(polys[0].interiors().len(), 1, "holes survive the round trip");
    assert_eq!(back[1].properties["grade"], 2);
    assert_eq!(back[1].properties["name"], "测试");

    let ids = store.insert(LayerKind::OriginPoints, vec![origin_point("甲")], &Actor("b".into())).await.unwrap();
    let back = store.features(LayerKind::OriginPoints).await.unwrap();
    let f = back.iter().find(|f| f.id == ids[0]).unwrap();
    assert_eq!(f.geometry, Some(point!(x: 110.77, y: 35.14).into()));
    assert_eq!(f.properties["scale"], 12.5);
    assert_eq!(f.properties["market_date"], "2023-06-01");
    assert!(!f.properties.contains_key("alias"), "absent fields stay absent");
}

async fn a_rejected_batch_writes_nothing(store: &dyn Store) {
    let before = store.counts().await.unwrap();
    let audit_before = store.audit(1000).await.unwrap().len();
    let mut bad = origin_point("乙");
    bad.properties.insert("product".into(), json!("榴莲"));
    let err = store
        .insert_many(
            vec![(LayerKind::UrbanGradeZones, vec![zone(3)]), (LayerKind::OriginPoints, vec![origin_point("丙"), bad])],
            &Actor("c".into()),
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(e) = &err else { panic!("expected a validation error, got {err}") };
    assert_eq!(e.layer, "origin_points");
    assert!(err.to_string().contains("feature #2") && err.to_string().contains("product"), "{err}");
    assert_eq!(store.counts().await.unwrap(), before, "nothing written");
    assert_eq!(store.audit(1000).await.unwrap().len(), audit_before, "no audit rows for a rejected write");
}

async fn every_write_is_audited(store: &dyn Store) {
    let ids =
        store.insert(LayerKind::OriginPoints, vec![origin_point("丁")], &Actor("auditor-test".into())).await.unwrap();
    let last = &store.audit(1).await.unwrap()[0];
    assert_eq!(last.actor, "auditor-test");
    assert_eq!(last.layer, "origin_points");
    assert_eq!(last.fid, ids[0]);
    assert_eq!(last.action, "insert");
    assert!(last.before.is_none());
    let after = last.after.as_ref().unwrap();
    assert_eq!(after["properties"]["subject_name"], "丁");
    assert_eq!(after["geometry"]["type"], "Point");
    assert!(last.at.starts_with("20") && last.at.ends_with('Z'), "UTC timestamp: {}", last.at);
}

/// The whole suite on an empty store.
pub async fn run_suite(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(count(store, LayerKind::UrbanGradeZones).await, 0);
    writes_read_back_exactly(store).await;
    a_rejected_batch_writes_nothing(store).await;
    every_write_is_audited(store).await;
}

/// `load_exact` copies every feature with its id and the whole history, and
/// refuses a store that is not empty.
pub async fn copies_exactly(source: &dyn Store, target: &dyn Store) {
    let mut batches = Vec::new();
    for kind in LayerKind::ALL {
        batches.push((kind, source.features(kind).await.unwrap()));
    }
    let history = source.audit_all().await.unwrap();
    assert!(!history.is_empty());
    target.load_exact(batches.clone(), history.clone()).await.unwrap();
    for (kind, features) in &batches {
        assert_eq!(&target.features(*kind).await.unwrap(), features, "{}", kind.table_name());
    }
    let copied = target.audit_all().await.unwrap();
    assert_eq!(copied.len(), history.len());
    for (a, b) in copied.iter().zip(&history) {
        assert_eq!(
            (a.id, &a.actor, &a.layer, a.fid, &a.action, &a.after),
            (b.id, &b.actor, &b.layer, b.fid, &b.action, &b.after)
        );
    }
    let err = target.load_exact(batches, history).await.unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err}");
    // New writes continue after the copied ids.
    let max = target.features(LayerKind::OriginPoints).await.unwrap().iter().map(|f| f.id).max().unwrap_or(0);
    let ids =
        target.insert(LayerKind::OriginPoints, vec![origin_point("戊")], &Actor("after-copy".into())).await.unwrap();
    assert!(ids[0] > max, "{} after {max}", ids[0]);
}

#[tokio::test]
async fn geopackage_store_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let store = GeoPackageStore::create(&path).await.unwrap();
    run_suite(&store).await;
    let counts = store.counts().await.unwrap();
    store.close().await;
    // Reopening finds the same data.
    let again = GeoPackageStore::open(&path).await.unwrap();
    assert_eq!(again.counts().await.unwrap(), counts);
    // And copies into another GeoPackage exactly.
    let copy = GeoPackageStore::create(&dir.path().join("copy.gpkg")).await.unwrap();
    copies_exactly(&again, &copy).await;
}

#[tokio::test]
async fn geopackage_refuses_what_it_should_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.gpkg");
    let err = GeoPackageStore::open(&missing).await.unwrap_err();
    assert!(err.to_string().contains("no such file"), "{err}");

    let text = dir.path().join("notes.gpkg");
    std::fs::write(&text, "just some text, not a database").unwrap();
    assert!(GeoPackageStore::open(&text).await.is_err());
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "just some text, not a database", "left untouched");

    let made = dir.path().join("made.gpkg");
    GeoPackageStore::create(&made).await.unwrap().close().await;
    let err = GeoPackageStore::create(&made).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

// ---------------------------------------------------------------------------
// PostGIS: the same suite against a live database (scripts/postgres start).

mod postgis {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use landtrace_domain::{FieldType, GeometryKind, LayerKind};
    use landtrace_store::{
        Actor, ChangeEvent, ChangeFeed, GeoPackageStore, PostGisStore, RedactedUrl, Store, StoreError,
    };
    use sqlx::{Connection, Executor, PgConnection, Row};

    use super::{copies_exactly, origin_point, run_suite, zone};

    /// A database of its own for one test, created from the server of
    /// `LANDTRACE_TEST_DATABASE_URL` and dropped (even after a panic) on drop.
    struct TestDb {
        admin_url: String,
        name: String,
        url: String,
    }

    /// The test database, or `None` (with a note) when PostGIS is not set up
    /// outside CI. In CI PostGIS is mandatory.
    async fn test_db() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("LANDTRACE_TEST_DATABASE_URL") else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("PostGIS is mandatory in CI: scripts/test starts it (LANDTRACE_TEST_DATABASE_URL is unset)");
            }
            eprintln!("skipped: LANDTRACE_TEST_DATABASE_URL is unset; run: eval \"$(scripts/postgres start)\"");
            return None;
        };
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("landtrace_t_{}_{}_{nanos}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed));
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect to LANDTRACE_TEST_DATABASE_URL");
        admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.unwrap();
        admin.close().await.unwrap();
        let url = with_database(&admin_url, &name);
        let mut conn = PgConnection::connect(&url).await.unwrap();
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis").await.unwrap();
        conn.close().await.unwrap();
        Some(TestDb { admin_url, name, url })
    }

    /// `url` with its database name replaced by `db`.
    fn with_database(url: &str, db: &str) -> String {
        let authority = url.find("://").map_or(0, |i| i + 3);
        let path = url[authority..].find(['/', '?']).map_or(url.len(), |i| authority + i);
        let query = url[path..].find('?').map_or("", |i| &url[path + i..]);
        format!("{}/{db}{query}", &url[..path])
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            // Async code cannot run in `drop`; a thread with its own runtime can,
            // also while a failed test unwinds.
            let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
            let dropped = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    let mut admin = PgConnection::connect(&admin_url).await?;
                    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
                    admin.close().await
                })
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop test database {}: {dropped:?}", self.name);
            }
        }
    }

    #[test]
    fn test_urls_name_their_own_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:55432/landtrace_test", "x"),
            "postgres://postgres@127.0.0.1:55432/x"
        );
        assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    #[tokio::test]
    async fn postgis_store_behaviour() {
        let Some(db) = test_db().await else { return };
        let store = PostGisStore::connect(&db.url).await.unwrap();
        assert!(store.describe().starts_with("PostGIS postgres://"), "{}", store.describe());
        run_suite(&store).await;

        // Connecting again finds the schema in place (migrations run once) and the data.
        let counts = store.counts().await.unwrap();
        let again = PostGisStore::connect(&db.url).await.unwrap();
        assert_eq!(again.counts().await.unwrap(), counts);
        again.close().await;

        // GeoPackage → empty PostGIS, and PostGIS → empty GeoPackage, exactly.
        let dir = tempfile::tempdir().unwrap();
        let gpkg = GeoPackageStore::create(&dir.path().join("source.gpkg")).await.unwrap();
        run_suite(&gpkg).await;
        let empty_db = test_db().await.unwrap();
        let target = PostGisStore::connect(&empty_db.url).await.unwrap();
        copies_exactly(&gpkg, &target).await;
        let back = GeoPackageStore::create(&dir.path().join("back.gpkg")).await.unwrap();
        copies_exactly(&store, &back).await;
        for s in [&store, &target] {
            s.close().await;
        }
    }

    #[tokio::test]
    async fn postgis_schema_matches_the_layer_definitions() {
        let Some(db) = test_db().await else { return };
        let store = PostGisStore::connect(&db.url).await.unwrap();
        let mut conn = PgConnection::connect(&db.url).await.unwrap();
        for kind in LayerKind::ALL {
            let t = kind.table_name();
            let rows = sqlx::query(
                "SELECT column_name::text, data_type::text, udt_name::text, is_nullable::text \
                 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
            )
            .bind(t)
            .fetch_all(&mut conn)
            .await
            .unwrap();
            let got: Vec<(String, String, bool)> = rows
                .iter()
                .map(|r| {
                    let data_type: String = r.get(1);
                    let ty = if data_type == "USER-DEFINED" { r.get(2) } else { data_type };
                    (r.get(0), ty, r.get::<String, _>(3) == "NO")
                })
                .collect();
            let mut want = vec![("fid".to_owned(), "bigint".to_owned(), true)];
            if kind.geometry() != GeometryKind::None {
                want.push(("geom".to_owned(), "geometry".to_owned(), true));
            }
            for f in kind.fields() {
                let ty = match f.ty {
                    FieldType::Text => "text",
                    FieldType::Integer => "bigint",
                    FieldType::Real => "double precision",
                    FieldType::Date => "date",
                };
                want.push((f.name.to_owned(), ty.to_owned(), f.required));
            }
            assert_eq!(got, want, "table {t}: (column, type, not null)");

            let geometry: Option<(String, i32, String, i32)> = sqlx::query_as(
                "SELECT f_geometry_column::text, srid, type::text, coord_dimension FROM geometry_columns \
                 WHERE f_table_schema = current_schema() AND f_table_name = $1",
            )
            .bind(t)
            .fetch_optional(&mut conn)
            .await
            .unwrap();
            let want = kind.geometry().ogc_name().map(|ty| ("geom".to_owned(), 4326, ty.to_owned(), 2));
            assert_eq!(geometry, want, "geometry column of {t}");

            let gist: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 \
                 AND indexdef LIKE '%USING gist (geom)%')",
            )
            .bind(t)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            assert_eq!(gist, kind.geometry() != GeometryKind::None, "GiST index on {t}.geom");
        }
        let migrations: Vec<(i32, String)> =
            sqlx::query_as("SELECT version, name FROM landtrace_migrations ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(migrations, vec![(1, "0001_layers".to_owned()), (2, "0002_truck_passes".to_owned())]);
        let version: String = sqlx::query_scalar("SELECT value FROM landtrace_meta WHERE key = 'schema_version'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(version, "2");
        conn.close().await.unwrap();
        store.close().await;
    }

    #[tokio::test]
    async fn postgis_stores_starting_together_migrate_once() {
        let Some(db) = test_db().await else { return };
        let (a, b, c) = tokio::join!(
            PostGisStore::connect(&db.url),
            PostGisStore::connect(&db.url),
            PostGisStore::connect(&db.url)
        );
        let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
        a.insert(LayerKind::UrbanGradeZones, vec![zone(1)], &Actor("a".into())).await.unwrap();
        assert_eq!(super::count(&c, LayerKind::UrbanGradeZones).await, 1);
        for s in [a, b, c] {
            s.close().await;
        }
    }

    async fn next_event(feed: &mut ChangeFeed, within: Duration) -> ChangeEvent {
        tokio::time::timeout(within, feed.recv()).await.expect("an event in time").expect("the feed is open")
    }

    #[tokio::test]
    async fn postgis_changes_reach_other_stores() {
        let Some(db) = test_db().await else { return };
        let writer = PostGisStore::connect(&db.url).await.unwrap();
        let reader = PostGisStore::connect(&db.url).await.unwrap();
        let mut feed = reader.subscribe().await.unwrap().expect("PostGIS has a change feed");

        writer.insert(LayerKind::OriginPoints, vec![origin_point("己")], &Actor("w".into())).await.unwrap();
        assert_eq!(next_event(&mut feed, Duration::from_secs(1)).await, ChangeEvent::Changed(LayerKind::OriginPoints));

        // A rejected write notifies nothing; a write to two layers notifies both.
        let mut bad = origin_point("庚");
        bad.properties.remove("product");
        writer.insert(LayerKind::OriginPoints, vec![bad], &Actor("w".into())).await.unwrap_err();
        writer
            .insert_many(
                vec![(LayerKind::UrbanGradeZones, vec![zone(1)]), (LayerKind::OriginPoints, vec![origin_point("辛")])],
                &Actor("w".into()),
            )
            .await
            .unwrap();
        let mut got = vec![
            next_event(&mut feed, Duration::from_secs(1)).await,
            next_event(&mut feed, Duration::from_secs(1)).await,
        ];
        got.sort_by_key(|e| format!("{e:?}"));
        assert_eq!(
            got,
            [ChangeEvent::Changed(LayerKind::OriginPoints), ChangeEvent::Changed(LayerKind::UrbanGradeZones)]
        );

        // The listening connection is killed: the feed listens again, says so, and
        // goes on delivering.
        let mut admin = PgConnection::connect(&db.url).await.unwrap();
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'landtrace-listener'",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(killed, 1);
        assert_eq!(next_event(&mut feed, Duration::from_secs(10)).await, ChangeEvent::Reconnected);
        writer.insert(LayerKind::UrbanGradeZones, vec![zone(2)], &Actor("w".into())).await.unwrap();
        assert_eq!(
            next_event(&mut feed, Duration::from_secs(1)).await,
            ChangeEvent::Changed(LayerKind::UrbanGradeZones)
        );

        // Dropping the feed ends the listener task and frees its connection.
        drop(feed);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let listeners: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND application_name = 'landtrace-listener'",
            )
            .fetch_one(&mut admin)
            .await
            .unwrap();
            if listeners == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the listener connection outlived its feed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        admin.close().await.unwrap();
        writer.close().await;
        reader.close().await;
    }

    /// Needs no server: nothing listens on port 1.
    #[tokio::test]
    async fn postgis_unreachable_server_is_a_prompt_database_error_without_the_password() {
        let url = "postgres://landtrace:s3cret-pw@127.0.0.1:1/landtrace";
        let started = Instant::now();
        let err = PostGisStore::connect(url).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(!err.to_string().contains("s3cret-pw") && !format!("{err:?}").contains("s3cret-pw"), "{err:?}");

        let err = PostGisStore::connect("postgres://landtrace:s3cret-pw@127.0.0.1:notaport/x").await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");

        assert_eq!(RedactedUrl::new(url).to_string(), "postgres://landtrace:***@127.0.0.1:1/landtrace");
    }

    #[tokio::test]
    async fn postgis_missing_database_is_a_database_error_without_the_password() {
        let Some(db) = test_db().await else { return };
        // The test cluster trusts local connections, so ask for a missing database
        // with a password in the URL instead: the error must still hide it.
        let url = with_database(&db.url.replacen("://postgres@", "://postgres:s3cret-pw@", 1), "no_such_database");
        let err = PostGisStore::connect(&url).await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");
    }
}
