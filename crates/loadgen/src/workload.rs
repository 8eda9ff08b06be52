//! The well-behaved clients' requests: a fixed mix of map tiles, point queries,
//! truck-ban checks, item reads and 2 % authorised writes, drawn from the data the
//! server itself holds (the origin-point records: their ids and positions).

use std::fmt;

use anyhow::{Context, bail};
use bytes::Bytes;
use geo::{Coord, Rect};
use hyper::Method;
use serde_json::{Value, json};

/// A kind of well-behaved request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// `GET /tiles/all/{z}/{x}/{y}.mvt`, z 10–15 over the county.
    Tile,
    /// `GET /api/locate?lon=..&lat=..` at a point inside the county.
    Locate,
    /// `POST /api/truck-ban/check`.
    TruckBanCheck,
    /// `GET /api/trace/records/{id}`.
    RecordRead,
    /// `GET /api/layers` (counts every layer in the store).
    LayerList,
    /// `POST /api/layers/{layer}/features` with the admin token: one small polygon
    /// or point.
    Write,
}

impl Class {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Class::Tile => "tile",
            Class::Locate => "locate",
            Class::TruckBanCheck => "truck_ban_check",
            Class::RecordRead => "record_read",
            Class::LayerList => "layer_list",
            Class::Write => "write",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The mix, in percent of requests (documented in docs/reliability.md).
pub const MIX: [(Class, u32); 6] = [
    (Class::Tile, 50),
    (Class::Locate, 20),
    (Class::TruckBanCheck, 10),
    (Class::RecordRead, 10),
    (Class::LayerList, 8),
    (Class::Write, 2),
];

/// Zoom levels of the tile requests.
pub const TILE_ZOOMS: std::ops::RangeInclusive<u8> = 10..=15;

/// One request to send.
#[derive(Debug, Clone)]
pub struct PlannedRequest {
    /// What kind of request it is.
    pub class: Class,
    /// GET or POST.
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// JSON body of a POST.
    pub body: Option<Bytes>,
    /// Whether to send the admin token.
    pub authorised: bool,
}

/// What the requests are drawn from.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Per zoom level in [`TILE_ZOOMS`], the tiles covering the county.
    tiles: Vec<Vec<(u8, u32, u32)>>,
    /// Positions of the origin-point records (all inside the county).
    points: Vec<Coord<f64>>,
    /// Ids of the origin-point records.
    record_ids: Vec<i64>,
}

impl Workload {
    /// Builds the workload from the answer of `GET /api/trace/records`.
    pub fn from_records(records: &Value) -> anyhow::Result<Workload> {
        let features = records["features"].as_array().context("GET /api/trace/records: no `features` array")?;
        let mut points = Vec::new();
        let mut record_ids = Vec::new();
        for f in features {
            if let Some(id) = f["id"].as_i64() {
                record_ids.push(id);
            }
            let c = &f["geometry"]["coordinates"];
            if let (Some(x), Some(y)) = (c[0].as_f64(), c[1].as_f64()) {
                points.push(Coord { x, y });
            }
        }
        if points.is_empty() || record_ids.is_empty() {
            bail!("the server holds no origin-point records to read and locate around (is it on the bundled data?)");
        }
        let (mut min, mut max) = (points[0], points[0]);
        for p in &points {
            (min.x, min.y, max.x, max.y) = (min.x.min(p.x), min.y.min(p.y), max.x.max(p.x), max.y.max(p.y));
        }
        let county = Rect::new(min, max);
        let tiles = TILE_ZOOMS
            .map(|z| landtrace_tiles::tiles_covering(county, z).map(|t| (t.z(), t.x(), t.y())).collect())
            .collect();
        Ok(Workload { tiles, points, record_ids })
    }

    /// Number of distinct tiles the tile requests are drawn from.
    pub fn tile_count(&self) -> usize {
        self.tiles.iter().map(Vec::len).sum()
    }

    /// Number of origin-point records.
    pub fn record_count(&self) -> usize {
        self.record_ids.len()
    }

    /// Draws the next request.
    pub fn next(&self, rng: &mut fastrand::Rng, sequence: u64) -> PlannedRequest {
        let class = pick_class(rng.u32(0..100));
        let get = |path: String| PlannedRequest { class, method: Method::GET, path, body: None, authorised: false };
        match class {
            Class::Tile => {
                // A zoom level first, then a tile of it: every zoom is asked as often.
                let level = &self.tiles[rng.usize(..self.tiles.len())];
                let (z, x, y) = level[rng.usize(..level.len())];
                get(format!("/tiles/all/{z}/{x}/{y}.mvt"))
            }
            Class::Locate => {
                let p = self.near_a_record(rng, 0.002);
                get(format!("/api/locate?lon={:.6}&lat={:.6}", p.x, p.y))
            }
            Class::RecordRead => {
                get(format!("/api/trace/records/{}", self.record_ids[rng.usize(..self.record_ids.len())]))
            }
            Class::LayerList => get("/api/layers".to_owned()),
            Class::TruckBanCheck => {
                // Half around the town centre (inside or near the zone), half anywhere.
                let p = if rng.bool() {
                    Coord { x: 110.775 + (rng.f64() - 0.5) * 0.04, y: 35.14 + (rng.f64() - 0.5) * 0.03 }
                } else {
                    self.near_a_record(rng, 0.002)
                };
                let vehicle = match rng.u8(0..4) {
                    0 => json!({"length_mm": 9000, "total_mass_kg": 15000, "body": "open", "energy": "fuel"}),
                    1 => json!({"length_mm": 5990, "total_mass_kg": 4490, "body": "box", "energy": "new_energy"}),
                    2 => json!({"length_mm": 12000, "total_mass_kg": 25000, "body": "tanker", "energy": "fuel",
                                "plate": "晋M·X0001"}),
                    _ => json!({"length_mm": 7000, "total_mass_kg": 12000, "body": "enclosed", "energy": "fuel",
                                "purpose": "police"}),
                };
                let at = format!(
                    "2023-{:02}-{:02}T{:02}:{:02}:00+08:00",
                    rng.u8(1..=12),
                    rng.u8(1..=28),
                    rng.u8(0..24),
                    rng.u8(0..60)
                );
                let body = json!({"lon": p.x, "lat": p.y, "at": at, "vehicle": vehicle});
                PlannedRequest {
                    class,
                    method: Method::POST,
                    path: "/api/truck-ban/check".to_owned(),
                    body: Some(Bytes::from(body.to_string())),
                    authorised: false,
                }
            }
            Class::Write => {
                let p = self.near_a_record(rng, 0.01);
                let (layer, feature) = if sequence.is_multiple_of(2) {
                    let properties = json!({"name": format!("负载测试积水点 {sequence}"), "status": "待治理",
                                            "accuracy": "illustrative", "source": "landtrace-load"});
                    let geometry = json!({"type": "Point", "coordinates": [p.x, p.y]});
                    ("waterlogging_points", json!({"type": "Feature", "geometry": geometry, "properties": properties}))
                } else {
                    // A square of about 50 m.
                    let d = 0.00025;
                    let ring = [
                        [p.x - d, p.y - d],
                        [p.x + d, p.y - d],
                        [p.x + d, p.y + d],
                        [p.x - d, p.y + d],
                        [p.x - d, p.y - d],
                    ];
                    let properties = json!({"name": format!("负载测试项目 {sequence}"), "project_type": "土地整治",
                                            "accuracy": "illustrative", "source": "landtrace-load"});
                    let geometry = json!({"type": "Polygon", "coordinates": [ring]});
                    (
                        "consolidation_projects",
                        json!({"type": "Feature", "geometry": geometry, "properties": properties}),
                    )
                };
                let body = json!({"type": "FeatureCollection", "features": [feature]});
                PlannedRequest {
                    class,
                    method: Method::POST,
                    path: format!("/api/layers/{layer}/features"),
                    body: Some(Bytes::from(body.to_string())),
                    authorised: true,
                }
            }
        }
    }

    /// A record's position moved by up to `jitter` degrees each way.
    fn near_a_record(&self, rng: &mut fastrand::Rng, jitter: f64) -> Coord<f64> {
        let p = self.points[rng.usize(..self.points.len())];
        Coord { x: p.x + (rng.f64() - 0.5) * 2.0 * jitter, y: p.y + (rng.f64() - 0.5) * 2.0 * jitter }
    }
}

/// The class of a draw in `0..100` under [`MIX`].
pub fn pick_class(draw: u32) -> Class {
    let mut upper = 0;
    for (class, percent) in MIX {
        upper += percent;
        if draw < upper {
            return class;
        }
    }
    MIX[MIX.len() - 1].0
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::{Class, MIX, Workload, pick_class};

    #[test]
    fn the_mix_adds_up_to_one_hundred_percent_with_two_percent_writes() {
        assert_eq!(MIX.iter().map(|(_, p)| p).sum::<u32>(), 100);
        let mut seen: HashMap<Class, u32> = HashMap::new();
        for draw in 0..100 {
            *seen.entry(pick_class(draw)).or_default() += 1;
        }
        for (class, percent) in MIX {
            assert_eq!(seen[&class], percent, "{class}");
        }
        assert_eq!(seen[&Class::Write], 2);
    }

    fn workload() -> Workload {
        let records = json!({"features": [
            {"id": 7, "geometry": {"type": "Point", "coordinates": [110.40, 35.00]}},
            {"id": 9, "geometry": {"type": "Point", "coordinates": [110.90, 35.30]}},
        ]});
        Workload::from_records(&records).unwrap()
    }

    #[test]
    fn tiles_cover_the_records_box_at_every_zoom() {
        let w = workload();
        assert_eq!(w.tiles.len(), 6);
        for level in &w.tiles {
            assert!(!level.is_empty());
        }
        // z15 tiles are 0.011° wide: the 0.5° box needs about 46 columns.
        let z15 = w.tiles.last().unwrap();
        let columns = z15.iter().map(|t| t.1).collect::<std::collections::BTreeSet<_>>().len();
        assert!((44..=48).contains(&columns), "{columns}");
    }

    #[test]
    fn requests_follow_the_mix_and_writes_carry_the_token() {
        let w = workload();
        let mut rng = fastrand::Rng::with_seed(1);
        let mut writes = 0;
        for i in 0..5000 {
            let r = w.next(&mut rng, i);
            assert_eq!(r.authorised, r.class == Class::Write, "{r:?}");
            assert_eq!(r.body.is_some(), matches!(r.class, Class::Write | Class::TruckBanCheck), "{r:?}");
            if r.class == Class::Write {
                writes += 1;
                let body: serde_json::Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
                assert_eq!(body["features"].as_array().unwrap().len(), 1);
            }
            if r.class == Class::RecordRead {
                assert!(r.path == "/api/trace/records/7" || r.path == "/api/trace/records/9", "{}", r.path);
            }
        }
        assert!((60..=140).contains(&writes), "about 2 % of 5000: {writes}");
    }

    #[test]
    fn no_records_is_an_error() {
        let e = Workload::from_records(&json!({"features": []})).unwrap_err();
        assert!(e.to_string().contains("no origin-point records"), "{e}");
    }
}
