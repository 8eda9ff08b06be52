//! The road layer of the truck ban (`truck_ban_roads`) as it is written: a road is
//! entered as its **centreline and width** — the boundary roads and excluded stretches
//! of 临政发〔2023〕5号 二、(二) (gazette line 105), the banned road sections of 三
//! (line 109) — and its surface, the polygon the zone and track checks use, is computed
//! here, once, so that every door (HTTP, OGC API, file imports, the CLI) stores the
//! same surface for the same centreline.
//!
//! A centreline comes as the feature's geometry (a GeoJSON `LineString` or
//! `MultiLineString`) or, without a geometry, as the `centreline` attribute (WKT); it
//! is kept in `centreline` (WKT, lon/lat) and the geometry becomes the surface: the
//! line widened by `width_m / 2` on each side, with square-cut (butt) ends and round
//! joins. A road drawn as a polygon is kept as drawn (the surveyed surface).
//!
//! The widening is done in metres in a local equirectangular projection about the
//! line's middle (over a few kilometres of road, its scale error is far below a
//! centimetre per metre of width), with `geo`'s `Buffer`.

use geo::algorithm::buffer::{BufferStyle, LineCap};
use geo::{Buffer, Coord, Geometry, LineString, MapCoords, MultiLineString, MultiPolygon};
use landtrace_domain::traceability::FieldProblem;
use landtrace_store::NewFeature;
use serde_json::Value;

/// Mean Earth radius, metres (the sphere the local projection uses).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

fn problem(field: &str, message: String) -> Vec<FieldProblem> {
    vec![FieldProblem { field: field.into(), message }]
}

/// The surface of a road: `centreline` (lon/lat) widened by `width_m / 2` on each side.
pub fn road_surface(centreline: &MultiLineString<f64>, width_m: f64) -> MultiPolygon<f64> {
    let coords: Vec<Coord<f64>> = centreline.0.iter().flat_map(|l| l.0.iter().copied()).collect();
    if coords.is_empty() || width_m.is_nan() || width_m <= 0.0 {
        return MultiPolygon(Vec::new());
    }
    let n = coords.len() as f64;
    let (lon0, lat0) = (coords.iter().map(|c| c.x).sum::<f64>() / n, coords.iter().map(|c| c.y).sum::<f64>() / n);
    let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
    let m_per_deg_lon = m_per_deg_lat * lat0.to_radians().cos();
    let local = centreline.map_coords(|c| Coord { x: (c.x - lon0) * m_per_deg_lon, y: (c.y - lat0) * m_per_deg_lat });
    let style = BufferStyle::new(width_m / 2.0).line_cap(LineCap::Butt);
    let surface = local.buffer_with_style(style);
    surface.map_coords(|c| Coord { x: lon0 + c.x / m_per_deg_lon, y: lat0 + c.y / m_per_deg_lat })
}

/// A road as it is stored: the surface computed from a centreline given as geometry or
/// as the `centreline` attribute (which then holds it as WKT); a polygon is kept.
pub fn prepare_road(mut feature: NewFeature) -> Result<NewFeature, Vec<FieldProblem>> {
    let line = match feature.geometry.take() {
        Some(Geometry::LineString(l)) => MultiLineString(vec![l]),
        Some(Geometry::MultiLineString(ml)) => ml,
        None => match feature.properties.get("centreline").and_then(Value::as_str).map(str::trim) {
            Some(text) if !text.is_empty() => parse_centreline(text)?,
            // No geometry and no centreline: the store's schema check says what is missing.
            _ => return Ok(feature),
        },
        other => {
            feature.geometry = other;
            return Ok(feature);
        }
    };
    if line.0.iter().any(|l| l.0.len() < 2) {
        return Err(problem("centreline", "中心线至少需要两个点（a centreline needs at least two points）".into()));
    }
    if line.0.iter().flat_map(|l| &l.0).any(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y)) {
        return Err(problem("centreline", "中心线坐标须为经纬度（the centreline must be in lon/lat degrees）".into()));
    }
    let Some(width) = feature.properties.get("width_m").and_then(Value::as_f64) else {
        return Err(problem(
            "width_m",
            "由中心线生成路面需要路宽 width_m（米）（width_m is needed to widen the centreline）".into(),
        ));
    };
    let width_range = landtrace_domain::truck_ban::roads::ROAD_WIDTH_M;
    if !width_range.contains(width) {
        // The schema check names the range; the surface is not computed from it.
        feature.geometry = None;
        return Ok(feature);
    }
    // Stored to 7 decimals (about 1 cm); the surface is computed from the line as
    // stored, so a road given again by its `centreline` gets the very same surface.
    let line = line.map_coords(|c| Coord { x: (c.x * 1e7).round() / 1e7, y: (c.y * 1e7).round() / 1e7 });
    feature.properties.insert("centreline".into(), Value::String(centreline_wkt(&line)));
    feature.geometry = Some(Geometry::MultiPolygon(road_surface(&line, width)));
    Ok(feature)
}

fn parse_centreline(text: &str) -> Result<MultiLineString<f64>, Vec<FieldProblem>> {
    let bad = |e: String| {
        problem("centreline", format!("中心线不是 WKT LINESTRING（the centreline is not a WKT LINESTRING）: {e}"))
    };
    let parsed: wkt::Wkt<f64> = text.parse().map_err(|e: &str| bad(e.to_owned()))?;
    match Geometry::try_from(parsed).map_err(|e| bad(e.to_string()))? {
        Geometry::LineString(l) => Ok(MultiLineString(vec![l])),
        Geometry::MultiLineString(ml) => Ok(ml),
        other => Err(bad(format!("a {} was given", landtrace_spatial::geometry_type_name(&other)))),
    }
}

/// WKT of a centreline, lon/lat to 7 decimals (about 1 cm).
fn centreline_wkt(line: &MultiLineString<f64>) -> String {
    let part =
        |l: &LineString<f64>| l.0.iter().map(|c| format!("{:.7} {:.7}", c.x, c.y)).collect::<Vec<_>>().join(", ");
    match line.0.as_slice() {
        [one] => format!("LINESTRING ({})", part(one)),
        many => format!(
            "MULTILINESTRING ({})",
            many.iter().map(|l| format!("({})", part(l))).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Point};
    use serde_json::json;

    fn road(geometry: Option<Geometry<f64>>, props: Value) -> NewFeature {
        NewFeature { geometry, properties: props.as_object().unwrap().clone() }
    }

    /// 1 km of 丰喜大道 (illustrative position) along 35.125°N, 40 m wide: the surface is
    /// 1 km × 40 m (geodesic area within 0.5 %), holds the centreline and points 19 m off
    /// it, and not a point 21 m off it.
    #[test]
    fn a_centreline_is_widened_by_half_the_width_on_each_side() {
        let lat: f64 = 35.125;
        let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let dlon = 1000.0 / (m_per_deg_lat * lat.to_radians().cos());
        let line = LineString::from(vec![(110.76, lat), (110.76 + dlon, lat)]);
        let given =
            road(Some(Geometry::LineString(line)), json!({"name": "丰喜大道", "role": "boundary", "width_m": 40.0}));
        let stored = prepare_road(given).unwrap();
        let Some(Geometry::MultiPolygon(surface)) = &stored.geometry else { panic!("{:?}", stored.geometry) };
        let area = landtrace_spatial::geodesic_area_m2(surface);
        assert!((area - 40_000.0).abs() < 200.0, "{area}");
        let north = |m: f64| Point::new(110.76 + dlon / 2.0, lat + m / m_per_deg_lat);
        assert!(surface.contains(&north(0.0)) && surface.contains(&north(19.0)) && surface.contains(&north(-19.0)));
        assert!(!surface.contains(&north(21.0)) && !surface.contains(&north(-21.0)));
        let wkt = stored.properties["centreline"].as_str().unwrap();
        assert!(wkt.starts_with("LINESTRING (110.7600000 35.1250000, "), "{wkt}");
        // The same road given by its `centreline` attribute gets the same surface.
        let again = prepare_road(road(None, json!({"role": "boundary", "width_m": 40.0, "centreline": wkt}))).unwrap();
        assert_eq!(again.geometry, stored.geometry);
    }

    #[test]
    fn a_drawn_surface_is_kept_and_bad_centrelines_name_their_field() {
        let square = geo::wkt!(POLYGON((110.7 35.1, 110.701 35.1, 110.701 35.101, 110.7 35.101, 110.7 35.1)));
        let kept = prepare_road(road(Some(Geometry::Polygon(square.clone())), json!({"width_m": 10.0}))).unwrap();
        assert_eq!(kept.geometry, Some(Geometry::Polygon(square)));
        let no_width =
            road(Some(Geometry::LineString(LineString::from(vec![(110.7, 35.1), (110.71, 35.1)]))), json!({}));
        assert_eq!(prepare_road(no_width).unwrap_err()[0].field, "width_m");
        let point = road(None, json!({"width_m": 10.0, "centreline": "POINT (110.7 35.1)"}));
        assert_eq!(prepare_road(point).unwrap_err()[0].field, "centreline");
        let one = road(None, json!({"width_m": 10.0, "centreline": "LINESTRING (110.7 35.1)"}));
        assert_eq!(prepare_road(one).unwrap_err()[0].field, "centreline");
    }
}
