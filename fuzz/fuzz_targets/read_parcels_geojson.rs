//! Parcel files for the land bureau's batch check, GeoJSON flavour:
//! `formats::read_parcels(ParcelInput::GeoJson, …)`, then what the check does
//! with each parcel (CRS conversion and `spatial::validate_parcel`). The first
//! byte picks the CRS.
#![no_main]

use landtrace_formats::{ParcelInput, read_parcels};
use landtrace_fuzz::check_parcel_rows;
use landtrace_spatial::Crs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let crs = if selector & 1 == 0 { Crs::Wgs84 } else { Crs::Gcj02 };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if let Ok(rows) = read_parcels(ParcelInput::GeoJson, text) {
        check_parcel_rows(rows, crs);
    }
});
