//! GeoJSON track reader. **GeoJSON is read whole** (a JSON document has no
//! natural record boundary to stream on); the fixes are then handed out one
//! by one.
//!
//! Accepted:
//! - a FeatureCollection of Point features, each with `properties.time`;
//! - a LineString Feature (top level or in a FeatureCollection) with
//!   `properties.times` (or `coordTimes`, as togeojson writes), an array as
//!   long as `coordinates`.
//!
//! A time is an RFC 3339 string with an offset or a number of unix seconds.

use crate::error::{TrackError, TrackErrorKind, echo};
use crate::fix::Fix;
use crate::location::Location;
use crate::timestamp::{TimeError, parse_fix_time};
use landtrace_spatial::Crs;
use serde_json::Value;

type FixResult = Result<Fix, TrackError>;

/// All fixes (and errors) of a GeoJSON document, in document order.
pub(crate) fn geojson_fixes(text: &str, crs: Crs) -> Vec<FixResult> {
    let document_error =
        |message: String| vec![Err(TrackError::new(Location::Document, TrackErrorKind::GeoJson(message)))];
    // A leading UTF-8 byte-order mark is accepted, as in every text input.
    let root: Value = match serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)) {
        Ok(root) => root,
        Err(e) => return document_error(format!("not JSON: {e}")),
    };
    let mut out = Vec::new();
    match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            let Some(features) = root.get("features").and_then(Value::as_array) else {
                return document_error("a FeatureCollection needs a \"features\" array".to_owned());
            };
            for (i, feature) in features.iter().enumerate() {
                read_feature(feature, Some(i), crs, &mut out);
            }
        }
        Some("Feature") => read_feature(&root, None, crs, &mut out),
        other => {
            return document_error(format!(
                "expected a FeatureCollection or a Feature, found type {}",
                other.map_or("(none)".to_owned(), |t| format!("{:?}", echo(t)))
            ));
        }
    }
    out
}

fn read_feature(feature: &Value, index: Option<usize>, crs: Crs, out: &mut Vec<FixResult>) {
    let feature_at = index.map_or(Location::Document, Location::Feature);
    let geometry = feature.get("geometry");
    let properties = feature.get("properties");
    let coordinates = geometry.and_then(|g| g.get("coordinates"));
    let error = |message: &str| Err(TrackError::new(feature_at, TrackErrorKind::GeoJson(message.to_owned())));
    match geometry.and_then(|g| g.get("type")).and_then(Value::as_str) {
        Some("Point") => {
            let time = properties.and_then(|p| p.get("time"));
            out.push(fix(feature_at, coordinates, time, crs).map_err(|kind| TrackError::new(feature_at, kind)));
        }
        Some("LineString") => {
            let Some(coordinates) = coordinates.and_then(Value::as_array) else {
                out.push(error("a LineString needs a \"coordinates\" array"));
                return;
            };
            let times = properties.and_then(|p| p.get("times").or_else(|| p.get("coordTimes")));
            let Some(times) = times.and_then(Value::as_array) else {
                out.push(Err(TrackError::new(feature_at, TrackErrorKind::MissingTime)));
                return;
            };
            if times.len() != coordinates.len() {
                out.push(error(&format!(
                    "properties.times has {} entries but the LineString {} coordinates",
                    times.len(),
                    coordinates.len()
                )));
                return;
            }
            for (i, (position, time)) in coordinates.iter().zip(times).enumerate() {
                let at = Location::Vertex { feature: index, index: i };
                out.push(fix(at, Some(position), Some(time), crs).map_err(|kind| TrackError::new(at, kind)));
            }
        }
        _ => out.push(error("expected a Point or LineString geometry")),
    }
}

/// The fix at `at`; numeric times are unix seconds, rounded to the millisecond.
fn fix(at: Location, position: Option<&Value>, time: Option<&Value>, crs: Crs) -> Result<Fix, TrackErrorKind> {
    let (t_ms, local_time_assumed) = match time {
        None | Some(Value::Null) => return Err(TrackErrorKind::MissingTime),
        Some(Value::String(text)) => match parse_fix_time(text) {
            Ok(read) => read,
            Err(TimeError::Empty) => return Err(TrackErrorKind::MissingTime),
            Err(reason) => return Err(TrackErrorKind::BadTime { value: echo(text), reason }),
        },
        Some(Value::Number(n)) => match n.as_f64().map(|s| (s * 1000.0).round()) {
            Some(ms) if ms.abs() < 1e15 => (ms as i64, false),
            _ => return Err(TrackErrorKind::BadTime { value: n.to_string(), reason: TimeError::OutOfRange }),
        },
        Some(other) => {
            return Err(TrackErrorKind::BadTime { value: echo(&other.to_string()), reason: TimeError::Malformed });
        }
    };
    let axis = |i: usize, field: &'static str| match position.and_then(|p| p.get(i)) {
        None | Some(Value::Null) => Err(TrackErrorKind::MissingField(field)),
        Some(value) => {
            value.as_f64().ok_or_else(|| TrackErrorKind::BadNumber { field, value: echo(&value.to_string()) })
        }
    };
    let (lon, lat) = (axis(0, "lon")?, axis(1, "lat")?);
    let position = crs.to_wgs84(geo::Coord { x: lon, y: lat }).map_err(TrackErrorKind::BadCoordinate)?;
    Ok(Fix { at, t_ms, position, local_time_assumed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        geojson_fixes(text, Crs::Wgs84)
            .into_iter()
            .map(|r| match r {
                Ok(f) => format!("{} {} {} {}", f.at, f.t_ms, f.position.lon(), f.position.lat()),
                Err(e) => e.to_string(),
            })
            .collect()
    }

    #[test]
    fn point_features() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[110.5,35.25]},"properties":{"time":"2024-05-01T00:00:00Z"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[110.5,35.25]},"properties":{"time":1714521601.5}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[110.5,35.25]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[110.5,"x"]},"properties":{"time":1}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[190,35]},"properties":{"time":1}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[]},"properties":{"time":1}}
        ]}"#;
        assert_eq!(
            read(text),
            [
                "features[0] 1714521600000 110.5 35.25",
                "features[1] 1714521601500 110.5 35.25",
                "features[2]: missing time",
                "features[3]: lat \"\\\"x\\\"\" is not a number",
                "features[4]: lon 190 is outside -180..180",
                "features[5]: expected a Point or LineString geometry",
            ]
        );
    }

    #[test]
    fn line_string_feature() {
        let text = r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[110.5,35.25],[110.75,35.5]]},
            "properties":{"times":["2024-05-01T00:00:00Z", null]}}"#;
        assert_eq!(
            read(text),
            ["geometry.coordinates[0] 1714521600000 110.5 35.25", "geometry.coordinates[1]: missing time"]
        );
        let mismatched = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "geometry":{"type":"LineString","coordinates":[[110.5,35.25]]},"properties":{"coordTimes":[]}}]}"#;
        assert_eq!(read(mismatched), ["features[0]: properties.times has 0 entries but the LineString 1 coordinates"]);
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let text = "\u{feff}{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.5,35.25]},\
                    \"properties\":{\"time\":\"2024-05-01T00:00:00Z\"}}";
        assert_eq!(read(text), ["document 1714521600000 110.5 35.25"]);
    }

    #[test]
    fn document_errors_are_fatal() {
        for (text, message) in [
            ("{", "document: not JSON: EOF while parsing an object at line 1 column 1"),
            (
                r#"{"type":"Point","coordinates":[1,2]}"#,
                "document: expected a FeatureCollection or a Feature, found type \"Point\"",
            ),
            (r#"{"type":"FeatureCollection"}"#, "document: a FeatureCollection needs a \"features\" array"),
        ] {
            let results = geojson_fixes(text, Crs::Wgs84);
            assert_eq!(results.len(), 1);
            let err = results[0].clone().unwrap_err();
            assert!(err.is_fatal());
            assert_eq!(err.to_string(), message);
        }
    }
}
