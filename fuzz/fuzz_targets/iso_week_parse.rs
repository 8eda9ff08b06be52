//! ISO weeks of the weekly dispatch ledger: `domain::trace::IsoWeek::parse`
//! (`GET /api/trace/ledger?week=2023-W24`). A week shown re-parses to itself,
//! contains its Monday and Sunday, and `next`/`previous` undo each other.
#![no_main]

use landtrace_domain::traceability::IsoWeek;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(week) = IsoWeek::parse(text) else { return };
    assert_eq!(IsoWeek::parse(&week.to_string()), Ok(week));
    let (monday, sunday) = (week.monday(), week.sunday());
    assert_eq!(monday.iso_weekday(), 1, "{week}: Monday is weekday {}", monday.iso_weekday());
    assert_eq!(IsoWeek::containing(monday), week, "{week} does not contain its Monday {monday}");
    // 9999's last week ends after 9999-12-31, where `sunday` clamps.
    if sunday.year() < 9999 || sunday.iso_weekday() == 7 {
        assert_eq!(monday.days_until(sunday), 6);
        assert_eq!(IsoWeek::containing(sunday), week, "{week} does not contain its Sunday {sunday}");
    }
    let next = week.next();
    if next != week {
        assert_eq!(next.previous(), week);
        assert!(next > week);
    }
});
