//! Calendar dates: `domain::Date::parse` (strict `YYYY-MM-DD`, the `as_of` of the
//! land endpoints) and `domain::trace::parse_date_lenient` (the dates of the
//! collection form: `/`, `.`, `年月日`, full-width digits). A date shown re-parses
//! to itself, the lenient parser agrees with the strict one, and day arithmetic
//! round-trips.
#![no_main]

use landtrace_domain::Date;
use landtrace_domain::traceability::parse_date_lenient;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let strict = Date::parse(text);
    if let Ok(date) = strict {
        assert_eq!(date.to_string(), text, "a strict date is shown as written");
        assert_eq!(parse_date_lenient(text), Ok(date), "the lenient parser disagrees on {text:?}");
    }
    if let Ok(date) = parse_date_lenient(text) {
        assert_eq!(Date::parse(&date.to_string()), Ok(date));
        assert_eq!(Date::from_epoch_days(date.epoch_days()), Some(date));
        if let Some(next) = date.add_days(1) {
            assert_eq!(date.days_until(next), 1);
            assert!(next > date);
        }
        assert!((1..=7).contains(&date.iso_weekday()));
    }
});
