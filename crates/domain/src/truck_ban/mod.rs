//! The urban truck ban (城区道路货车禁行) of 临政发〔2023〕5号: the rule as published.
//!
//! Source: 临猗县人民政府公报 2023年第2期, lines 89-126 (verbatim copy in
//! `data/gazette/linyi-gazette-2023-02-L89-126.txt`). Clause numbers follow the
//! notice: 一 vehicle types, 二 time and zone, 三 penalty, 四 vehicles not restricted.
//!
//! This module states the rule; [`decide`] applies it to one truck at one place and
//! time (the order of checks is documented in its module, `truck_ban_decide.rs`).
//! The parts live in their own files and are re-exported here:
//!
//! - `truck_ban_time.rs`: [`LocalDateTime`], RFC 3339 instants ([`crate::units::instant`])
//!   read in Asia/Shanghai;
//! - `truck_ban_vehicle.rs`: [`Vehicle`], [`VehicleClass`] (GA 802-2019), body,
//!   energy, purpose;
//! - `truck_ban_pass.rs`: [`Pass`] (通行证) and [`Pass::valid_at`];
//! - `truck_ban_decide.rs`: [`TruckBanQuery`] → [`decide`] → [`Decision`].

pub(crate) mod decide;
pub(crate) mod pass;
pub mod pass_record;
pub mod roads;
pub(crate) mod time;
pub(crate) mod vehicle;

use serde::Serialize;
use serde_json::{Value, json};

use crate::units::date::Date;

pub use crate::truck_ban::decide::{Decision, Ground, Note, Penalty, TruckBanQuery, decide, in_ban_hours, in_force};
pub use crate::truck_ban::pass::{DailyWindow, Pass, PassArea, PassError, PassInvalid, PassSource};
pub use crate::truck_ban::time::{LocalDateTime, TimeError};
pub use crate::truck_ban::vehicle::{
    Body, Energy, HEAVY_MIN_MASS_KG, MEDIUM_MIN_LENGTH_MM, MEDIUM_MIN_MASS_KG, MINI_MAX_LENGTH_MM, MINI_MAX_MASS_KG,
    PlateError, Purpose, Vehicle, VehicleClass, VehicleError, VehicleSize, check_plate, normalize_plate,
};

/// The notice: 临猗县人民政府 临政发〔2023〕5号.
pub const DOCUMENT: &str = "临政发〔2023〕5号";
/// Title of the notice.
pub const TITLE: &str = "临猗县人民政府关于临猗县城区道路货车禁行的通告";
/// Date the notice is signed (2023年4月23日).
pub const NOTICE_DATE: Date = Date::ymd(2023, 4, 23);
/// In force from (本通告自2023年3月1日起施行; earlier than the signature date, as published).
pub const IN_FORCE: Date = Date::ymd(2023, 3, 1);
/// How far outside the zone polygon a position still counts as on a boundary
/// road. The zone polygons are drawn inset from the centrelines of the boundary
/// roads (the roads are not in the zone, 二、(一)); a point within this distance
/// outside the polygon is taken to be on the road. An approximation until a road
/// layer with widths is imported; stated in every answer.
pub const BOUNDARY_ROAD_TOLERANCE_M: f64 = 30.0;

/// The document listing the key freight-source enterprises (重点货运源头企业).
pub const FREIGHT_SOURCES_DOCUMENT: &str = "临政办发〔2023〕18号";
/// Time zone of the ban hours: the county's ([`crate::county::TIME_ZONE`]).
pub const TIME_ZONE: &str = crate::county::TIME_ZONE;
/// Offset of [`TIME_ZONE`] from UTC in minutes (China keeps UTC+8 all year;
/// [`crate::county::UTC_OFFSET_MINUTES`]).
pub const UTC_OFFSET_MINUTES: i32 = crate::county::UTC_OFFSET_MINUTES;
/// Ban hours as text: every day, local time (二、(一) 6:00—22:00).
pub const BAN_HOURS: &str = "06:00-22:00";
/// Start of the daily ban, minutes after local midnight (06:00).
pub const BAN_START_MINUTE: u16 = 6 * 60;
/// End of the daily ban, minutes after local midnight (22:00).
pub const BAN_END_MINUTE: u16 = 22 * 60;
/// 一、(二): a medium box/enclosed truck is not restricted up to this length, mm (车长不超过6米).
pub const NOT_RESTRICTED_MAX_LENGTH_MM: u32 = 6_000;
/// 一、(二): … and up to this total mass, kg (总质量不超过8吨).
pub const NOT_RESTRICTED_MAX_MASS_KG: u32 = 8_000;
/// Fine for a violation, yuan (三).
pub const FINE_YUAN: u32 = 200;
/// Demerit points for a violation (三).
pub const PENALTY_POINTS: u32 = 1;

/// A clause of the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// Clause number as in the notice, e.g. `一、(一)`.
    pub clause: &'static str,
    /// The clause text, verbatim (without the closing punctuation).
    pub text_zh: &'static str,
    /// English rendering.
    pub text_en: &'static str,
}

/// 一、(一): the banned vehicles.
pub const BANNED: Clause = Clause {
    clause: "一、(一)",
    text_zh: "禁行时间、禁行区域内，重中型货车禁止通行",
    text_en: "Heavy and medium trucks may not drive in the ban zone during the ban hours.",
};

/// 一、(二): vehicles the ban does not cover.
pub const NOT_RESTRICTED: Clause = Clause {
    clause: "一、(二)",
    text_zh: "车长不超过6米，总质量不超过8吨的中型厢式、封闭式货车和新能源货车不受上述限制规定",
    text_en: "Medium box or enclosed trucks no longer than 6 m and with a total mass of at most \
              8 t, and new-energy trucks, are not covered by the ban.",
};

/// 二、(一): the ban hours.
pub const HOURS: Clause =
    Clause { clause: "二、(一)", text_zh: "6:00—22:00", text_en: "Every day from 06:00 to 22:00 local time." };

/// 二、(二): the ban zone.
pub const ZONE: Clause = Clause {
    clause: "二、(二)",
    text_zh: "丰喜大道以北（不含丰喜大道），西环路以东（不含西环路），峨嵋大道以南（不含峨嵋大道，\
              不含五一路五一北岗以北，不含北环路五一北岗以西），东环路以西（不含东环路）",
    text_en: "North of 丰喜大道, east of 西环路, south of 峨嵋大道 and west of 东环路; the four \
              boundary roads themselves are not in the zone, nor are 五一路 north of 五一北岗 and \
              北环路 west of 五一北岗.",
};

/// 三: the penalty.
pub const PENALTY: Clause = Clause {
    clause: "三",
    text_zh: "违反本通告规定，在禁行区域及禁行路段通行的，将依据《中华人民共和国道路交通安全法》的相关规定，\
              处以200元罚款，记1分的处罚",
    text_en: "Driving in the ban zone or on banned road sections in breach of the notice is \
              fined 200 yuan and 1 demerit point under the Road Traffic Safety Law.",
};

/// The in-force sentence after clause 四 (it has no number; cited as `施行`).
pub const EFFECTIVE: Clause = Clause {
    clause: "施行",
    text_zh: "本通告自2023年3月1日起施行",
    text_en: "The notice is in force from 1 March 2023.",
};

/// 四、(一)-(五): vehicles exempt from the ban.
pub const EXEMPT: [Clause; 5] = [
    Clause {
        clause: "四、(一)",
        text_zh: "警车、消防车、工程抢险车",
        text_en: "Police cars, fire engines and engineering rescue vehicles.",
    },
    Clause {
        clause: "四、(二)",
        text_zh: "执行公务的行政执法车辆和清障专用作业车辆",
        text_en: "Administrative law-enforcement vehicles on duty and wreckers.",
    },
    Clause {
        clause: "四、(三)",
        text_zh: "环卫、园林、道路养护的专项作业车辆、市政工程车、医疗垃圾运输车辆",
        text_en: "Special-purpose sanitation, landscaping and road-maintenance vehicles, \
                  municipal engineering vehicles and medical-waste vehicles.",
    },
    Clause {
        clause: "四、(四)",
        text_zh: "已申领取得通行证的车辆（通行证可到临猗县公安局交警大队秩序科书面申领，\
                  也可通过“交管12123”APP申领电子通行证）",
        text_en: "Vehicles holding a pass (a paper pass from the order section of the county \
                  traffic police, or an electronic pass through the 交管12123 app).",
    },
    Clause {
        clause: "四、(五)", text_zh: "法律规定的其他不受限制的车辆", text_en: "Other vehicles exempt by law."
    },
];

/// A side of the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// North (北).
    North,
    /// East (东).
    East,
    /// South (南).
    South,
    /// West (西).
    West,
}

/// A road bounding the zone. The road itself is not in the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BoundaryRoad {
    /// Road name.
    pub road: &'static str,
    /// Which side of the zone the road bounds.
    pub side: Side,
    /// The clause wording for this side (for 峨嵋大道 the gazette's parenthesis goes
    /// on to the excluded stretches; here it is closed after the road).
    pub text_zh: &'static str,
}

/// The four boundary roads (二、(二)), none of them inside the zone.
pub const BOUNDARY_ROADS: [BoundaryRoad; 4] = [
    BoundaryRoad { road: "丰喜大道", side: Side::South, text_zh: "丰喜大道以北（不含丰喜大道）" },
    BoundaryRoad { road: "西环路", side: Side::West, text_zh: "西环路以东（不含西环路）" },
    BoundaryRoad { road: "峨嵋大道", side: Side::North, text_zh: "峨嵋大道以南（不含峨嵋大道）" },
    BoundaryRoad { road: "东环路", side: Side::East, text_zh: "东环路以西（不含东环路）" },
];

/// A road stretch the notice leaves out of the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExcludedStretch {
    /// Road name.
    pub road: &'static str,
    /// Which part of the road, relative to 五一北岗.
    pub stretch_zh: &'static str,
    /// The clause wording.
    pub text_zh: &'static str,
    /// English rendering.
    pub text_en: &'static str,
}

/// The two stretches excluded from the zone (二、(二)).
pub const EXCLUDED_STRETCHES: [ExcludedStretch; 2] = [
    ExcludedStretch {
        road: "五一路",
        stretch_zh: "五一北岗以北",
        text_zh: "不含五一路五一北岗以北",
        text_en: "五一路 north of 五一北岗",
    },
    ExcludedStretch {
        road: "北环路",
        stretch_zh: "五一北岗以西",
        text_zh: "不含北环路五一北岗以西",
        text_en: "北环路 west of 五一北岗",
    },
];

/// One-paragraph summary of the rule, Chinese.
pub const SUMMARY_ZH: &str = "每日6:00—22:00，丰喜大道以北、西环路以东、峨嵋大道以南、东环路以西区域内\
    （不含上述四条边界道路，不含五一路五一北岗以北、北环路五一北岗以西）重中型货车禁止通行（一、(一)）；\
    车长不超过6米、总质量不超过8吨的中型厢式、封闭式货车和新能源货车不受限制（一、(二)）；\
    警车、消防车等四、(一)至(五)所列车辆不受限制；违者罚款200元、记1分（三）。\
    自2023年3月1日起施行（临政发〔2023〕5号）。";

/// One-paragraph summary of the rule, English.
pub const SUMMARY_EN: &str = "Heavy and medium trucks may not drive in the urban zone north of \
    丰喜大道, east of 西环路, south of 峨嵋大道 and west of 东环路 (the boundary roads, 五一路 north \
    of 五一北岗 and 北环路 west of 五一北岗 excluded) from 06:00 to 22:00 every day (Asia/Shanghai), \
    from 2023-03-01 (clause 一(一)). Medium box/enclosed trucks up to 6 m and 8 t and new-energy \
    trucks are not restricted (一(二)); emergency, enforcement, municipal-service vehicles, \
    vehicles with a pass and others exempt by law are exempt (四(一)-(五)). Penalty: 200 yuan \
    and 1 point (三). Notice 临政发〔2023〕5号.";

/// The rule as JSON, for a point that falls in the truck-ban zone: document, dates,
/// hours, zone, each clause with its number (Chinese text and English), and the
/// summaries in both languages.
pub fn rule_summary() -> Value {
    json!({
        "document": DOCUMENT,
        "title": TITLE,
        "notice_date": NOTICE_DATE,
        "in_force": IN_FORCE,
        "hours": BAN_HOURS,
        "every_day": true,
        "time_zone": TIME_ZONE,
        "zone": ZONE,
        "boundary_roads": BOUNDARY_ROADS,
        "boundary_roads_in_zone": false,
        "excluded_stretches": EXCLUDED_STRETCHES,
        "banned": BANNED,
        "not_restricted": NOT_RESTRICTED,
        "time": HOURS,
        "exempt": EXEMPT,
        "penalty": {
            "clause": PENALTY.clause,
            "fine_yuan": FINE_YUAN,
            "points": PENALTY_POINTS,
            "text_zh": PENALTY.text_zh,
            "text_en": PENALTY.text_en,
        },
        "summary_zh": SUMMARY_ZH,
        "summary_en": SUMMARY_EN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZETTE: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L89-126.txt");

    /// The gazette line of a clause: `- (一) text；` / `text。` (the extraction puts
    /// list items on lines of their own).
    fn gazette_has_line(text: &str) -> bool {
        GAZETTE.lines().any(|l| {
            let l = l.trim_start_matches("- ");
            let l = l.split_once(") ").map_or(l, |(_, rest)| rest);
            l.trim_end_matches(['；', '。']) == text
        })
    }

    #[test]
    fn clauses_are_verbatim() {
        for c in [BANNED, NOT_RESTRICTED, HOURS, ZONE].iter().chain(EXEMPT.iter()) {
            assert!(gazette_has_line(c.text_zh), "{} not verbatim: {}", c.clause, c.text_zh);
        }
        assert!(GAZETTE.contains(PENALTY.text_zh));
    }

    #[test]
    fn zone_parts_are_verbatim() {
        for b in BOUNDARY_ROADS {
            let (direction, _) = b.text_zh.split_once('（').unwrap();
            assert!(ZONE.text_zh.contains(&format!("{direction}（不含{}", b.road)), "{b:?}");
            assert!(b.text_zh.starts_with(b.road));
            assert!(b.text_zh.contains(&format!("不含{}", b.road)));
        }
        for s in EXCLUDED_STRETCHES {
            assert!(ZONE.text_zh.contains(s.text_zh), "{s:?}");
            assert_eq!(s.text_zh, format!("不含{}{}", s.road, s.stretch_zh));
        }
    }

    #[test]
    fn header_facts_match_the_gazette() {
        assert!(GAZETTE.contains(DOCUMENT));
        assert!(GAZETTE.contains("关于临猗县城区道路货车禁行的通告"));
        assert!(GAZETTE.contains("本通告自2023年3月1日起施行"));
        assert!(GAZETTE.contains(EFFECTIVE.text_zh));
        assert!(NOT_RESTRICTED.text_zh.contains("车长不超过6米，总质量不超过8吨"));
        assert_eq!((NOT_RESTRICTED_MAX_LENGTH_MM, NOT_RESTRICTED_MAX_MASS_KG), (6_000, 8_000));
        assert_eq!(IN_FORCE.to_string(), "2023-03-01");
        assert!(GAZETTE.contains("2023年4月23日"));
        assert_eq!(NOTICE_DATE.to_string(), "2023-04-23");
        assert!(GAZETTE.contains("处以200元罚款，记1分的处罚"));
        assert_eq!((FINE_YUAN, PENALTY_POINTS), (200, 1));
        assert_eq!(
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                BAN_START_MINUTE / 60,
                BAN_START_MINUTE % 60,
                BAN_END_MINUTE / 60,
                BAN_END_MINUTE % 60
            ),
            BAN_HOURS
        );
        assert!(GAZETTE.contains("(此件公开发布)"));
    }

    #[test]
    fn summary_carries_clause_numbers_and_both_languages() {
        let s = rule_summary();
        assert_eq!(s["document"], "临政发〔2023〕5号");
        assert_eq!(s["in_force"], "2023-03-01");
        assert_eq!(s["notice_date"], "2023-04-23");
        assert_eq!(s["hours"], "06:00-22:00");
        assert_eq!(s["time_zone"], "Asia/Shanghai");
        assert_eq!(s["banned"]["clause"], "一、(一)");
        assert_eq!(s["not_restricted"]["clause"], "一、(二)");
        assert_eq!(s["penalty"]["clause"], "三");
        assert_eq!(s["penalty"]["fine_yuan"], 200);
        assert_eq!(s["penalty"]["points"], 1);
        let exempt: Vec<&str> = s["exempt"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap()).collect();
        assert_eq!(exempt, ["四、(一)", "四、(二)", "四、(三)", "四、(四)", "四、(五)"]);
        let sides: Vec<(&str, &str)> = s["boundary_roads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b["road"].as_str().unwrap(), b["side"].as_str().unwrap()))
            .collect();
        assert_eq!(sides, [("丰喜大道", "south"), ("西环路", "west"), ("峨嵋大道", "north"), ("东环路", "east")]);
        assert_eq!(s["boundary_roads_in_zone"], false);
        assert_eq!(s["excluded_stretches"].as_array().unwrap().len(), 2);
        for key in ["summary_zh", "summary_en"] {
            let text = s[key].as_str().unwrap();
            assert!(text.contains("临政发〔2023〕5号"), "{key}");
            assert!(text.contains("200"), "{key}");
        }
        assert!(!s["summary_en"].as_str().unwrap().is_ascii()); // road names stay Chinese
        assert!(SUMMARY_ZH.contains("（一、(一)）") && SUMMARY_ZH.contains("（三）"));
    }
}
