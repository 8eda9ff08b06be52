//! `landtrace import`: all-or-nothing, with errors that name the feature and
//! field, and a store left exactly as it was when the input is rejected.

use landtrace_blackbox_tests::landtrace;
use landtrace_blackbox_tests::layer_count as count;

const GOOD: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"grade":3,"name":"新增三级地","accuracy":"illustrative","source":"test"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.31],[110.60,35.30]]]}}]}"#;

const BAD: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"grade":3,"accuracy":"illustrative"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.30]]]}},
  {"type":"Feature","properties":{"grade":9,"accuracy":"illustrative"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.30]]]}},
  {"type":"Feature","properties":{"grade":2,"colour":"red","accuracy":"illustrative"},
   "geometry":{"type":"Point","coordinates":[110.6,35.3]}}]}"#;

#[test]
fn rejected_import_changes_nothing_and_names_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    let before_count = count(dir.path(), "urban_grade_zones");
    let store = dir.path().join("landtrace.gpkg");
    let before = std::fs::read(&store).unwrap();

    std::fs::write(dir.path().join("bad.geojson"), BAD).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "bad.geojson"]);
    assert!(!out.status.success(), "a bad import must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 of 3 features"), "{err}");
    assert!(err.contains("feature #2") && err.contains("grade"), "{err}");
    assert!(err.contains("feature #3") && err.contains("colour"), "{err}");
    assert!(err.contains("feature #3") && err.contains("Point"), "{err}");
    assert!(!err.contains("feature #1"), "{err}");

    assert_eq!(std::fs::read(&store).unwrap(), before, "the store file must be byte-for-byte unchanged");
    assert_eq!(count(dir.path(), "urban_grade_zones"), before_count);

    for (layer, file, body, needle) in [
        ("no_such_layer", "good.geojson", GOOD, "no layer named"),
        ("urban_grade_zones", "broken.geojson", "{\"type\": ", "not valid GeoJSON"),
        ("urban_grade_zones", "missing.geojson", "", "reading"),
    ] {
        if !body.is_empty() {
            std::fs::write(dir.path().join(file), body).unwrap();
        }
        let out = landtrace(dir.path(), &["import", layer, file]);
        assert!(!out.status.success(), "{layer} {file} must fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{layer} {file}: {err}");
        assert_eq!(std::fs::read(&store).unwrap(), before, "{layer} {file} changed the store");
    }
}

#[test]
fn good_import_adds_features() {
    let dir = tempfile::tempdir().unwrap();
    let before = count(dir.path(), "urban_grade_zones");
    std::fs::write(dir.path().join("good.geojson"), GOOD).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "good.geojson", "--actor", "tester"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 features"));
    assert_eq!(count(dir.path(), "urban_grade_zones"), before + 1);
}

/// A file imported on the machine may hold more features than one HTTP request
/// (the store refuses 100,001 in a request: store_behaviour's
/// `empty_and_oversized_inputs_write_nothing`): the limits are per door.
#[test]
fn a_file_import_takes_more_features_than_a_request() {
    const N: usize = 100_001;
    let dir = tempfile::tempdir().unwrap();
    let before = count(dir.path(), "waterlogging_points");
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..N {
        let (lon, lat) = (110.5 + (i % 1000) as f64 * 1e-4, 35.0 + (i / 1000) as f64 * 1e-3);
        text.push_str(if i == 0 { "" } else { "," });
        text.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"name":"积水点{i}","accuracy":"illustrative"}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#
        ));
    }
    text.push_str("]}");
    std::fs::write(dir.path().join("many.geojson"), text).unwrap();
    let out = landtrace(dir.path(), &["import", "waterlogging_points", "many.geojson"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("imported {N} features")));
    assert_eq!(count(dir.path(), "waterlogging_points"), before + N as u64);
}

/// Runs `landtrace ARGS` in `dir`, failing the test instead of hanging when the
/// command does not end within 60 s (a FIFO opened for reading would wait forever).
fn landtrace_within_a_minute(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(landtrace_blackbox_tests::binary())
        .args(args)
        .current_dir(dir)
        .env("LANDTRACE_DATA", landtrace_blackbox_tests::data_dir())
        .env_remove("LANDTRACE_STORE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running landtrace");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("waiting for landtrace").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("killing landtrace");
            panic!("landtrace {args:?} did not end within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("landtrace output")
}

#[test]
fn inputs_that_are_not_regular_files_or_too_large_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    count(dir.path(), "urban_grade_zones"); // creates the store
    let store = dir.path().join("landtrace.gpkg");
    let before = std::fs::read(&store).unwrap();

    let fifo = dir.path().join("pipe.geojson");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let huge = dir.path().join("huge.geojson");
    // Sparse: 300 MiB long, no disk space used.
    std::fs::File::create(&huge).unwrap().set_len(300 * 1024 * 1024).unwrap();
    std::fs::create_dir(dir.path().join("folder.geojson")).unwrap();
    for (file, needle) in [
        ("/dev/zero", "/dev/zero is a character device (such as /dev/zero), not a regular file"),
        ("pipe.geojson", "pipe.geojson is a named pipe (FIFO), not a regular file"),
        ("folder.geojson", "folder.geojson is a directory, not a regular file"),
        ("huge.geojson", "huge.geojson is 314,572,800 bytes, larger than 268,435,456 bytes (256 MiB)"),
    ] {
        let started = std::time::Instant::now();
        let out = landtrace_within_a_minute(dir.path(), &["import", "urban_grade_zones", file]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file} must be refused");
        assert!(err.contains(needle), "{file}: {err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{file} was read: {:?}", started.elapsed());
    }
    // The other commands that read a file use the same rule.
    for args in [
        &["check", "valuation", "/dev/zero", "--use", "住宅"][..],
        &["check", "track", "pipe.geojson", "--format", "csv"],
        &["trace", "import", "huge.geojson"],
    ] {
        let out = landtrace_within_a_minute(dir.path(), args);
        assert!(!out.status.success(), "{args:?} must be refused");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a regular file") || err.contains("256 MiB"), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&store).unwrap(), before, "the store file must be byte-for-byte unchanged");
}

#[test]
fn empty_collections_and_unclosed_rings_are_refused_and_a_bom_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let before_count = count(dir.path(), "urban_grade_zones");
    let store = dir.path().join("landtrace.gpkg");
    let before = std::fs::read(&store).unwrap();

    std::fs::write(dir.path().join("empty.geojson"), r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "empty.geojson"]);
    assert!(!out.status.success(), "an empty import must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("input for layer urban_grade_zones has no features; nothing was stored"), "{err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ids 0..=0"));

    let open = GOOD.replace(",[110.60,35.30]]]}", "]]}");
    assert_ne!(open, GOOD);
    std::fs::write(dir.path().join("open.geojson"), open).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "open.geojson"]);
    assert!(!out.status.success(), "an unclosed ring must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("feature #1: geometry: polygon exterior ring is not closed: it starts at [110.6, 35.3] and ends at [110.6, 35.31]"),
        "{err}"
    );
    assert_eq!(std::fs::read(&store).unwrap(), before, "refused imports leave the store byte-for-byte unchanged");

    // One polygon over the per-geometry vertex limit: refused before any validation.
    let n = 200_001;
    let ring: Vec<String> = (0..n - 1)
        .map(|i| {
            let a = f64::from(i) / f64::from(n - 1) * std::f64::consts::TAU;
            format!("[{:.6},{:.6}]", 110.77 + 0.01 * a.cos(), 35.14 + 0.01 * a.sin())
        })
        .collect();
    let big = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"grade":1,"accuracy":"illustrative"}},
            "geometry":{{"type":"Polygon","coordinates":[[{},{}]]}}}}]}}"#,
        ring.join(","),
        ring[0]
    );
    std::fs::write(dir.path().join("big.geojson"), big).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "big.geojson"]);
    assert!(!out.status.success(), "an oversized geometry must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    let message = "feature #1 for layer urban_grade_zones has 200,001 vertices; at most 200,000 are accepted in one \
                   geometry (input limit): simplify it or split it into parts; nothing was stored";
    assert_eq!(err.matches(message).count(), 1, "{err}");
    assert_eq!(std::fs::read(&store).unwrap(), before, "refused imports leave the store byte-for-byte unchanged");

    std::fs::write(dir.path().join("bom.geojson"), format!("\u{feff}{GOOD}")).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "bom.geojson"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(dir.path(), "urban_grade_zones"), before_count + 1);
}

#[test]
fn a_store_that_is_a_directory_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stores")).unwrap();
    let out = landtrace(dir.path(), &["layers", "--store", "stores"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stores: is a directory, not a GeoPackage file"), "{err}");
    assert!(!err.contains("no such file"), "{err}");
}
