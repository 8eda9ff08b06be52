//! The roads of the truck ban (临政发〔2023〕5号), the `truck_ban_roads` layer.
//!
//! - **Boundary roads** (边界道路) and **excluded stretches** (除外路段), 二、(二)
//!   (gazette line 105): 丰喜大道, 西环路, 峨嵋大道, 东环路 bound the zone and are not in
//!   it; 五一路 north of 五一北岗 and 北环路 west of 五一北岗 are not in it either. A
//!   position on one of them is "not in the zone", and the answer names the road.
//! - **Banned road sections** (禁行路段), 三 (gazette line 109: 在禁行区域及禁行路段通行的
//!   …处罚): the notice names them but does not list them; the traffic police add them
//!   here with their own `hours` (written as the zone's, `HH:MM-HH:MM`, several separated
//!   by `;`). The notice does not say which vehicles they concern: the vehicle clauses
//!   of the zone (一、(一)(二), 四) are assumed, and the answer says so.
//!
//! Each feature is the road **surface**: its `centreline` (WKT `LINESTRING`, lon/lat)
//! widened by `width_m / 2` on either side. The store has no line geometry, so the
//! surface is the geometry and the centreline and width are kept as attributes. A road
//! written as its centreline (a GeoJSON LineString, or the `centreline` attribute alone)
//! gets its surface in the write path (`landtrace_app::truck_roads`); the demo data
//! builds its surfaces the same way (`scripts/prepare-demo-data.py`). Positions and
//! widths of the bundled roads are illustrative until the police supply surveyed ones.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::input_limits::NumberRange;
use crate::truck_ban::DailyWindow;
use crate::truck_ban::pass_record::parse_windows;

/// The `role` values of the layer.
pub const ROLES: &[&str] = &["boundary", "excluded", "banned_section"];

/// Width of a road surface, metres.
pub const ROAD_WIDTH_M: NumberRange =
    NumberRange::limit(1.0, 200.0, "m", "no road of the county is narrower than 1 m or wider than 200 m");

/// What a road is to the ban.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadRole {
    /// One of the four boundary roads (not in the zone).
    Boundary,
    /// One of the two excluded stretches (not in the zone).
    Excluded,
    /// A banned road section (禁行路段) with its own hours.
    BannedSection,
}

/// A banned road section (禁行路段, 三) the position is on, with its hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BannedSection {
    /// Road name (and stretch).
    pub name: String,
    /// Its daily ban hours.
    pub windows: Vec<DailyWindow>,
}

impl BannedSection {
    /// The hours as text, `07:00-09:00、17:00-19:00`.
    pub fn hours_text(&self) -> String {
        self.windows.iter().map(|w| w.text()).collect::<Vec<_>>().join("、")
    }
}

/// A stored road as the checks read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Road {
    /// The road's role.
    pub role: RoadRole,
    /// How answers name it: `丰喜大道（边界道路）`, `五一路五一北岗以北（除外路段）`,
    /// `解放路（禁行路段）`.
    pub label: String,
    /// The road name alone.
    pub name: String,
    /// For a banned section, its hours.
    pub windows: Vec<DailyWindow>,
}

/// Reads a `truck_ban_roads` record, or says what is wrong with it: a banned section
/// needs `hours`; its hours are read as the zone's and the passes' (`HH:MM-HH:MM;…`).
pub fn road_from_record(props: &Map<String, Value>) -> Result<Road, String> {
    let text = |name: &str| props.get(name).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
    let name = text("name").ok_or("field \"name\" is missing")?.to_owned();
    let role = match text("role") {
        Some("boundary") => RoadRole::Boundary,
        Some("excluded") => RoadRole::Excluded,
        Some("banned_section") => RoadRole::BannedSection,
        other => return Err(format!("field \"role\" {other:?} is not one of {ROLES:?}")),
    };
    let windows = match (role, text("hours")) {
        (RoadRole::BannedSection, None) => {
            return Err(
                "禁行路段须填写禁行时间 hours（如 07:00-09:00;17:00-19:00）/ a banned section needs its hours".into()
            );
        }
        (_, Some(hours)) => parse_windows(hours).map_err(|e| format!("field \"hours\": {e}"))?,
        (_, None) => Vec::new(),
    };
    let label = match role {
        RoadRole::Boundary => format!("{name}（边界道路）"),
        RoadRole::Excluded => format!("{name}{}（除外路段）", text("stretch").unwrap_or_default()),
        RoadRole::BannedSection => format!("{name}（禁行路段）"),
    };
    Ok(Road { role, label, name, windows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn road(v: Value) -> Result<Road, String> {
        road_from_record(v.as_object().unwrap())
    }

    /// 临政发〔2023〕5号 gazette line 105 (二、(二)): boundary roads and excluded stretches
    /// are named in the answers; line 109 (三): a banned section needs its hours.
    #[test]
    fn records_become_roads() {
        let r = road(json!({"name": "丰喜大道", "role": "boundary", "width_m": 40})).unwrap();
        assert_eq!((r.role, r.label.as_str()), (RoadRole::Boundary, "丰喜大道（边界道路）"));
        let r = road(json!({"name": "五一路", "role": "excluded", "stretch": "五一北岗以北", "width_m": 24})).unwrap();
        assert_eq!(r.label, "五一路五一北岗以北（除外路段）");
        let r = road(json!({"name": "解放路", "role": "banned_section", "hours": "07:00-09:00;17:00-19:00"})).unwrap();
        assert_eq!(r.windows.len(), 2);
        assert!(road(json!({"name": "解放路", "role": "banned_section"})).unwrap_err().contains("禁行时间"));
        assert!(road(json!({"name": "解放路", "role": "banned_section", "hours": "7点-9点"})).is_err());
        assert!(road(json!({"name": "解放路", "role": "lane"})).is_err());
    }
}
