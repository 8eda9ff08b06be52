//! The surfaces of `POST /api/sponge/runoff` written as text
//! (`屋面=6000;绿地=7000`): `domain::sponge::parse_surfaces`, then the runoff
//! estimate over the bundled coefficient table and capture curve. Parsed areas
//! are finite and positive; an estimate, when there is one, has finite volumes.
#![no_main]

use landtrace_domain::sponge::{CaptureCurve, RunoffCoefficients, RunoffInput, parse_surfaces, runoff_control};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(surfaces) = parse_surfaces(text) else { return };
    assert!(!surfaces.is_empty());
    for s in &surfaces {
        assert!(s.area_m2.is_finite() && s.area_m2 > 0.0, "area {} m²", s.area_m2);
    }
    let input = RunoffInput { surfaces, facilities: Vec::new(), target_percent: Some(80.0), design_rainfall_mm: None };
    if let Ok(estimate) = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()) {
        let v = estimate.required_volume_m3.unwrap_or(0.0);
        assert!(v.is_finite() && v >= 0.0, "required volume {v} m³");
    }
});
