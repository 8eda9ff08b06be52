//! Fix times of the track readers: `track::parse_time_ms` (RFC 3339 or unix
//! seconds). Checked against the truck-ban time parser of the domain, which reads
//! the same RFC 3339 form: where both accept a text, they must name the same
//! instant (apart from a leap second, which the two read differently by design),
//! and every text the domain accepts the track reader accepts too.
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
        // 12 digits of unix seconds, or years 0000-9999, bound every answer.
        assert!(t_ms.unsigned_abs() < 1_000_000_000_000_000, "{text:?} gave {t_ms} ms");
    }
    let Ok(local) = LocalDateTime::parse_rfc3339(text) else { return };
    let t_ms = track.unwrap_or_else(|e| panic!("the domain reads {text:?} but the track reader says {e}"));
    if text.as_bytes().get(17..19) == Some(b"60") {
        return; // leap second: the track reader moves on to :00, the domain stays at :59
    }
    let local_s = t_ms.div_euclid(1000) + SHANGHAI_OFFSET_S;
    let date = Date::from_epoch_days(local_s.div_euclid(86_400)).expect("the domain accepted the date");
    let second_of_day = u32::try_from(local_s.rem_euclid(86_400)).expect("less than a day");
    assert_eq!((date, second_of_day), (local.date(), local.second_of_day()), "{text:?}: the two parsers disagree");
});
