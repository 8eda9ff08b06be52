//! Geometries of table rows (CSV, XLSX, ODS): from a longitude/latitude pair of
//! columns, an x/y pair, or a WKT column, found by their names (case and spaces
//! ignored). The columns used are taken out of the row's attributes.
//!
//! - longitude/latitude: `lon`, `lng`, `long`, `longitude`, `经度` with `lat`,
//!   `latitude`, `纬度`;
//! - x/y: `x`, `easting`, `东坐标` with `y`, `northing`, `北坐标` (a file that writes
//!   the northing in `x`, as Chinese surveyors do, is recognised by its ranges later);
//! - WKT: `wkt`, `geometry`, `geom`, `the_geom`, `shape`, `几何`.

use geo::{Geometry, Point};
use serde_json::Value;

use crate::read::{SourceFeature, convert_geometry};

const LON: [&str; 5] = ["lon", "lng", "long", "longitude", "经度"];
const LAT: [&str; 3] = ["lat", "latitude", "纬度"];
const X: [&str; 3] = ["x", "easting", "东坐标"];
const Y: [&str; 3] = ["y", "northing", "北坐标"];
const WKT: [&str; 6] = ["wkt", "geometry", "geom", "the_geom", "shape", "几何"];

/// Builds the geometry of every row that has none from its coordinate or WKT
/// columns and removes those columns. Returns what was used, for the user; None
/// when the table has no such columns (its rows keep no geometry).
pub fn build(rows: &mut [SourceFeature]) -> Option<String> {
    let names: Vec<String> = rows.first().map(|r| r.properties.keys().cloned().collect()).unwrap_or_default();
    let all_names: std::collections::BTreeSet<String> =
        rows.iter().flat_map(|r| r.properties.keys().cloned()).chain(names).collect();
    let find =
        |wanted: &[&str]| all_names.iter().find(|n| wanted.iter().any(|w| n.trim().to_lowercase() == *w)).cloned();
    let pair = match (find(&LON), find(&LAT), find(&X), find(&Y), find(&WKT)) {
        (Some(lon), Some(lat), ..) => Columns::Pair(lon, lat),
        (_, _, Some(x), Some(y), _) => Columns::Pair(x, y),
        (.., Some(wkt)) => Columns::Wkt(wkt),
        _ => return None,
    };
    for row in rows.iter_mut() {
        match &pair {
            Columns::Pair(x, y) => {
                let (vx, vy) = (row.properties.remove(x), row.properties.remove(y));
                if row.geometry.is_some() {
                    continue;
                }
                match (vx.as_ref().map(number), vy.as_ref().map(number)) {
                    (Some(Ok(a)), Some(Ok(b))) => row.geometry = Some(Geometry::Point(Point::new(a, b))),
                    (None, None) => {}
                    (a, b) => {
                        let why = [(x, a), (y, b)]
                            .into_iter()
                            .filter_map(|(name, v)| match v {
                                None => Some(format!("column `{name}` is empty")),
                                Some(Err(text)) => Some(format!("column `{name}` = {text:?} is not a number")),
                                Some(Ok(_)) => None,
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        row.geometry_problem = Some(format!("geometry: {why}"));
                    }
                }
            }
            Columns::Wkt(column) => {
                let Some(value) = row.properties.remove(column) else { continue };
                if row.geometry.is_some() {
                    continue;
                }
                let text = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match gdal::vector::Geometry::from_wkt(&text) {
                    Ok(g) => match convert_geometry(&g, row.number) {
                        Ok(g) => row.geometry = g,
                        Err(problem) => row.geometry_problem = Some(problem),
                    },
                    Err(_) => {
                        row.geometry_problem = Some(format!(
                            "geometry: column `{column}` is not WKT: {:?}",
                            landtrace_domain::input_limits::echo(&text)
                        ));
                    }
                }
            }
        }
    }
    Some(match pair {
        Columns::Pair(x, y) => format!("point geometries from the columns `{x}` and `{y}`"),
        Columns::Wkt(w) => format!("geometries from the WKT column `{w}`"),
    })
}

enum Columns {
    Pair(String, String),
    Wkt(String),
}

/// A cell as a number: a number, or text holding one.
fn number(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| n.to_string()),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| s.clone()),
        other => Err(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn row(number: usize, props: Value) -> SourceFeature {
        SourceFeature { number, geometry: None, geometry_problem: None, properties: props.as_object().unwrap().clone() }
    }

    #[test]
    fn coordinate_columns_become_points_and_leave_the_attributes() {
        let mut rows = vec![
            row(1, json!({"name": "a", "经度": 110.7, "纬度": "35.1"})),
            row(2, json!({"name": "b", "经度": "east", "纬度": 35.1})),
        ];
        let used = build(&mut rows).unwrap();
        assert_eq!(used, "point geometries from the columns `经度` and `纬度`");
        assert_eq!(rows[0].geometry, Some(Geometry::Point(Point::new(110.7, 35.1))));
        assert_eq!(rows[0].properties, *json!({"name": "a"}).as_object().unwrap());
        assert_eq!(rows[1].geometry_problem.as_deref(), Some("geometry: column `经度` = \"east\" is not a number"));
    }

    #[test]
    fn a_wkt_column_is_read() {
        let mut rows = vec![
            row(1, json!({"WKT": "POLYGON ((0 0, 1 0, 1 1, 0 0))", "name": "p"})),
            row(2, json!({"WKT": "POLYGON ((0 0", "name": "q"})),
        ];
        build(&mut rows).unwrap();
        assert!(matches!(rows[0].geometry, Some(Geometry::Polygon(_))));
        assert!(rows[1].geometry_problem.as_deref().unwrap().contains("is not WKT"), "{:?}", rows[1]);
        let mut plain = vec![row(1, json!({"name": "n"}))];
        assert_eq!(build(&mut plain), None);
    }
}
