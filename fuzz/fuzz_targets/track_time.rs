//! Fix times of the track readers: `track::parse_time_ms` (RFC 3339 or unix
//! seconds). Checked against the truck-ban time parser of the domain: both read RFC
//! 3339 with the one parser, `domain::instant::parse_rfc3339`, so for every text
//! shaped like a date (`YYYY-…`) they accept and refuse alike and name the same
//! instant, leap seconds included. Unix seconds are the track readers' own form.
#![no_main]

use landtrace_domain::Date;
use landtrace_domain::truck_ban::LocalDateTime;
use landtrace_track::parse_time_ms;
use libfuzzer_sys::fuzz_target;

/// Asia/Shanghai, UTC+8 all year.
const SHANGHAI_OFFSET_S: i64 = 8 * 3600;

fuzz_target!(|text: &str| {
    let track = parse_time_ms(text);
    if let Ok(t_ms) = track {
        // 12 digits of unix seconds, or years 0001-9999, bound every answer.
        assert!(t_ms.unsigned_abs() < 1_000_000_000_000_000, "{text:?} gave {t_ms} ms");
    }
    let trimmed = text.trim_ascii().as_bytes();
    let date_shaped = trimmed.len() >= 10 && trimmed[4] == b'-';
    let local = LocalDateTime::parse_rfc3339(text);
    match (&local, &track) {
        (Ok(local), Ok(t_ms)) => {
            let local_s = t_ms.div_euclid(1000) + SHANGHAI_OFFSET_S;
            let date = Date::from_epoch_days(local_s.div_euclid(86_400)).expect("the domain accepted the date");
            let second_of_day = u32::try_from(local_s.rem_euclid(86_400)).expect("less than a day");
            assert_eq!((date, second_of_day), (local.date(), local.second_of_day()), "{text:?}: the two disagree");
        }
        (Ok(_), Err(e)) => panic!("the domain reads {text:?} but the track reader says {e}"),
        (Err(e), Ok(_)) if date_shaped => panic!("the track reader reads {text:?} but the domain says {e}"),
        _ => {}
    }
});
