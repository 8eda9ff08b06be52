//! CRS names of every endpoint's `crs` parameter: `spatial::Crs::parse`. A CRS's
//! own name parses back to it.
#![no_main]

use landtrace_spatial::Crs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|name: &str| {
    if let Ok(crs) = Crs::parse(name) {
        assert_eq!(Crs::parse(crs.name()), Ok(crs));
        assert_eq!(Crs::parse(&crs.to_string()), Ok(crs));
    }
});
