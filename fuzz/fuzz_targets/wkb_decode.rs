//! Well-Known Binary as the stores read it (GeoPackage blobs, PostGIS):
//! `store::wkb::decode`. Element counts must never drive allocation past the
//! input; a decoded geometry with finite coordinates encodes and decodes back to
//! itself.
#![no_main]

use geo::CoordsIter;
use landtrace_fuzz::assert_wkb_round_trip;
use landtrace_store::wkb;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(geometry) = wkb::decode(data) else { return };
    // geo closes a polygon ring by appending its first point when the last one
    // differs; a NaN point never equals itself, so such a ring grows by one point
    // on every pass. The store never writes NaN (validation refuses it).
    if geometry.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
        assert_wkb_round_trip(&geometry);
    }
});
