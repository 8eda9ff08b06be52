//! A GPS track checked against the stored truck-ban zone: the use case behind
//! `POST /api/truck-ban/track` and `landtrace check track`.

use geo::{BooleanOps, Polygon};
use geo::{Geometry, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_domain::truck_ban::roads::{BannedSection, Road, RoadRole, road_from_record};
use landtrace_domain::truck_ban::{
    Body, Decision, Energy, LocalDateTime, Pass, Purpose, TruckBanQuery, Vehicle, VehicleClass, decide,
};
use landtrace_domain::units::instant::Instant;
use landtrace_formats::CsvTable;
use landtrace_spatial::Crs;
use landtrace_track::{
    BanSchedule, BanZone, CheckOptions, DailyBan, FixReader, TrackChecker, TrackFormat, TrackReport,
};
use serde_json::{Value, json};

use crate::catalog::Catalog;

/// Every truck-ban zone polygon as one MultiPolygon, less the surfaces of the
/// boundary roads and excluded stretches of the road layer (二、(二): they are not in
/// the zone), and whether any is illustrative.
pub fn ban_zone_geometry(catalog: &Catalog) -> (MultiPolygon<f64>, bool) {
    let mut polygons = Vec::new();
    let mut illustrative = false;
    if let Some(layer) = catalog.layer(LayerKind::TruckBanZone) {
        for f in layer.all() {
            if let Some(Geometry::MultiPolygon(mp)) = &f.geometry {
                polygons.extend(mp.0.iter().cloned());
            }
            illustrative |= f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative");
        }
    }
    let zone = MultiPolygon(polygons);
    let roads: Vec<Polygon<f64>> = road_surfaces(catalog)
        .into_iter()
        .filter(|(road, _)| matches!(road.role, RoadRole::Boundary | RoadRole::Excluded))
        .flat_map(|(_, mp)| mp.0)
        .collect();
    if roads.is_empty() || zone.0.is_empty() {
        return (zone, illustrative);
    }
    (zone.difference(&MultiPolygon(roads)), illustrative)
}

/// The roads of the road layer (`truck_ban_roads`) with their surfaces.
pub fn road_surfaces(catalog: &Catalog) -> Vec<(Road, MultiPolygon<f64>)> {
    let Some(layer) = catalog.layer(LayerKind::TruckBanRoads) else { return Vec::new() };
    layer
        .all()
        .iter()
        .filter_map(|f| match (&f.geometry, road_from_record(&f.properties)) {
            (Some(Geometry::MultiPolygon(mp)), Ok(road)) => Some((road, mp.clone())),
            _ => None,
        })
        .collect()
}

/// The geometry a track is checked against, read from the catalogue: the zone less
/// the boundary roads and excluded stretches, whether any of it is illustrative, and
/// the banned road sections.
#[derive(Debug, Clone)]
pub struct TrackZones {
    /// The zone ([`ban_zone_geometry`]).
    pub zone: MultiPolygon<f64>,
    /// Whether a zone polygon is illustrative demo data.
    pub illustrative: bool,
    /// The banned road sections ([`banned_sections`]).
    pub sections: Vec<SectionZone>,
}

impl TrackZones {
    /// Reads them from the catalogue (the zone layer and the road layer).
    pub fn from_catalog(catalog: &Catalog) -> TrackZones {
        let (zone, illustrative) = ban_zone_geometry(catalog);
        TrackZones { zone, illustrative, sections: banned_sections(catalog) }
    }
}

/// The vehicle of a track check from the parameters every door takes (HTTP query,
/// CLI options): `vehicle` and `pass` as JSON in the shapes of
/// `POST /api/truck-ban/check`, and whether the track is inside the pass's area or
/// route. Without a vehicle a heavy fuel truck without a pass is assumed (and the
/// answer says so). A pass needs the vehicle (its plate).
pub fn track_vehicle(
    vehicle: Option<&str>,
    pass: Option<&str>,
    inside_pass_area: Option<&str>,
) -> Result<TrackVehicle, String> {
    let Some(text) = vehicle else {
        if pass.is_some() {
            return Err("`pass` needs `vehicle` with its `plate` / 通行证需与车辆（含车牌号码）一并提供".into());
        }
        return Ok(TrackVehicle::assumed_heavy());
    };
    let vehicle: Vehicle = serde_json::from_str(text).map_err(|e| format!("`vehicle`: {e}"))?;
    let passes = match pass {
        Some(text) => vec![serde_json::from_str::<Pass>(text).map_err(|e| format!("`pass`: {e}"))?],
        None => Vec::new(),
    };
    let inside_pass_area = match inside_pass_area {
        None | Some("false" | "0" | "") => false,
        Some("true" | "1") => true,
        Some(other) => return Err(format!("inside_pass_area {other:?} is not true or false")),
    };
    Ok(TrackVehicle { vehicle, passes, inside_pass_area, assumed: false })
}

/// Adds the registry's passes for the vehicle's plate when the request gave none (as
/// the point check does); answers the pass records used (`{layer, id}`).
pub async fn with_registry_passes(
    store: &dyn landtrace_store::Store,
    vehicle: &mut TrackVehicle,
) -> Result<Vec<Value>, landtrace_store::StoreError> {
    let mut records = Vec::new();
    if let (true, Some(plate)) = (vehicle.passes.is_empty(), vehicle.vehicle.plate.clone()) {
        for (id, pass) in crate::truck_ban_check::passes_for_plate(store, &plate).await? {
            records.push(json!({"layer": LayerKind::TruckPasses.table_name(), "id": id}));
            vehicle.passes.push(pass);
        }
    }
    Ok(records)
}

/// A track judged for a vehicle, as every door answers it: [`check_track_for`] then
/// [`track_answer`], with whether the zone is illustrative. `Err` (Chinese first)
/// when the track has no usable fix: an unreadable track is never "clean". CSV and
/// GPX are read from `reader` as a stream; a GeoJSON track from `text_for_geojson`.
pub fn judge_track<R: std::io::BufRead>(
    zones: &TrackZones,
    format: TrackFormat,
    reader: R,
    text_for_geojson: Option<&str>,
    crs: Crs,
    options: CheckOptions,
    vehicle: &TrackVehicle,
) -> Result<Value, String> {
    let (violations, presence, on_sections, range) =
        check_track_for((&zones.zone, &zones.sections), format, reader, text_for_geojson, crs, options, vehicle);
    let on_sections: Vec<_> = zones.sections.iter().cloned().zip(on_sections).collect();
    let mut value = track_answer(&violations, &presence, vehicle, &on_sections)?;
    value["zone_illustrative"] = json!(zones.illustrative);
    if let Some((from, to)) = range {
        value["time_range"] = json!({
            "from_ms": from, "to_ms": to, "from_local": local_text(from), "to_local": local_text(to),
        });
    }
    Ok(value)
}

/// Which door judged a track, for its recorded summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckDoor {
    /// `POST /api/truck-ban/track`.
    Http,
    /// `landtrace check track`.
    Cli,
}

/// The summary of a judged track ([`judge_track`]'s answer) as the store keeps it:
/// checked now by `actor`, the plate when the vehicle names one, the number of
/// violation intervals (zone and banned road sections) and the track's time range.
/// No position and nothing about the driver.
pub fn check_summary(answer: &Value, actor: &str, door: CheckDoor, now_ms: i64) -> landtrace_store::TrackCheck {
    let count = |key: &str| answer[key].as_array().map_or(0, Vec::len);
    let plate = answer["vehicle"]["plate"].as_str().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
    landtrace_store::TrackCheck {
        checked_at_ms: now_ms,
        checked_by: actor.chars().take(landtrace_store::track_checks::MAX_ACTOR_CHARS).collect(),
        door: match door {
            CheckDoor::Http => "http",
            CheckDoor::Cli => "cli",
        }
        .to_owned(),
        plate,
        violations: u32::try_from(count("intervals") + count("section_intervals")).unwrap_or(u32::MAX),
        fixes: answer["fixes"].as_u64().unwrap_or(0),
        track_from_ms: answer["time_range"]["from_ms"].as_i64(),
        track_to_ms: answer["time_range"]["to_ms"].as_i64(),
    }
}

/// Records the summary of a judged track ([`check_summary`], checked now) in the
/// store — the one write of a track check, for both doors — and marks the answer
/// `stored` with the summary's id (`track_check_id`).
pub async fn record_check(
    store: &dyn landtrace_store::Store,
    answer: &mut Value,
    actor: &str,
    door: CheckDoor,
) -> Result<i64, landtrace_store::StoreError> {
    let summary = check_summary(answer, actor, door, crate::clock::now_unix_ms());
    let id = store.record_track_check(&summary).await?;
    answer["stored"] = json!(true);
    answer["track_check_id"] = json!(id);
    Ok(id)
}

/// Who drove the track: the vehicle and its passes, as the point check takes them
/// (`POST /api/truck-ban/check`), so that a track is judged by the same clauses of
/// 临政发〔2023〕5号 as a map click: 一、(一) heavy/medium trucks only, 一、(二) small
/// medium box trucks and new-energy trucks, 四、(一)-(五) exempt vehicles and passes.
#[derive(Debug, Clone)]
pub struct TrackVehicle {
    /// The vehicle.
    pub vehicle: Vehicle,
    /// Its passes (given in the request, or the registry's for its plate).
    pub passes: Vec<Pass>,
    /// Whether the track is inside the passes' named area or route (as for the point check).
    pub inside_pass_area: bool,
    /// No vehicle was given: a heavy ordinary fuel truck without a pass is assumed.
    pub assumed: bool,
}

/// A banned road section (禁行路段) of the road layer, with its surface, for a track.
#[derive(Debug, Clone)]
pub struct SectionZone {
    /// The section and its hours.
    pub section: BannedSection,
    /// Its surface.
    pub surface: MultiPolygon<f64>,
}

/// The banned road sections of the road layer.
pub fn banned_sections(catalog: &Catalog) -> Vec<SectionZone> {
    road_surfaces(catalog)
        .into_iter()
        .filter(|(road, _)| road.role == RoadRole::BannedSection)
        .map(|(road, surface)| SectionZone {
            section: BannedSection { name: road.name, windows: road.windows },
            surface,
        })
        .collect()
}

impl TrackVehicle {
    /// The vehicle assumed when a request gives none: a heavy ordinary fuel truck
    /// without a plate or pass, the strictest case of 一、(一) (an assumption the
    /// answer states).
    pub fn assumed_heavy() -> TrackVehicle {
        TrackVehicle {
            vehicle: Vehicle::of_class(VehicleClass::Heavy, Body::Other, Energy::Fuel, Purpose::Ordinary),
            passes: Vec::new(),
            inside_pass_area: false,
            assumed: true,
        }
    }

    /// The decision of the point check ([`decide`], the one home of the rule) for a
    /// position inside the zone at `t_ms`: the first pass that covers the truck, or
    /// else the decision with the first pass (naming why it does not help).
    pub fn decide_inside(&self, t_ms: i64) -> Decision {
        self.decide_on(t_ms, None)
    }

    /// As [`TrackVehicle::decide_inside`], on the banned section `section` (outside the
    /// zone) when one is given.
    pub fn decide_on(&self, t_ms: i64, section: Option<&BannedSection>) -> Decision {
        let at = local_at(t_ms);
        let query = |pass: Option<&Pass>| TruckBanQuery {
            at,
            vehicle: self.vehicle.clone(),
            inside_zone: section.is_none(),
            on_boundary_road: false,
            pass: pass.cloned(),
            inside_pass_area: self.inside_pass_area,
            road: None,
            banned_section: section.cloned(),
        };
        let mut first = None;
        for pass in &self.passes {
            let d = decide(&query(Some(pass)));
            if !d.banned {
                return d;
            }
            first.get_or_insert(d);
        }
        first.unwrap_or_else(|| decide(&query(None)))
    }
}

/// The local (Asia/Shanghai) time of a unix-ms instant, truncated to the second.
fn local_at(t_ms: i64) -> LocalDateTime {
    let seconds = t_ms.div_euclid(1000);
    let instant = Instant::from_unix_seconds(seconds)
        .or_else(|| Instant::from_unix_seconds(seconds.clamp(-62_135_625_600, 253_402_271_999)))
        .expect("clamped into the supported years");
    LocalDateTime::at(instant)
}

/// The local date-time of a unix-ms instant as a report shows it, `2023-06-01 10:04:30`
/// (Beijing time, UTC+8).
pub fn local_text(t_ms: i64) -> String {
    let at = local_at(t_ms);
    format!("{} {}", at.date(), at.time_text())
}

/// The ban as it applies to one vehicle: banned at an instant exactly when the
/// point check ([`decide`]) bans it inside the zone then. Changes only where the
/// ban hours (二、(一)) or the in-force date change, or where a pass's validity or
/// daily window starts or ends; `next_change` returns the first such candidate
/// (possibly one where nothing changes, which only cuts a segment once more).
struct VehicleBan<'v> {
    vehicle: &'v TrackVehicle,
    hours: DailyBan,
}

const DAY_MS: i64 = 86_400_000;
const OFFSET_MS: i64 = landtrace_domain::truck_ban::UTC_OFFSET_MINUTES as i64 * 60_000;

/// The ban on a banned road section for one vehicle: in the section's hours, as
/// [`decide`] says for the vehicle there.
struct SectionBan<'v> {
    vehicle: &'v TrackVehicle,
    section: &'v BannedSection,
}

impl BanSchedule for SectionBan<'_> {
    fn banned_at(&self, t_ms: i64) -> bool {
        let second = local_at(t_ms).second_of_day();
        self.section.windows.iter().any(|w| w.contains(second))
            && self.vehicle.decide_on(t_ms, Some(self.section)).banned
    }

    fn next_change(&self, t_ms: i64) -> Option<i64> {
        let midnight = (t_ms + OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - OFFSET_MS;
        let windows = self.section.windows.iter().chain(self.vehicle.passes.iter().flat_map(|p| p.windows().iter()));
        let edges = windows.flat_map(|w| {
            [w.start_minute(), w.end_minute()]
                .into_iter()
                .flat_map(move |m| (0..2).map(move |day| midnight + day * DAY_MS + i64::from(m) * 60_000))
        });
        std::iter::once(midnight + DAY_MS).chain(edges).filter(|&c| c > t_ms).min()
    }
}

impl BanSchedule for VehicleBan<'_> {
    fn banned_at(&self, t_ms: i64) -> bool {
        self.hours.banned_at(t_ms) && self.vehicle.decide_inside(t_ms).banned
    }

    fn next_change(&self, t_ms: i64) -> Option<i64> {
        let hours = self.hours.next_change(t_ms);
        if self.vehicle.passes.is_empty() {
            return hours;
        }
        let midnight = (t_ms + OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - OFFSET_MS;
        let edges = self.vehicle.passes.iter().flat_map(|p| p.windows().iter()).flat_map(|w| {
            [w.start_minute(), w.end_minute()]
                .into_iter()
                .flat_map(move |m| (0..2).map(move |day| midnight + day * DAY_MS + i64::from(m) * 60_000))
        });
        std::iter::once(midnight + DAY_MS).chain(edges).chain(hours).filter(|&c| c > t_ms).min()
    }
}

/// A track checked for a vehicle: the violations (inside the zone in the ban hours,
/// for this vehicle banned by [`decide`] at that time, segment by segment) and every
/// stay in the zone during the ban hours with the decision for it, so that an
/// allowed truck is shown why (e.g. 一、(二) new-energy); and the violations on each
/// banned road section (`sections`) in its own hours; and the times of the first and
/// last well-formed fix (unix ms), when there is one.
#[allow(clippy::type_complexity)]
pub fn check_track_for<R: std::io::BufRead>(
    (zone, sections): (&MultiPolygon<f64>, &[SectionZone]),
    format: TrackFormat,
    reader: R,
    text_for_geojson: Option<&str>,
    crs: Crs,
    options: CheckOptions,
    vehicle: &TrackVehicle,
) -> (TrackReport, TrackReport, Vec<TrackReport>, Option<(i64, i64)>) {
    let zone = BanZone::new(zone);
    let mut range: Option<(i64, i64)> = None;
    let mut violations =
        TrackChecker::with_schedule(&zone, VehicleBan { vehicle, hours: DailyBan::LINYI_TRUCK_BAN }, options);
    let mut presence = TrackChecker::new(&zone, options);
    let section_zones: Vec<BanZone> = sections.iter().map(|s| BanZone::new(&s.surface)).collect();
    let mut on_sections: Vec<_> = sections
        .iter()
        .zip(&section_zones)
        .map(|(s, z)| TrackChecker::with_schedule(z, SectionBan { vehicle, section: &s.section }, options))
        .collect();
    let mut feed = |fix: Result<landtrace_track::Fix, landtrace_track::TrackError>| {
        if let Ok(f) = &fix {
            range = Some(range.map_or((f.t_ms, f.t_ms), |(a, b)| (a.min(f.t_ms), b.max(f.t_ms))));
        }
        for checker in &mut on_sections {
            checker.push_result(fix.clone());
        }
        presence.push_result(fix.clone());
        violations.push_result(fix);
    };
    match (format, text_for_geojson) {
        (TrackFormat::GeoJson, Some(text)) => FixReader::geojson(text, crs).for_each(&mut feed),
        _ => FixReader::new(format, reader, crs).for_each(&mut feed),
    }
    (violations.finish(), presence.finish(), on_sections.into_iter().map(TrackChecker::finish).collect(), range)
}

/// The answer of `POST /api/truck-ban/track` for a checked track: the report of the
/// violations with local date-times (Beijing time) and the clause of each, the stays
/// in the zone with their decisions, the vehicle and the assumptions made.
/// `Err` (the problems, Chinese first) when the track has no usable fix: an
/// unreadable track is never "clean".
pub fn track_answer(
    violations: &TrackReport,
    presence: &TrackReport,
    vehicle: &TrackVehicle,
    sections: &[(SectionZone, TrackReport)],
) -> Result<Value, String> {
    if violations.fixes == 0 {
        let shown: Vec<String> = violations.problems.iter().take(5).map(ToString::to_string).collect();
        let omitted = violations.problems.len().saturating_sub(5) + violations.problems_omitted;
        let more = if omitted > 0 { format!("; … {omitted} more") } else { String::new() };
        return Err(format!(
            "轨迹中没有可用的定位点，无法检查 / the track has no usable fix, so it cannot be checked{}{}{more}",
            if shown.is_empty() { "" } else { ": " },
            shown.join("; ")
        ));
    }
    let mut value = serde_json::to_value(violations).unwrap_or(Value::Null);
    let decided = |entry_ms: i64| serde_json::to_value(vehicle.decide_inside(entry_ms)).unwrap_or(Value::Null);
    let with_local = |iv: &landtrace_track::ViolationInterval| {
        let mut v = serde_json::to_value(iv).unwrap_or(Value::Null);
        v["entry"]["local"] = json!(local_text(iv.entry.t_ms));
        v["exit"]["local"] = json!(local_text(iv.exit.t_ms));
        v
    };
    value["intervals"] = violations
        .intervals
        .iter()
        .map(|iv| {
            let mut v = with_local(iv);
            v["decision"] = decided(iv.entry.t_ms);
            v
        })
        .collect();
    value["in_zone_during_ban_hours"] = presence
        .intervals
        .iter()
        .map(|iv| {
            let mut v = with_local(iv);
            let d = vehicle.decide_inside(iv.entry.t_ms);
            v["banned"] = json!(d.banned);
            v["decision"] = serde_json::to_value(d).unwrap_or(Value::Null);
            v
        })
        .collect();
    if let Some(gaps) = value["gaps"].as_array_mut() {
        for (g, gap) in gaps.iter_mut().zip(&violations.gaps) {
            g["from_local"] = json!(local_text(gap.from_t_ms));
            g["to_local"] = json!(local_text(gap.to_t_ms));
        }
    }
    // Violations on banned road sections (禁行路段, 三), each with the section and decision.
    value["section_intervals"] = sections
        .iter()
        .flat_map(|(zone, report)| {
            report.intervals.iter().map(move |iv| {
                let mut v = with_local(iv);
                v["section"] = json!({"name": zone.section.name, "hours": zone.section.hours_text()});
                v["decision"] =
                    serde_json::to_value(vehicle.decide_on(iv.entry.t_ms, Some(&zone.section))).unwrap_or(Value::Null);
                v
            })
        })
        .collect();
    let mut assumptions = Vec::new();
    if violations.fixes_local_time_assumed > 0 {
        assumptions.push(json!({
            "zh": format!("假定：{}个定位点的时间未注明时区，按北京时间（UTC+8）读取", violations.fixes_local_time_assumed),
            "en": format!("Assumption: {} fix times carry no UTC offset and were read as Beijing time (UTC+8).", violations.fixes_local_time_assumed),
        }));
    }
    if vehicle.assumed {
        assumptions.push(json!({
            "zh": "假定：未提供车辆信息，按无通行证的重型燃油货车检查（一、(一)）",
            "en": "Assumption: no vehicle was given; checked as a heavy fuel truck without a pass (一、(一)).",
        }));
    }
    value["assumptions"] = json!(assumptions);
    let warnings: Vec<Value> =
        vehicle.passes.iter().filter_map(Pass::warning).map(|(zh, en)| json!({"zh": zh, "en": en})).collect();
    value["warnings"] = json!(warnings);
    value["vehicle"] = serde_json::to_value(&vehicle.vehicle).unwrap_or(Value::Null);
    value["vehicle_assumed"] = json!(vehicle.assumed);
    value["passes"] = serde_json::to_value(&vehicle.passes).unwrap_or(Value::Null);
    value["document"] = json!(landtrace_domain::truck_ban::DOCUMENT);
    value["time_zone"] = json!(landtrace_domain::truck_ban::TIME_ZONE);
    let on_sections = value["section_intervals"].as_array().map_or(0, Vec::len);
    value["headline"] = json!(headline(violations, presence, on_sections));
    Ok(value)
}

/// One line for the report's top: violations found, or entries all allowed, or no
/// entry in the ban hours (Chinese first).
fn headline(violations: &TrackReport, presence: &TrackReport, on_sections: usize) -> Value {
    let n = violations.intervals.len();
    if on_sections > 0 {
        json!({"zh": format!("发现{n}段禁行时段内违规进入禁行区域，{on_sections}段禁行路段禁行时间内违规通行（临政发〔2023〕5号 一、(一)、三）"),
               "en": format!("{n} violation(s) in the ban zone and {on_sections} on banned road sections (一、(一), 三)")})
    } else if n > 0 {
        json!({"zh": format!("发现{n}段禁行时段内违规进入禁行区域（临政发〔2023〕5号 一、(一)）"),
               "en": format!("{n} violation(s): in the ban zone during the ban hours (一、(一))")})
    } else if !presence.intervals.is_empty() {
        json!({"zh": "禁行时段内进入禁行区域，但该车辆不受限制（理由见各段）",
               "en": "In the ban zone during the ban hours, but this vehicle is allowed there (see each stay)"})
    } else {
        json!({"zh": "未发现禁行时段内进入禁行区域", "en": "Not in the ban zone during the ban hours"})
    }
}

/// Text columns of [`track_table`] (kept as text in the workbook).
pub const TRACK_TEXT_COLUMNS: &[&str] = &["进入时间（北京时间）", "驶出时间（北京时间）", "条款", "理由"];
/// Sheet name of the workbook report.
pub const TRACK_SHEET: &str = "货车禁行轨迹检查";

/// The stays of a [`track_answer`] in the zone during the ban hours as a table (one
/// row each, violations marked), for the CSV and XLSX reports. Times are Beijing
/// time (`2023-06-01 10:04:30`).
pub fn track_table(answer: &Value) -> CsvTable {
    let header = [
        "序号",
        "进入时间（北京时间）",
        "驶出时间（北京时间）",
        "时长（分钟）",
        "距离（米）",
        "是否违规",
        "条款",
        "理由",
        "罚款（元）",
        "记分",
        "进入经度",
        "进入纬度",
        "驶出经度",
        "驶出纬度",
    ];
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let stays = answer["in_zone_during_ban_hours"].as_array().map(Vec::as_slice).unwrap_or_default();
    let sections = answer["section_intervals"].as_array().map(Vec::as_slice).unwrap_or_default();
    let rows = stays
        .iter()
        .chain(sections)
        .enumerate()
        .map(|(i, s)| {
            let d = &s["decision"];
            vec![
                (i + 1).to_string(),
                text(&s["entry"]["local"]),
                text(&s["exit"]["local"]),
                format!("{:.1}", s["duration_ms"].as_f64().unwrap_or(0.0) / 60_000.0),
                format!("{:.0}", s["distance_m"].as_f64().unwrap_or(0.0)),
                if s["banned"] == true || d["banned"] == true {
                    "违规".to_owned()
                } else {
                    "不受限制".to_owned()
                },
                text(&d["clause"]),
                text(&d["reason"]),
                text(&d["penalty"]["fine_yuan"]),
                text(&d["penalty"]["points"]),
                format!("{:.6}", s["entry"]["lon"].as_f64().unwrap_or(f64::NAN)),
                format!("{:.6}", s["entry"]["lat"].as_f64().unwrap_or(f64::NAN)),
                format!("{:.6}", s["exit"]["lon"].as_f64().unwrap_or(f64::NAN)),
                format!("{:.6}", s["exit"]["lat"].as_f64().unwrap_or(f64::NAN)),
            ]
        })
        .collect();
    CsvTable { header: header.iter().map(|h| (*h).to_owned()).collect(), rows }
}

/// A self-contained printable page (A4, Chinese first) of a [`track_answer`]: the
/// headline, the vehicle, the assumptions, the stays in the zone with their decision
/// and the clause of 临政发〔2023〕5号, the totals and the problems.
pub fn track_html(answer: &Value) -> String {
    use std::fmt::Write;
    let e = landtrace_formats::html_escape;
    let s = |v: &Value| v.as_str().map(e).unwrap_or_default();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>货车禁行轨迹检查报告 / Truck-ban track report</title>\n\
         <style>\n@page {{ size: A4; margin: 15mm; }}\n\
         body {{ font-family: \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", serif; font-size: 10.5pt; color: #000; }}\n\
         h1 {{ font-size: 16pt; text-align: center; }}\n\
         table {{ border-collapse: collapse; width: 100%; margin: 3mm 0; }}\n\
         th, td {{ border: 1px solid #000; padding: 1mm; vertical-align: top; }}\n\
         tr.banned td {{ font-weight: bold; }}\n\
         p.en, span.en {{ color: #444; font-size: 9pt; }}\n\
         @media print {{ .noprint {{ display: none; }} }}\n\
         </style>\n</head>\n<body>\n<h1>货车禁行轨迹检查报告</h1>\n<p class=\"en\" style=\"text-align:center\">Truck-ban track report</p>\n\
         <p class=\"noprint\"><button onclick=\"window.print()\">打印 / Print</button></p>\n\
         <p>依据：{doc}《临猗县人民政府关于临猗县城区道路货车禁行的通告》（禁行时间每日6:00—22:00，北京时间）</p>\n\
         <p><strong>{zh}</strong></p>\n<p class=\"en\">{en}</p>\n",
        doc = s(&answer["document"]),
        zh = s(&answer["headline"]["zh"]),
        en = s(&answer["headline"]["en"]),
    );
    let v = &answer["vehicle"];
    let _ = writeln!(
        h,
        "<table><tr><th>车辆 / Vehicle</th><td>{}</td></tr><tr><th>定位点 / Fixes</th><td>{}</td></tr>\
         <tr><th>轨迹长度 / Length</th><td>{:.0} 米</td></tr></table>",
        e(&format!(
            "{}{}",
            v["plate"].as_str().map(|p| format!("{p} ")).unwrap_or_default(),
            serde_json::to_string(v).unwrap_or_default()
        )),
        answer["fixes"],
        answer["total_distance_m"].as_f64().unwrap_or(0.0),
    );
    for a in answer["assumptions"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let _ = writeln!(h, "<p>{} <span class=\"en\">{}</span></p>", s(&a["zh"]), s(&a["en"]));
    }
    if answer["zone_illustrative"] == true {
        h.push_str("<p>注意：禁行区域为示例数据（illustrative），非测绘成果。<span class=\"en\">The zone is illustrative.</span></p>\n");
    }
    let table = track_table(answer);
    h.push_str("<table>\n<thead><tr>");
    for name in &table.header[..10] {
        let _ = write!(h, "<th>{}</th>", e(name));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        let _ = write!(h, "<tr class=\"{}\">", if row[5] == "违规" { "banned" } else { "allowed" });
        for cell in &row[..10] {
            let _ = write!(h, "<td>{}</td>", e(cell));
        }
        h.push_str("</tr>\n");
    }
    if table.rows.is_empty() {
        h.push_str("<tr><td colspan=\"10\">无 / none</td></tr>\n");
    }
    let _ = write!(
        h,
        "</tbody>\n</table>\n<p>违规合计：{:.1} 分钟，{:.0} 米。</p>\n",
        answer["total_violation_ms"].as_f64().unwrap_or(0.0) / 60_000.0,
        answer["total_violation_m"].as_f64().unwrap_or(0.0)
    );
    let problems = answer["problems"].as_array().map(Vec::as_slice).unwrap_or_default();
    if !problems.is_empty() {
        h.push_str("<h2>无法读取的记录 / Unreadable records</h2>\n<ul>\n");
        for p in problems {
            let _ = writeln!(h, "<li>{}：{}</li>", s(&p["at"]), s(&p["message"]));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}
