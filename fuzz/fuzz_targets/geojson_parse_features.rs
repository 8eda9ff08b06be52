//! Layer GeoJSON import (`landtrace import`, `POST /api/layers/{layer}/features`):
//! `store::geojson_io::parse_features`, then the store's validation. The first
//! byte picks the layer. A feature that passes validation is what the store
//! writes: its coordinates are WGS84 and it survives the WKB codec unchanged.
#![no_main]

use landtrace_domain::LayerKind;
use landtrace_fuzz::{assert_lonlat, assert_wkb_round_trip};
use landtrace_store::geojson_io::parse_features;
use landtrace_store::validate_features;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let kind = LayerKind::ALL[usize::from(selector) % LayerKind::ALL.len()];
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let Ok(features) = parse_features(kind, text) else { return };
    let count = features.len();
    let Ok(valid) = validate_features(kind, features) else { return };
    assert_eq!(valid.len(), count, "validation dropped or added features");
    for geometry in valid.iter().filter_map(|f| f.geometry.as_ref()) {
        assert_lonlat(geometry);
        assert_wkb_round_trip(geometry);
    }
});
