//! `GET /api/layers/{layer}/export` in process: personal fields only for admins and
//! the owning role (every format scanned for the stored names and phones), the file's
//! media type and name, GDAL reading the answer, and 400s naming the bad parameter.
#![cfg(feature = "gdal")]

mod common;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_server::auth::{Users, hash_token};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use tower::ServiceExt;

const ADMIN: &str = "export-admin-token";
const AGRI: &str = "agriculture-export-token";
const HOUSING: &str = "housing-export-token";

async fn state(dir: &Path) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("export.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let users = Users::parse(&format!(
        "[[user]]\nname = \"nong.yuan\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n\n\
         [[user]]\nname = \"zhu.jian\"\nrole = \"housing\"\ntoken_sha256 = \"{}\"\n",
        hash_token(AGRI),
        hash_token(HOUSING)
    ))
    .unwrap();
    let options = AppOptions { admin_token: Some(ADMIN.to_owned()), users, ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::builder().uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app(state.clone()).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// The stored personal values of the origin points (names and phones).
async fn secrets(state: &AppState) -> Vec<String> {
    let features = state.store.features(LayerKind::OriginPoints).await.unwrap();
    common::collect_personal_values(&features)
}

/// The text a reader would see: a zip's members unpacked (shapefile, xlsx), else the
/// file; each read as UTF-8 and as GBK.
fn readable_texts(bytes: &[u8]) -> Vec<String> {
    let parts: Vec<Vec<u8>> = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(mut zip) => (0..zip.len())
            .map(|i| {
                let mut out = Vec::new();
                zip.by_index(i).unwrap().read_to_end(&mut out).unwrap();
                out
            })
            .collect(),
        Err(_) => vec![bytes.to_vec()],
    };
    parts
        .iter()
        .flat_map(|p| [String::from_utf8_lossy(p).into_owned(), encoding_rs::GBK.decode(p).0.into_owned()])
        .collect()
}

fn holds(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}

const FORMATS: [&str; 7] = ["geojson", "csv", "xlsx", "gpkg", "shp", "kml", "dxf"];

#[tokio::test]
async fn anonymous_and_other_roles_get_no_personal_field_the_owning_role_and_admin_do() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let secrets = secrets(&state).await;
    assert!(secrets.len() > 300, "the demo data has contacts to protect: {}", secrets.len());
    for format in FORMATS {
        for encoding in ["utf-8", "gbk"] {
            if encoding == "gbk" && format != "shp" {
                continue;
            }
            let uri = format!("/api/layers/origin_points/export?format={format}&crs=EPSG:4546&encoding={encoding}");
            let uri = if format == "kml" { uri.replace("EPSG:4546", "EPSG:4326") } else { uri };
            for token in [None, Some(HOUSING)] {
                let (status, _, body) = get(&state, &uri, token).await;
                assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
                let files = readable_texts(&body);
                assert!(format == "dxf" || holds(&files, "临猗县"), "{uri}: the public text is there");
                for secret in &secrets {
                    assert!(!holds(&files, secret), "{uri} as {token:?} leaks {secret}");
                }
                for def in LayerKind::OriginPoints.fields().iter().filter(|d| d.personal) {
                    assert!(!holds(&files, def.name), "{uri} as {token:?} declares {}", def.name);
                }
            }
            if format == "dxf" {
                continue; // geometry only
            }
            for token in [AGRI, ADMIN] {
                let (status, _, body) = get(&state, &uri, Some(token)).await;
                assert_eq!(status, StatusCode::OK, "{uri}");
                let files = readable_texts(&body);
                // The names and phones of the first records are in the owner's file.
                if matches!(format, "xlsx") {
                    // Shared strings of a workbook: every distinct text once.
                    assert!(holds(&files, &secrets[0]), "{uri} as the owner");
                } else {
                    for secret in secrets.iter().take(20) {
                        assert!(holds(&files, secret), "{uri} as the owner lacks {secret}");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn files_are_named_typed_and_read_by_gdal() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let uri = "/api/layers/urban_grade_zones/export?format=gpkg&crs=EPSG:4546";
    let (status, headers, body) = get(&state, uri, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/geopackage+sqlite3");
    assert_eq!(headers["content-disposition"], "attachment; filename=\"urban_grade_zones_EPSG4546.gpkg\"");
    let path = dir.path().join("out.gpkg");
    std::fs::write(&path, &body).unwrap();
    let info = std::process::Command::new("ogrinfo").args(["-so", "-al"]).arg(&path).output().expect("ogrinfo");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("Feature Count: 3") && text.contains("CGCS2000 / 3-degree Gauss-Kruger CM 111E"), "{text}");

    let (status, headers, body) =
        get(&state, "/api/layers/origin_points/export?format=shp&encoding=gbk&bbox=110.70,35.10,110.78,35.15", None)
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["content-disposition"], "attachment; filename=\"origin_points_EPSG4326_shp.zip\"");
    let zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        names.iter().any(|n| n == "origin_points.prj") && names.iter().any(|n| n == "origin_points.cpg"),
        "{names:?}"
    );

    // Attribute tables come from the store.
    let (status, headers, body) = get(&state, "/api/layers/benchmark_prices/export?format=xlsx", None).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

#[tokio::test]
async fn bad_parameters_are_refused_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for (uri, status, words) in [
        ("/api/layers/origin_points/export", StatusCode::BAD_REQUEST, "`format` is missing"),
        ("/api/layers/origin_points/export?format=pdf", StatusCode::BAD_REQUEST, "format: unknown export format"),
        ("/api/layers/origin_points/export?format=csv&crs=EPSG:999999", StatusCode::BAD_REQUEST, "crs: EPSG:999999"),
        ("/api/layers/origin_points/export?format=csv&crs=mars", StatusCode::BAD_REQUEST, "crs: unknown CRS"),
        ("/api/layers/origin_points/export?format=csv&bbox=1,2", StatusCode::BAD_REQUEST, "bbox: 2 numbers"),
        ("/api/layers/origin_points/export?format=shp&encoding=latin1", StatusCode::BAD_REQUEST, "encoding"),
        ("/api/layers/origin_points/export?format=csv&colour=red", StatusCode::BAD_REQUEST, "colour"),
        ("/api/layers/origin_points/export?format=kml&crs=EPSG:4546", StatusCode::UNPROCESSABLE_ENTITY, "KML"),
        ("/api/layers/benchmark_prices/export?format=dxf", StatusCode::UNPROCESSABLE_ENTITY, "no geometry"),
        ("/api/layers/nowhere/export?format=csv", StatusCode::NOT_FOUND, "no layer named"),
        ("/api/layers/truck_passes/export?format=csv", StatusCode::UNAUTHORIZED, "owning role"),
    ] {
        let (got, _, body) = get(&state, uri, None).await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(got, status, "{uri}: {text}");
        assert!(text.contains(words), "{uri}: {text}");
    }
    let (got, _, _) = get(&state, "/api/layers/truck_passes/export?format=csv", Some(HOUSING)).await;
    assert_eq!(got, StatusCode::FORBIDDEN);
    let (got, _, _) = get(&state, "/api/layers/truck_passes/export?format=csv", Some(ADMIN)).await;
    assert_eq!(got, StatusCode::OK);
}
