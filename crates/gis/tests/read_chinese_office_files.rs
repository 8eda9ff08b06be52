//! Files as Chinese offices make them, read through `landtrace_gis::read`: workbooks
//! whose rows are all text, CSV files saved in GBK, zips with GBK member names. The
//! fixtures are written by each test (GDAL's `ogr2ogr`, the `zip` crate, bytes).

use std::io::Write;
use std::path::Path;

use landtrace_gis::read::{ReadOptions, Source, read};
use serde_json::{Value, json};

fn ogr2ogr(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("ogr2ogr").args(args).current_dir(dir).output().expect("running ogr2ogr");
    assert!(out.status.success(), "ogr2ogr {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn read_path(path: &Path, encoding: Option<&str>) -> Source {
    let options = ReadOptions { layer: None, encoding: encoding.map(str::to_owned), ..ReadOptions::default() };
    read(path, &options, &mut |_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each feature's attributes and point (x, y), in order.
fn rows(source: &Source) -> Vec<(Value, Option<(f64, f64)>)> {
    source
        .features
        .iter()
        .map(|f| {
            let point = match &f.geometry {
                Some(geo::Geometry::Point(p)) => Some((p.x(), p.y())),
                None => None,
                Some(other) => panic!("not a point: {other:?}"),
            };
            (Value::Object(f.properties.clone()), point)
        })
        .collect()
}

const TEXT_TABLE: &str = "名称,类别,lon,lat\n甲厂,果品,110.77,35.14\n乙厂,粮食,110.78,35.15\n";

#[test]
fn a_workbook_of_text_cells_takes_its_first_row_as_field_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), TEXT_TABLE).unwrap();
    for (format, file) in [("XLSX", "t.xlsx"), ("ODS", "t.ods")] {
        // Every column as text, the header row too: GDAL's own choice reads the
        // header as a first data row with fields Field1…Field4.
        ogr2ogr(dir.path(), &["-f", format, file, "t.csv", "-oo", "AUTODETECT_TYPE=NO"]);
        let source = read_path(&dir.path().join(file), None);
        assert_eq!(
            rows(&source),
            [
                (json!({"名称": "甲厂", "类别": "果品"}), Some((110.77, 35.14))),
                (json!({"名称": "乙厂", "类别": "粮食"}), Some((110.78, 35.15))),
            ],
            "{file}: {:?}",
            source.notes
        );
    }
}

#[test]
fn a_gbk_csv_is_decoded_as_gb18030_or_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("厂家.csv");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(TEXT_TABLE);
    assert!(!unmappable);
    std::fs::write(&path, &gbk).unwrap();
    let expected = [
        (json!({"名称": "甲厂", "类别": "果品"}), Some((110.77, 35.14))),
        (json!({"名称": "乙厂", "类别": "粮食"}), Some((110.78, 35.15))),
    ];
    let source = read_path(&path, None);
    assert_eq!(rows(&source), expected);
    assert_eq!(source.layer, "厂家");
    let encoding = source.encoding.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(encoding.starts_with("GB18030 (assumed"), "{encoding}");
    let source = read_path(&path, Some("GBK"));
    assert_eq!(rows(&source), expected);
    assert_eq!(source.encoding.map(|e| e.to_string()).as_deref(), Some("GB18030 (as given by --encoding)"));
    // A UTF-8 file is read as it is, whatever is given.
    std::fs::write(&path, TEXT_TABLE).unwrap();
    let source = read_path(&path, Some("GBK"));
    assert_eq!((rows(&source), source.encoding), (expected.to_vec(), None));
}

#[test]
fn a_zipped_shapefile_with_gbk_member_names_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let geojson = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name": "宗地一"}, "geometry": {"type": "Point", "coordinates": [110.77, 35.14]}}]});
    std::fs::write(dir.path().join("p.geojson"), geojson.to_string()).unwrap();
    // "ZDZD" stands in for 宗地 (4 bytes in GBK) until the archive is written.
    ogr2ogr(dir.path(), &["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "ZDZD.shp", "p.geojson"]);
    let zip_path = dir.path().join("宗地.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        writer.start_file(format!("ZDZD.{ext}"), options).unwrap();
        writer.write_all(&std::fs::read(dir.path().join(format!("ZDZD.{ext}"))).unwrap()).unwrap();
    }
    writer.finish().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("宗地");
    let mut bytes = std::fs::read(&zip_path).unwrap();
    let mut replaced = 0;
    while let Some(at) = bytes.windows(4).position(|w| w == b"ZDZD") {
        bytes[at..at + 4].copy_from_slice(&gbk);
        replaced += 1;
    }
    assert_eq!(replaced, 10, "five names, each in a local and a central header");
    std::fs::write(&zip_path, bytes).unwrap();

    let source = read_path(&zip_path, None);
    assert!(source.notes.contains(&"read 宗地.shp from the archive".to_owned()), "{:?}", source.notes);
    assert_eq!(source.layer, "宗地");
    assert_eq!(rows(&source), [(json!({"name": "宗地一"}), Some((110.77, 35.14)))]);
    let encoding = source.encoding.map(|e| e.to_string()).unwrap_or_default();
    assert!(encoding.starts_with("UTF-8 (from the .cpg file"), "the .cpg member was found too: {encoding}");
}
