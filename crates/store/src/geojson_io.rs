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

/// A geometry written as the GeoJSON text of [`geometry_to_geojson`] (the same
/// members in the same order, the same numbers), straight from the coordinates:
/// no [`Value`] tree is built first. Points, polygons and multipolygons (the
/// geometries layers store) are written directly, any other through
/// [`geometry_to_geojson`].
pub(crate) struct GeometryText<'a>(pub(crate) &'a geo::Geometry<f64>);

impl serde::Serialize for GeometryText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            geo::Geometry::Point(p) => typed(serializer, "Point", &Position(p.0)),
            geo::Geometry::Polygon(p) => typed(serializer, "Polygon", &Rings(p)),
            geo::Geometry::MultiPolygon(mp) => typed(serializer, "MultiPolygon", &Parts(mp)),
            other => serde::Serialize::serialize(&geometry_to_geojson(other), serializer),
        }
    }
}

/// `{"type": …, "coordinates": …}`: the order the `geojson` crate writes them,
/// which a [`Value`] keeps (serde_json's `preserve_order`, which `cql2` enables).
fn typed<S: serde::Serializer>(
    serializer: S,
    kind: &str,
    coordinates: &impl serde::Serialize,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("type", kind)?;
    map.serialize_entry("coordinates", coordinates)?;
    map.end()
}

/// A GeoJSON position: `[x, y]`.
struct Position(geo::Coord<f64>);
/// A ring: its positions, as stored (closed).
struct Ring<'a>(&'a geo::LineString<f64>);
/// A polygon: its exterior, then its holes (`[]` without an exterior, as the
/// `geojson` crate writes it).
struct Rings<'a>(&'a geo::Polygon<f64>);
/// A multipolygon: its polygons.
struct Parts<'a>(&'a geo::MultiPolygon<f64>);

impl serde::Serialize for Position {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq([self.0.x, self.0.y])
    }
}

impl serde::Serialize for Ring<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.0.iter().map(|c| Position(*c)))
    }
}

impl serde::Serialize for Rings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let exterior = self.0.exterior();
        let holes = if exterior.0.is_empty() { &[][..] } else { self.0.interiors() };
        let rings = std::iter::once(exterior).filter(|r| !r.0.is_empty()).chain(holes);
        serializer.collect_seq(rings.map(Ring))
    }
}

impl serde::Serialize for Parts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.0.iter().map(Rings))
    }
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

/// A feature as [`feature_to_geojson`] wrote it (as the audit trail keeps it),
/// read back: its `id`, geometry and properties. `None` when `value` is not such
/// a Feature (no integer `id`, or a geometry that cannot be read).
pub fn feature_from_geojson(value: &Value) -> Option<Feature> {
    let id = value.get("id")?.as_i64()?;
    let geometry = match value.get("geometry") {
        None | Some(Value::Null) => None,
        Some(g) => {
            let g: geojson::Geometry = serde_json::from_value(g.clone()).ok()?;
            Some(geometry_from_geojson(&g.value).ok()?)
        }
    };
    let properties = value.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    Some(Feature { id, geometry, properties })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feature_written_as_geojson_reads_back() {
        use geo::{MultiPolygon, point, polygon};
        let properties = json!({"grade": 1, "name": "甲", "source": null}).as_object().unwrap().clone();
        let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        for geometry in [Some(point!(x: 110.77, y: 35.14).into()), Some(MultiPolygon(vec![square]).into()), None] {
            let f = Feature { id: 7, geometry, properties: properties.clone() };
            assert_eq!(feature_from_geojson(&feature_to_geojson(&f, &f.properties)), Some(f));
        }
        assert_eq!(feature_from_geojson(&json!({"type": "Feature", "properties": {}})), None, "no id");
    }

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
    fn geometry_text_is_the_text_of_the_geojson_value() {
        use geo::{Geometry, LineString, MultiPolygon, Point, Polygon, line_string, point, polygon};
        let square = polygon![(x: 110.0, y: 35.0), (x: 110.1, y: 35.0), (x: 110.1, y: 35.1), (x: 110.0, y: 35.0)];
        let holed = Polygon::new(
            line_string![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)],
            vec![
                line_string![(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 1.0)],
                line_string![(x: 5.5, y: 5.25), (x: 6.125, y: 5.0), (x: 6.0, y: 6.0), (x: 5.5, y: 5.25)],
            ],
        );
        let empty = Polygon::new(LineString::new(Vec::new()), Vec::new());
        let geometries: Vec<Geometry<f64>> = vec![
            point!(x: 110.7712345678901, y: 35.1400000000001).into(),
            point!(x: -0.0, y: 1e-300).into(),
            point!(x: 110.0, y: 35.0).into(),
            square.clone().into(),
            holed.clone().into(),
            empty.clone().into(),
            MultiPolygon(vec![square.clone(), holed, empty]).into(),
            MultiPolygon(Vec::new()).into(),
            Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: 4.5)]),
            Geometry::MultiPoint(vec![Point::new(1.0, 2.0)].into()),
            Geometry::GeometryCollection(geo::GeometryCollection(vec![square.into()])),
        ];
        for g in &geometries {
            let text = serde_json::to_string(&GeometryText(g)).unwrap();
            assert_eq!(text, geometry_to_geojson(g).to_string(), "{g:?}");
        }
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
