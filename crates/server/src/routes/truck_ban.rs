//! Traffic police: `POST /api/truck-ban/check` — is this truck, here, at this
//! time, banned under 临政发〔2023〕5号, and under which clause?

use axum::Json;
use axum::extract::State;
use geo::{Closest, ClosestPoint, Coord, Geometry, Point};
use landtrace_domain::LayerKind;
use landtrace_domain::truck_ban::{LocalDateTime, Pass, TruckBanQuery, Vehicle, decide, normalize_plate};
use landtrace_domain::truck_pass_record::pass_from_record;
use landtrace_spatial::{Crs, LonLat};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::error::AppError;
use crate::state::AppState;

/// How far outside the zone polygon a position still counts as on a boundary
/// road. The zone polygons are drawn inset from the centrelines of the boundary
/// roads (the roads are not in the zone); a point within this distance outside
/// the polygon is taken to be on the road. An approximation until a road layer
/// with widths is imported; stated in every answer.
pub const BOUNDARY_ROAD_TOLERANCE_M: f64 = 30.0;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// Body of `POST /api/truck-ban/check`.
#[derive(Debug, Deserialize)]
pub struct CheckRequest {
    /// Longitude of the truck.
    pub lon: f64,
    /// Latitude of the truck.
    pub lat: f64,
    /// CRS of lon/lat (default EPSG:4326).
    pub crs: Option<String>,
    /// The instant, RFC 3339 with `Z` or an offset.
    pub at: String,
    /// The vehicle: `class` or `length_mm` + `total_mass_kg`, `body`, `energy`,
    /// `purpose`, `plate`.
    pub vehicle: Value,
    /// The truck's pass, if any.
    pub pass: Option<Value>,
    /// Whether the position is inside the pass's named area or route.
    #[serde(default)]
    pub inside_pass_area: bool,
}

/// Metres between two nearby lon/lat points (local equirectangular; < 0.1 %
/// error over the few hundred metres it is used for).
fn local_distance_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let lat = ((a.y + b.y) / 2.0).to_radians();
    let dx = (a.x - b.x) * 111_320.0 * lat.cos();
    let dy = (a.y - b.y) * 110_574.0;
    dx.hypot(dy)
}

/// (inside the zone, on a boundary road, distance to the zone edge in metres).
fn position_facts(catalog: &Catalog, point: Coord<f64>) -> (bool, bool, Option<f64>) {
    let inside = catalog.zones.locate(point).iter().any(|(kind, _)| *kind == LayerKind::TruckBanZone);
    let distance = catalog.layer(LayerKind::TruckBanZone).and_then(|layer| {
        let near = geo::Rect::new((point.x - 0.01, point.y - 0.01), (point.x + 0.01, point.y + 0.01));
        layer
            .intersecting(near)
            .iter()
            .filter_map(|f| match &f.geometry {
                Some(Geometry::MultiPolygon(mp)) => Some(mp.clone()),
                _ => None,
            })
            .flat_map(|mp| mp.0.into_iter())
            .flat_map(|p| {
                std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned()).collect::<Vec<_>>()
            })
            .filter_map(|ring| match ring.closest_point(&Point::from(point)) {
                Closest::Intersection(p) | Closest::SinglePoint(p) => Some(local_distance_m(point, p.0)),
                Closest::Indeterminate => None,
            })
            .reduce(f64::min)
    });
    let on_road = !inside && distance.is_some_and(|d| d <= BOUNDARY_ROAD_TOLERANCE_M);
    (inside, on_road, distance)
}

/// Metres from `point` to the nearest edge of any truck-ban zone polygon
/// (haversine between the point and the planar closest point in lon/lat; well
/// within 0.5 % at county distances).
fn distance_to_zone_edge_m(zones: &[geo::MultiPolygon<f64>], point: Coord<f64>) -> Option<f64> {
    use geo::{Distance, Haversine};
    zones
        .iter()
        .flat_map(|mp| mp.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors().iter()))
        .filter_map(|ring| match ring.closest_point(&Point::from(point)) {
            Closest::Intersection(p) | Closest::SinglePoint(p) => Some(Haversine.distance(Point::from(point), p)),
            Closest::Indeterminate => None,
        })
        .reduce(f64::min)
}

/// `GET /api/truck-ban/freight-sources`: the key freight-source enterprises of
/// 临政办发〔2023〕18号, each with whether it lies inside the truck-ban zone and its
/// distance to the zone's edge.
pub async fn freight_sources(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog.read().await;
    let world = geo::Rect::new((-180.0, -90.0), (180.0, 90.0));
    let zones: Vec<geo::MultiPolygon<f64>> = catalog
        .layer(LayerKind::TruckBanZone)
        .map(|l| l.intersecting(world))
        .unwrap_or_default()
        .iter()
        .filter_map(|f| match &f.geometry {
            Some(Geometry::MultiPolygon(mp)) => Some(mp.clone()),
            _ => None,
        })
        .collect();
    let sources = catalog.layer(LayerKind::FreightSources).map(|l| l.intersecting(world)).unwrap_or_default();
    let rows: Vec<Value> = sources
        .iter()
        .filter_map(|f| {
            let Some(Geometry::Point(p)) = &f.geometry else { return None };
            let inside = catalog.zones.locate(p.0).iter().any(|(kind, _)| *kind == LayerKind::TruckBanZone);
            Some(json!({
                "id": f.id,
                "name": f.properties.get("name"),
                "category": f.properties.get("category"),
                "lon": p.x(), "lat": p.y(),
                "inside_zone": inside,
                "distance_to_zone_edge_m": distance_to_zone_edge_m(&zones, p.0).map(|d| (d * 10.0).round() / 10.0),
                "illustrative": f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative"),
            }))
        })
        .collect();
    Ok(Json(json!({
        "document": landtrace_domain::truck_ban::FREIGHT_SOURCES_DOCUMENT,
        "count": rows.len(),
        "positions_note": "企业位置为示例（公报未给出位置），待交警大队导入实际位置 / positions are illustrative until the traffic police import the real ones",
        "sources": rows,
    })))
}

/// `POST /api/truck-ban/check`.
pub async fn check(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, AppError> {
    let req: CheckRequest = crate::routes::land::json_body(&body)?;
    let crs = req.crs.as_deref().map_or(Ok(Crs::Wgs84), Crs::parse).map_err(bad)?;
    let point = crs.to_wgs84(LonLat::new(req.lon, req.lat).map_err(bad)?);
    let at = LocalDateTime::parse_rfc3339(&req.at).map_err(|e| bad(format!("`at`: {e}")))?;
    let vehicle: Vehicle = serde_json::from_value(req.vehicle).map_err(|e| bad(format!("`vehicle`: {e}")))?;
    let mut pass: Option<Pass> =
        req.pass.map(serde_json::from_value).transpose().map_err(|e| bad(format!("`pass`: {e}")))?;
    // No pass in the request: look the plate up in the pass registry.
    let mut pass_record = Value::Null;
    if let (None, Some(plate)) = (&pass, vehicle.plate.clone()) {
        let wanted = normalize_plate(&plate);
        let records = state.store.features(LayerKind::TruckPasses).await?;
        let candidates: Vec<(i64, Pass)> = records
            .iter()
            .filter(|f| f.properties.get("plate").and_then(Value::as_str).is_some_and(|p| normalize_plate(p) == wanted))
            .filter_map(|f| pass_from_record(&f.properties).ok().map(|p| (f.id, p)))
            .collect();
        let chosen = candidates
            .iter()
            .find(|(_, p)| p.valid_at(at, &plate, req.inside_pass_area).is_ok())
            .or_else(|| candidates.first())
            .cloned();
        if let Some((id, p)) = chosen {
            pass_record = json!({"layer": LayerKind::TruckPasses.table_name(), "id": id});
            pass = Some(p);
        }
    }
    let catalog = state.catalog.read().await;
    let (inside_zone, on_boundary_road, distance) = position_facts(&catalog, point.into());
    let illustrative = catalog.layer(LayerKind::TruckBanZone).is_some_and(|l| {
        l.intersecting(geo::Rect::new((-180.0, -90.0), (180.0, 90.0)))
            .iter()
            .any(|f| f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative"))
    });
    drop(catalog);
    let query =
        TruckBanQuery { at, vehicle, inside_zone, on_boundary_road, pass, inside_pass_area: req.inside_pass_area };
    let decision = decide(&query);
    let mut answer = serde_json::to_value(&decision).map_err(|e| AppError::Internal(e.to_string()))?;
    answer["pass_record"] = pass_record;
    answer["position"] = json!({
        "lon": point.lon(), "lat": point.lat(),
        "inside_zone": inside_zone,
        "on_boundary_road": on_boundary_road,
        "distance_to_zone_edge_m": distance,
        "boundary_road_rule": format!(
            "a position outside the zone polygon and within {BOUNDARY_ROAD_TOLERANCE_M} m of its edge is taken to be on a boundary road (approximation until a road layer is imported)"
        ),
        "zone_illustrative": illustrative,
    });
    Ok(Json(answer))
}
