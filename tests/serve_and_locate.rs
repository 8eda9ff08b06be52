//! The acceptance path of a fresh machine: `landtrace serve` creates the store
//! from data/, and `/api/locate` answers from it over real HTTP.

use landtrace_blackbox_tests::Server;
use landtrace_blackbox_tests::points::*;
use serde_json::Value;

fn locate(server: &Server, (lon, lat): (f64, f64)) -> Vec<Value> {
    let (status, body) = server.get_json(&format!("/api/locate?lon={lon}&lat={lat}"));
    assert_eq!(status, 200, "{body}");
    body["hits"].as_array().expect("hits").clone()
}

fn layers(hits: &[Value]) -> Vec<&str> {
    hits.iter().map(|h| h["layer"].as_str().unwrap()).collect()
}

#[test]
fn first_start_creates_the_store_and_answers_locate() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    let server = Server::start(dir.path(), &store, &[]);
    assert!(store.is_file(), "serve must create the store on first start");

    let (status, health) = server.get_json("/health");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");

    // Grade 1 and the truck-ban zone, with the gazette's prices.
    let hits = locate(&server, P1_GRADE1_TRUCK_BAN);
    assert_eq!(layers(&hits), ["county_boundaries", "urban_grade_zones", "truck_ban_zone"], "{hits:#?}");
    assert_eq!(hits[0]["properties"]["name"], "临猗县");
    let grade = &hits[1]["details"];
    assert_eq!(grade["grade"], 1);
    let price = |use_: &str| {
        grade["prices"].as_array().unwrap().iter().find(|p| p["land_use"] == use_).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(price("商服")["yuan_per_m2"], 686);
    assert_eq!(price("住宅")["yuan_per_m2"], 657);
    assert_eq!(price("公共管理与公共服务")["yuan_per_m2"], 430);
    assert_eq!(price("工业")["yuan_per_m2"], 401);
    assert_eq!(price("商服")["wan_yuan_per_mu"], 45.7);
    assert_eq!(grade["approval"], "晋自然资技审〔2023〕6号");
    assert_eq!(grade["in_force"], "2023-05-01");
    assert!(hits[1]["illustrative"].as_bool().unwrap(), "demo zones are flagged illustrative");
    let ban = hits[2]["details"].to_string();
    assert!(ban.contains("06:00") && ban.contains("22:00") && ban.contains("临政发〔2023〕5号"), "{ban}");

    // Outside the county: nothing applies.
    assert!(locate(&server, P6_OUTSIDE_COUNTY).is_empty());

    // Bad coordinates are 400 with a message naming the problem.
    for (query, needle) in [
        ("lon=110.77&lat=200", "lat"),
        ("lon=NaN&lat=35", "lon"),
        ("lat=35", "lon"),
        ("lon=abc&lat=35", "not a number"),
        ("lon=110.77&lat=35.14&crs=EPSG:9999", "epsg:9999 is not a coordinate reference system"),
        ("lon=110.77&lat=35.14&crs=mars", "unknown crs"),
    ] {
        let (status, body) = server.get_json(&format!("/api/locate?{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"].as_str().unwrap_or_default();
        assert!(message.to_lowercase().contains(needle), "{query}: {message}");
    }
}

#[test]
fn second_start_reuses_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    drop(Server::start(dir.path(), &store, &[]));
    let first = std::fs::read(&store).unwrap();
    let server = Server::start(dir.path(), &store, &[]);
    let (_, layers) = server.get_json("/api/layers");
    assert!(layers["layers"].as_array().unwrap().iter().all(|l| l["count"].as_u64().unwrap() > 0), "{layers}");
    drop(server);
    assert_eq!(std::fs::read(&store).unwrap(), first, "a restart must not rewrite the store");
}
