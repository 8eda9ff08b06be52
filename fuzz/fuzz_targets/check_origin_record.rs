//! An origin-point record as JSON (`POST /api/trace/records`, `PUT …/{id}`):
//! `domain::trace::check_origin_record` against the bundled divisions. A record
//! that passes keeps only the layer's fields and passes the layer's schema.
#![no_main]

use std::sync::OnceLock;

use landtrace_domain::traceability::{Divisions, NAME_VARIANTS_CSV, RecordContext, check_origin_record};
use landtrace_domain::{Date, LayerKind, validate_properties};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn divisions() -> &'static Divisions {
    static DIVISIONS: OnceLock<Divisions> = OnceLock::new();
    DIVISIONS.get_or_init(|| {
        let csv = include_str!("../../data/divisions/linyi-townships-villages.csv");
        Divisions::from_csv(csv, NAME_VARIANTS_CSV).expect("the bundled divisions are valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(record)) = serde_json::from_slice::<Value>(data) else { return };
    let ctx = RecordContext { divisions: divisions(), inside_county: true, today: Date::ymd(2024, 5, 1) };
    if let Ok(checked) = check_origin_record(&record, &ctx) {
        let fields = LayerKind::OriginPoints.fields();
        for key in checked.properties.keys() {
            assert!(fields.iter().any(|f| f.name == key), "the checked record keeps the unknown key {key:?}");
        }
        if let Err(e) = validate_properties(LayerKind::OriginPoints, &checked.properties) {
            panic!("a checked record fails the layer schema: {e}");
        }
    }
});
