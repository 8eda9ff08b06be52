//! CRS names of every endpoint's `crs` parameter and the built-in conversions:
//! `spatial::Crs::parse` and `Crs::to_wgs84`/`from_wgs84`. A CRS's own name
//! parses back to it; `NAME X Y` converts without a panic, and a position that
//! converts to WGS84 converts back.
#![no_main]

use geo::Coord;
use landtrace_spatial::Crs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(crs) = Crs::parse(text) {
        assert_eq!(Crs::parse(&crs.name()), Ok(crs));
        assert_eq!(Crs::parse(&crs.to_string()), Ok(crs));
    }
    let mut parts = text.split_whitespace();
    if let (Some(name), Some(x), Some(y)) = (parts.next(), parts.next(), parts.next())
        && let (Ok(crs), Ok(x), Ok(y)) = (Crs::parse(name), x.parse::<f64>(), y.parse::<f64>())
        && let Ok(p) = crs.to_wgs84(Coord { x, y })
    {
        let back = crs.from_wgs84(p);
        assert!(back.is_ok(), "{name} {x} {y} -> {p:?} does not convert back");
    }
});
