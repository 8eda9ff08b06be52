//! The checker end to end: exact crossing times and lengths, the ban-hour
//! boundaries, gaps, malformed input with its line numbers, GCJ-02 input,
//! and the same report from CSV, GPX and GeoJSON.

use geo::{Distance, Haversine, LineString, MultiPolygon, Point, Polygon, polygon};
use landtrace_spatial::{Crs, LonLat, wgs84_to_gcj02};
use landtrace_track::{
    BanZone, Cause, CheckOptions, Fix, FixReader, Location, TrackChecker, TrackReport, ZoneLike, parse_time_ms,
};
use std::fmt::Write;

const LAT: f64 = 35.14;

/// The square 110.76–110.78 E, 35.13–35.15 N.
fn square_zone() -> BanZone {
    let square = polygon![(x: 110.76, y: 35.13), (x: 110.78, y: 35.13), (x: 110.78, y: 35.15), (x: 110.76, y: 35.15)];
    BanZone::new(&MultiPolygon(vec![square]))
}

fn t(text: &str) -> i64 {
    parse_time_ms(text).unwrap()
}

/// `2024-05-01T{hh:mm:ss}+08:00` for seconds after local midnight.
fn local_time(seconds_of_day: i64) -> String {
    let (h, m, s) = (seconds_of_day / 3600, seconds_of_day / 60 % 60, seconds_of_day % 60);
    format!("2024-05-01T{h:02}:{m:02}:{s:02}+08:00")
}

fn fix(line: usize, t_ms: i64, lon: f64, lat: f64) -> Fix {
    Fix::new(Location::Line(line), t_ms, lon, lat).unwrap()
}

fn check_fixes(zone: &impl ZoneLike, fixes: &[Fix]) -> TrackReport {
    TrackChecker::new(zone, CheckOptions::default()).check_all(fixes.iter().copied().map(Ok))
}

fn check_csv(zone: &BanZone, csv: &str) -> TrackReport {
    TrackChecker::new(zone, CheckOptions::default()).check_all(FixReader::csv(csv.as_bytes(), Crs::Wgs84))
}

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!((actual - expected).abs() <= tolerance, "{what}: {actual} vs {expected} (± {tolerance})");
}

/// East along 35.14 N from 110.7531 E, 0.0007° every 10 s, from 10:00 local.
fn eastbound_fixes() -> Vec<Fix> {
    let t0 = t("2024-05-01T10:00:00+08:00");
    (0..=50).map(|k| fix(k + 2, t0 + 10_000 * k as i64, 110.7531 + 0.0007 * k as f64, LAT)).collect()
}

#[test]
fn crossing_times_are_interpolated_to_the_millisecond() {
    let report = check_fixes(&square_zone(), &eastbound_fixes());
    let t0 = t("2024-05-01T10:00:00+08:00");
    assert_eq!(report.intervals.len(), 1);
    let interval = report.intervals[0];
    // 110.76 is reached after 0.0069 / 0.0007 × 10 s = 98.571 s, 110.78 after 384.286 s.
    assert_eq!(interval.entry.t_ms - t0, 98_571);
    assert_eq!(interval.exit.t_ms - t0, 384_286);
    assert_eq!(interval.duration_ms, 384_286 - 98_571);
    assert_eq!((interval.entered_by, interval.exited_by), (Cause::ZoneBoundary, Cause::ZoneBoundary));
    assert_close(interval.entry.lon, 110.76, 1e-12, "entry lon");
    assert_close(interval.exit.lon, 110.78, 1e-12, "exit lon");
    assert_close(interval.entry.lat, LAT, 1e-12, "entry lat");
    let oracle = metres((110.76, LAT), (110.78, LAT));
    assert_close(interval.distance_m, oracle, 0.1, "distance inside");
    assert_close(report.total_violation_m, oracle, 0.1, "total inside");
    assert_eq!(report.total_violation_ms, interval.duration_ms);
    assert_close(report.total_distance_m, metres((110.7531, LAT), (110.7881, LAT)), 0.1, "total distance");
    assert!(report.problems.is_empty() && report.gaps.is_empty());
}

#[test]
fn interval_ends_at_22_00_local_with_the_position_interpolated() {
    let zone = square_zone();
    let fixes = [
        fix(2, t("2024-05-01T21:59:50+08:00"), 110.765, LAT),
        fix(3, t("2024-05-01T22:00:20+08:00"), 110.768, LAT),
        fix(4, t("2024-05-01T22:00:50+08:00"), 110.771, LAT),
    ];
    let report = check_fixes(&zone, &fixes);
    assert_eq!(report.intervals.len(), 1, "{report:?}");
    let interval = report.intervals[0];
    assert_eq!(interval.entry.t_ms, t("2024-05-01T21:59:50+08:00"));
    assert_eq!(interval.exit.t_ms, t("2024-05-01T22:00:00+08:00"));
    assert_eq!((interval.entered_by, interval.exited_by), (Cause::TrackEdge, Cause::BanHours));
    assert_close(interval.exit.lon, 110.766, 1e-12, "lon at 22:00");
    assert_close(interval.distance_m, metres((110.765, LAT), (110.766, LAT)), 0.1, "distance");
}

#[test]
fn interval_starts_at_06_00_local_for_a_track_starting_inside_at_05_59() {
    let zone = square_zone();
    let fixes = [
        fix(2, t("2024-05-01T05:59:00+08:00"), 110.765, LAT),
        fix(3, t("2024-05-01T06:00:30+08:00"), 110.7659, LAT),
        fix(4, t("2024-05-01T06:01:00+08:00"), 110.7662, LAT),
    ];
    let report = check_fixes(&zone, &fixes);
    assert_eq!(report.intervals.len(), 1, "{report:?}");
    let interval = report.intervals[0];
    assert_eq!(interval.entry.t_ms, t("2024-05-01T06:00:00+08:00"));
    assert_eq!(interval.exit.t_ms, t("2024-05-01T06:01:00+08:00"));
    assert_eq!((interval.entered_by, interval.exited_by), (Cause::BanHours, Cause::TrackEdge));
    assert_close(interval.entry.lon, 110.765 + 0.0009 * 60.0 / 90.0, 1e-12, "lon at 06:00");
    assert_close(interval.distance_m, metres((110.7656, LAT), (110.7662, LAT)), 0.1, "distance");
}

#[test]
fn no_ban_before_the_notice_came_into_force() {
    let fixes =
        [fix(2, t("2023-02-28T10:00:00+08:00"), 110.765, LAT), fix(3, t("2023-02-28T10:00:10+08:00"), 110.766, LAT)];
    assert!(check_fixes(&square_zone(), &fixes).intervals.is_empty());
}

#[test]
fn gaps_are_reported_and_not_bridged() {
    let zone = square_zone();
    let at = |s: &str| t(&format!("2024-05-01T{s}+08:00"));
    let fixes = [
        fix(2, at("10:00:00"), 110.765, LAT),
        fix(3, at("10:00:10"), 110.766, LAT),
        fix(4, at("10:00:20"), 110.767, LAT),
        // 5 min gap: the truck may have left and come back.
        fix(5, at("10:05:20"), 110.770, LAT),
        fix(6, at("10:05:30"), 110.771, LAT),
        // exactly 120 s: not a gap
        fix(7, at("10:07:30"), 110.772, LAT),
        // a lone fix between two gaps, inside during ban hours: seen there
        fix(8, at("10:20:00"), 110.773, LAT),
        fix(9, at("10:40:00"), 110.790, LAT),
    ];
    let report = check_fixes(&zone, &fixes);
    let spans: Vec<(i64, i64, Cause, Cause)> =
        report.intervals.iter().map(|i| (i.entry.t_ms, i.exit.t_ms, i.entered_by, i.exited_by)).collect();
    assert_eq!(
        spans,
        [
            (at("10:00:00"), at("10:00:20"), Cause::TrackEdge, Cause::TrackEdge),
            (at("10:05:20"), at("10:07:30"), Cause::TrackEdge, Cause::TrackEdge),
            (at("10:20:00"), at("10:20:00"), Cause::TrackEdge, Cause::TrackEdge),
        ]
    );
    let gaps: Vec<(Location, Location, i64)> = report.gaps.iter().map(|g| (g.from, g.to, g.duration_ms())).collect();
    assert_eq!(
        gaps,
        [
            (Location::Line(4), Location::Line(5), 300_000),
            (Location::Line(7), Location::Line(8), 750_000),
            (Location::Line(8), Location::Line(9), 1_200_000),
        ]
    );
    let bridged = metres((110.765, LAT), (110.767, LAT)) + metres((110.770, LAT), (110.772, LAT));
    assert_close(report.total_distance_m, bridged, 0.01, "distance without the gaps");
    assert_close(report.total_violation_m, bridged, 0.01, "distance inside");
    assert_eq!(report.total_violation_ms, 20_000 + 130_000);
}

/// Found by the `track_csv` fuzz target: with `max_gap_s` as large as the query
/// allows, a parked truck's two fixes thousands of years apart were bridged and cut
/// at every ban-hour change between them (seconds of work, hundreds of MB and an
/// interval a day, for a 60-byte file). A pause of up to a day is still bridged.
#[test]
fn pauses_longer_than_a_day_are_never_bridged() {
    let zone = square_zone();
    let options = CheckOptions { max_gap: std::time::Duration::from_secs(u64::MAX), ..CheckOptions::default() };
    let day = 86_400_000;
    let t0 = t("2024-05-01T10:00:00+08:00");
    let (t1, t2) = (t0 + day - 1000, t0 + day - 1000 + 1_000_000 * day);
    let parked = [fix(2, t0, 110.77, LAT), fix(3, t1, 110.77, LAT), fix(4, t2, 110.77, LAT)];
    let report = TrackChecker::new(&zone, options).check_all(parked.iter().copied().map(Ok));
    let spans: Vec<(i64, i64, Cause, Cause)> =
        report.intervals.iter().map(|i| (i.entry.t_ms, i.exit.t_ms, i.entered_by, i.exited_by)).collect();
    let ban_end = t("2024-05-01T22:00:00+08:00");
    let ban_start = t("2024-05-02T06:00:00+08:00");
    assert_eq!(
        spans,
        [
            (t0, ban_end, Cause::TrackEdge, Cause::BanHours),
            (ban_start, t1, Cause::BanHours, Cause::TrackEdge),
            (t2, t2, Cause::TrackEdge, Cause::TrackEdge),
        ]
    );
    let gaps: Vec<(Location, Location)> = report.gaps.iter().map(|g| (g.from, g.to)).collect();
    assert_eq!(gaps, [(Location::Line(3), Location::Line(4))]);
}

/// Checks a CSV track and compares its problems, as printed.
fn check_problems(csv: &str, expected: &[&str]) -> TrackReport {
    let report = check_csv(&square_zone(), csv);
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, expected, "{csv}");
    report
}

#[test]
fn malformed_records_are_reported_with_their_line_numbers() {
    let header = "time,lon,lat\n";
    let ok = |s: &str, lon: f64| format!("2024-05-01T10:00:{s}+08:00,{lon},35.14\n");
    let t10 = t("2024-05-01T10:00:10+08:00");
    let cases: [(String, Vec<String>); 6] = [
        (
            format!("{header}{}{}{}", ok("10", 110.765), ok("05", 110.766), ok("20", 110.767)),
            vec![format!("line 3: time goes backwards: {} ms after {t10} ms", t10 - 5000)],
        ),
        (
            format!("{header}{}{}{}", ok("10", 110.765), ok("10", 110.766), ok("20", 110.767)),
            vec![format!("line 3: same time as the previous fix ({t10} ms)")],
        ),
        (
            format!("{header}{}, 110.766,35.14\n{}", ok("10", 110.765), ok("20", 110.767)),
            vec!["line 3: missing time".to_owned()],
        ),
        (
            format!("{header}{}{}{}", ok("10", 110.765), ok("15", f64::NAN), ok("20", 110.767)),
            vec!["line 3: lon NaN is not a finite number".to_owned()],
        ),
        (
            format!("{header}{}2024-05-01T10:00:15+08:00,110.766,95\n{}", ok("10", 110.765), ok("20", 110.767)),
            vec!["line 3: lat 95 is outside -90..90".to_owned()],
        ),
        (
            // 0.0066° of longitude at 35.14° N is 600 m: 216 km/h in 10 s.
            format!("{header}{}{}{}", ok("10", 110.765), ok("20", 110.7716), ok("30", 110.7720)),
            vec!["line 3: jump of 600 m in 10000 ms (216 km/h)".to_owned()],
        ),
    ];
    for (csv, expected) in &cases {
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        check_problems(csv, &expected);
    }
}

#[test]
fn a_rejected_fix_is_skipped_and_the_track_goes_on() {
    let header = "time,lon,lat\n";
    // The backwards fix is dropped; the next fix joins the last good one.
    let report = check_problems(
        &format!(
            "{header}2024-05-01T10:00:10+08:00,110.765,35.14\n2024-05-01T10:00:05+08:00,110.9,35.14\n\
             2024-05-01T10:00:20+08:00,110.766,35.14\n"
        ),
        &[&format!(
            "line 3: time goes backwards: {} ms after {} ms",
            t("2024-05-01T10:00:05+08:00"),
            t("2024-05-01T10:00:10+08:00")
        )],
    );
    assert_eq!(report.intervals.len(), 1);
    assert_eq!(report.intervals[0].duration_ms, 10_000);
    assert_eq!(report.fixes, 3);

    // Just under 200 km/h is no jump; a jump is not bridged and ends the interval.
    let report = check_problems(
        &format!(
            "{header}2024-05-01T10:00:10+08:00,110.765,35.14\n2024-05-01T10:00:20+08:00,110.7711,35.14\n\
             2024-05-01T10:00:30+08:00,110.7790,35.14\n2024-05-01T10:00:40+08:00,110.7791,35.14\n"
        ),
        &["line 4: jump of 718 m in 10000 ms (259 km/h)"],
    );
    let spans: Vec<(i64, i64)> = report.intervals.iter().map(|i| (i.entry.t_ms, i.exit.t_ms)).collect();
    let at = |s: &str| t(&format!("2024-05-01T10:00:{s}+08:00"));
    assert_eq!(spans, [(at("10"), at("20")), (at("30"), at("40"))]);
    assert_close(
        report.total_distance_m,
        metres((110.765, LAT), (110.7711, LAT)) + metres((110.7790, LAT), (110.7791, LAT)),
        0.01,
        "distance without the jump",
    );
}

#[test]
fn problems_beyond_the_cap_are_counted() {
    let zone = square_zone();
    let options = CheckOptions { max_problems: 2, ..CheckOptions::default() };
    let csv = "time,lon,lat\n,1,1\n,1,1\n,1,1\n,1,1\n,1,1\n";
    let report = TrackChecker::new(&zone, options).check_all(FixReader::csv(csv.as_bytes(), Crs::Wgs84));
    assert_eq!((report.problems.len(), report.problems_omitted), (2, 3));
    assert_eq!(report.problems[1].at, Location::Line(3));
}

#[test]
fn one_segment_through_a_concave_zone_gives_two_intervals() {
    // A U: the segment along 35.145 N crosses both arms.
    let u = Polygon::new(
        LineString::from(vec![
            (110.76, 35.13),
            (110.79, 35.13),
            (110.79, 35.15),
            (110.78, 35.15),
            (110.78, 35.14),
            (110.77, 35.14),
            (110.77, 35.15),
            (110.76, 35.15),
        ]),
        vec![],
    );
    let zone = BanZone::new(&MultiPolygon(vec![u]));
    let t0 = t("2024-05-01T12:00:00+08:00");
    let report = check_fixes(&zone, &[fix(2, t0, 110.75, 35.145), fix(3, t0 + 100_000, 110.80, 35.145)]);
    let spans: Vec<(i64, i64)> = report.intervals.iter().map(|i| (i.entry.t_ms - t0, i.exit.t_ms - t0)).collect();
    assert_eq!(spans, [(20_000, 40_000), (60_000, 80_000)]);
}

#[test]
fn gcj02_input_is_converted_to_wgs84() {
    let wgs = eastbound_fixes();
    let mut csv = String::from("time,lon,lat\n");
    for f in &wgs {
        let gcj = wgs84_to_gcj02(f.position);
        writeln!(csv, "{},{},{}", f.t_ms as f64 / 1000.0, gcj.lon(), gcj.lat()).unwrap();
    }
    let read: Vec<Fix> = FixReader::csv(csv.as_bytes(), Crs::Gcj02).map(Result::unwrap).collect();
    for (r, w) in read.iter().zip(&wgs) {
        assert_eq!(r.t_ms, w.t_ms);
        assert_close(r.position.lon(), w.position.lon(), 1e-8, "lon");
        assert_close(r.position.lat(), w.position.lat(), 1e-8, "lat");
    }
    let zone = square_zone();
    let from_gcj = check_csv_crs(&zone, &csv, Crs::Gcj02);
    let from_wgs = check_fixes(&zone, &wgs);
    assert_eq!(from_gcj.intervals.len(), 1);
    let (g, w) = (from_gcj.intervals[0], from_wgs.intervals[0]);
    assert_eq!((g.entry.t_ms, g.exit.t_ms), (w.entry.t_ms, w.exit.t_ms));
    assert_close(g.distance_m, w.distance_m, 0.01, "distance inside");
    // Read as WGS84, the same file is ~500 m off and enters the zone over a minute early.
    let unconverted = check_csv_crs(&zone, &csv, Crs::Wgs84);
    assert!(w.entry.t_ms - unconverted.intervals[0].entry.t_ms > 60_000, "{unconverted:?}");
}

fn check_csv_crs(zone: &BanZone, csv: &str, crs: Crs) -> TrackReport {
    TrackChecker::new(zone, CheckOptions::default()).check_all(FixReader::csv(csv.as_bytes(), crs))
}

/// A track east along 35.14 N from 21:50 local every 15 s, across the zone
/// and 22:00, with a gap of 3 min 10 s and one record without time.
fn sample_track() -> Vec<(Option<String>, f64, f64)> {
    let mut fixes = Vec::new();
    for k in 0..60i64 {
        let seconds = 21 * 3600 + 50 * 60 + 15 * k + if k >= 20 { 190 } else { 0 };
        let time = (k != 7).then(|| local_time(seconds));
        fixes.push((time, 110.7555 + 0.0004 * k as f64, LAT + 0.00001 * (k % 3) as f64));
    }
    fixes
}

fn as_csv(track: &[(Option<String>, f64, f64)]) -> String {
    let mut csv = String::from("lat,time,lon,speed\n");
    for (time, lon, lat) in track {
        writeln!(csv, "{lat},{},{lon},12.5", time.as_deref().unwrap_or("")).unwrap();
    }
    csv
}

fn as_gpx(track: &[(Option<String>, f64, f64)]) -> String {
    let mut gpx = String::from(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>\n",
    );
    for (time, lon, lat) in track {
        let time = time.as_ref().map(|t| format!("<time>{t}</time>")).unwrap_or_default();
        writeln!(gpx, "  <trkpt lat=\"{lat}\" lon=\"{lon}\"><ele>380</ele>{time}</trkpt>").unwrap();
    }
    gpx + "</trkseg></trk></gpx>\n"
}

fn as_geojson_points(track: &[(Option<String>, f64, f64)]) -> String {
    let features: Vec<serde_json::Value> = track
        .iter()
        .map(|(time, lon, lat)| {
            serde_json::json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                               "properties": {"time": time}})
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn as_geojson_line(track: &[(Option<String>, f64, f64)]) -> String {
    let coordinates: Vec<[f64; 2]> = track.iter().map(|(_, lon, lat)| [*lon, *lat]).collect();
    let times: Vec<&Option<String>> = track.iter().map(|(time, _, _)| time).collect();
    serde_json::json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coordinates},
                       "properties": {"times": times}})
    .to_string()
}

/// The report with its input locations, which differ between formats, blanked.
fn located_out(report: &TrackReport) -> TrackReport {
    let mut report = report.clone();
    for gap in &mut report.gaps {
        (gap.from, gap.to) = (Location::Document, Location::Document);
    }
    for problem in &mut report.problems {
        problem.at = Location::Document;
    }
    report
}

#[test]
fn csv_gpx_and_geojson_give_the_same_report() {
    let track = sample_track();
    let zone = square_zone();
    let check = |reader: FixReader<&[u8]>| TrackChecker::new(&zone, CheckOptions::default()).check_all(reader);
    let (csv, gpx) = (as_csv(&track), as_gpx(&track));
    let from_csv = check(FixReader::csv(csv.as_bytes(), Crs::Wgs84));
    let from_gpx = check(FixReader::gpx(gpx.as_bytes(), Crs::Wgs84));
    let check_geojson =
        |text: &str| TrackChecker::new(&zone, CheckOptions::default()).check_all(FixReader::geojson(text, Crs::Wgs84));
    let from_points = check_geojson(&as_geojson_points(&track));
    let from_line = check_geojson(&as_geojson_line(&track));

    // 110.76 is crossed between fixes 11 and 12 (k = 11.25), the gap follows
    // fix 19, and 22:00 falls a third of the way from fix 27 to fix 28.
    let at = |hms: &str| t(&format!("2024-05-01T{hms}+08:00"));
    let spans: Vec<(i64, i64, Cause, Cause)> =
        from_csv.intervals.iter().map(|i| (i.entry.t_ms, i.exit.t_ms, i.entered_by, i.exited_by)).collect();
    assert_eq!(
        spans,
        [
            (at("21:52:48.750"), at("21:54:45"), Cause::ZoneBoundary, Cause::TrackEdge),
            (at("21:58:10"), at("22:00:00"), Cause::TrackEdge, Cause::BanHours),
        ]
    );
    assert_eq!(from_csv.gaps.len(), 1);
    assert_eq!(from_csv.problems.len(), 1);
    assert_eq!(from_csv.problems[0].to_string(), "line 9: missing time");
    assert_eq!(from_gpx.problems[0].to_string(), "line 10: missing time");
    assert_eq!(from_points.problems[0].to_string(), "features[7]: missing time");
    assert_eq!(from_line.problems[0].to_string(), "geometry.coordinates[7]: missing time");

    let expected = located_out(&from_csv);
    assert_eq!(located_out(&from_gpx), expected);
    assert_eq!(located_out(&from_points), expected);
    assert_eq!(located_out(&from_line), expected);
}

/// A zone given as code: everything east of 110.77 E.
struct EastOf(f64);

impl ZoneLike for EastOf {
    fn contains(&self, p: geo::Coord<f64>) -> bool {
        p.x >= self.0
    }

    fn crossings(&self, a: geo::Coord<f64>, b: geo::Coord<f64>, out: &mut Vec<f64>) {
        let f = (self.0 - a.x) / (b.x - a.x);
        if f > 0.0 && f < 1.0 {
            out.push(f);
        }
    }
}

#[test]
fn any_zone_like_can_be_checked() {
    let t0 = t("2024-05-01T12:00:00+08:00");
    let report = check_fixes(&EastOf(110.77), &[fix(2, t0, 110.76, LAT), fix(3, t0 + 60_000, 110.79, LAT)]);
    assert_eq!(report.intervals.len(), 1);
    assert_eq!(report.intervals[0].entry.t_ms - t0, 20_000);
    let lon = LonLat::new(110.77, LAT).unwrap().lon();
    assert_close(report.intervals[0].entry.lon, lon, 1e-12, "entry");
}

#[test]
fn max_gap_is_one_second_to_one_day() {
    assert_eq!(CheckOptions::with_max_gap_secs(1).unwrap().max_gap, std::time::Duration::from_secs(1));
    let day = CheckOptions::with_max_gap_secs(86_400).unwrap();
    assert_eq!(day.max_gap, landtrace_track::MAX_BRIDGED_GAP);
    assert_eq!(day.max_speed_kmh, CheckOptions::default().max_speed_kmh);
    for refused in [0, 86_401, u64::MAX] {
        let e = CheckOptions::with_max_gap_secs(refused).unwrap_err();
        assert!(e.contains("max_gap_s") && e.contains(&refused.to_string()), "{e}");
    }
}
