//! The GPS track readers and the truck-ban query agree on every row of the shared
//! table of date-time texts (`crates/domain/tests/rfc3339/table.rs`): both accept it
//! and name the same instant, or both refuse it. The CSV, GPX and GeoJSON readers
//! read the text as a fix time; the truck ban reads it as its `at`.

#[path = "../../domain/tests/rfc3339/table.rs"]
mod table;

use landtrace_domain::Date;
use landtrace_domain::truck_ban::LocalDateTime;
use landtrace_domain::units::instant;
use landtrace_spatial::Crs;
use landtrace_track::{FixReader, TrackError, parse_time_ms};

/// What each reader makes of a fix at `time`: its unix ms, or the error's message.
fn read_all_formats(time: &str) -> [Result<i64, String>; 3] {
    let first = |fixes: Vec<Result<landtrace_track::Fix, TrackError>>| {
        assert_eq!(fixes.len(), 1, "{time:?}: {fixes:?}");
        fixes.into_iter().next().unwrap().map(|f| f.t_ms).map_err(|e| e.to_string())
    };
    let csv = format!("time,lon,lat\n\"{time}\",110.77,35.14\n");
    let gpx = format!(
        "<gpx version=\"1.1\"><trk><trkseg>\n<trkpt lat=\"35.14\" lon=\"110.77\"><time>{time}</time></trkpt>\n\
         </trkseg></trk></gpx>"
    );
    let geojson = serde_json::json!({"type": "Feature", "properties": {"time": time},
        "geometry": {"type": "Point", "coordinates": [110.77, 35.14]}})
    .to_string();
    [
        first(FixReader::csv(csv.as_bytes(), Crs::Wgs84).collect()),
        first(FixReader::gpx(gpx.as_bytes(), Crs::Wgs84).collect()),
        first(FixReader::geojson(&geojson, Crs::Wgs84).collect()),
    ]
}

/// The county's day and second of day of `unix_ms`, by hand (UTC+8).
fn county_time(unix_ms: i64) -> (Date, u32) {
    let seconds = unix_ms.div_euclid(1000) + 8 * 3600;
    (Date::from_epoch_days(seconds.div_euclid(86_400)).unwrap(), u32::try_from(seconds.rem_euclid(86_400)).unwrap())
}

#[test]
fn track_readers_and_the_truck_ban_agree_on_every_row() {
    for &(text, expected) in table::ROWS {
        let track = parse_time_ms(text);
        let ban = LocalDateTime::parse_rfc3339(text);
        let readers = read_all_formats(text);
        match expected {
            Ok(ms) => {
                assert_eq!(track, Ok(ms), "{text:?}");
                for read in &readers {
                    assert_eq!(read, &Ok(ms), "{text:?}");
                }
                let ban = ban.unwrap_or_else(|e| panic!("{text:?}: the truck ban refuses it: {e}"));
                assert_eq!((ban.date(), ban.second_of_day()), county_time(ms), "{text:?}: not the same instant");
            }
            Err(reason) => {
                let ban = ban.expect_err(text).to_string();
                assert!(ban.contains(reason), "{text:?}: {ban}");
                let track = track.expect_err(text).to_string();
                // A text shaped like a date (`YYYY-`) is refused with the one parser's
                // reason; anything else is neither a date nor unix seconds.
                let date_shaped = text.trim().len() >= 10 && text.trim().as_bytes()[4] == b'-';
                let reason = if date_shaped {
                    reason
                } else if text.is_empty() {
                    "empty"
                } else {
                    "unix seconds"
                };
                assert!(track.contains(reason), "{text:?}: {track}");
                if reason.starts_with("a time zone offset") {
                    // Issue 15: a GPS export's time without an offset is Beijing time in
                    // the track readers (the ban hours of 临政发〔2023〕5号 二、(一) are
                    // local time); the query's `at` still needs one.
                    let local =
                        instant::parse_rfc3339(&format!("{}+08:00", text.trim())).map(instant::Instant::unix_ms);
                    for read in readers {
                        assert_eq!(read, Ok(local.clone().expect(text)), "{text:?}");
                    }
                    continue;
                }
                for read in readers {
                    let e = read.expect_err(text);
                    let reason = if text.is_empty() { "missing time" } else { reason };
                    assert!(e.contains(reason), "{text:?}: {e}");
                }
            }
        }
    }
}

#[test]
fn the_track_reader_is_the_one_parser_plus_unix_seconds() {
    for &(text, _) in table::ROWS {
        let date_shaped = text.trim().len() >= 10 && text.trim().as_bytes()[4] == b'-';
        if date_shaped {
            let one = instant::parse_rfc3339(text).map(instant::Instant::unix_ms);
            assert_eq!(parse_time_ms(text).map_err(|e| e.to_string()), one.map_err(|e| e.to_string()), "{text:?}");
        }
    }
    // Unix seconds are the track files' own form; the truck ban's `at` is RFC 3339 only.
    assert_eq!(parse_time_ms("1714564800.25"), Ok(1_714_564_800_250));
    assert!(LocalDateTime::parse_rfc3339("1714564800.25").is_err());
}
