//! The body of `POST /api/truck-ban/check` as the domain reads it: a
//! `TruckBanQuery` (time, vehicle with its GA 802-2019 size or class, pass with
//! its daily windows) deserialised and decided, and the decision serialised. The
//! same JSON, as a stored `truck_passes` record, goes through `pass_from_record`
//! (plate, dates and `HH:MM-HH:MM;…` windows).
#![no_main]

use landtrace_domain::TruckBanQuery;
use landtrace_domain::truck_ban::decide;
use landtrace_domain::truck_ban::pass_record::pass_from_record;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(query) = serde_json::from_slice::<TruckBanQuery>(data) {
        let decision = decide(&query);
        assert_eq!(decision.banned, decision.penalty.is_some(), "a ban comes with its penalty, and only a ban");
        serde_json::to_string(&decision).expect("a decision serialises");
    }
    if let Ok(Value::Object(record)) = serde_json::from_slice::<Value>(data) {
        let _ = pass_from_record(&record);
    }
});
