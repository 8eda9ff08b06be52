//! The truck-ban time parser: `domain::truck_ban::LocalDateTime::parse_rfc3339`
//! (the `at` of `POST /api/truck-ban/check`). A parsed time is a time of day in
//! Asia/Shanghai and its display (RFC 3339, `+08:00`) parses back to it.
#![no_main]

use landtrace_domain::truck_ban::LocalDateTime;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(at) = LocalDateTime::parse_rfc3339(text) else { return };
    assert!(at.second_of_day() < 86_400);
    let shown = at.to_string();
    assert_eq!(LocalDateTime::parse_rfc3339(&shown), Ok(at), "{text:?} is shown as {shown:?}");
});
