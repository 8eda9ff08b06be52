//! The household register (被征收户) of the expropriation projects through the real
//! binary: households imported through the one write path (a record the rules refuse
//! leaves the store unchanged, exit code != 0), `report households` with each
//! household's compensation computed line by line (gazette lines 1536 and 1552 of
//! 临政发〔2023〕10号's plan) and `report progress` as CSV with counts only.

use std::path::Path;

use landtrace_blackbox_tests::landtrace;
use serde_json::{Value, json};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn households(dir: &Path, store: &str) -> Value {
    let out = landtrace(dir, &["report", "households", "--as-of", "2023-12-01", "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn file(dir: &Path, name: &str, properties: Value) {
    let fc = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": properties}]});
    std::fs::write(dir.join(name), fc.to_string()).unwrap();
}

#[test]
fn households_are_imported_checked_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = "h.gpkg";
    let before = households(dir.path(), store);
    assert_eq!(before["count"], 6, "the illustrative demo register");

    // Signed before the appraisal ended: refused, nothing stored.
    let bad = json!({"decision_no": "临政发〔2023〕10号", "household_no": "10-050", "owner_name": "黑盒测试户",
        "building_area_m2": 100.0, "storeys": 1, "legal_land_area_m2": 110.0, "appraised_price_per_m2_yuan": 2800.0,
        "construction_cost_per_m2_yuan": 1000.0, "appraisal_ended_on": "2023-09-10", "agreement_signed_on": "2023-09-01",
        "accuracy": "illustrative"});
    file(dir.path(), "bad.geojson", bad.clone());
    let out = landtrace(dir.path(), &["import", "expropriation_households", "bad.geojson", "--store", store]);
    assert!(!out.status.success(), "a refused record fails the command");
    assert!(stderr(&out).contains("agreement_signed_on"), "{}", stderr(&out));
    assert_eq!(households(dir.path(), store)["count"], 6, "nothing stored");

    // The same household signed and handed over on 2023-10-05 (day 25 after 09-10): stored.
    let mut good = bad;
    good["agreement_signed_on"] = json!("2023-10-05");
    good["handed_over_on"] = json!("2023-10-05");
    file(dir.path(), "good.geojson", good);
    let out = landtrace(
        dir.path(),
        &["import", "expropriation_households", "good.geojson", "--actor", "zhu.jian", "--store", store],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = households(dir.path(), store);
    assert_eq!(after["count"], 7);
    let h =
        after["households"].as_array().unwrap().iter().find(|h| h["properties"]["household_no"] == "10-050").unwrap();
    // 九（二）1 (line 1536): 2 800 × 110 = 308 000 less 1 000 × 10 → 298 000; 十一 (line 1552):
    // day 25 → 10 % = 29 800; moving 15 × 100 = 1 500; transition 60 × 100 = 6 000.
    let c = &h["assessment"]["compensation"];
    assert_eq!(c["lines"][0]["amount"]["yuan"], "298000.00");
    assert_eq!(c["bonus_percent"], 10);
    assert_eq!(c["total"]["yuan"], "335300.00");

    let out = landtrace(dir.path(), &["report", "progress", "--format", "csv", "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains("临政发〔2023〕10号,壕村小区及油厂家属院,5,3,2,1,"), "{csv}");
    assert!(!csv.contains("黑盒测试户") && !csv.contains("示例户"), "counts only: {csv}");
    let out = landtrace(dir.path(), &["report", "progress", "--format", "pdf", "--store", store]);
    assert!(!out.status.success());
    let out = landtrace(dir.path(), &["report", "households", "--decision-no", "临政发〔2023〕12号", "--store", store]);
    assert!(!out.status.success());
}
