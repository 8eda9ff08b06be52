//! `landtrace check track` of the real binary judges a track as
//! `POST /api/truck-ban/track` does (one use case, `app::gps_track::judge_track`):
//! for the vehicle given (临政发〔2023〕5号 一、(一)/(二), gazette lines 97-98), times
//! without an offset as Beijing time, Chinese column headers of a GPS export, the
//! report as CSV; a track without a usable fix is an error (exit code ≠ 0), never
//! "clean".

use landtrace_blackbox_tests::landtrace;

/// Eastwards along 35.14°N through the bundled (illustrative) zone, 10:00-10:20 on a
/// weekday, Beijing time without an offset, headers as a GPS platform exports them.
fn chinese_export() -> String {
    let mut csv = String::from("定位时间,经度,纬度,速度(km/h)\n");
    for k in 0..=20 {
        csv.push_str(&format!("2023-06-01 10:{k:02}:00,{:.4},35.1400,30\n", 110.74 + 0.002 * f64::from(k)));
    }
    csv
}

fn text(out: &std::process::Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_track_is_judged_for_the_vehicle_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("track.csv"), chinese_export()).unwrap();

    // No vehicle: a heavy fuel truck without a pass is assumed, and said so.
    let out = landtrace(dir.path(), &["check", "track", "track.csv", "--out", "report.csv"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("违规 banned"), "{stdout}");
    assert!(stdout.contains("发现"), "{stdout}");
    assert!(stderr.contains("假定：未提供车辆信息"), "{stderr}");
    assert!(stderr.contains("按北京时间"), "{stderr}");
    assert!(stdout.contains("2023-06-01 10:0"), "local date-times: {stdout}");
    let report = std::fs::read_to_string(dir.path().join("report.csv")).unwrap();
    assert!(report.contains("进入时间（北京时间）"), "{report}");

    // The same track for a 5 m, 3 t new-energy box van: allowed (一、(二)), no violation.
    let van = r#"{"length_mm":5000,"total_mass_kg":3000,"body":"box","energy":"new_energy"}"#;
    let out = landtrace(dir.path(), &["check", "track", "track.csv", "--vehicle", van]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains("违规 banned"), "{stdout}");
    assert!(stdout.contains("允许 allowed"), "{stdout}");
    assert!(stdout.contains("不受限制"), "{stdout}");
    assert!(!stderr.contains("未提供车辆信息"), "{stderr}");
}

#[test]
fn a_track_without_a_usable_fix_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), "定位时间,经度,纬度\nyesterday,110.77,35.14\nnoon,110.78,35.14\n")
        .unwrap();
    let out = landtrace(dir.path(), &["check", "track", "bad.csv"]);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "an unreadable track must fail: {stdout}");
    assert!(stderr.contains("没有可用的定位点"), "{stderr}");
    assert!(!stdout.contains("未发现"), "{stdout}");

    // A vehicle that is not JSON is refused, and so is a report format the command cannot write.
    let out = landtrace(dir.path(), &["check", "track", "bad.csv", "--vehicle", "heavy"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("`vehicle`"), "{}", text(&out).1);
    let out = landtrace(dir.path(), &["check", "track", "bad.csv", "--out", "report.pdf"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains(".json, .csv, .xlsx or .html"), "{}", text(&out).1);
}
