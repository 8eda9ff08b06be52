//! `landtrace serve --database postgres://…`: two real server processes on one
//! PostGIS database see each other's edits within a second (LISTEN/NOTIFY), and a
//! server survives its database going away and coming back.
//!
//! PostGIS is mandatory in CI (`scripts/test` starts it and sets
//! LANDTRACE_TEST_DATABASE_URL); elsewhere these tests say they are skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use landtrace_blackbox_tests::{Server, TestDatabase, free_port, pg_base_url, psql, repo_root};
use serde_json::{Value, json};

const TOKEN: &str = "pg-test-token-0123456789";
/// The fixed test point P7: inside the county, in no demo zone.
const P7: (f64, f64) = (110.65, 35.115);

fn project_at((lon, lat): (f64, f64), name: &str) -> Value {
    let d = 0.0005;
    json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]},
        "properties": {"name": name, "project_type": "土地整治", "accuracy": "illustrative"}}]})
}

fn located(server: &Server, (lon, lat): (f64, f64), layer: &str) -> Vec<Value> {
    let (status, body) = server.get_json(&format!("/api/locate?lon={lon}&lat={lat}"));
    assert_eq!(status, 200, "{body}");
    body["hits"].as_array().unwrap().iter().filter(|h| h["layer"] == layer).cloned().collect()
}

fn serve(dir: &Path, url: &str) -> Server {
    Server::start_with_env(dir, &dir.join("unused.gpkg"), &["--database", url], &[("LANDTRACE_ADMIN_TOKEN", TOKEN)])
}

#[test]
fn an_edit_through_one_instance_reaches_the_other_within_a_second() {
    let Some(base) = pg_base_url() else { return };
    let db = TestDatabase::new(&base, "two");
    let dir = tempfile::tempdir().unwrap();
    let a = serve(dir.path(), &db.url);
    let b = serve(dir.path(), &db.url);
    let (_, layers) = b.get_json("/api/layers");
    let origin = layers["layers"].as_array().unwrap().iter().find(|l| l["layer"] == "origin_points").unwrap().clone();
    assert_eq!(origin["count"], 306, "the empty database got the bundled data once: {origin}");

    assert!(located(&b, P7, "consolidation_projects").is_empty());
    let tile = "/tiles/all/14/13227/6483.mvt";
    let (_, tile_before) = b.get_bytes(tile);

    let (status, body) =
        a.post_json("/api/layers/consolidation_projects/features", TOKEN, &project_at(P7, "实例A新增"));
    assert_eq!(status, 201, "{body}");
    let written = Instant::now();
    let hit = loop {
        let hits = located(&b, P7, "consolidation_projects");
        if let Some(h) = hits.into_iter().next() {
            break h;
        }
        assert!(written.elapsed() < Duration::from_secs(1), "instance B did not see the edit within 1 s");
        std::thread::sleep(Duration::from_millis(20));
    };
    eprintln!("instance B saw the edit after {:?}", written.elapsed());
    assert_eq!(hit["properties"]["name"], "实例A新增");
    assert_eq!(hit["id"], body["ids"][0]);
    let (status, tile_after) = b.get_bytes(tile);
    assert_eq!(status, 200);
    assert_ne!(tile_after, tile_before, "instance B's tile shows the edit");
    assert!(String::from_utf8_lossy(&tile_after).contains("实例A新增"));
}

/// A private PostgreSQL cluster for the fault test, so stopping it disturbs no
/// other test. Stopped and removed on drop.
struct PrivateCluster {
    dir: PathBuf,
    port: u16,
}

impl PrivateCluster {
    fn script(&self, action: &str) -> String {
        let out = Command::new(repo_root().join("scripts/postgres"))
            .arg(action)
            .env("LANDTRACE_PG_DIR", &self.dir)
            .env("LANDTRACE_PG_PORT", self.port.to_string())
            .output()
            .expect("scripts/postgres");
        assert!(out.status.success(), "scripts/postgres {action}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = Command::new(repo_root().join("scripts/postgres"))
            .arg("stop")
            .env("LANDTRACE_PG_DIR", &self.dir)
            .env("LANDTRACE_PG_PORT", self.port.to_string())
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_for(server: &Server, path: &str, want: u16, within: Duration) -> Value {
    let start = Instant::now();
    loop {
        let (status, body) = server.get_json(path);
        if status == want {
            return body;
        }
        assert!(start.elapsed() < within, "{path} did not become {want} within {within:?} (last {status}: {body})");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_server_answers_503_while_the_database_is_down_and_recovers_by_itself() {
    if pg_base_url().is_none() {
        return;
    }
    let cluster = PrivateCluster {
        dir: std::env::temp_dir().join(format!("lt-pg-faults-{}", std::process::id())),
        port: free_port(),
    };
    cluster.script("start");
    let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
    psql(&admin, "CREATE DATABASE faults");
    let password = "s3cret-Passw0rd";
    let url = format!("postgres://postgres:{password}@127.0.0.1:{}/faults", cluster.port);
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &url);

    cluster.script("stop");
    let health = wait_for(&server, "/health", 503, Duration::from_secs(10));
    assert_eq!(health["status"], "degraded");
    assert!(health["error"].as_str().unwrap().contains("database"), "{health}");
    let (status, body) =
        server.post_json("/api/layers/consolidation_projects/features", TOKEN, &project_at(P7, "停库期间"));
    assert_eq!(status, 503, "{body}");
    assert!(body["error"].as_str().unwrap().contains("database is unavailable"), "{body}");
    let (status, _) = server.get_json(&format!("/api/locate?lon={}&lat={}", P7.0, P7.1));
    assert_eq!(status, 200, "point queries keep answering from memory during the outage");

    cluster.script("start");
    wait_for(&server, "/health", 200, Duration::from_secs(30));
    let (status, body) =
        server.post_json("/api/layers/consolidation_projects/features", TOKEN, &project_at(P7, "恢复之后"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(located(&server, P7, "consolidation_projects").len(), 1);
    let log = server.log();
    assert!(!log.contains(password), "the password must never be printed:\n{log}");
}

#[test]
fn migrate_copies_a_geopackage_into_postgis_and_back() {
    let Some(base) = pg_base_url() else { return };
    let db = TestDatabase::new(&base, "migrate");
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| landtrace_blackbox_tests::landtrace(dir.path(), args);

    // A user-defined layer goes along: its definition, then its features.
    let parcels = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ZDDM":"A1","权利人":"张三"},
        "geometry":{"type":"Polygon","coordinates":[[[110.77,35.14],[110.78,35.14],[110.78,35.15],[110.77,35.14]]]}}]}"#;
    std::fs::write(dir.path().join("zd.geojson"), parcels).unwrap();
    let made = run(&["import", "zongdi", "zd.geojson", "--new-layer", "--owner", "land", "--store", "a.gpkg"]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let created = run(&["layers", "--store", "a.gpkg"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let to_pg = run(&["migrate", "--from", "a.gpkg", "--to", &db.url]);
    let report = String::from_utf8_lossy(&to_pg.stdout).into_owned();
    assert!(to_pg.status.success(), "{}{}", report, String::from_utf8_lossy(&to_pg.stderr));
    assert!(report.contains("origin_points") && !report.contains("DIFFERENT"), "{report}");
    assert!(report.lines().any(|l| l.starts_with("zongdi") && l.contains("identical")), "{report}");
    let listed: u64 = String::from_utf8_lossy(&created.stdout)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert!(report.contains(&format!("migrated {listed} features and {listed} history rows")), "{report}");

    let back = run(&["migrate", "--from", &db.url, "--to", "b.gpkg"]);
    assert!(back.status.success(), "{}", String::from_utf8_lossy(&back.stderr));
    let layers = |file: &str| String::from_utf8(run(&["layers", "--store", file]).stdout).unwrap();
    assert_eq!(layers("a.gpkg"), layers("b.gpkg"));

    let again = run(&["migrate", "--from", "a.gpkg", "--to", &db.url]);
    assert!(!again.status.success(), "a second copy into a non-empty database must fail");
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"), "{}", String::from_utf8_lossy(&again.stderr));
    let exists = run(&["migrate", "--from", "a.gpkg", "--to", "b.gpkg"]);
    assert!(!exists.status.success(), "an existing target file must not be overwritten");
}

#[test]
fn writes_across_a_database_restart_are_stored_once_each_and_acknowledged_only_when_stored() {
    if pg_base_url().is_none() {
        return;
    }
    let cluster = PrivateCluster {
        dir: std::env::temp_dir().join(format!("lt-pg-restart-{}", std::process::id())),
        port: free_port(),
    };
    cluster.script("start");
    let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
    psql(&admin, "CREATE DATABASE restarts");
    let url = format!("postgres://postgres@127.0.0.1:{}/restarts", cluster.port);
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &url);
    const WRITES: usize = 40;
    let (acknowledged, refusals) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let (mut ids, mut refusals) = (Vec::new(), 0);
            for i in 0..WRITES {
                let body = project_at((P7.0 + 0.002 * i as f64, P7.1), &format!("重启-{i}")).to_string();
                let key = format!("restart-write-{i}");
                let headers = [("Authorization", format!("Bearer {TOKEN}")), ("Idempotency-Key", key)];
                let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    let (status, _, answer) = server.request(
                        "POST",
                        "/api/layers/consolidation_projects/features",
                        &headers,
                        body.as_bytes(),
                    );
                    if status == 201 {
                        let answer: Value = serde_json::from_slice(&answer).unwrap();
                        ids.push(answer["ids"][0].as_i64().unwrap());
                        break;
                    }
                    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&answer));
                    refusals += 1;
                    assert!(Instant::now() < deadline, "write {i} was refused for a minute");
                    std::thread::sleep(Duration::from_millis(100));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            (ids, refusals)
        });
        std::thread::sleep(Duration::from_millis(800));
        cluster.script("restart");
        writer.join().unwrap()
    });
    eprintln!("{WRITES} writes, {refusals} refusals while the database restarted");
    let stored = psql(&url, "SELECT fid, name FROM consolidation_projects WHERE name LIKE '重启-%' ORDER BY fid");
    let stored: Vec<&str> = stored.lines().collect();
    assert_eq!(stored.len(), WRITES, "each write is stored exactly once: {stored:?}");
    for id in &acknowledged {
        assert!(stored.iter().any(|l| l.starts_with(&format!("{id}|"))), "acknowledged id {id} is not stored");
    }
}
