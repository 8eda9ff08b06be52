//! TileJSON 3.0.0 documents for tile sets (<https://github.com/mapbox/tilejson-spec/tree/master/3.0.0>).

use landtrace_domain::FieldType;
use serde_json::{Map, Value, json};

use crate::tileset::ResolvedSet;

/// Attribution shown by map clients for every landtrace tile set.
pub const ATTRIBUTION: &str = "landtrace · 临猗县. County boundaries from official data; \
    other layers include illustrative demo data (accuracy = \"illustrative\"), not for decisions.";

/// Attribution of a set of user-defined layers only: the bureaus' own data.
pub const USER_ATTRIBUTION: &str = "landtrace · 临猗县. 用户定义图层：各部门自有数据 / \
    User-defined layer: the bureaus' own data, not demo data.";

/// The TileJSON type name of a field type: `"String"`, `"Number"` or `"Boolean"`.
pub fn tilejson_field_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text | FieldType::Date => "String",
        FieldType::Integer | FieldType::Real => "Number",
    }
}

/// The TileJSON 3.0.0 document of the set `set_name`.
///
/// `tile_url_template` is the `{z}/{x}/{y}` URL of its tiles; `bounds` is
/// `[west, south, east, north]` in WGS84 degrees and `center` `[lon, lat, zoom]`.
/// `vector_layers` lists one entry per layer, in draw order, with the fields written
/// into tiles and their types.
pub fn tilejson(
    set_name: &str,
    resolved: &ResolvedSet<'_>,
    tile_url_template: &str,
    bounds: [f64; 4],
    center: [f64; 3],
) -> Value {
    let vector_layers: Vec<Value> = resolved
        .layers()
        .map(|(kind, config)| {
            let fields: Map<String, Value> = config
                .properties()
                .iter()
                .map(|field| (field.name.to_owned(), Value::from(tilejson_field_type(field.ty))))
                .collect();
            json!({
                "id": kind.table_name(),
                "description": format!("{} / {}", kind.title_zh(), kind.title_en()),
                "minzoom": config.minzoom(),
                "maxzoom": config.maxzoom(),
                "fields": fields,
            })
        })
        .collect();
    json!({
        "tilejson": "3.0.0",
        "name": resolved.title().unwrap_or(set_name),
        "description": resolved.description().unwrap_or_default(),
        "tiles": [tile_url_template],
        "scheme": "xyz",
        "minzoom": resolved.minzoom(),
        "maxzoom": resolved.maxzoom(),
        "bounds": bounds,
        "center": center,
        "vector_layers": vector_layers,
        "attribution": if resolved.layers().all(|(kind, _)| kind.user_def().is_some()) {
            USER_ATTRIBUTION
        } else {
            ATTRIBUTION
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tileset::TileSets;

    const CONFIG: &str = r#"
[layers.urban_grade_zones]
minzoom = 10
maxzoom = 18
properties = ["grade", "name", "accuracy"]

[layers.county_boundaries]
minzoom = 0
maxzoom = 14
properties = ["adcode"]

[sets.all]
title = "临猗县全部公开图层"
description = "All public layers"
layers = ["county_boundaries", "urban_grade_zones"]
"#;

    #[test]
    fn document_for_a_composite_set() {
        let sets = TileSets::from_toml(CONFIG).unwrap();
        let all = sets.set("all").unwrap();
        let doc = tilejson(
            "all",
            &all,
            "http://localhost/tiles/all/{z}/{x}/{y}.mvt",
            [110.4, 34.9, 111.0, 35.4],
            [110.77, 35.14, 10.0],
        );
        assert_eq!(
            doc,
            json!({
                "tilejson": "3.0.0",
                "name": "临猗县全部公开图层",
                "description": "All public layers",
                "tiles": ["http://localhost/tiles/all/{z}/{x}/{y}.mvt"],
                "scheme": "xyz",
                "minzoom": 0,
                "maxzoom": 18,
                "bounds": [110.4, 34.9, 111.0, 35.4],
                "center": [110.77, 35.14, 10.0],
                "vector_layers": [
                    {"id": "county_boundaries", "description": "县级行政区划 / County boundaries",
                     "minzoom": 0, "maxzoom": 14, "fields": {"adcode": "String"}},
                    {"id": "urban_grade_zones", "description": "城区土地级别 / Urban land-grade zones",
                     "minzoom": 10, "maxzoom": 18,
                     "fields": {"grade": "Number", "name": "String", "accuracy": "String"}},
                ],
                "attribution": ATTRIBUTION,
            })
        );
        assert!(ATTRIBUTION.contains("illustrative"));
    }

    #[test]
    fn implicit_set_uses_the_layer_titles() {
        let sets = TileSets::from_toml(CONFIG).unwrap();
        let own = sets.set("urban_grade_zones").unwrap();
        let doc = tilejson("urban_grade_zones", &own, "t/{z}/{x}/{y}", [0.0; 4], [0.0; 3]);
        assert_eq!(doc["name"], "城区土地级别");
        assert_eq!(doc["description"], "Urban land-grade zones");
        assert_eq!(doc["vector_layers"].as_array().unwrap().len(), 1);
    }
}
