//! Deciding the truck ban of 临政发〔2023〕5号 for one truck at one place and time.
//!
//! [`decide`] answers the officer's question "this truck, here, now: banned or
//! allowed, and under which clause?". The caller gives the instant (RFC 3339, read
//! in Asia/Shanghai), the vehicle, the spatial facts (inside the zone? on a boundary
//! road or excluded stretch?) and, if the truck has one, its pass with whether the
//! position is in the pass's area. Nothing is read from a clock, file or map.
//!
//! # Order of checks
//!
//! The first that applies gives the answer:
//!
//! 1. the date is before 2023-03-01 (本通告自2023年3月1日起施行) → allowed, clause `施行`;
//! 2. on a boundary road or an excluded stretch (丰喜大道, 西环路, 峨嵋大道, 东环路,
//!    五一路 north of 五一北岗, 北环路 west of 五一北岗), or outside the zone →
//!    allowed, `二、(二)`; `on_boundary_road` wins over `inside_zone`;
//! 3. outside the ban hours → allowed, `二、(一)`. The hours are half-open
//!    **[06:00:00, 22:00:00)** local time: 05:59:59 is out, 06:00:00 in, 21:59:59
//!    in, 22:00:00 out;
//! 4. a light or mini truck (GA 802-2019) → allowed, `一、(一)` (it bans 重中型货车 only);
//! 5. a medium 厢式/封闭式 truck of length ≤ 6 000 mm and total mass ≤ 8 000 kg →
//!    allowed, `一、(二)`; with a class but no measurements this cannot be shown,
//!    and a note says so;
//! 6. a new-energy truck → allowed, `一、(二)`. The clause is read as "(medium box
//!    trucks ≤ 6 m and ≤ 8 t) and (new-energy trucks)": the size limits are not
//!    applied to new-energy trucks, and the decision notes this reading;
//! 7. an exempt purpose → allowed, `四、(一)`, `四、(二)`, `四、(三)` or `四、(五)`;
//! 8. a pass valid for the plate, day, time and area → allowed, `四、(四)`;
//! 9. otherwise banned, `一、(一)`, with the penalty of `三` (200 yuan, 1 point); an
//!    invalid pass is named in the reason (`通行证无效：超出有效期……`).

use serde::{Deserialize, Serialize};

use crate::truck_ban::pass::{Pass, PassInvalid};
use crate::truck_ban::roads::BannedSection;
use crate::truck_ban::time::LocalDateTime;
use crate::truck_ban::vehicle::{Energy, Vehicle, VehicleClass, VehicleSize};
use crate::truck_ban::{
    BAN_END_MINUTE, BAN_START_MINUTE, BANNED, DOCUMENT, EFFECTIVE, EXEMPT, FINE_YUAN, HOURS, IN_FORCE, NOT_RESTRICTED,
    NOT_RESTRICTED_MAX_LENGTH_MM, NOT_RESTRICTED_MAX_MASS_KG, PENALTY, PENALTY_POINTS, ZONE,
};

/// The question: this truck, at this place and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TruckBanQuery {
    /// The instant; JSON: RFC 3339 with `Z` or an offset, read in Asia/Shanghai.
    pub at: LocalDateTime,
    /// The vehicle.
    pub vehicle: Vehicle,
    /// Whether the position is inside the ban zone (computed by the caller).
    pub inside_zone: bool,
    /// Whether the position is on one of the four boundary roads or the two excluded
    /// stretches, none of which is in the zone (二、(二)).
    pub on_boundary_road: bool,
    /// The truck's pass, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<Pass>,
    /// Whether the position is inside the pass's named area (ignored for a
    /// whole-zone pass; default `false`).
    #[serde(default)]
    pub inside_pass_area: bool,
    /// The boundary road or excluded stretch the position is on, as the answer names
    /// it (`丰喜大道（边界道路）`), when the road layer says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub road: Option<String>,
    /// The banned road section (禁行路段, 三) the position is on, with its hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banned_section: Option<BannedSection>,
}

/// Which step of the order of checks gave the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// Before 2023-03-01.
    NotInForce,
    /// On a boundary road or excluded stretch (二、(二)).
    BoundaryRoad,
    /// Outside the zone (二、(二)).
    OutsideZone,
    /// Outside 06:00-22:00 (二、(一)).
    OutsideHours,
    /// Light or mini truck (一、(一)).
    LightOrMini,
    /// Medium box/enclosed truck ≤ 6 m and ≤ 8 t (一、(二)).
    SmallMediumBoxTruck,
    /// New-energy truck (一、(二)).
    NewEnergy,
    /// Exempt purpose (四、(一)/(二)/(三)/(五)).
    ExemptVehicle,
    /// Valid pass (四、(四)).
    Pass,
    /// Banned (一、(一)).
    Banned,
}

/// The penalty for driving in breach of the ban (三).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    /// Fine, yuan.
    pub fine_yuan: u32,
    /// Demerit points.
    pub points: u32,
    /// Clause, `三`.
    pub clause: String,
}

/// A remark on the decision, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Whether the truck may not drive there then.
    pub banned: bool,
    /// Which check gave the answer.
    pub ground: Ground,
    /// Why, in Chinese.
    pub reason: String,
    /// Why, in English.
    pub reason_en: String,
    /// Clause of the notice, e.g. `一、(一)`, `二、(二)`, `四、(四)`, or `施行`.
    pub clause: String,
    /// `临政发〔2023〕5号`.
    pub document: String,
    /// The penalty when banned.
    pub penalty: Option<Penalty>,
    /// The vehicle's class (stated or derived).
    pub vehicle_class: VehicleClass,
    /// The instant in Asia/Shanghai.
    pub at: LocalDateTime,
    /// Why the pass given does not help, when it was checked and failed.
    pub pass_invalid: Option<PassInvalid>,
    /// Remarks: class derivation, readings of the text, missing facts.
    pub notes: Vec<Note>,
}

/// Whether the notice is in force on the local day of `at` (from 2023-03-01).
pub fn in_force(at: LocalDateTime) -> bool {
    at.date() >= IN_FORCE
}

/// Whether `at` is in the ban hours, half-open [06:00:00, 22:00:00) local time.
pub fn in_ban_hours(at: LocalDateTime) -> bool {
    let s = at.second_of_day();
    s >= u32::from(BAN_START_MINUTE) * 60 && s < u32::from(BAN_END_MINUTE) * 60
}

fn note(zh: impl Into<String>, en: impl Into<String>) -> Note {
    Note { zh: zh.into(), en: en.into() }
}

/// Decides the query; see the module documentation for the order of checks.
pub fn decide(query: &TruckBanQuery) -> Decision {
    let class = query.vehicle.class();
    let mut notes = Vec::new();
    if let VehicleSize::Measured { length_mm, total_mass_kg } = query.vehicle.size {
        notes.push(note(
            format!("按GA 802-2019，车长{length_mm}毫米、总质量{total_mass_kg}千克为{}", class.name_zh()),
            format!("GA 802-2019: length {length_mm} mm and total mass {total_mass_kg} kg make a {}", class.name_en()),
        ));
    }
    if let Some((zh, en)) = query.pass.as_ref().and_then(Pass::warning) {
        notes.push(note(zh, en));
    }
    let outcome = check_in_order(query, class, &mut notes);
    let banned = outcome.ground == Ground::Banned;
    Decision {
        banned,
        ground: outcome.ground,
        reason: outcome.reason,
        reason_en: outcome.reason_en,
        clause: outcome.clause.to_owned(),
        document: DOCUMENT.to_owned(),
        penalty: banned.then(|| Penalty {
            fine_yuan: FINE_YUAN,
            points: PENALTY_POINTS,
            clause: PENALTY.clause.to_owned(),
        }),
        vehicle_class: class,
        at: query.at,
        pass_invalid: outcome.pass_invalid,
        notes,
    }
}

/// What the first applicable check says.
struct Outcome {
    ground: Ground,
    clause: &'static str,
    reason: String,
    reason_en: String,
    pass_invalid: Option<PassInvalid>,
}

fn outcome(ground: Ground, clause: &'static str, reason: String, reason_en: String) -> Outcome {
    Outcome { ground, clause, reason, reason_en, pass_invalid: None }
}

/// Steps 1-9 of the module documentation.
fn check_in_order(query: &TruckBanQuery, class: VehicleClass, notes: &mut Vec<Note>) -> Outcome {
    let at = query.at;
    let vehicle = &query.vehicle;
    // 1. In force.
    if !in_force(at) {
        return outcome(
            Ground::NotInForce,
            EFFECTIVE.clause,
            format!("通告自2023年3月1日起施行，{}尚未施行", at.date()),
            format!("The notice is in force from {IN_FORCE}; on {} it was not yet in force.", at.date()),
        );
    }
    // 2'. A banned road section (禁行路段, 三, gazette line 109) in its own hours: the
    // vehicle clauses of the zone apply (an assumption: the notice does not list the
    // sections nor say which vehicles they concern).
    let section = query.banned_section.as_ref().filter(|s| s.windows.iter().any(|w| w.contains(at.second_of_day())));
    if let Some(section) = section {
        notes.push(note(
            format!(
                "位于禁行路段{}，禁行时间{}（三）；假定：禁行路段的限行车辆和不受限制车辆同禁行区域（一、四）",
                section.name,
                section.hours_text()
            ),
            format!(
                "On the banned road section {} (hours {}, clause 三); assumption: the vehicle clauses of the zone (一, 四) apply to it.",
                section.name,
                section.hours_text()
            ),
        ));
    }
    // 2. Zone.
    if section.is_some() {
        // The section's hours stand for the zone and its hours; go on with the vehicle.
    } else if query.on_boundary_road {
        if query.inside_zone {
            notes.push(note(
                "边界道路和除外路段不属于禁行区域，按不在区域内处理",
                "Boundary roads and excluded stretches are not in the zone; treated as outside it.",
            ));
        }
        if let Some(road) = &query.road {
            return outcome(
                Ground::BoundaryRoad,
                ZONE.clause,
                format!("位于{road}上，不在禁行区域内（边界道路和除外路段不属于禁行区域）"),
                format!("On {road}: boundary roads and excluded stretches are not part of the ban zone."),
            );
        }
        return outcome(
            Ground::BoundaryRoad,
            ZONE.clause,
            "位于禁行区域边界道路或除外路段（丰喜大道、西环路、峨嵋大道、东环路，五一路五一北岗以北、\
             北环路五一北岗以西），不在禁行区域内"
                .to_owned(),
            "On a boundary road or excluded stretch (丰喜大道, 西环路, 峨嵋大道, 东环路, 五一路 north of \
             五一北岗, 北环路 west of 五一北岗), which is not part of the ban zone."
                .to_owned(),
        );
    } else if !query.inside_zone {
        return outcome(
            Ground::OutsideZone,
            ZONE.clause,
            "不在禁行区域内（丰喜大道以北、西环路以东、峨嵋大道以南、东环路以西）".to_owned(),
            "Outside the ban zone (north of 丰喜大道, east of 西环路, south of 峨嵋大道, west of 东环路).".to_owned(),
        );
    }
    // 3. Hours.
    else if !in_ban_hours(at) {
        return outcome(
            Ground::OutsideHours,
            HOURS.clause,
            format!("当地时间{}不在禁行时间（每日6:00—22:00）内", at.time_text()),
            format!("{} local time is outside the ban hours (06:00-22:00 every day).", at.time_text()),
        );
    }
    // 4. Class.
    if !class.is_heavy_or_medium() {
        return outcome(
            Ground::LightOrMini,
            BANNED.clause,
            format!("{}不属于重中型货车，不受禁行限制", class.name_zh()),
            format!("A {} is not a heavy or medium truck; the ban does not cover it.", class.name_en()),
        );
    }
    // 5. Medium box/enclosed truck within 6 m and 8 t.
    if class == VehicleClass::Medium && vehicle.body.is_box_or_enclosed() {
        match vehicle.measurements() {
            Some((length_mm, total_mass_kg))
                if length_mm <= NOT_RESTRICTED_MAX_LENGTH_MM && total_mass_kg <= NOT_RESTRICTED_MAX_MASS_KG =>
            {
                return outcome(
                    Ground::SmallMediumBoxTruck,
                    NOT_RESTRICTED.clause,
                    format!(
                        "车长{length_mm}毫米、总质量{total_mass_kg}千克的中型{}货车，车长不超过6米、总质量不超过8吨，不受限制",
                        vehicle.body.name_zh()
                    ),
                    format!(
                        "A medium {} truck of {length_mm} mm and {total_mass_kg} kg (at most 6 m and 8 t) is not \
                         covered by the ban.",
                        vehicle.body.name_en()
                    ),
                );
            }
            Some(_) => {}
            None => notes.push(note(
                "未提供车长、总质量，无法判断是否属于车长不超过6米、总质量不超过8吨的中型厢式、封闭式货车（一、(二)）",
                "Length and total mass not given: whether the truck is a medium box/enclosed truck of at most \
                 6 m and 8 t (一、(二)) cannot be decided.",
            )),
        }
    }
    // 6. New energy.
    if vehicle.energy == Energy::NewEnergy {
        notes.push(note(
            "一、(二)按“新能源货车”不受车长、总质量限制理解",
            "一、(二) is read as exempting new-energy trucks of any length and mass.",
        ));
        return outcome(
            Ground::NewEnergy,
            NOT_RESTRICTED.clause,
            format!("新能源{}不受限制", class.name_zh()),
            format!("New-energy trucks are not covered by the ban (new-energy {}).", class.name_en()),
        );
    }
    // 7. Exempt purpose.
    if let Some(clause) = vehicle.purpose.exempt_clause() {
        return outcome(
            Ground::ExemptVehicle,
            clause.clause,
            format!("{}不受限制", vehicle.purpose.name_zh()),
            format!("Exempt: {} ({}).", vehicle.purpose.name_en(), clause.text_en.trim_end_matches('.')),
        );
    }
    // 8. Pass.
    let mut pass_invalid = None;
    if let Some(pass) = &query.pass {
        match pass.valid_at(at, vehicle.plate.as_deref().unwrap_or(""), query.inside_pass_area) {
            Ok(()) => {
                return outcome(
                    Ground::Pass,
                    EXEMPT[3].clause,
                    format!("持有效{}，不受限制", pass.source().name_zh()),
                    format!("Holds a valid {}.", pass.source().name_en()),
                );
            }
            Err(e) => pass_invalid = Some(e),
        }
    }
    // 9. Banned.
    let (mut reason, mut reason_en) = match section {
        Some(s) => (
            format!("{}在禁行路段{}禁行时间（{}）内禁止通行", class.name_zh(), s.name, s.hours_text()),
            format!(
                "Banned: {}s may not drive on the banned section {} during its hours ({})",
                class.name_en(),
                s.name,
                s.hours_text()
            ),
        ),
        None => (
            format!("{}在禁行时间、禁行区域内禁止通行", class.name_zh()),
            format!("Banned: {}s may not drive in the ban zone during the ban hours", class.name_en()),
        ),
    };
    if let Some(e) = &pass_invalid {
        reason.push_str(&format!("；通行证无效：{}", e.reason_zh()));
        reason_en.push_str(&format!("; the pass is not valid: {e}"));
    }
    reason_en.push('.');
    Outcome { pass_invalid, ..outcome(Ground::Banned, BANNED.clause, reason, reason_en) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::truck_ban::pass::{DailyWindow, PassArea, PassSource};
    use crate::truck_ban::vehicle::{Body, Purpose};
    use crate::units::date::Date;
    use VehicleClass::{Heavy, Light, Medium, Mini};

    /// Where the truck is.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Place {
        Inside,
        Outside,
        BoundaryRoad,
    }

    fn query(at: &str, vehicle: Vehicle, place: Place) -> TruckBanQuery {
        TruckBanQuery {
            at: LocalDateTime::parse_rfc3339(at).unwrap(),
            vehicle,
            inside_zone: place == Place::Inside,
            on_boundary_road: place == Place::BoundaryRoad,
            pass: None,
            inside_pass_area: false,
            road: None,
            banned_section: None,
        }
    }

    fn fuel(length_mm: u32, mass_kg: u32, body: Body) -> Vehicle {
        Vehicle::measured(length_mm, mass_kg, body, Energy::Fuel, Purpose::Ordinary)
    }

    /// `check(query, ground, clause)`: banned exactly when the ground is `Banned`.
    fn check(q: &TruckBanQuery, ground: Ground, clause: &str) -> Decision {
        let d = decide(q);
        assert_eq!((d.ground, d.clause.as_str()), (ground, clause), "{q:?}\n{d:?}");
        assert_eq!(d.banned, ground == Ground::Banned, "{q:?}");
        assert_eq!(d.penalty.is_some(), d.banned);
        assert_eq!(d.document, "临政发〔2023〕5号");
        d
    }

    const NOON: &str = "2023-06-01T12:00:00+08:00";

    #[test]
    fn ban_hours_are_half_open_in_local_time() {
        let heavy = fuel(9_000, 18_000, Body::Open);
        for (at, ground) in [
            ("2023-06-01T05:59:59+08:00", Ground::OutsideHours),
            ("2023-06-01T06:00:00+08:00", Ground::Banned),
            ("2023-06-01T21:59:59+08:00", Ground::Banned),
            ("2023-06-01T22:00:00+08:00", Ground::OutsideHours),
            // The same instants in UTC.
            ("2023-05-31T21:59:59Z", Ground::OutsideHours),
            ("2023-05-31T22:00:00Z", Ground::Banned),
            ("2023-06-01T13:59:59Z", Ground::Banned),
            ("2023-06-01T14:00:00Z", Ground::OutsideHours),
            ("2023-06-01T21:59:59.999+08:00", Ground::Banned),
            ("2023-06-01T00:00:00+08:00", Ground::OutsideHours),
        ] {
            let clause = if ground == Ground::Banned { "一、(一)" } else { "二、(一)" };
            check(&query(at, heavy.clone(), Place::Inside), ground, clause);
        }
        let d = decide(&query("2023-05-31T21:59:59Z", heavy, Place::Inside));
        assert_eq!(d.reason, "当地时间05:59:59不在禁行时间（每日6:00—22:00）内");
        assert_eq!(d.at.to_string(), "2023-06-01T05:59:59+08:00");
    }

    #[test]
    fn in_force_from_2023_03_01() {
        let heavy = fuel(9_000, 18_000, Body::Open);
        let d = check(&query("2023-02-28T12:00:00+08:00", heavy.clone(), Place::Inside), Ground::NotInForce, "施行");
        assert_eq!(d.reason, "通告自2023年3月1日起施行，2023-02-28尚未施行");
        check(&query("2023-03-01T12:00:00+08:00", heavy.clone(), Place::Inside), Ground::Banned, "一、(一)");
        // The local day counts: 2023-02-28T22:00Z is 03-01 06:00 in 临猗, 16:00Z is 03-01 00:00.
        check(&query("2023-02-28T22:00:00Z", heavy.clone(), Place::Inside), Ground::Banned, "一、(一)");
        check(&query("2023-02-28T15:59:59Z", heavy, Place::Inside), Ground::NotInForce, "施行");
    }

    #[test]
    fn exemption_limits_of_clause_1_2() {
        // (length, mass, body, ground): medium only; ≤ 6 000 mm and ≤ 8 000 kg, box or enclosed.
        let cases = [
            (6_000, 8_000, Body::Box, Ground::SmallMediumBoxTruck),
            (6_000, 8_001, Body::Box, Ground::Banned),
            (6_001, 8_000, Body::Box, Ground::Banned),
            (5_990, 7_900, Body::Enclosed, Ground::SmallMediumBoxTruck),
            (5_990, 4_500, Body::Box, Ground::SmallMediumBoxTruck),
            (6_000, 3_000, Body::Enclosed, Ground::SmallMediumBoxTruck),
            (5_990, 7_900, Body::Open, Ground::Banned),
            (5_990, 7_900, Body::Tanker, Ground::Banned),
            (5_990, 7_900, Body::Other, Ground::Banned),
            (5_999, 4_499, Body::Box, Ground::LightOrMini),
            (5_000, 12_000, Body::Box, Ground::Banned), // heavy
            (5_000, 11_999, Body::Box, Ground::Banned), // medium above 8 t
        ];
        for (length, mass, body, ground) in cases {
            let clause = match ground {
                Ground::SmallMediumBoxTruck | Ground::NewEnergy => "一、(二)",
                _ => "一、(一)",
            };
            check(&query(NOON, fuel(length, mass, body), Place::Inside), ground, clause);
        }
        let d = decide(&query(NOON, fuel(6_000, 8_000, Body::Box), Place::Inside));
        assert_eq!(d.reason, "车长6000毫米、总质量8000千克的中型厢式货车，车长不超过6米、总质量不超过8吨，不受限制");
        assert_eq!(d.notes[0].zh, "按GA 802-2019，车长6000毫米、总质量8000千克为中型货车");
        // A medium box truck given by class only cannot use 一、(二): banned, with a note.
        let d = check(
            &query(NOON, Vehicle::of_class(Medium, Body::Box, Energy::Fuel, Purpose::Ordinary), Place::Inside),
            Ground::Banned,
            "一、(一)",
        );
        assert!(d.notes.iter().any(|n| n.zh.starts_with("未提供车长、总质量")), "{d:?}");
    }

    #[test]
    fn ga_802_boundaries_through_decide() {
        for (length, mass, class, ground) in [
            (5_000, 4_499, Light, Ground::LightOrMini),
            (5_000, 4_500, Medium, Ground::Banned),
            (5_000, 11_999, Medium, Ground::Banned),
            (5_000, 12_000, Heavy, Ground::Banned),
            (5_999, 3_000, Light, Ground::LightOrMini),
            (6_000, 3_000, Medium, Ground::Banned),
            (3_500, 1_800, Mini, Ground::LightOrMini),
        ] {
            let d = check(&query(NOON, fuel(length, mass, Body::Open), Place::Inside), ground, "一、(一)");
            assert_eq!(d.vehicle_class, class, "{length} {mass}");
        }
        let d = decide(&query(NOON, fuel(3_500, 1_800, Body::Open), Place::Inside));
        assert_eq!(d.reason, "微型货车不属于重中型货车，不受禁行限制");
    }

    #[test]
    fn zone_and_boundary_roads() {
        let heavy = fuel(9_000, 18_000, Body::Open);
        let d = check(&query(NOON, heavy.clone(), Place::Outside), Ground::OutsideZone, "二、(二)");
        assert!(d.reason.starts_with("不在禁行区域内"));
        let d = check(&query(NOON, heavy.clone(), Place::BoundaryRoad), Ground::BoundaryRoad, "二、(二)");
        assert!(d.reason.contains("丰喜大道") && d.reason.contains("五一北岗"));
        // A point flagged both inside and on a boundary road: the road is not in the zone.
        let mut q = query(NOON, heavy, Place::BoundaryRoad);
        q.inside_zone = true;
        let d = check(&q, Ground::BoundaryRoad, "二、(二)");
        assert!(d.notes.iter().any(|n| n.zh.starts_with("边界道路")));
    }

    /// Issue 15, item 4 (gazette line 105, 二、(二)): a position on a boundary road or an
    /// excluded stretch is not in the zone, and the answer names the road.
    #[test]
    fn the_answer_names_the_road() {
        let mut q = query(NOON, fuel(9_000, 18_000, Body::Open), Place::BoundaryRoad);
        q.road = Some("丰喜大道（边界道路）".into());
        let d = check(&q, Ground::BoundaryRoad, "二、(二)");
        assert_eq!(d.reason, "位于丰喜大道（边界道路）上，不在禁行区域内（边界道路和除外路段不属于禁行区域）");
        q.road = Some("五一路五一北岗以北（除外路段）".into());
        q.inside_zone = true;
        let d = check(&q, Ground::BoundaryRoad, "二、(二)");
        assert!(d.reason.starts_with("位于五一路五一北岗以北（除外路段）上，不在禁行区域内"), "{}", d.reason);
    }

    /// Issue 15, item 5 (gazette line 109, 三: 在禁行区域及禁行路段通行的): a banned road
    /// section bans in its own hours, even outside the zone and its hours, with the
    /// vehicle clauses of the zone (an assumption the answer states).
    #[test]
    fn banned_sections_have_their_own_hours() {
        let section = || {
            Some(BannedSection {
                name: "解放路".into(),
                windows: vec![crate::truck_ban::DailyWindow::new(22 * 60, 23 * 60).unwrap()],
            })
        };
        let mut q = query("2023-06-01T22:30:00+08:00", fuel(9_000, 18_000, Body::Open), Place::Outside);
        q.banned_section = section();
        let d = check(&q, Ground::Banned, "一、(一)");
        assert_eq!(d.reason, "重型货车在禁行路段解放路禁行时间（22:00-23:00）内禁止通行");
        assert!(d.notes.iter().any(|n| n.zh.contains("假定") && n.zh.contains("（三）")), "{d:?}");
        // Outside its hours: the zone's rule (outside the zone here).
        q.at = LocalDateTime::parse_rfc3339("2023-06-01T23:00:00+08:00").unwrap();
        check(&q, Ground::OutsideZone, "二、(二)");
        // The vehicle clauses apply: a new-energy truck is not restricted (一、(二)).
        let mut q = query("2023-06-01T22:30:00+08:00", fuel(9_000, 18_000, Body::Open), Place::Outside);
        q.vehicle.energy = Energy::NewEnergy;
        q.banned_section = section();
        check(&q, Ground::NewEnergy, "一、(二)");
    }

    #[test]
    fn exempt_purposes_and_new_energy() {
        for (purpose, clause, reason) in [
            (Purpose::Police, "四、(一)", "警车不受限制"),
            (Purpose::Fire, "四、(一)", "消防车不受限制"),
            (Purpose::EngineeringRescue, "四、(一)", "工程抢险车不受限制"),
            (Purpose::LawEnforcementOnDuty, "四、(二)", "执行公务的行政执法车辆不受限制"),
            (Purpose::Wrecker, "四、(二)", "清障专用作业车辆不受限制"),
            (Purpose::Sanitation, "四、(三)", "环卫专项作业车辆不受限制"),
            (Purpose::Landscaping, "四、(三)", "园林专项作业车辆不受限制"),
            (Purpose::RoadMaintenance, "四、(三)", "道路养护专项作业车辆不受限制"),
            (Purpose::MunicipalEngineering, "四、(三)", "市政工程车不受限制"),
            (Purpose::MedicalWaste, "四、(三)", "医疗垃圾运输车辆不受限制"),
            (Purpose::OtherByLaw, "四、(五)", "法律规定的其他不受限制的车辆不受限制"),
        ] {
            let v = Vehicle::of_class(Heavy, Body::Other, Energy::Fuel, purpose);
            let d = check(&query(NOON, v, Place::Inside), Ground::ExemptVehicle, clause);
            assert_eq!(d.reason, reason);
        }
        let v = Vehicle::of_class(Heavy, Body::Tanker, Energy::NewEnergy, Purpose::Ordinary);
        let d = check(&query(NOON, v, Place::Inside), Ground::NewEnergy, "一、(二)");
        assert_eq!(d.reason, "新能源重型货车不受限制");
        assert!(d.notes.iter().any(|n| n.zh.contains("不受车长、总质量限制")));
    }

    fn with_pass(vehicle: Vehicle, at: &str, windows: Vec<DailyWindow>, area: PassArea, inside: bool) -> TruckBanQuery {
        let mut q = query(at, vehicle, Place::Inside);
        q.pass = Some(
            Pass::new("晋M12345", Date::ymd(2023, 6, 1), Date::ymd(2023, 6, 30), windows, area, PassSource::Electronic)
                .unwrap(),
        );
        q.inside_pass_area = inside;
        q
    }

    #[test]
    fn passes() {
        let truck = fuel(9_000, 18_000, Body::Open).with_plate("晋M·12345");
        let all = || vec![DailyWindow::WHOLE_DAY];
        let zone = || PassArea::WholeZone;
        let d = check(
            &with_pass(truck.clone(), "2023-06-01T06:00:00+08:00", all(), zone(), false),
            Ground::Pass,
            "四、(四)",
        );
        assert_eq!(d.reason, "持有效电子通行证（交管12123），不受限制");
        check(&with_pass(truck.clone(), "2023-06-30T21:59:59+08:00", all(), zone(), false), Ground::Pass, "四、(四)");
        for (at, windows, area, inside, invalid) in [
            ("2023-05-31T12:00:00+08:00", all(), zone(), false, "未到有效期（自2023-06-01起有效）"),
            ("2023-07-01T12:00:00+08:00", all(), zone(), false, "超出有效期（有效期至2023-06-30）"),
            (
                "2023-06-10T10:00:00+08:00",
                vec![DailyWindow::new(480, 600).unwrap()],
                zone(),
                false,
                "不在通行时段内（10:00:00，通行时段08:00-10:00）",
            ),
            (
                "2023-06-10T12:00:00+08:00",
                all(),
                PassArea::Named("城北配送线".into()),
                false,
                "不在通行区域内（城北配送线）",
            ),
        ] {
            let d = check(&with_pass(truck.clone(), at, windows, area, inside), Ground::Banned, "一、(一)");
            assert_eq!(d.reason, format!("重型货车在禁行时间、禁行区域内禁止通行；通行证无效：{invalid}"));
            assert!(d.pass_invalid.is_some());
        }
        // Window start inclusive, end exclusive, through decide.
        let w = || vec![DailyWindow::new(480, 600).unwrap()];
        check(&with_pass(truck.clone(), "2023-06-10T08:00:00+08:00", w(), zone(), false), Ground::Pass, "四、(四)");
        check(&with_pass(truck.clone(), "2023-06-10T09:59:59+08:00", w(), zone(), false), Ground::Pass, "四、(四)");
        // Named area, inside.
        let named = || PassArea::Named("城北配送线".into());
        check(&with_pass(truck.clone(), NOON, all(), named(), true), Ground::Pass, "四、(四)");
        // A window crossing midnight never meets the ban hours.
        let night = || vec![DailyWindow::new(22 * 60, 6 * 60).unwrap()];
        check(
            &with_pass(truck.clone(), "2023-06-10T06:00:00+08:00", night(), zone(), false),
            Ground::Banned,
            "一、(一)",
        );
        check(
            &with_pass(truck.clone(), "2023-06-10T05:59:59+08:00", night(), zone(), false),
            Ground::OutsideHours,
            "二、(一)",
        );
        // Wrong plate and no plate.
        let other = fuel(9_000, 18_000, Body::Open).with_plate("晋M54321");
        let d = check(&with_pass(other, NOON, all(), zone(), false), Ground::Banned, "一、(一)");
        assert!(d.reason.ends_with("通行证无效：车牌不符（通行证为晋M12345，车辆为晋M54321）"), "{}", d.reason);
        let d =
            check(&with_pass(fuel(9_000, 18_000, Body::Open), NOON, all(), zone(), false), Ground::Banned, "一、(一)");
        assert_eq!(d.pass_invalid, Some(PassInvalid::NoPlate));
        // Without a pass: banned, no pass remark.
        let d = check(&query(NOON, truck, Place::Inside), Ground::Banned, "一、(一)");
        assert_eq!(d.reason, "重型货车在禁行时间、禁行区域内禁止通行");
        assert_eq!(d.reason_en, "Banned: heavy trucks may not drive in the ban zone during the ban hours.");
        assert_eq!(d.penalty, Some(Penalty { fine_yuan: 200, points: 1, clause: "三".into() }));
    }

    /// Every class × body × energy × purpose × place × time edge, against the rule
    /// written as a list of (applies, ground) in the order of checks.
    #[test]
    fn decision_table() {
        // (vehicle size, whether 一、(二) size limits are met when the body is box/enclosed)
        let mut sizes: Vec<(VehicleSize, bool)> =
            VehicleClass::ALL.iter().map(|&class| (VehicleSize::Class { class }, false)).collect();
        sizes.extend([
            (VehicleSize::Measured { length_mm: 9_000, total_mass_kg: 18_000 }, false), // heavy
            (VehicleSize::Measured { length_mm: 7_000, total_mass_kg: 10_000 }, false), // medium, big
            (VehicleSize::Measured { length_mm: 5_990, total_mass_kg: 7_900 }, true),   // medium, small
            (VehicleSize::Measured { length_mm: 6_000, total_mass_kg: 8_000 }, true),   // medium, at the limits
            (VehicleSize::Measured { length_mm: 4_500, total_mass_kg: 3_000 }, false),  // light
            (VehicleSize::Measured { length_mm: 3_400, total_mass_kg: 1_500 }, false),  // mini
        ]);
        // (instant, in ban hours): local and the same instants in UTC.
        let times = [
            ("2023-06-01T05:59:59+08:00", false),
            ("2023-06-01T06:00:00+08:00", true),
            ("2023-06-01T21:59:59+08:00", true),
            ("2023-06-01T22:00:00+08:00", false),
            ("2023-05-31T21:59:59Z", false),
            ("2023-05-31T22:00:00Z", true),
            ("2023-06-01T13:59:59Z", true),
            ("2023-06-01T14:00:00Z", false),
        ];
        let mut count = 0;
        let mut banned = 0;
        for &(size, small) in &sizes {
            for body in [Body::Box, Body::Enclosed, Body::Open] {
                for energy in [Energy::Fuel, Energy::NewEnergy] {
                    for purpose in Purpose::ALL {
                        for place in [Place::Inside, Place::Outside, Place::BoundaryRoad] {
                            for (at, in_hours) in times {
                                let vehicle = Vehicle { size, body, energy, purpose, plate: None };
                                let class = vehicle.class();
                                let rules = [
                                    (place == Place::BoundaryRoad, Ground::BoundaryRoad, "二、(二)"),
                                    (place == Place::Outside, Ground::OutsideZone, "二、(二)"),
                                    (!in_hours, Ground::OutsideHours, "二、(一)"),
                                    (matches!(class, Light | Mini), Ground::LightOrMini, "一、(一)"),
                                    (
                                        class == Medium && small && matches!(body, Body::Box | Body::Enclosed),
                                        Ground::SmallMediumBoxTruck,
                                        "一、(二)",
                                    ),
                                    (energy == Energy::NewEnergy, Ground::NewEnergy, "一、(二)"),
                                    (
                                        matches!(purpose, Purpose::Police | Purpose::Fire | Purpose::EngineeringRescue),
                                        Ground::ExemptVehicle,
                                        "四、(一)",
                                    ),
                                    (
                                        matches!(purpose, Purpose::LawEnforcementOnDuty | Purpose::Wrecker),
                                        Ground::ExemptVehicle,
                                        "四、(二)",
                                    ),
                                    (
                                        matches!(
                                            purpose,
                                            Purpose::Sanitation
                                                | Purpose::Landscaping
                                                | Purpose::RoadMaintenance
                                                | Purpose::MunicipalEngineering
                                                | Purpose::MedicalWaste
                                        ),
                                        Ground::ExemptVehicle,
                                        "四、(三)",
                                    ),
                                    (purpose == Purpose::OtherByLaw, Ground::ExemptVehicle, "四、(五)"),
                                    (true, Ground::Banned, "一、(一)"),
                                ];
                                let (_, ground, clause) = rules.into_iter().find(|r| r.0).unwrap();
                                let d = check(&query(at, vehicle, place), ground, clause);
                                assert_eq!(d.vehicle_class, class);
                                count += 1;
                                banned += usize::from(d.banned);
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(count, 10 * 3 * 2 * 12 * 3 * 8);
        // Banned: heavy/medium fuel ordinary trucks inside in hours, less the small medium box/enclosed.
        // Classes 6 heavy/medium sizes × 3 bodies, minus 2 small × 2 bodies = 14; × 4 in-hours instants.
        assert_eq!(banned, 14 * 4);
    }

    #[test]
    fn json_in_and_out() {
        let q: TruckBanQuery = serde_json::from_value(serde_json::json!({
            "at": "2023-05-31T22:00:00Z",
            "vehicle": {"length_mm": 9000, "total_mass_kg": 18000, "body": "open", "energy": "fuel", "plate": "晋M12345"},
            "inside_zone": true,
            "on_boundary_road": false,
            "pass": {"plate": "晋M12345", "valid_from": "2023-03-01", "valid_to": "2023-05-31",
                     "windows": [{"start_minute": 0, "end_minute": 1440}], "area": "whole_zone", "source": "paper"}
        }))
        .unwrap();
        let d = decide(&q);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["banned"], true);
        assert_eq!(json["ground"], "banned");
        assert_eq!(json["clause"], "一、(一)");
        assert_eq!(json["document"], "临政发〔2023〕5号");
        assert_eq!(json["penalty"], serde_json::json!({"fine_yuan": 200, "points": 1, "clause": "三"}));
        assert_eq!(json["vehicle_class"], "heavy");
        assert_eq!(json["at"], "2023-06-01T06:00:00+08:00");
        assert_eq!(json["pass_invalid"], serde_json::json!({"kind": "expired", "valid_to": "2023-05-31"}));
        assert_eq!(
            json["reason"],
            "重型货车在禁行时间、禁行区域内禁止通行；通行证无效：超出有效期（有效期至2023-05-31）"
        );
        assert_eq!(serde_json::from_value::<Decision>(json).unwrap(), d);
        let back: TruckBanQuery = serde_json::from_value(serde_json::to_value(&q).unwrap()).unwrap();
        assert_eq!(back, q);
        let e = serde_json::from_value::<TruckBanQuery>(serde_json::json!({
            "at": "2023-06-01 06:00", "vehicle": {"class": "heavy", "body": "open", "energy": "fuel"},
            "inside_zone": true, "on_boundary_road": false
        }))
        .unwrap_err();
        assert!(e.to_string().contains("not an RFC 3339 date-time"), "{e}");
        let allowed = decide(&query(NOON, fuel(4_500, 3_000, Body::Box), Place::Inside));
        assert_eq!(serde_json::to_value(&allowed).unwrap()["penalty"], serde_json::Value::Null);
    }
}
