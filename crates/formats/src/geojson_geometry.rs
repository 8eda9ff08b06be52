//! GeoJSON geometries read strictly: what RFC 7946 forbids is refused, not repaired,
//! and nothing in them can make the conversion panic.
//!
//! - geo-types closes an unclosed polygon ring by itself, so a file whose rings do
//!   not end where they start would be stored as something its author never drew.
//!   RFC 7946 §3.1.6 requires every linear ring to be closed (its first and last
//!   positions identical); [`geometry_from_geojson`] checks that, naming the ring.
//! - `geojson` 1.0 checks the length of a Point's position only; its conversion to
//!   `geo-types` indexes `position[1]` of every other position unchecked, so
//!   `{"type":"Polygon","coordinates":[[[110.7]]]}` panics inside the library
//!   (found by the `read_parcels_geojson` fuzz target). Positions are checked first.
//!
//! Every GeoJSON reader of the platform (layer imports, parcel files, the parcel of a
//! request) converts through [`geometry_from_geojson`].

use geo::{CoordsIter, Geometry, MultiPolygon};
use geojson::{GeometryValue, Position};
use landtrace_domain::input_limits::Limit;

/// The geometry, if every position has at least two numbers and every polygon
/// ring is closed; else a message naming the problem (`polygon #2 hole #1 is not
/// closed: …`, `a position has 1 number(s); …`).
///
/// ```
/// use landtrace_formats::geometry_from_geojson;
///
/// let short: geojson::Geometry = r#"{"type":"LineString","coordinates":[[110.7,35.1],[110.8]]}"#.parse().unwrap();
/// let err = geometry_from_geojson(&short.value).unwrap_err();
/// assert_eq!(err, "a position has 1 number(s); at least 2 (longitude, latitude) are needed");
/// ```
pub fn geometry_from_geojson(value: &GeometryValue) -> Result<Geometry<f64>, String> {
    check_positions(value)?;
    check_rings_closed(value)?;
    Geometry::<f64>::try_from(value).map_err(|e| e.to_string())
}

fn check_positions(value: &GeometryValue) -> Result<(), String> {
    let check = |p: &Position| match p.len() {
        len @ 0..2 => Err(format!("a position has {len} number(s); at least 2 (longitude, latitude) are needed")),
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

/// The polygons of a GeoJSON Polygon or MultiPolygon (rings closed, at most
/// [`Limit::VerticesPerGeometry`] vertices), for parcels and project outlines.
pub fn polygons_from_geojson(value: &GeometryValue) -> Result<MultiPolygon<f64>, String> {
    let polygons = match geometry_from_geojson(value)? {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(mp) => mp,
        other => {
            return Err(format!(
                "geometry is a {}, expected a Polygon or MultiPolygon",
                landtrace_spatial::geometry_type_name(&other)
            ));
        }
    };
    check_vertices(&polygons)?;
    Ok(polygons)
}

/// The positions of a GeoJSON geometry, counted without converting it (so a
/// caller can refuse one over [`Limit::VerticesPerGeometry`] first).
pub fn geojson_vertex_count(value: &GeometryValue) -> u64 {
    let lines = |lines: &[Vec<Position>]| lines.iter().map(|l| l.len() as u64).sum::<u64>();
    match value {
        GeometryValue::Point { .. } => 1,
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.len() as u64
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => lines(coordinates),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().map(|p| lines(p)).sum(),
        GeometryValue::GeometryCollection { geometries } => {
            geometries.iter().map(|g| geojson_vertex_count(&g.value)).sum()
        }
    }
}

/// `Ok` when `polygons` has at most [`Limit::VerticesPerGeometry`] vertices.
pub fn check_vertices(polygons: &MultiPolygon<f64>) -> Result<(), String> {
    Limit::VerticesPerGeometry.check(polygons.coords_count() as u64, "the geometry").map_err(|e| e.to_string())
}

fn check_rings_closed(value: &GeometryValue) -> Result<(), String> {
    match value {
        GeometryValue::Polygon { coordinates } => check_polygon(coordinates, None),
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().enumerate().try_for_each(|(i, rings)| check_polygon(rings, Some(i + 1)))
        }
        GeometryValue::GeometryCollection { geometries } => geometries.iter().enumerate().try_for_each(|(i, g)| {
            check_rings_closed(&g.value).map_err(|e| format!("geometry #{} of the collection: {e}", i + 1))
        }),
        _ => Ok(()),
    }
}

/// Checks the rings of one polygon (`number`: its 1-based place in a MultiPolygon).
fn check_polygon(rings: &[Vec<Position>], number: Option<usize>) -> Result<(), String> {
    for (r, ring) in rings.iter().enumerate() {
        // An empty ring is an empty polygon, reported by the validity checks.
        let (Some(first), Some(last)) = (ring.first(), ring.last()) else { continue };
        if first != last {
            let polygon = number.map_or_else(|| "polygon".to_owned(), |n| format!("polygon #{n}"));
            let which = if r == 0 { "exterior ring".to_owned() } else { format!("hole #{r}") };
            return Err(format!(
                "{polygon} {which} is not closed: it starts at {} and ends at {}; RFC 7946 requires the first \
                 and last positions of a ring to be identical",
                position_text(first),
                position_text(last)
            ));
        }
    }
    Ok(())
}

fn position_text(p: &Position) -> String {
    let parts: Vec<String> = p.as_slice().iter().map(f64::to_string).collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> GeometryValue {
        serde_json::from_str::<geojson::Geometry>(json).unwrap().value
    }

    #[test]
    fn closed_rings_pass_and_unclosed_ones_are_named() {
        let closed = value(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#);
        assert!(matches!(geometry_from_geojson(&closed), Ok(Geometry::Polygon(_))));
        let open = value(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#);
        assert_eq!(
            geometry_from_geojson(&open).unwrap_err(),
            "polygon exterior ring is not closed: it starts at [0, 0] and ends at [0, 1]; RFC 7946 requires the \
             first and last positions of a ring to be identical"
        );
        let open_hole = value(
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],
                [[[0,0],[9,0],[9,9],[0,0]],[[1,1],[2,1],[2,2],[1,1]],[[3,3],[4,3],[4,4]]]]}"#,
        );
        let e = geometry_from_geojson(&open_hole).unwrap_err();
        assert!(e.starts_with("polygon #2 hole #2 is not closed: it starts at [3, 3] and ends at [4, 4]"), "{e}");
        let collection = value(
            r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},
                {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}]}"#,
        );
        let e = geometry_from_geojson(&collection).unwrap_err();
        assert!(e.starts_with("geometry #2 of the collection: polygon exterior ring is not closed"), "{e}");
        // A third coordinate counts: [0,0,1] does not close [0,0,0].
        let z = value(r#"{"type":"Polygon","coordinates":[[[0,0,0],[1,0,0],[1,1,0],[0,0,1]]]}"#);
        assert!(geometry_from_geojson(&z).is_err());
        // Points and lines have no rings.
        assert!(geometry_from_geojson(&value(r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#)).is_ok());
    }

    #[test]
    fn polygons_only_and_within_the_vertex_limit() {
        let point = value(r#"{"type":"Point","coordinates":[0,0]}"#);
        assert_eq!(
            polygons_from_geojson(&point).unwrap_err(),
            "geometry is a Point, expected a Polygon or MultiPolygon"
        );
        let n = Limit::VerticesPerGeometry.max() as usize;
        let ring = |count: usize| {
            let mut coords: Vec<Vec<f64>> = (0..count - 1)
                .map(|i| {
                    let a = i as f64 / (count - 1) as f64 * std::f64::consts::TAU;
                    vec![a.cos(), a.sin()]
                })
                .collect();
            coords.push(coords[0].clone());
            GeometryValue::Polygon { coordinates: vec![coords.into_iter().map(Position::from).collect()] }
        };
        assert_eq!(polygons_from_geojson(&ring(n)).map(|mp| mp.coords_count()), Ok(n));
        let e = polygons_from_geojson(&ring(n + 1)).unwrap_err();
        assert!(
            e.starts_with("the geometry has 200,001 vertices; at most 200,000 are accepted in one geometry"),
            "{e}"
        );
    }

    fn convert(text: &str) -> Result<Geometry<f64>, String> {
        let g: geojson::Geometry = text.parse().map_err(|e| format!("parse: {e}"))?;
        geometry_from_geojson(&g.value)
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
        let g = convert(r#"{"type":"Polygon","coordinates":[[[1,2,9],[3,4],[3,5],[1,2,9]]]}"#).unwrap();
        let ring: geo::LineString<f64> = vec![(1., 2.), (3., 4.), (3., 5.), (1., 2.)].into();
        assert_eq!(g, Geometry::Polygon(geo::Polygon::new(ring, vec![])));
        assert!(convert(r#"{"type":"Point","coordinates":[110.7,35.1]}"#).is_ok());
    }
}
