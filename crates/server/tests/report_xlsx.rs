//! Reports as Excel workbooks (the valuation batch, the weekly ledger, the due list):
//! each workbook, read by GDAL's XLSX driver (`ogr2ogr -f CSV`) as a spreadsheet user's
//! program would, holds the same cells as the CSV of the same report.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppState, app};
use tower::ServiceExt;

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app(state.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn rows(csv_text: &str) -> Vec<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// The workbook's first sheet as CSV rows, through GDAL.
fn workbook_rows(dir: &std::path::Path, bytes: &[u8]) -> Vec<Vec<String>> {
    let path = dir.join("report.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("ogr2ogr")
        .args(["-f", "CSV", "/vsistdout/"])
        .arg(&path)
        .args(["--config", "OGR_XLSX_HEADERS", "FORCE"])
        .output()
        .expect("ogr2ogr (gdal-bin)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    rows(&String::from_utf8(out.stdout).unwrap())
}

/// The CSV and the workbook hold the same cells (numbers compared as numbers, an
/// empty cell as empty).
fn check_same(context: &str, csv_rows: &[Vec<String>], xlsx_rows: &[Vec<String>]) {
    assert_eq!(csv_rows.len(), xlsx_rows.len(), "{context}: rows");
    for (i, (a, b)) in csv_rows.iter().zip(xlsx_rows).enumerate() {
        assert_eq!(a.len(), b.len(), "{context}: row {i}: {a:?} / {b:?}");
        for (x, y) in a.iter().zip(b) {
            let same = x == y || matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(p), Ok(q)) if p == q);
            assert!(same, "{context}: row {i}: {x:?} in the CSV, {y:?} in the workbook");
        }
    }
}

async fn both(state: &AppState, dir: &std::path::Path, csv_req: Request<Body>, xlsx_req: Request<Body>, name: &str) {
    let (status, _, csv) = call(state, csv_req).await;
    assert_eq!(status, StatusCode::OK, "{name} csv: {}", String::from_utf8_lossy(&csv));
    let (status, headers, xlsx) = call(state, xlsx_req).await;
    assert_eq!(status, StatusCode::OK, "{name} xlsx: {}", String::from_utf8_lossy(&xlsx));
    assert_eq!(headers["content-type"], landtrace_formats::XLSX_CONTENT_TYPE);
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".xlsx\""), "{disposition}");
    let csv_rows = rows(&String::from_utf8(csv).unwrap());
    assert!(csv_rows.len() > 1, "{name}: the report has rows");
    check_same(name, &csv_rows, &workbook_rows(dir, &xlsx));
}

#[tokio::test]
async fn valuation_ledger_and_due_list_as_workbooks_hold_the_csv_cells() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), "report-admin-token").await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();

    let parcels =
        "id,wkt\n007,\"POLYGON((110.71 35.11,110.72 35.11,110.72 35.12,110.71 35.12,110.71 35.11))\"\nB,POLYGON((1 2\n";
    let post = |format: &str| {
        Request::post(format!("/api/land/valuation/batch?use=住宅&filename=p.csv&format={format}"))
            .body(Body::from(parcels))
            .unwrap()
    };
    both(&state, dir.path(), post("csv"), post("xlsx"), "valuation").await;

    let ledger = "/api/trace/ledger?week=2023-W30&format=";
    both(&state, dir.path(), get(&format!("{ledger}csv")), get(&format!("{ledger}xlsx")), "ledger").await;

    let due = "/api/trace/due?as_of=2023-12-01&format=";
    both(&state, dir.path(), get(&format!("{due}csv")), get(&format!("{due}xlsx")), "due list").await;

    let (status, _, body) = call(&state, get("/api/trace/due?format=pdf")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("json, csv or xlsx"));
}
