//! Field names in a shapefile's `.dbf`: at most 10 characters.
//!
//! The rule, applied to the layer's fields in schema order:
//!
//! 1. a name of at most 10 characters is kept;
//! 2. a longer name is cut to its first 10 characters;
//! 3. when that cut (compared case-insensitively, as DBF readers do) is already taken,
//!    the name is cut to 8 characters and `_1`, `_2`, … is appended (the cut shortened
//!    further for a longer counter) until the result is free.
//!
//! So `grid_officer_name` becomes `grid_offic` and `grid_officer_phone`, which would cut
//! to the same name, `grid_off_1`. The rule depends only on the schema, so every export
//! of a layer uses the same names; the zip carries the mapping in `field_names.txt`.

/// The longest field name a DBF file holds.
pub const MAX_DBF_NAME: usize = 10;

/// The shapefile name of each field, in the order given (see the module docs).
pub fn shapefile_field_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for name in names {
        let mut candidate: String = name.chars().take(MAX_DBF_NAME).collect();
        let mut counter = 0u32;
        while taken.contains(&candidate.to_ascii_lowercase()) {
            counter += 1;
            let suffix = format!("_{counter}");
            let keep = MAX_DBF_NAME.saturating_sub(suffix.len()).max(1);
            candidate = format!("{}{suffix}", name.chars().take(keep).collect::<String>());
        }
        taken.push(candidate.to_ascii_lowercase());
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(names: &[&str], expected: &[&str]) {
        assert_eq!(shapefile_field_names(names.iter().copied()), expected);
    }

    #[test]
    fn short_names_are_kept_long_ones_cut_and_repeats_numbered() {
        check(&["grade", "accuracy", "source"], &["grade", "accuracy", "source"]);
        check(
            &["grid_officer_name", "grid_officer_phone", "collector_name", "collector_phone", "subject_name"],
            &["grid_offic", "grid_off_1", "collector_", "collecto_1", "subject_na"],
        );
        check(&["abcdefghijk", "abcdefghijl", "abcdefghijm"], &["abcdefghij", "abcdefgh_1", "abcdefgh_2"]);
    }

    #[test]
    fn every_layer_gets_unique_names_of_at_most_ten_characters() {
        for kind in landtrace_domain::LayerKind::ALL {
            let names = shapefile_field_names(kind.fields().iter().map(|f| f.name));
            let mut lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            assert!(names.iter().all(|n| n.len() <= MAX_DBF_NAME), "{kind:?}: {names:?}");
            lower.sort();
            lower.dedup();
            assert_eq!(lower.len(), names.len(), "{kind:?}: {names:?}");
        }
    }
}
