//! A GeoJSON geometry object as a `geo` geometry, without panicking on short
//! positions.
//!
//! `geojson` 1.0 checks the length of a Point's position only; its conversion to
//! `geo-types` indexes `position[1]` of every other position unchecked, so
//! `{"type":"Polygon","coordinates":[[[110.7]]]}` panics inside the library. Every
//! conversion of untrusted GeoJSON (layer import, parcel files, request bodies) goes
//! through [`geometry_from_geojson`], which checks each position first.

use geo::Geometry;
use geojson::{GeometryValue, Position};

/// Why a GeoJSON geometry object could not be converted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeoJsonGeometryError {
    /// A position has fewer than the two numbers longitude and latitude.
    #[error("a position has {len} number(s); at least 2 (longitude, latitude) are needed")]
    PositionTooShort {
        /// How many numbers the position has.
        len: usize,
    },
    /// The conversion itself failed (as reported by the `geojson` crate).
    #[error(transparent)]
    Conversion(#[from] geojson::Error),
}

/// Converts a GeoJSON geometry object (`Feature.geometry.value`) to a `geo`
/// geometry, refusing positions with fewer than two numbers.
///
/// ```
/// use landtrace_formats::geojson_geometry::geometry_from_geojson;
///
/// let short: geojson::Geometry = r#"{"type":"LineString","coordinates":[[110.7,35.1],[110.8]]}"#.parse().unwrap();
/// let err = geometry_from_geojson(&short.value).unwrap_err();
/// assert_eq!(err.to_string(), "a position has 1 number(s); at least 2 (longitude, latitude) are needed");
/// ```
pub fn geometry_from_geojson(value: &GeometryValue) -> Result<Geometry<f64>, GeoJsonGeometryError> {
    check_positions(value)?;
    Ok(Geometry::try_from(value)?)
}

fn check_positions(value: &GeometryValue) -> Result<(), GeoJsonGeometryError> {
    let check = |p: &Position| match p.len() {
        len @ 0..2 => Err(GeoJsonGeometryError::PositionTooShort { len }),
        _ => Ok(()),
    };
    match value {
        GeometryValue::Point { coordinates } => check(coordinates),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.iter().try_for_each(check)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter().flatten().try_for_each(check)
        }
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().try_for_each(check),
        GeometryValue::GeometryCollection { geometries } => {
            geometries.iter().try_for_each(|g| check_positions(&g.value))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(text: &str) -> Result<Geometry<f64>, String> {
        let g: geojson::Geometry = text.parse().map_err(|e| format!("parse: {e}"))?;
        geometry_from_geojson(&g.value).map_err(|e| e.to_string())
    }

    /// Found by the `read_parcels_geojson` fuzz target: each of these panicked
    /// inside `geojson` 1.0's conversion (index out of bounds).
    #[test]
    fn short_positions_are_refused_at_every_depth() {
        let too_short =
            |len| Err(format!("a position has {len} number(s); at least 2 (longitude, latitude) are needed"));
        for (text, expected) in [
            (r#"{"type":"MultiPoint","coordinates":[[1,2],[3]]}"#, too_short(1)),
            (r#"{"type":"LineString","coordinates":[[1,2],[]]}"#, too_short(0)),
            (r#"{"type":"Polygon","coordinates":[[[1,2],[3,4],[5],[1,2]]]}"#, too_short(1)),
            (r#"{"type":"MultiLineString","coordinates":[[[1,2],[3]]]}"#, too_short(1)),
            (
                r#"{"type":"MultiPolygon","coordinates":[[[[110.70,35.10],[110.71,35.10],[110.71,35.11],[110.70,35.10]]],[[[110.710]]]]}"#,
                too_short(1),
            ),
            (
                r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[1]]}]}"#,
                too_short(1),
            ),
        ] {
            assert_eq!(convert(text), expected, "{text}");
        }
    }

    #[test]
    fn full_positions_convert_and_extra_numbers_are_dropped() {
        let g = convert(r#"{"type":"Polygon","coordinates":[[[1,2,9],[3,4],[3,5],[1,2]]]}"#).unwrap();
        let ring: geo::LineString<f64> = vec![(1., 2.), (3., 4.), (3., 5.), (1., 2.)].into();
        assert_eq!(g, Geometry::Polygon(geo::Polygon::new(ring, vec![])));
        assert!(convert(r#"{"type":"Point","coordinates":[110.7,35.1]}"#).is_ok());
    }
}
