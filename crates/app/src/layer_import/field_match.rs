//! A file's attribute names matched to the layer's fields, whatever the format:
//!
//! - a source field that is not a field of the layer but differs from one only in
//!   ASCII case takes that field's name (`Name` → `name`, `CATEGORY` → `category`),
//!   unless the feature has the exact field as well (then the exact one is kept and
//!   the other is reported as unknown, as before);
//! - a KML file's own fields, which GDAL's KML and LIBKML drivers add to every
//!   placemark (styling and display: [`KML_STYLING_FIELDS`]), are left behind
//!   instead of being reported as unknown, unless the layer has a field of that name.
//!
//! Both are said in the answer's notes, once per field.

use std::collections::{BTreeMap, BTreeSet};

use landtrace_domain::LayerKind;

use super::ImportedFeature;

/// The fields GDAL's LIBKML driver adds to a placemark's attributes besides its name,
/// description and `ExtendedData` (and `styleUrl`, which some writers add).
pub const KML_STYLING_FIELDS: [&str; 11] = [
    "styleUrl",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
];

/// Renames and drops the attributes of `features` as the module documentation says;
/// `kml` tells whether the file is KML (GDAL's KML or LIBKML driver). Returns the
/// notes for the user.
pub fn match_layer_fields(kind: LayerKind, kml: bool, features: &mut [ImportedFeature]) -> Vec<String> {
    let mut renamed: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut ignored: BTreeSet<String> = BTreeSet::new();
    for feature in features {
        let unknown: Vec<String> = feature.properties.keys().filter(|k| kind.field(k).is_none()).cloned().collect();
        for key in unknown {
            let same_but_case = kind.fields().iter().find(|f| f.name.eq_ignore_ascii_case(&key)).map(|f| f.name);
            match same_but_case {
                Some(target) if !feature.properties.contains_key(target) => {
                    if let Some(value) = feature.properties.remove(&key) {
                        feature.properties.insert(target.to_owned(), value);
                        renamed.insert(key, target);
                    }
                }
                Some(_) => {}
                None if kml && KML_STYLING_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(&key)) => {
                    feature.properties.remove(&key);
                    ignored.insert(key);
                }
                None => {}
            }
        }
    }
    let mut notes: Vec<String> = renamed
        .into_iter()
        .map(|(source, target)| {
            format!("source field `{source}` read as the layer's field `{target}` (the names differ only in case)")
        })
        .collect();
    if !ignored.is_empty() {
        let list: Vec<String> = ignored.into_iter().collect();
        notes.push(format!("KML styling fields left out: {}", list.join(", ")));
    }
    notes
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn feature(properties: Value) -> ImportedFeature {
        let properties = properties.as_object().cloned().unwrap_or_default();
        ImportedFeature { number: 1, geometry: None, properties, problems: Vec::new() }
    }

    #[test]
    fn case_only_differences_are_matched_and_kml_styling_is_left_out() {
        let kml_placemark = json!({"Name": "临猗果业", "CATEGORY": "果品", "tessellate": -1, "visibility": -1,
                                   "styleUrl": "#s", "备注": "x"});
        let mut features = [feature(kml_placemark.clone()), feature(json!({"Name": "b", "name": "exact"}))];
        let notes = match_layer_fields(LayerKind::FreightSources, true, &mut features);
        assert_eq!(
            Value::Object(features[0].properties.clone()),
            json!({"name": "临猗果业", "category": "果品", "备注": "x"})
        );
        assert_eq!(Value::Object(features[1].properties.clone()), json!({"Name": "b", "name": "exact"}));
        assert_eq!(
            notes,
            [
                "source field `CATEGORY` read as the layer's field `category` (the names differ only in case)",
                "source field `Name` read as the layer's field `name` (the names differ only in case)",
                "KML styling fields left out: styleUrl, tessellate, visibility",
            ]
        );
        // Not a KML file: the same names are the user's data, reported if unknown.
        let mut features = [feature(kml_placemark)];
        let notes = match_layer_fields(LayerKind::FreightSources, false, &mut features);
        assert!(features[0].properties.contains_key("tessellate") && notes.len() == 2, "{notes:?}");
    }
}
