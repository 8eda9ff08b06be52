//! The truck ban of 临政发〔2023〕5号 as use cases: is this truck, here, at this
//! time, banned, and under which clause (with its pass looked up in the registry
//! by plate when it carries none); and the key freight-source enterprises of
//! 临政办发〔2023〕18号 with where they lie against the zone. The rules are
//! `landtrace_domain::truck_ban`'s; this module brings in the stored zone and passes.

use geo::{Closest, ClosestPoint, Coord, Geometry, Point};
use landtrace_domain::LayerKind;
use landtrace_domain::truck_ban::pass_record::pass_from_record;
use landtrace_domain::truck_ban::roads::{BannedSection, Road, RoadRole, road_from_record};
use landtrace_domain::truck_ban::{
    BOUNDARY_ROAD_TOLERANCE_M, FREIGHT_SOURCES_DOCUMENT, LocalDateTime, Pass, TruckBanQuery, Vehicle, decide,
    normalize_plate,
};
use landtrace_spatial::LonLat;
use landtrace_store::{Store, StoreError};
use serde_json::{Value, json};

use crate::catalog::Catalog;

/// One truck-ban question.
#[derive(Debug, Clone)]
pub struct TruckQuestion {
    /// Where the truck is (WGS84).
    pub point: LonLat,
    /// When.
    pub at: LocalDateTime,
    /// The vehicle.
    pub vehicle: Vehicle,
    /// The pass it carries, if any.
    pub pass: Option<Pass>,
    /// Whether the position is inside the pass's named area or route.
    pub inside_pass_area: bool,
}

/// A pass for a question that carries none: the registry's pass for the
/// vehicle's plate, one valid at the time if there is one, with its record as
/// `{layer, id}` (`null` when none was found).
pub async fn registered_pass(store: &dyn Store, question: &TruckQuestion) -> Result<(Option<Pass>, Value), StoreError> {
    let (None, Some(plate)) = (&question.pass, question.vehicle.plate.clone()) else {
        return Ok((question.pass.clone(), Value::Null));
    };
    let wanted = normalize_plate(&plate);
    let records = store.features(LayerKind::TruckPasses).await?;
    let candidates: Vec<(i64, Pass)> = records
        .iter()
        .filter(|f| f.properties.get("plate").and_then(Value::as_str).is_some_and(|p| normalize_plate(p) == wanted))
        .filter_map(|f| pass_from_record(&f.properties).ok().map(|p| (f.id, p)))
        .collect();
    let chosen = candidates
        .iter()
        .find(|(_, p)| p.valid_at(question.at, &plate, question.inside_pass_area).is_ok())
        .or_else(|| candidates.first())
        .cloned();
    Ok(match chosen {
        Some((id, p)) => (Some(p), json!({"layer": LayerKind::TruckPasses.table_name(), "id": id})),
        None => (None, Value::Null),
    })
}

/// Every registered pass for `plate` (the `truck_passes` layer), with its record id.
pub async fn passes_for_plate(store: &dyn Store, plate: &str) -> Result<Vec<(i64, Pass)>, StoreError> {
    let wanted = normalize_plate(plate);
    let records = store.features(LayerKind::TruckPasses).await?;
    Ok(records
        .iter()
        .filter(|f| f.properties.get("plate").and_then(Value::as_str).is_some_and(|p| normalize_plate(p) == wanted))
        .filter_map(|f| pass_from_record(&f.properties).ok().map(|p| (f.id, p)))
        .collect())
}

/// The decision for `question` (its pass already looked up) against the zone in
/// `catalog`, with the position's facts and the pass record.
pub fn decide_at(catalog: &Catalog, question: TruckQuestion, pass_record: Value) -> Value {
    let point = question.point;
    let roads = road_facts(catalog, point.into());
    let (mut inside_zone, mut on_boundary_road, distance) = position_facts(catalog, point.into());
    if roads.layer_has_roads {
        // The road layer stands for the roads: on its surface is on the road, the
        // rest of the zone polygon is the zone (no tolerance).
        on_boundary_road = roads.road.is_some();
        inside_zone = inside_zone && !on_boundary_road;
    }
    let illustrative = catalog.layer(LayerKind::TruckBanZone).is_some_and(|l| {
        l.intersecting(geo::Rect::new((-180.0, -90.0), (180.0, 90.0)))
            .iter()
            .any(|f| f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative"))
    });
    let query = TruckBanQuery {
        at: question.at,
        vehicle: question.vehicle,
        inside_zone,
        on_boundary_road,
        pass: question.pass,
        inside_pass_area: question.inside_pass_area,
        road: roads.road.as_ref().map(|r| r.label.clone()),
        banned_section: roads.section.clone(),
    };
    let decision = decide(&query);
    let mut answer = serde_json::to_value(&decision).unwrap_or(Value::Null);
    answer["pass_record"] = pass_record;
    answer["position"] = json!({
        "lon": point.lon(), "lat": point.lat(),
        "inside_zone": inside_zone,
        "on_boundary_road": on_boundary_road,
        "distance_to_zone_edge_m": distance,
        "road": roads.road.as_ref().map(|r| json!({"name": r.name, "label": r.label, "role": r.role})),
        "banned_section": roads.section,
        "road_layer": roads.layer_has_roads,
        "boundary_road_rule": if roads.layer_has_roads {
            format!("the road surfaces of the layer {} (centreline and width; illustrative positions until surveyed ones are supplied) are the boundary roads and excluded stretches", LayerKind::TruckBanRoads.table_name())
        } else {
            format!(
                "a position outside the zone polygon and within {BOUNDARY_ROAD_TOLERANCE_M} m of its edge is taken to be on a boundary road (approximation: no road layer is stored)"
            )
        },
        "zone_illustrative": illustrative,
    });
    answer
}

/// What the road layer (`truck_ban_roads`) says about a position.
#[derive(Debug, Clone, Default)]
pub struct RoadFacts {
    /// Whether the layer holds boundary roads or excluded stretches (else the 30 m
    /// tolerance stands in for them).
    pub layer_has_roads: bool,
    /// The boundary road or excluded stretch the position is on.
    pub road: Option<Road>,
    /// The banned road section the position is on.
    pub section: Option<BannedSection>,
}

/// The road layer's facts at `point`.
pub fn road_facts(catalog: &Catalog, point: Coord<f64>) -> RoadFacts {
    let mut facts = RoadFacts::default();
    let Some(layer) = catalog.layer(LayerKind::TruckBanRoads) else { return facts };
    facts.layer_has_roads = layer
        .all()
        .iter()
        .any(|f| f.properties.get("role").and_then(Value::as_str).is_some_and(|r| r == "boundary" || r == "excluded"));
    for (kind, id) in catalog.zones.locate(point) {
        if kind != LayerKind::TruckBanRoads {
            continue;
        }
        let Some(Ok(road)) = catalog.zone_properties(&(kind, id)).map(road_from_record) else { continue };
        match road.role {
            RoadRole::Boundary | RoadRole::Excluded => {
                facts.road.get_or_insert(road);
            }
            RoadRole::BannedSection => {
                facts.section.get_or_insert(BannedSection { name: road.name, windows: road.windows });
            }
        }
    }
    facts
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

/// The key freight-source enterprises of 临政办发〔2023〕18号, each with whether it
/// lies inside the truck-ban zone and its distance to the zone's edge.
pub fn freight_sources(catalog: &Catalog) -> Value {
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
    json!({
        "document": FREIGHT_SOURCES_DOCUMENT,
        "count": rows.len(),
        "positions_note": "企业位置为示例（公报未给出位置），待交警大队导入实际位置 / positions are illustrative until the traffic police import the real ones",
        "sources": rows,
    })
}
