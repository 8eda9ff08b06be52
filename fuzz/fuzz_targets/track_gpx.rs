//! The Gpx track reader of `POST /api/truck-ban/track` and `landtrace check track`:
//! `track::FixReader` (Gpx) fed to the `TrackChecker` over the bundled ban zone.
//! The first byte picks the CRS and `max_gap_s`; see `landtrace_fuzz::check_track`
//! for the invariants.
#![no_main]

use landtrace_track::TrackFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| landtrace_fuzz::check_track(TrackFormat::Gpx, data));
