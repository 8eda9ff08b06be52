//! Layer definitions of `POST /api/layers` and `landtrace layer create
//! --definition`: `UserLayerDef` read from JSON and checked. A definition the check
//! accepts writes back to the same definition, and registering it gives a layer
//! whose name, titles and fields are the definition's.
#![no_main]

use landtrace_domain::UserLayerDef;
use landtrace_domain::schema::user_layers;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(def) = serde_json::from_str::<UserLayerDef>(text) else { return };
    if def.check().is_err() {
        assert!(user_layers::prepare(&def).is_err(), "prepare accepts what check refuses: {def:?}");
        return;
    }
    let again: UserLayerDef = serde_json::from_str(&serde_json::to_string(&def).unwrap()).unwrap();
    assert_eq!(again, def);
    // Registered without being listed: the fuzzer's definitions never leak into lookups.
    let Ok(kind) = user_layers::prepare(&def) else { return };
    assert_eq!(kind.table_name(), def.name);
    assert_eq!(kind.title_zh(), def.title_zh);
    assert_eq!(kind.field_names(), def.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>());
});
