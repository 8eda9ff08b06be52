//! `GET /api/dashboard`: every figure equals what the underlying API answers (the
//! week's ledger and the overdue report, the expropriation progress, each sponge
//! project's runoff estimate); a track checked over HTTP is counted in the current ISO
//! week (Asia/Shanghai); no personal value, plate or user reaches the answer; the
//! figures as CSV/XLSX with numbers as numbers; clear 400s. Also the edited ledger
//! workbook (`POST /api/trace/ledger/export`) and the overdue list's contacts.

mod common;

use std::collections::HashMap;
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_domain::traceability::IsoWeek;
use landtrace_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "dashboard-test-token";

async fn call(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Body) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app(state.clone()).oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn get_json(state: &AppState, uri: &str) -> Value {
    let (status, body) = call(state, "GET", uri, None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// The cells of the first sheet of a workbook: `A1` → (is a number, text).
fn sheet_cells(xlsx: &[u8]) -> HashMap<String, (bool, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut s).unwrap();
        }
        s
    };
    let shared_xml = read("xl/sharedStrings.xml");
    let sheet = read("xl/worksheets/sheet1.xml");
    let unescape = |s: &str| s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    let shared: Vec<String> = shared_xml
        .split("<si>")
        .skip(1)
        .map(|si| {
            let t = si.split_once("<t").map_or("", |(_, r)| r);
            let t = t.split_once('>').map_or("", |(_, r)| r);
            unescape(t.split_once("</t>").map_or("", |(v, _)| v))
        })
        .collect();
    let attr = |tag: &str, name: &str| {
        tag.split_once(&format!(" {name}=\"")).map(|(_, r)| r.split_once('"').map_or("", |(v, _)| v).to_owned())
    };
    let mut cells = HashMap::new();
    for c in sheet.split("<c ").skip(1) {
        let (tag, rest) = c.split_once('>').unwrap();
        let tag = format!(" {tag}");
        let r = attr(&tag, "r").unwrap();
        let v = rest.split_once("<v>").and_then(|(_, r)| r.split_once("</v>")).map(|(v, _)| v.to_owned());
        let Some(v) = v else { continue };
        match attr(&tag, "t").as_deref() {
            Some("s") => cells.insert(r, (false, shared[v.parse::<usize>().unwrap()].clone())),
            None | Some("n") => cells.insert(r, (true, v)),
            _ => cells.insert(r, (false, unescape(&v))),
        };
    }
    cells
}

fn track_csv() -> String {
    // Eastwards along 35.14°N through the bundled (illustrative) zone, 10:00-10:20.
    let mut csv = String::from("time,lon,lat\n");
    for k in 0..=20 {
        csv.push_str(&format!("2023-06-01T10:{k:02}:00+08:00,{:.4},35.1400\n", 110.74 + 0.002 * f64::from(k)));
    }
    csv
}

#[tokio::test]
async fn the_dashboard_repeats_the_underlying_answers_and_counts_checks_by_week() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let week_before = IsoWeek::containing(landtrace_app::clock::today_in_county()).to_string();

    // A track checked over HTTP with a plate.
    let vehicle = r#"{"class":"heavy","body":"other","energy":"fuel","purpose":"ordinary","plate":"晋M·D8888"}"#;
    let uri = format!("/api/truck-ban/track?format=csv&vehicle={}", urlencode(vehicle));
    let (status, body) = call(&state, "POST", &uri, None, Body::from(track_csv())).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let judged: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(judged["stored"], true);
    let violations =
        judged["intervals"].as_array().unwrap().len() + judged["section_intervals"].as_array().unwrap().len();
    assert!(violations > 0, "{judged}");
    let stored = state.store.track_checks(None).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].check.plate.as_deref(), Some("晋M·D8888"));
    assert_eq!(stored[0].check.door, "http");
    assert_eq!(stored[0].check.track_from_ms, Some(judged["time_range"]["from_ms"].as_i64().unwrap()));

    let (status, raw) = call(&state, "GET", "/api/dashboard", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(raw).unwrap();
    let d: Value = serde_json::from_str(&text).unwrap();
    let week_after = IsoWeek::containing(landtrace_app::clock::today_in_county()).to_string();

    // Truck ban: the check in the current week, the weeks before empty.
    let weeks = d["truck_ban"]["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), landtrace_app::dashboard::TRUCK_BAN_WEEKS);
    let last = weeks.last().unwrap();
    assert!(last["week"] == week_before.as_str() || last["week"] == week_after.as_str(), "{last}");
    assert_eq!((last["checks"].as_u64(), last["http"].as_u64(), last["cli"].as_u64()), (Some(1), Some(1), Some(0)));
    assert_eq!(last["violations"].as_u64(), Some(violations as u64));
    assert_eq!(last["with_violations"], 1);
    assert!(weeks[..weeks.len() - 1].iter().all(|w| w["checks"] == 0), "{weeks:?}");

    // Origin points: the ledger of the week and the overdue report, township by township.
    let ledger = get_json(&state, &format!("/api/trace/ledger?week={}", d["trace"]["week"].as_str().unwrap())).await;
    let due = get_json(&state, "/api/trace/due").await;
    let towns = d["trace"]["townships"].as_array().unwrap();
    assert_eq!(towns.len(), ledger["rows"].as_array().unwrap().len());
    let mut collected_total = 0;
    for (t, row) in towns.iter().zip(ledger["rows"].as_array().unwrap()) {
        assert_eq!(t["code"], row["township_code"]);
        assert_eq!(t["collected"], row["records"], "{t} {row}");
        assert_eq!(t["completeness_percent"], row["completeness_percent"], "{t} {row}");
        let overdue = due["townships"].as_array().unwrap().iter().find(|x| x["code"] == t["code"]).unwrap();
        assert_eq!(t["overdue"], overdue["count"]);
        collected_total += t["collected"].as_u64().unwrap();
    }
    assert!(collected_total > 0, "the demo records are counted");
    assert_eq!(d["trace"]["total_overdue"], due["total_overdue"]);
    // Mandatory: the records' own threshold flags (api/trace/records answers them).
    let records = get_json(&state, "/api/trace/records").await;
    let mut mandatory: HashMap<String, u64> = HashMap::new();
    for f in records["features"].as_array().unwrap() {
        if f["properties"]["threshold"]["mandatory"] == true {
            *mandatory.entry(f["properties"]["township_code"].as_str().unwrap_or("").to_owned()).or_default() += 1;
        }
    }
    assert!(mandatory.values().sum::<u64>() > 0, "some demo records are mandatory");
    for t in towns {
        assert_eq!(
            t["mandatory"].as_u64(),
            Some(mandatory.get(t["code"].as_str().unwrap()).copied().unwrap_or(0)),
            "{t}"
        );
    }

    // Expropriation: the progress answer itself.
    let progress = get_json(&state, "/api/expropriation/progress").await;
    assert_eq!(d["expropriation"]["progress"], progress["progress"]);

    // Sponge: each project's estimate, and the counts by status add up.
    let projects = d["sponge"]["projects"].as_array().unwrap();
    assert!(!projects.is_empty());
    for p in projects {
        let est = get_json(&state, &format!("/api/sponge/projects/{}/runoff", p["id"])).await;
        assert_eq!(p["achieved_percent"], est["estimate"]["achieved_percent"], "{p}");
        assert_eq!(p["meets_target"], est["estimate"]["meets_target"], "{p}");
    }
    let by_status: u64 =
        d["sponge"]["by_status"].as_array().unwrap().iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(by_status, projects.len() as u64);

    // No personal value, no plate, no user in the answer.
    let features = state.store.features(LayerKind::OriginPoints).await.unwrap();
    for value in common::collect_personal_values(&features) {
        assert!(!text.contains(&value), "personal value {value:?} in the dashboard");
    }
    for households in state.store.features(LayerKind::ExpropriationHouseholds).await.unwrap() {
        for field in LayerKind::ExpropriationHouseholds.fields().iter().filter(|f| f.personal) {
            if let Some(v) = households.properties.get(field.name).and_then(Value::as_str).filter(|v| v.len() > 3) {
                assert!(!text.contains(v), "household value {v:?} in the dashboard");
            }
        }
    }
    assert!(!text.contains("晋M") && !text.contains("anonymous"), "{text}");

    // The figure as a workbook: numbers are number cells, the week is text.
    let (status, xlsx) = call(&state, "GET", "/api/dashboard?figure=truck_ban&format=xlsx", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let cells = sheet_cells(&xlsx);
    assert_eq!(cells["A1"], (false, "周次".to_owned()));
    let row = weeks.len() + 1;
    assert_eq!(cells[&format!("A{row}")], (false, last["week"].as_str().unwrap().to_owned()));
    assert_eq!(cells[&format!("D{row}")], (true, "1".to_owned()), "checks is a number cell");
    assert_eq!(cells[&format!("F{row}")], (true, violations.to_string()), "violations is a number cell");
    let (status, csv) = call(&state, "GET", "/api/dashboard?figure=trace&format=csv", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), towns.len() + 1, "{csv}");
    let (_, one) = call(&state, "GET", "/api/dashboard?figure=sponge", None, Body::empty()).await;
    assert_eq!(serde_json::from_slice::<Value>(&one).unwrap(), d["sponge"]);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn bad_dashboard_queries_are_400s_naming_the_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    for (uri, word) in [
        ("/api/dashboard?format=pdf", "`format`"),
        ("/api/dashboard?figure=weather", "`figure`"),
        ("/api/dashboard?format=xlsx", "needs `figure`"),
    ] {
        let (status, body) = call(&state, "GET", uri, None, Body::empty()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(String::from_utf8_lossy(&body).contains(word), "{uri}: {}", String::from_utf8_lossy(&body));
    }
}

#[tokio::test]
async fn the_edited_ledger_workbook_has_title_period_numbers_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let week = "2023-W26";
    let ledger = get_json(&state, &format!("/api/trace/ledger?week={week}")).await;
    let first = &ledger["rows"][0];
    let code = first["township_code"].as_str().unwrap();
    let body = json!({
        "week": week, "title": "临猗县重点农产品产地溯源每周调度台账（修订）", "period": "2023年第26周",
        "notes": {code: {"practices": "网格员入户采集", "problems": "部分主体电话空号", "suggestions": "=1+1",
            "next_steps": "下周完成复核"}},
    });
    let (status, xlsx) = call(&state, "POST", "/api/trace/ledger/export", None, Body::from(body.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&xlsx));
    let cells = sheet_cells(&xlsx);
    assert_eq!(cells["A1"].1, "临猗县重点农产品产地溯源每周调度台账（修订）");
    assert_eq!(cells["A2"].1, "2023年第26周");
    assert_eq!(cells["A3"], (false, "乡（镇）".to_owned()));
    assert_eq!(cells["A4"].1, first["township_name"].as_str().unwrap());
    assert_eq!(cells["B4"], (false, code.to_owned()), "the code stays text");
    assert_eq!(cells["C4"], (true, first["counts"][0]["this_week"].to_string()), "a count is a number cell");
    // The narrative columns are the last four, text (a formula stays text).
    let header: Vec<(String, String)> =
        cells.iter().filter(|(k, _)| k.ends_with('3') && k.len() <= 3).map(|(k, v)| (k.clone(), v.1.clone())).collect();
    let col_of = |name: &str| header.iter().find(|(_, v)| v == name).map(|(k, _)| k.trim_end_matches('3').to_owned());
    let practices = col_of("典型做法").expect("典型做法 column");
    assert_eq!(cells[&format!("{practices}4")], (false, "网格员入户采集".to_owned()));
    let suggestions = col_of("工作建议").unwrap();
    assert_eq!(cells[&format!("{suggestions}4")], (false, "=1+1".to_owned()));
    let next = col_of("下一步推进措施").unwrap();
    assert_eq!(cells[&format!("{next}4")].1, "下周完成复核");

    // Without title and period, the ledger's own; bad input is a 400 naming the field.
    let (status, xlsx) =
        call(&state, "POST", "/api/trace/ledger/export", None, Body::from(json!({"week": week}).to_string())).await;
    assert_eq!(status, StatusCode::OK);
    let cells = sheet_cells(&xlsx);
    assert_eq!(cells["A1"].1, ledger["title"].as_str().unwrap());
    assert_eq!(cells["A2"].1, ledger["period"].as_str().unwrap());
    for (body, word) in [
        (json!({"week": "2023-W60"}), "`week`"),
        (json!({"week": week, "notes": {"999": {}}}), "`notes`"),
        (json!({"week": week, "notes": {code: {"practices": "x".repeat(3000)}}}), "practices"),
        (json!({"week": week, "colour": "red"}), "colour"),
    ] {
        let (status, answer) =
            call(&state, "POST", "/api/trace/ledger/export", None, Body::from(body.to_string())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(String::from_utf8_lossy(&answer).contains(word), "{}", String::from_utf8_lossy(&answer));
    }
}

#[tokio::test]
async fn the_overdue_list_carries_phones_only_for_those_who_may_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let due = get_json(&state, "/api/trace/due").await;
    assert!(due["total_overdue"].as_u64().unwrap() > 0, "the demo data has overdue records");
    let features = state.store.features(LayerKind::OriginPoints).await.unwrap();
    let phones: Vec<String> = features
        .iter()
        .filter_map(|f| f.properties.get("contact_phone").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let (status, anon) = call(&state, "GET", "/api/trace/due?format=csv", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let anon = String::from_utf8(anon).unwrap();
    assert!(!anon.contains("联系电话") && !phones.iter().any(|p| anon.contains(p.as_str())), "{anon}");
    let (status, admin) = call(&state, "GET", "/api/trace/due?format=csv", Some(TOKEN), Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let admin = String::from_utf8(admin).unwrap();
    assert!(admin.lines().next().unwrap().ends_with("联系人,联系电话"), "{admin}");
    assert!(phones.iter().any(|p| admin.contains(p.as_str())), "{admin}");
    let (_, xlsx) = call(&state, "GET", "/api/trace/due?format=xlsx", Some(TOKEN), Body::empty()).await;
    let cells = sheet_cells(&xlsx);
    let phone_cells: Vec<_> =
        cells.iter().filter(|(k, v)| k.starts_with('K') && k.as_str() != "K1" && !v.1.is_empty()).collect();
    assert!(!phone_cells.is_empty() && phone_cells.iter().all(|(_, v)| !v.0), "phones stay text: {phone_cells:?}");
}
