//! A large plain Shapefile is read by two threads, one half each (`gis::read`'s
//! `PARALLEL_READ_FEATURES`): the features must be exactly those of the one-thread
//! reading (the same file zipped is read in order), numbered in file order, and a
//! file with a deleted record falls back to reading in order.

use std::path::Path;

use landtrace_gis::read::{ReadOptions, Source, read};

fn ogr(program: &str, dir: &Path, args: &[&str]) {
    let out = std::process::Command::new(program).args(args).current_dir(dir).output().expect(program);
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn read_path(path: &Path) -> Source {
    let mut calls = 0u64;
    let source = read(path, &ReadOptions::default(), &mut |_, _| calls += 1).unwrap();
    assert!(calls > 0, "progress is reported");
    source
}

fn zip(dir: &Path, name: &str, members: &[&str]) {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED)\n\
                  for m in sys.argv[2:]:\n    z.write(m, m)\nz.close()\n";
    let mut args = vec!["-c", script, name];
    args.extend_from_slice(members);
    ogr("python3", dir, &args);
}

#[test]
fn a_large_shapefile_read_in_two_halves_equals_the_one_thread_reading() {
    const N: usize = 25_001;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..N {
        let (x, y) = (110.4 + (i % 500) as f64 * 1e-3, 35.0 + (i / 500) as f64 * 1e-3);
        text.push_str(if i == 0 { "" } else { "," });
        text.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"name":"地块{i}","n":{i}}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y}]]]}}}}"#,
            x2 = x + 5e-4,
            y2 = y + 5e-4
        ));
    }
    text.push_str("]}");
    std::fs::write(dir.join("big.geojson"), text).unwrap();
    ogr("ogr2ogr", dir, &["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "big.shp", "big.geojson"]);
    zip(dir, "big.zip", &["big.shp", "big.shx", "big.dbf", "big.prj", "big.cpg"]);

    let halves = read_path(&dir.join("big.shp"));
    let in_order = read_path(&dir.join("big.zip"));
    assert_eq!(halves.features.len(), N);
    assert_eq!(halves.features, in_order.features, "the same features, numbers and attributes");
    assert!(halves.features.iter().enumerate().all(|(i, f)| f.number == i + 1 && f.properties["n"] == i as i64));

    // A deleted record (its DBF flag set to '*', as dBASE deletes) cannot be read
    // by its number: the file is read in order.
    let dbf_path = dir.join("big.dbf");
    let mut dbf = std::fs::read(&dbf_path).unwrap();
    let header = u16::from_le_bytes([dbf[8], dbf[9]]) as usize;
    let record = u16::from_le_bytes([dbf[10], dbf[11]]) as usize;
    dbf[header + 20_000 * record] = b'*';
    std::fs::write(&dbf_path, dbf).unwrap();
    let fallback = read_path(&dir.join("big.shp"));
    assert_eq!(fallback.features.len(), N - 1);
    assert!(fallback.features.iter().all(|f| f.properties["n"] != 20_000));
    assert!(fallback.features.iter().enumerate().all(|(i, f)| f.number == i + 1));
}
