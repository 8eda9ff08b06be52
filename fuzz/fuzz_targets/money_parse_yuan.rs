//! Yuan amounts of the land endpoints (`price_yuan` and the like):
//! `domain::Money::parse_yuan`. An amount shown with two decimals parses back to
//! itself; the 万元 text never panics.
#![no_main]

use landtrace_domain::Money;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(money) = Money::parse_yuan(text) else { return };
    assert_eq!(Money::parse_yuan(&money.yuan_text()), Ok(money));
    let _ = money.wan_yuan_text();
});
