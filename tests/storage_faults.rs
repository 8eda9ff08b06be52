//! The GeoPackage store on a real file system that fills up, turns read-only,
//! or loses the server to `kill -9`: every write the server acknowledged is in
//! the store afterwards (layer and audit trail), its ids are never handed out
//! again, and refusals say what is wrong (507 disk full, 503 read-only) with
//! `/health` degraded. The small file systems are tmpfs mounts the tests make
//! (root is needed; CI runs as root and requires it).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use landtrace_blackbox_tests::{Server, SmallFs, landtrace, sqlite_rows};
use serde_json::{Value, json};

const TOKEN: &str = "storage-faults-token-0123456789";
const LAYER: &str = "waterlogging_points";

/// `n` waterlogging points of batch `batch`, each carrying some text so that a
/// batch needs disk space.
fn points(batch: usize, n: usize) -> Value {
    let features: Vec<Value> = (0..n)
        .map(|k| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [110.77 + 0.0001 * (k % 100) as f64, 35.14 + 0.0001 * batch as f64]},
                "properties": {"name": format!("积水点 {batch}-{k}"), "status": "待治理", "accuracy": "illustrative",
                               "source": "x".repeat(300)},
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// A store made by the real binary from the bundled data, at `path`.
fn create_store(work: &Path, path: &Path) {
    let out = landtrace(work, &["layers", "--store", path.to_str().unwrap()]);
    assert!(out.status.success(), "creating the store: {}", String::from_utf8_lossy(&out.stderr));
}

fn serve(work: &Path, store: &Path) -> Server {
    Server::start_with_env(work, store, &[], &[("LANDTRACE_ADMIN_TOKEN", TOKEN)])
}

/// Writes batch `batch` of `n` points: the status, and the ids when acknowledged.
fn write(server: &Server, batch: usize, n: usize) -> (u16, Vec<i64>, Value) {
    let (status, body) = server.post_json(&format!("/api/layers/{LAYER}/features"), TOKEN, &points(batch, n));
    let ids = if status == 201 {
        body["ids"].as_array().expect("ids").iter().map(|v| v.as_i64().unwrap()).collect()
    } else {
        Vec::new()
    };
    (status, ids, body)
}

/// The ids stored in the layer and the ids with an insert row in the audit trail.
fn stored(store: &Path) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let ids = |sql: &str| sqlite_rows(store, sql).into_iter().map(|r| r[0].as_i64().unwrap()).collect();
    (
        ids(&format!("SELECT fid FROM {LAYER}")),
        ids(&format!("SELECT fid FROM landtrace_audit WHERE layer = '{LAYER}' AND action = 'insert'")),
    )
}

/// Stops the server, checks the store holds every acknowledged id with its
/// audit row and no rollback journal is left, restarts it and checks that a new
/// write gets an id above every acknowledged one.
fn check_durable(work: &Path, store: &Path, server: &mut Server, acked: &BTreeSet<i64>) {
    assert!(server.terminate(Duration::from_secs(20)).is_some(), "the server stops on SIGTERM");
    let journal = store.with_extension("gpkg-journal");
    assert!(!journal.exists(), "a rollback journal was left behind: {}", journal.display());
    let (in_layer, in_audit) = stored(store);
    let lost: Vec<_> = acked.difference(&in_layer).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged features are not stored: {lost:?}", lost.len(), acked.len());
    let unaudited: Vec<_> = acked.difference(&in_audit).collect();
    assert!(unaudited.is_empty(), "acknowledged features without an audit row: {unaudited:?}");
    let check = sqlite_rows(store, "PRAGMA integrity_check");
    assert_eq!(check, vec![vec![json!("ok")]], "the store is intact");

    let again = serve(work, store);
    let (status, ids, body) = write(&again, 999, 1);
    assert_eq!(status, 201, "{body}");
    let highest = acked.iter().max().copied().unwrap_or(0);
    assert!(ids[0] > highest, "id {} was handed out again (acknowledged up to {highest})", ids[0]);
}

#[test]
fn writes_acknowledged_around_a_full_disk_are_stored_and_survive_a_restart() {
    let Some(fs) = SmallFs::mount(4 * 1024 * 1024) else { return };
    let work = tempfile::tempdir().unwrap();
    let store = fs.dir.join("landtrace.gpkg");
    create_store(work.path(), &store);
    let mut server = serve(work.path(), &store);
    let mut acked = BTreeSet::new();
    for batch in 0..3 {
        let (status, ids, body) = write(&server, batch, 20);
        assert_eq!(status, 201, "{body}");
        acked.extend(ids);
    }

    fs.fill_leaving(40 * 1024);
    let mut refused = 0;
    for batch in 3..40 {
        match write(&server, batch, 20) {
            (201, ids, _) => acked.extend(ids),
            (507, _, body) => {
                refused += 1;
                let message = body["error"].as_str().unwrap();
                assert!(message.contains("disk is full") && message.contains("nothing"), "{body}");
            }
            (status, _, body) => panic!("batch {batch}: {status} {body}"),
        }
    }
    assert!(refused > 0, "the full disk refused no write");
    let (status, health) = server.get_json("/health");
    assert_eq!(status, 200, "reads still work: {health}");
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["cause"], "disk_full", "{health}");

    fs.free_space();
    for batch in 40..45 {
        let (status, ids, body) = write(&server, batch, 20);
        assert_eq!(status, 201, "writes work again once space is freed: {body}");
        acked.extend(ids);
    }
    let (_, health) = server.get_json("/health");
    assert_eq!(health["status"], "ok", "{health}");
    check_durable(work.path(), &store, &mut server, &acked);
}

#[test]
fn batches_written_while_the_disk_fills_are_all_or_nothing_and_every_acknowledged_one_is_kept() {
    let Some(fs) = SmallFs::mount(4 * 1024 * 1024) else { return };
    let work = tempfile::tempdir().unwrap();
    let store = fs.dir.join("landtrace.gpkg");
    create_store(work.path(), &store);
    let mut server = serve(work.path(), &store);
    fs.fill_leaving(120 * 1024);
    let (mut acked, mut refused) = (BTreeSet::new(), 0);
    for batch in 0..30 {
        match write(&server, batch, 100) {
            (201, ids, _) => {
                assert_eq!(ids.len(), 100);
                acked.extend(ids);
            }
            (507, _, _) => refused += 1,
            (status, _, body) => panic!("batch {batch}: {status} {body}"),
        }
    }
    assert!(refused > 0, "the disk never filled up");
    fs.free_space();
    check_durable(work.path(), &store, &mut server, &acked);
    // Refused batches left nothing: every stored point of the layer that was not
    // there before belongs to an acknowledged batch.
    let (in_layer, _) = stored(&store);
    let written_now: BTreeSet<i64> = in_layer.into_iter().filter(|id| *id > 6).collect();
    let extra: Vec<_> = written_now.difference(&acked).collect();
    assert!(extra.len() <= 1, "features of refused batches were stored: {extra:?}");
}

#[test]
fn a_read_only_file_system_is_reported_as_such_and_writes_resume_when_it_is_writable() {
    let Some(fs) = SmallFs::mount(8 * 1024 * 1024) else { return };
    let work = tempfile::tempdir().unwrap();
    let store = fs.dir.join("landtrace.gpkg");
    create_store(work.path(), &store);
    // A file system the kernel turned read-only (after disk errors, say).
    fs.set_read_only(true);
    let server = serve(work.path(), &store);
    let (status, _, body) = write(&server, 0, 1);
    assert_eq!(status, 503, "{body}");
    assert!(body["error"].as_str().unwrap().contains("read-only"), "{body}");
    let (status, health) = server.get_json("/health");
    assert_eq!(status, 200, "{health}");
    assert_eq!((health["status"].as_str(), health["cause"].as_str()), (Some("degraded"), Some("read_only")));
    let (status, located) = server.get_json("/api/locate?lon=110.7745&lat=35.1405");
    assert_eq!(status, 200, "reads are answered: {located}");

    fs.set_read_only(false);
    let (status, ids, body) = write(&server, 1, 1);
    assert_eq!(status, 201, "{body}");
    let (_, health) = server.get_json("/health");
    assert_eq!(health["status"], "ok", "{health}");
    drop(server);
    assert!(stored(&store).0.contains(&ids[0]));
}

#[test]
fn kill_9_during_an_import_leaves_all_of_it_or_none() {
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("landtrace.gpkg");
    create_store(work.path(), &store);
    let before = stored(&store).0.len();
    let body = points(0, 20_000).to_string();
    let mut outcomes = Vec::new();
    for delay_ms in [150, 600, 1500] {
        let mut server = serve(work.path(), &store);
        let addr = server.addr.clone();
        let body = body.clone();
        let sender = std::thread::spawn(move || {
            let request = format!(
                "POST /api/layers/{LAYER}/features HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
                 Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            landtrace_blackbox_tests::http_request(&addr, &request).map(|(status, _)| status).unwrap_or(0)
        });
        std::thread::sleep(Duration::from_millis(delay_ms));
        server.kill_hard();
        let status = sender.join().unwrap();
        let after = stored(&store).0.len();
        assert_eq!(sqlite_rows(&store, "PRAGMA integrity_check"), vec![vec![json!("ok")]]);
        // 20,000 features load the R-tree in bulk with its insert trigger set aside
        // inside the transaction: whatever the moment of the kill, the index is
        // whole and the trigger is there for the next writer.
        let rtree = format!("rtree_{LAYER}_geom");
        assert_eq!(sqlite_rows(&store, &format!("SELECT rtreecheck('{rtree}')")), vec![vec![json!("ok")]]);
        assert_eq!(
            sqlite_rows(&store, &format!("SELECT count(*) FROM sqlite_master WHERE name = '{rtree}_insert'")),
            vec![vec![json!(1)]],
            "kill -9 after {delay_ms} ms: the R-tree's insert trigger is gone"
        );
        assert_eq!(
            sqlite_rows(&store, &format!("SELECT count(*) FROM {rtree}")),
            vec![vec![json!(after)]],
            "kill -9 after {delay_ms} ms: the R-tree does not hold every feature"
        );
        assert!(
            (after - before).is_multiple_of(20_000),
            "kill -9 after {delay_ms} ms left a partial import: {} features",
            after - before
        );
        outcomes.push(status);
        let acknowledged = outcomes.iter().filter(|s| **s == 201).count();
        assert!((after - before) / 20_000 >= acknowledged, "an acknowledged import was lost: {outcomes:?}");
    }
    eprintln!("imports answered {outcomes:?} before kill -9");
}
