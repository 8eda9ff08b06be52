//! Exports of the bundled layers read back by GDAL as a client would: every format,
//! EPSG:4546 and EPSG:4326, the same features in the same order, Chinese text
//! intact, coordinates within 1 mm of the stored ones after converting back.

use std::io::Read;
use std::path::{Path, PathBuf};

use gdal::Dataset;
use gdal::vector::LayerAccess;
use geo::{CoordsIter, Geometry};
use landtrace_domain::LayerKind;
use landtrace_domain::schema::layers::FieldType;
use landtrace_gis::export::{ExportRequest, Exported, StoredFeature, export_layer};
use landtrace_gis::write::ExportFormat;
use landtrace_gis::write::shapefile_names::shapefile_field_names;
use landtrace_store::NewFeature;
use proj::{Proj, Transform};
use serde_json::Value;

fn bundled(kind: LayerKind) -> Vec<NewFeature> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let batches = landtrace_store::bundled::read_bundled(&data).expect("bundled data");
    batches.into_iter().find(|(k, _)| *k == kind).map(|(_, f)| f).expect("layer")
}

fn export(kind: LayerKind, features: &[NewFeature], format: &str, crs: &str, encoding: &str) -> Exported {
    let request = ExportRequest::parse(format, Some(crs), None, Some(encoding)).expect("request");
    let stored = features.iter().map(|f| StoredFeature { geometry: f.geometry.as_ref(), properties: &f.properties });
    export_layer(kind, stored, &request, true).unwrap_or_else(|e| panic!("{kind:?} as {format} in {crs}: {e}"))
}

/// A feature as GDAL reads it back: geometry (in the file's CRS) and fields as text.
struct ReadFeature {
    geometry: Option<Geometry<f64>>,
    fields: Vec<(String, Option<String>)>,
}

/// Every feature of every layer of the file, in order.
fn read_back(path: &Path, with_geometry: bool) -> Vec<ReadFeature> {
    // Read text as text: CSV's X/Y columns as a point, GeoJSON dates as written.
    let open_options: &[&str] = match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => &["X_POSSIBLE_NAMES=X", "Y_POSSIBLE_NAMES=Y", "KEEP_GEOM_COLUMNS=YES"],
        Some("geojson") => &["DATE_AS_STRING=YES"],
        _ => &[],
    };
    let options = gdal::DatasetOptions { open_options: Some(open_options), ..Default::default() };
    let dataset = Dataset::open_ex(path, options).unwrap_or_else(|e| panic!("GDAL opens {}: {e}", path.display()));
    let mut out = Vec::new();
    for mut layer in dataset.layers() {
        let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
        for feature in layer.features() {
            let fields: Vec<(String, Option<String>)> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), feature.field_as_string(i).expect("field")))
                .collect();
            let mut geometry = feature
                .geometry()
                .filter(|_| with_geometry)
                .map(|g| Geometry::try_from(g).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
            if geometry.is_none() && with_geometry {
                let wkt = fields.iter().find(|(n, _)| n == "WKT").and_then(|(_, v)| v.clone());
                geometry = wkt.map(|w| {
                    Geometry::try_from(&gdal::vector::Geometry::from_wkt(&w).expect("WKT")).expect("geo geometry")
                });
            }
            out.push(ReadFeature { geometry, fields });
        }
    }
    out
}

fn write_to(dir: &Path, exported: &Exported) -> PathBuf {
    let path = dir.join(&exported.file.file_name);
    std::fs::write(&path, &exported.file.bytes).expect("write the export");
    if exported.file.file_name.ends_with(".zip") {
        return PathBuf::from(format!("/vsizip/{}", path.display()));
    }
    path
}

/// Metres between two WGS84 positions (a local flat approximation, ample at 1 mm).
fn metres(a: geo::Coord, b: geo::Coord) -> f64 {
    let k = 6_371_000f64.to_radians();
    let dx = (a.x - b.x) * k * a.y.to_radians().cos();
    let dy = (a.y - b.y) * k;
    dx.hypot(dy)
}

fn expected_text(value: &Value, ty: FieldType) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if ty == FieldType::Integer => Some(n.as_i64().expect("integer").to_string()),
        Value::Number(n) => Some(n.as_f64().expect("number").to_string()),
        other => Some(other.to_string()),
    }
}

fn same_text(read: Option<&str>, expected: Option<&str>) -> bool {
    match (read, expected) {
        (Some(r), Some(e)) if r == e => true,
        (Some(r), Some(e)) => match (r.parse::<f64>(), e.parse::<f64>()) {
            (Ok(a), Ok(b)) => a == b,
            // Some readers turn dates into YYYY/MM/DD.
            _ => r.replace('/', "-") == e,
        },
        // An empty text cell reads back as null or "".
        (None | Some(""), None | Some("")) => true,
        _ => false,
    }
}

fn check(kind: LayerKind, format: &str, crs: &str, encoding: &str) {
    eprintln!("checking {kind:?} as {format} in {crs}");
    let originals = bundled(kind);
    let dir = tempfile::tempdir().expect("temp dir");
    let exported = export(kind, &originals, format, crs, encoding);
    assert_eq!(exported.features, originals.len());
    let with_geometry = kind.geometry() != landtrace_domain::schema::layers::GeometryKind::None;
    let read = read_back(&write_to(dir.path(), &exported), with_geometry);
    let context = format!("{kind:?} as {format} in {crs}");
    assert_eq!(read.len(), originals.len(), "{context}: feature count");
    let format = ExportFormat::parse(format).expect("format");
    // A shapefile of points and polygons is two files: points first.
    let mut order: Vec<&NewFeature> = originals.iter().collect();
    if format == ExportFormat::Shapefile {
        order.sort_by_key(|f| !matches!(f.geometry, Some(Geometry::Point(_))));
    }
    let names: Vec<String> = match format {
        ExportFormat::Shapefile => shapefile_field_names(kind.fields().iter().map(|f| f.name)),
        _ => kind.fields().iter().map(|f| f.name.to_owned()).collect(),
    };
    let back =
        (crs != "EPSG:4326").then(|| Proj::new_known_crs(crs, "EPSG:4326", None).expect("PROJ from the export's CRS"));
    for (i, (original, got)) in order.iter().zip(&read).enumerate() {
        if format.has_attributes() {
            for (def, name) in kind.fields().iter().zip(&names) {
                // Case-insensitive: KML keeps a `name` field as the placemark's <name> (read back as `Name`).
                let expected = original.properties.get(def.name).and_then(|v| expected_text(v, def.ty));
                let value = got.fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.clone());
                assert!(
                    same_text(value.as_deref(), expected.as_deref()),
                    "{context}: feature {i} field {name}: read {value:?}, stored {expected:?}"
                );
            }
        }
        let Some(stored) = &original.geometry else { continue };
        let mut geometry = got.geometry.clone().unwrap_or_else(|| panic!("{context}: feature {i} has no geometry"));
        if let Some(back) = &back {
            geometry.transform(back).expect("back to WGS84");
        }
        let (stored_coords, read_coords): (Vec<_>, Vec<_>) =
            (stored.coords_iter().collect(), geometry.coords_iter().collect());
        assert_eq!(read_coords.len(), stored_coords.len(), "{context}: feature {i} vertex count");
        // Vertex by vertex, in either direction: shapefiles write outer rings clockwise.
        let nearest =
            |a: &geo::Coord, others: &[geo::Coord]| others.iter().map(|b| metres(*a, *b)).fold(f64::MAX, f64::min);
        let worst = stored_coords
            .iter()
            .map(|a| nearest(a, &read_coords))
            .chain(read_coords.iter().map(|b| nearest(b, &stored_coords)))
            .fold(0.0, f64::max);
        assert!(worst < 0.001, "{context}: feature {i} moved {worst} m");
    }
}

const LAYERS: [LayerKind; 4] = [
    LayerKind::OriginPoints,       // points, Chinese text, personal fields, dates
    LayerKind::ExpropriationAreas, // multipolygons
    LayerKind::SpongeFacilities,   // points and polygons in one layer
    LayerKind::BenchmarkPrices,    // no geometry
];

#[test]
fn every_format_round_trips_in_gauss_kruger_and_wgs84() {
    for format in ["geojson", "csv", "xlsx", "gpkg", "shp", "kml", "dxf"] {
        for kind in LAYERS {
            if matches!(format, "kml" | "dxf") && kind == LayerKind::BenchmarkPrices {
                continue;
            }
            for crs in ["EPSG:4546", "EPSG:4326"] {
                if format == "kml" && crs != "EPSG:4326" {
                    continue;
                }
                check(kind, format, crs, "utf-8");
            }
        }
    }
}

#[test]
fn a_gbk_shapefile_zip_holds_its_prj_and_cpg_and_gdal_reads_the_chinese() {
    check(LayerKind::OriginPoints, "shp", "EPSG:4546", "gbk");
    let exported = export(LayerKind::OriginPoints, &bundled(LayerKind::OriginPoints), "shp", "EPSG:4546", "gbk");
    assert_eq!(exported.file.file_name, "origin_points_EPSG4546_shp.zip");
    assert!(exported.holds_personal_data);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(exported.file.bytes)).expect("a zip");
    let mut names: Vec<String> = zip.file_names().map(|n| n.expect("a name").into_owned()).collect();
    names.sort();
    for part in ["shp", "shx", "dbf", "prj", "cpg"] {
        assert!(names.contains(&format!("origin_points.{part}")), "{names:?}");
    }
    let read = |zip: &mut zip::ZipArchive<_>, name: &str| {
        let mut bytes = Vec::new();
        zip.by_name(name).expect(name).read_to_end(&mut bytes).expect("read");
        bytes
    };
    assert_eq!(String::from_utf8(read(&mut zip, "origin_points.cpg")).unwrap().trim(), "CP936");
    let prj = String::from_utf8(read(&mut zip, "origin_points.prj")).unwrap();
    assert!(prj.contains("CGCS2000") && prj.contains("111"), "{prj}");
    let dbf = read(&mut zip, "origin_points.dbf");
    // 临猗县 in GBK, not in UTF-8.
    let gbk = [0xC1, 0xD9, 0xE2, 0xA2, 0xCF, 0xD8];
    assert!(dbf.windows(6).any(|w| w == gbk), "the .dbf holds GBK text");
    assert!(!dbf.windows(9).any(|w| w == "临猗县".as_bytes()), "no UTF-8 text in a GBK .dbf");
    let mapping = String::from_utf8(read(&mut zip, "field_names.txt")).unwrap();
    assert!(mapping.contains("grid_off_1\tgrid_officer_phone"), "{mapping}");
}

#[test]
fn without_personal_rights_no_personal_field_is_written() {
    let features = bundled(LayerKind::OriginPoints);
    let request = ExportRequest::parse("csv", None, None, None).unwrap();
    let stored = features.iter().map(|f| StoredFeature { geometry: f.geometry.as_ref(), properties: &f.properties });
    let exported = export_layer(LayerKind::OriginPoints, stored, &request, false).unwrap();
    assert!(!exported.holds_personal_data);
    let text = String::from_utf8(exported.file.bytes).unwrap();
    for def in LayerKind::OriginPoints.fields().iter().filter(|f| f.personal) {
        assert!(!text.contains(def.name), "{}", def.name);
    }
    assert!(!text.contains("示例联系人") && !text.contains("1380000"), "no names or phones");
    assert!(text.contains("临猗县"));
}

#[test]
fn a_bbox_keeps_the_features_that_meet_it() {
    let features = bundled(LayerKind::OriginPoints);
    let request = ExportRequest::parse("geojson", None, Some("110.70,35.10,110.78,35.15"), None).unwrap();
    let stored = features.iter().map(|f| StoredFeature { geometry: f.geometry.as_ref(), properties: &f.properties });
    let exported = export_layer(LayerKind::OriginPoints, stored, &request, false).unwrap();
    let inside = features
        .iter()
        .filter(|f| match &f.geometry {
            Some(Geometry::Point(p)) => (110.70..=110.78).contains(&p.x()) && (35.10..=35.15).contains(&p.y()),
            _ => false,
        })
        .count();
    assert!(inside > 0 && inside < features.len());
    assert_eq!(exported.features, inside);
}
