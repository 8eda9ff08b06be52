//! The one RFC 3339 parser and the truck-ban query answer every row of the shared
//! table (`rfc3339/table.rs`) alike: the same instant, or a refusal that says why.

#[path = "rfc3339/table.rs"]
mod table;

use landtrace_domain::Date;
use landtrace_domain::truck_ban::{LocalDateTime, TruckBanQuery};
use landtrace_domain::units::instant::parse_rfc3339;

/// The county's day and second of day of `unix_ms` (UTC+8), computed by hand.
fn county_time(unix_ms: i64) -> (Date, u32) {
    let seconds = unix_ms.div_euclid(1000) + 8 * 3600;
    let date = Date::from_epoch_days(seconds.div_euclid(86_400)).unwrap();
    (date, u32::try_from(seconds.rem_euclid(86_400)).unwrap())
}

#[test]
fn the_one_parser_answers_every_row() {
    for &(text, expected) in table::ROWS {
        match (parse_rfc3339(text), expected) {
            (Ok(instant), Ok(ms)) => assert_eq!(instant.unix_ms(), ms, "{text:?}"),
            (Err(e), Err(reason)) => assert!(e.to_string().contains(reason), "{text:?}: {e} lacks {reason:?}"),
            (got, _) => panic!("{text:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn the_truck_ban_query_agrees_on_every_row() {
    for &(text, expected) in table::ROWS {
        let parsed = LocalDateTime::parse_rfc3339(text);
        let query = serde_json::json!({"at": text, "inside_zone": true, "on_boundary_road": false,
            "vehicle": {"class": "heavy", "body": "open", "energy": "fuel"}});
        let from_json = serde_json::from_value::<TruckBanQuery>(query).map(|q| q.at);
        match expected {
            Ok(ms) => {
                let at = parsed.unwrap_or_else(|e| panic!("{text:?}: {e}"));
                assert_eq!((at.date(), at.second_of_day()), county_time(ms), "{text:?}");
                assert_eq!(from_json.unwrap_or_else(|e| panic!("{text:?}: {e}")), at, "{text:?}");
            }
            Err(reason) => {
                let e = parsed.expect_err(text);
                assert!(e.to_string().contains(reason), "{text:?}: {e} lacks {reason:?}");
                let e = from_json.expect_err(text);
                assert!(e.to_string().contains(reason), "{text:?}: {e} lacks {reason:?}");
            }
        }
    }
}
