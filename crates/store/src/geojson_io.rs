//! GeoJSON in and out: parse a FeatureCollection (or a single Feature) into
//! [`NewFeature`]s, and write a stored [`Feature`] as a GeoJSON Feature object.
//!
//! Input as the input policy says: a leading UTF-8 byte-order mark is accepted, and
//! polygon rings must be closed (RFC 7946; `landtrace_formats::geometry_from_geojson`).

use std::str::FromStr;

use geojson::GeoJson;
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::strip_bom;
use landtrace_formats::geometry_from_geojson;
use serde_json::{Map, Value, json};

use crate::feature::{Feature, NewFeature};
use crate::validate::{FeatureError, FeatureErrors};

/// Parses GeoJSON text. Structural problems of single features are collected per
/// feature; an unreadable document is one whole-input error.
pub fn parse_features(kind: LayerKind, text: &str) -> Result<Vec<NewFeature>, FeatureErrors> {
    let doc = GeoJson::from_str(strip_bom(text))
        .map_err(|e| FeatureErrors::whole(kind, format!("not valid GeoJSON: {e}")))?;
    let features = match doc {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(_) => {
            return Err(FeatureErrors::whole(
                kind,
                "expected a GeoJSON FeatureCollection or Feature, got a bare Geometry (attributes are needed)",
            ));
        }
    };
    let total = features.len();
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(total);
    for (i, f) in features.into_iter().enumerate() {
        let geometry = match f.geometry.as_ref().map(|g| geometry_from_geojson(&g.value)) {
            None => None,
            Some(Ok(g)) => Some(g),
            Some(Err(e)) => {
                errors.push(FeatureError { feature: Some(i + 1), message: format!("geometry: {e}") });
                None
            }
        };
        out.push(NewFeature { geometry, properties: f.properties.unwrap_or_default() });
    }
    if errors.is_empty() { Ok(out) } else { Err(FeatureErrors { layer: kind.table_name(), total, errors }) }
}

/// A geometry as a GeoJSON geometry object.
pub fn geometry_to_geojson(g: &geo::Geometry<f64>) -> Value {
    serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(g)))
        .expect("a GeoJSON geometry always serialises")
}

/// A stored feature as a GeoJSON Feature with the given properties.
pub fn feature_to_geojson(f: &Feature, properties: &Map<String, Value>) -> Value {
    json!({
        "type": "Feature",
        "id": f.id,
        "geometry": f.geometry.as_ref().map(geometry_to_geojson),
        "properties": properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_collections_and_single_features() {
        let fc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[110.7,35.1]},"properties":{"name":"a"}},
            {"type":"Feature","geometry":null,"properties":null}]}"#;
        let out = parse_features(LayerKind::FreightSources, fc).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].properties["name"], "a");
        assert!(out[1].geometry.is_none() && out[1].properties.is_empty());
        let one = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}"#;
        assert_eq!(parse_features(LayerKind::FreightSources, one).unwrap().len(), 1);
    }

    #[test]
    fn a_byte_order_mark_is_accepted_and_unclosed_rings_are_refused() {
        let fc = "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[
            {\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110,35],[110.1,35],[110.1,35.1],[110,35]]]},\"properties\":{}},
            {\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110,35],[110.1,35],[110.1,35.1],[110,35.1]]]},\"properties\":{}}]}";
        let err = parse_features(LayerKind::UrbanGradeZones, fc).unwrap_err();
        assert_eq!(err.errors.len(), 1, "{err}");
        assert_eq!(err.errors[0].feature, Some(2));
        assert!(
            err.errors[0].message.starts_with(
                "geometry: polygon exterior ring is not closed: it starts at [110, 35] and ends at [110, 35.1]"
            ),
            "{err}"
        );
        let closed = fc.replace("[110,35.1]]]", "[110,35.1],[110,35]]]");
        assert_eq!(parse_features(LayerKind::UrbanGradeZones, &closed).unwrap().len(), 2);
    }

    #[test]
    fn unreadable_input_is_one_clear_error() {
        let err = parse_features(LayerKind::FreightSources, "{not json").unwrap_err();
        assert!(err.to_string().contains("not valid GeoJSON"), "{err}");
        let err = parse_features(LayerKind::FreightSources, r#"{"type":"Point","coordinates":[1,2]}"#).unwrap_err();
        assert!(err.to_string().contains("bare Geometry"), "{err}");
    }

    /// Found by the `geojson_parse_features` fuzz target: a position with one
    /// number panicked inside the `geojson` crate's conversion.
    #[test]
    fn short_position_is_an_error_of_its_feature() {
        let fc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[110.7,35.1]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[110.7,35.1],[110.8],[110.8,35.2],[110.7,35.1]]]},"properties":{}}]}"#;
        let err = parse_features(LayerKind::FreightSources, fc).unwrap_err();
        assert_eq!(err.errors.len(), 1);
        assert_eq!(err.errors[0].feature, Some(2));
        assert!(err.errors[0].message.contains("a position has 1 number(s)"), "{err}");
    }
}
