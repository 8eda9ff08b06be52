//! Passes (通行证) of 临政发〔2023〕5号 四、(四): whether a pass covers a truck at an
//! instant.
//!
//! A pass names a plate, a range of calendar days, one or more daily time windows and
//! an area. Conventions:
//!
//! - **days**: `valid_from` and `valid_to` are both inclusive, and are compared with
//!   the *local calendar day of the instant* (Asia/Shanghai). For a window that
//!   crosses midnight, the early-morning part belongs to the day it falls on: a pass
//!   valid to 06-30 with a 22:00–06:00 window covers 06-30 22:00–23:59:59, not 07-01
//!   03:00.
//! - **windows**: minutes of the local day, start **inclusive**, end **exclusive**
//!   (`[start, end)`, like the ban hours): 08:00–10:00 covers 08:00:00 to 09:59:59.
//!   A window with start > end crosses midnight (22:00–06:00 covers 22:00:00 to
//!   05:59:59); 00:00–24:00 (`0`–`1440`) is the whole day; start = end is rejected.
//! - **plates** are compared after [`normalize_plate`] (spaces, `·`, `-` ignored;
//!   ASCII letters case-insensitive).
//! - **area**: [`PassArea::WholeZone`] covers the whole ban zone; a named area or
//!   route is resolved by the caller, who says whether the position is inside it.
//!
//! [`Pass::valid_at`] checks plate, days, windows and area in that order and reports
//! the first failure.

use serde::{Deserialize, Serialize};

use crate::truck_ban::time::LocalDateTime;
use crate::truck_ban::vehicle::{check_plate, normalize_plate};
use crate::units::date::Date;

/// Minutes in a day.
const DAY_MINUTES: u16 = 24 * 60;

/// Why a pass or one of its windows was rejected when built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PassError {
    /// The plate is empty.
    #[error("a pass needs a plate")]
    NoPlate,
    /// `valid_to` is before `valid_from`.
    #[error("a pass valid from {from} cannot end on {to}")]
    DatesReversed {
        /// First valid day.
        from: Date,
        /// Last valid day.
        to: Date,
    },
    /// No daily window.
    #[error("a pass needs at least one daily window (0-1440 for the whole day)")]
    NoWindows,
    /// The plate is not of the mainland form.
    #[error(transparent)]
    Plate(#[from] crate::truck_ban::vehicle::PlateError),
    /// A window out of range or empty.
    #[error("{start_minute}-{end_minute} is not a daily window: start 0-1439, end 0-1440 minutes, start ≠ end")]
    Window {
        /// Start as given, minutes after midnight.
        start_minute: u16,
        /// End as given, minutes after midnight.
        end_minute: u16,
    },
}

/// A daily window `[start, end)` in minutes after local midnight; crosses midnight
/// when start > end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WindowFields")]
pub struct DailyWindow {
    start_minute: u16,
    end_minute: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowFields {
    start_minute: u16,
    end_minute: u16,
}

impl TryFrom<WindowFields> for DailyWindow {
    type Error = PassError;

    fn try_from(w: WindowFields) -> Result<DailyWindow, PassError> {
        DailyWindow::new(w.start_minute, w.end_minute)
    }
}

/// `HH:MM` of a minute of the day (1440 is `24:00`).
fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl DailyWindow {
    /// The whole day, 00:00–24:00.
    pub const WHOLE_DAY: DailyWindow = DailyWindow { start_minute: 0, end_minute: DAY_MINUTES };

    /// The window from `start_minute` (0-1439, inclusive) to `end_minute` (0-1440,
    /// exclusive); start > end crosses midnight; start = end is rejected.
    pub const fn new(start_minute: u16, end_minute: u16) -> Result<DailyWindow, PassError> {
        if start_minute >= DAY_MINUTES || end_minute > DAY_MINUTES || start_minute == end_minute {
            return Err(PassError::Window { start_minute, end_minute });
        }
        Ok(DailyWindow { start_minute, end_minute })
    }

    /// Start, minutes after midnight (inclusive).
    pub const fn start_minute(self) -> u16 {
        self.start_minute
    }

    /// End, minutes after midnight (exclusive).
    pub const fn end_minute(self) -> u16 {
        self.end_minute
    }

    /// Whether the window runs past midnight.
    pub const fn crosses_midnight(self) -> bool {
        self.start_minute > self.end_minute
    }

    /// Whether the local time `second_of_day` is in the window.
    pub const fn contains(self, second_of_day: u32) -> bool {
        let start = self.start_minute as u32 * 60;
        let end = self.end_minute as u32 * 60;
        if self.crosses_midnight() {
            second_of_day >= start || second_of_day < end
        } else {
            second_of_day >= start && second_of_day < end
        }
    }

    /// Whether the window shares any minute with the ban hours [06:00, 22:00) of
    /// 临政发〔2023〕5号 二、(一) (gazette line 103).
    pub fn meets_ban_hours(self) -> bool {
        let (ban_start, ban_end) = (crate::truck_ban::BAN_START_MINUTE, crate::truck_ban::BAN_END_MINUTE);
        let overlaps = |a: u16, b: u16| a < ban_end && b > ban_start;
        if self.crosses_midnight() {
            overlaps(self.start_minute, DAY_MINUTES) || overlaps(0, self.end_minute)
        } else {
            overlaps(self.start_minute, self.end_minute)
        }
    }

    /// `HH:MM-HH:MM`.
    pub fn text(self) -> String {
        format!("{}-{}", hhmm(self.start_minute), hhmm(self.end_minute))
    }
}

/// Where a pass lets the truck go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassArea {
    /// The whole ban zone.
    WholeZone,
    /// A named area or route; the caller resolves it spatially.
    Named(String),
}

/// Where the pass was issued (四、(四)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassSource {
    /// Paper pass from the order section (秩序科) of the county traffic police brigade.
    Paper,
    /// Electronic pass through the 交管12123 app.
    Electronic,
}

impl PassSource {
    /// Chinese name.
    pub const fn name_zh(self) -> &'static str {
        match self {
            PassSource::Paper => "纸质通行证（临猗县公安局交警大队秩序科）",
            PassSource::Electronic => "电子通行证（交管12123）",
        }
    }

    /// English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            PassSource::Paper => "paper pass (order section, county traffic police)",
            PassSource::Electronic => "electronic pass (交管12123)",
        }
    }
}

/// A pass. Built with [`Pass::new`] (or from JSON), so it always has a plate, days
/// in order and at least one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PassFields")]
pub struct Pass(PassFields);

/// The fields of a [`Pass`], checked or not: deserialized as they come, then
/// checked by [`Pass::new`]; serialized as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PassFields {
    plate: String,
    valid_from: Date,
    valid_to: Date,
    windows: Vec<DailyWindow>,
    area: PassArea,
    source: PassSource,
}

impl TryFrom<PassFields> for Pass {
    type Error = PassError;

    fn try_from(p: PassFields) -> Result<Pass, PassError> {
        Pass::new(p.plate, p.valid_from, p.valid_to, p.windows, p.area, p.source)
    }
}

/// Why a pass does not cover the truck at the instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PassInvalid {
    /// The vehicle has no plate to compare.
    #[error("the vehicle's plate is not given, so the pass cannot be checked")]
    NoPlate,
    /// The pass is for another plate.
    #[error("the pass is for {pass_plate}, not {vehicle_plate}")]
    WrongPlate {
        /// Plate on the pass.
        pass_plate: String,
        /// Plate of the vehicle.
        vehicle_plate: String,
    },
    /// Before the first valid day.
    #[error("the pass is valid only from {valid_from}")]
    NotYetValid {
        /// First valid day.
        valid_from: Date,
    },
    /// After the last valid day.
    #[error("the pass expired after {valid_to}")]
    Expired {
        /// Last valid day.
        valid_to: Date,
    },
    /// Not in any daily window.
    #[error("{time} is outside the pass's hours ({windows})")]
    OutsideWindows {
        /// Local time of day, `HH:MM:SS`.
        time: String,
        /// The pass's windows, `HH:MM-HH:MM`, comma-separated.
        windows: String,
    },
    /// Outside the pass's named area.
    #[error("the position is outside the pass's area {area}")]
    OutsideArea {
        /// The area's name.
        area: String,
    },
}

impl PassInvalid {
    /// The reason in Chinese, e.g. `超出有效期（有效期至2023-06-30）`.
    pub fn reason_zh(&self) -> String {
        match self {
            PassInvalid::NoPlate => "未提供车牌号码，无法核对通行证".to_owned(),
            PassInvalid::WrongPlate { pass_plate, vehicle_plate } => {
                format!("车牌不符（通行证为{pass_plate}，车辆为{vehicle_plate}）")
            }
            PassInvalid::NotYetValid { valid_from } => format!("未到有效期（自{valid_from}起有效）"),
            PassInvalid::Expired { valid_to } => format!("超出有效期（有效期至{valid_to}）"),
            PassInvalid::OutsideWindows { time, windows } => format!("不在通行时段内（{time}，通行时段{windows}）"),
            PassInvalid::OutsideArea { area } => format!("不在通行区域内（{area}）"),
        }
    }
}

impl Pass {
    /// A pass; the plate must not be empty, `valid_from` ≤ `valid_to`, and there must
    /// be at least one window.
    pub fn new(
        plate: impl Into<String>,
        valid_from: Date,
        valid_to: Date,
        windows: Vec<DailyWindow>,
        area: PassArea,
        source: PassSource,
    ) -> Result<Pass, PassError> {
        let plate = plate.into();
        if normalize_plate(&plate).is_empty() {
            return Err(PassError::NoPlate);
        }
        check_plate(&plate)?;
        if valid_to < valid_from {
            return Err(PassError::DatesReversed { from: valid_from, to: valid_to });
        }
        if windows.is_empty() {
            return Err(PassError::NoWindows);
        }
        Ok(Pass(PassFields { plate, valid_from, valid_to, windows, area, source }))
    }

    /// Plate as written on the pass.
    pub fn plate(&self) -> &str {
        &self.0.plate
    }

    /// First valid day (inclusive).
    pub const fn valid_from(&self) -> Date {
        self.0.valid_from
    }

    /// Last valid day (inclusive).
    pub const fn valid_to(&self) -> Date {
        self.0.valid_to
    }

    /// Daily windows.
    pub fn windows(&self) -> &[DailyWindow] {
        &self.0.windows
    }

    /// Allowed area.
    pub const fn area(&self) -> &PassArea {
        &self.0.area
    }

    /// Where it was issued.
    pub const fn source(&self) -> PassSource {
        self.0.source
    }

    /// Whether any daily window meets the ban hours (二、(一) 6:00—22:00). A pass
    /// whose windows all lie outside them (e.g. 22:00-06:00) is valid but changes
    /// nothing: outside the ban hours no truck is banned anyway.
    pub fn meets_ban_hours(&self) -> bool {
        self.windows().iter().any(|w| w.meets_ban_hours())
    }

    /// The warning for a pass that changes nothing ([`Pass::meets_ban_hours`]), Chinese
    /// and English; `None` for a pass whose windows meet the ban hours.
    pub fn warning(&self) -> Option<(String, String)> {
        if self.meets_ban_hours() {
            return None;
        }
        let windows = self.windows().iter().map(|w| w.text()).collect::<Vec<_>>().join("、");
        Some((
            format!(
                "通行证通行时段（{windows}）与禁行时间（每日6:00—22:00，二、(一)）不重叠，该通行证不改变禁行结果（四、(四)）"
            ),
            format!(
                "The pass's hours ({windows}) never meet the ban hours (06:00-22:00, 二、(一)): the pass changes nothing (四、(四))."
            ),
        ))
    }

    /// Whether the pass covers the vehicle with `plate` at `at`.
    /// `inside_allowed_area` says whether the position is in the pass's named area; it
    /// is ignored for [`PassArea::WholeZone`]. Checks plate, days, windows, area in
    /// that order and returns the first failure.
    pub fn valid_at(&self, at: LocalDateTime, plate: &str, inside_allowed_area: bool) -> Result<(), PassInvalid> {
        let vehicle_plate = normalize_plate(plate);
        if vehicle_plate.is_empty() {
            return Err(PassInvalid::NoPlate);
        }
        if vehicle_plate != normalize_plate(self.plate()) {
            return Err(PassInvalid::WrongPlate {
                pass_plate: self.plate().to_owned(),
                vehicle_plate: plate.to_owned(),
            });
        }
        if at.date() < self.valid_from() {
            return Err(PassInvalid::NotYetValid { valid_from: self.valid_from() });
        }
        if at.date() > self.valid_to() {
            return Err(PassInvalid::Expired { valid_to: self.valid_to() });
        }
        if !self.windows().iter().any(|w| w.contains(at.second_of_day())) {
            let windows: Vec<String> = self.windows().iter().map(|w| w.text()).collect();
            return Err(PassInvalid::OutsideWindows { time: at.time_text(), windows: windows.join(",") });
        }
        match self.area() {
            PassArea::Named(area) if !inside_allowed_area => Err(PassInvalid::OutsideArea { area: area.clone() }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse_rfc3339(text).unwrap()
    }

    fn window(start: &str, end: &str) -> DailyWindow {
        let m = |t: &str| {
            let (h, m) = t.split_once(':').unwrap();
            h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
        };
        DailyWindow::new(m(start), m(end)).unwrap()
    }

    fn pass(windows: Vec<DailyWindow>, area: PassArea) -> Pass {
        Pass::new("晋M·12345", Date::ymd(2023, 6, 1), Date::ymd(2023, 6, 30), windows, area, PassSource::Electronic)
            .unwrap()
    }

    /// `check(pass, instant, plate, inside_area, expected)`: `Ok` or the reason in Chinese.
    fn check(p: &Pass, instant: &str, plate: &str, inside: bool, expected: Result<(), &str>) {
        let got = p.valid_at(at(instant), plate, inside).map_err(|e| e.reason_zh());
        assert_eq!(got, expected.map_err(str::to_owned), "{instant} {plate} inside={inside}");
    }

    #[test]
    fn first_and_last_valid_day_are_inclusive() {
        let p = pass(vec![DailyWindow::WHOLE_DAY], PassArea::WholeZone);
        check(&p, "2023-05-31T23:59:59+08:00", "晋M12345", true, Err("未到有效期（自2023-06-01起有效）"));
        check(&p, "2023-06-01T00:00:00+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-30T23:59:59+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-07-01T00:00:00+08:00", "晋M12345", true, Err("超出有效期（有效期至2023-06-30）"));
        // The day is the local day: 2023-06-30T16:00Z is 07-01 00:00 in 临猗.
        check(&p, "2023-06-30T15:59:59Z", "晋M12345", true, Ok(()));
        check(&p, "2023-06-30T16:00:00Z", "晋M12345", true, Err("超出有效期（有效期至2023-06-30）"));
        check(&p, "2023-05-31T16:00:00Z", "晋M12345", true, Ok(()));
    }

    #[test]
    fn window_start_is_inclusive_and_end_exclusive() {
        let p = pass(vec![window("08:00", "10:00"), window("14:30", "16:00")], PassArea::WholeZone);
        let outside = |t: &str| format!("不在通行时段内（{t}，通行时段08:00-10:00,14:30-16:00）");
        check(&p, "2023-06-10T07:59:59+08:00", "晋M12345", true, Err(&outside("07:59:59")));
        check(&p, "2023-06-10T08:00:00+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-10T09:59:59+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-10T10:00:00+08:00", "晋M12345", true, Err(&outside("10:00:00")));
        check(&p, "2023-06-10T14:30:00+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-10T16:00:00+08:00", "晋M12345", true, Err(&outside("16:00:00")));
        check(&p, "2023-06-10T00:00:00Z", "晋M12345", true, Ok(())); // 08:00 local
    }

    #[test]
    fn window_crossing_midnight() {
        let w = window("22:00", "06:00");
        assert!(w.crosses_midnight());
        assert_eq!(w.text(), "22:00-06:00");
        let p = pass(vec![w], PassArea::WholeZone);
        let outside = |t: &str| format!("不在通行时段内（{t}，通行时段22:00-06:00）");
        check(&p, "2023-06-10T21:59:59+08:00", "晋M12345", true, Err(&outside("21:59:59")));
        check(&p, "2023-06-10T22:00:00+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-10T23:59:59+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-11T00:00:00+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-11T05:59:59+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-06-11T06:00:00+08:00", "晋M12345", true, Err(&outside("06:00:00")));
        check(&p, "2023-06-10T12:00:00+08:00", "晋M12345", true, Err(&outside("12:00:00")));
        // The early-morning part after the last valid day is on a day the pass does not cover.
        check(&p, "2023-06-30T23:00:00+08:00", "晋M12345", true, Ok(()));
        check(&p, "2023-07-01T03:00:00+08:00", "晋M12345", true, Err("超出有效期（有效期至2023-06-30）"));
        // Whole day.
        assert!(DailyWindow::WHOLE_DAY.contains(0) && DailyWindow::WHOLE_DAY.contains(86_399));
    }

    #[test]
    fn plate_and_area() {
        let p = pass(vec![DailyWindow::WHOLE_DAY], PassArea::Named("城区配送线路1".into()));
        check(&p, "2023-06-10T12:00:00+08:00", "晋m 12345", true, Ok(()));
        check(&p, "2023-06-10T12:00:00+08:00", "晋M54321", true, Err("车牌不符（通行证为晋M·12345，车辆为晋M54321）"));
        check(&p, "2023-06-10T12:00:00+08:00", " ", true, Err("未提供车牌号码，无法核对通行证"));
        check(&p, "2023-06-10T12:00:00+08:00", "晋M12345", false, Err("不在通行区域内（城区配送线路1）"));
        // The plate is checked first, then days, then windows, then area.
        check(&p, "2023-07-10T12:00:00+08:00", "晋M54321", false, Err("车牌不符（通行证为晋M·12345，车辆为晋M54321）"));
        check(&p, "2023-07-10T12:00:00+08:00", "晋M12345", false, Err("超出有效期（有效期至2023-06-30）"));
        // A whole-zone pass ignores the area flag.
        let whole = pass(vec![DailyWindow::WHOLE_DAY], PassArea::WholeZone);
        check(&whole, "2023-06-10T12:00:00+08:00", "晋M12345", false, Ok(()));
    }

    #[test]
    fn building_rejects_bad_passes() {
        let d = Date::ymd(2023, 6, 1);
        let all = || vec![DailyWindow::WHOLE_DAY];
        let src = PassSource::Paper;
        assert_eq!(Pass::new(" ", d, d, all(), PassArea::WholeZone, src), Err(PassError::NoPlate));
        assert_eq!(
            Pass::new("晋M12345", d, Date::ymd(2023, 5, 31), all(), PassArea::WholeZone, src),
            Err(PassError::DatesReversed { from: d, to: Date::ymd(2023, 5, 31) })
        );
        assert_eq!(Pass::new("晋M12345", d, d, vec![], PassArea::WholeZone, src), Err(PassError::NoWindows));
        assert!(Pass::new("晋M12345", d, d, all(), PassArea::WholeZone, src).is_ok());
        for (s, e) in [(600, 600), (1440, 60), (0, 1441)] {
            assert_eq!(DailyWindow::new(s, e), Err(PassError::Window { start_minute: s, end_minute: e }));
        }
        assert!(DailyWindow::new(1439, 0).is_ok());
    }

    #[test]
    fn json_round_trip_and_checks() {
        let json = serde_json::json!({
            "plate": "晋M12345", "valid_from": "2023-06-01", "valid_to": "2023-06-30",
            "windows": [{"start_minute": 1320, "end_minute": 360}],
            "area": {"named": "五一路配送线"}, "source": "paper"
        });
        let p: Pass = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(p.windows(), [window("22:00", "06:00")]);
        assert_eq!(p.area(), &PassArea::Named("五一路配送线".into()));
        assert_eq!((p.plate(), p.source()), ("晋M12345", PassSource::Paper));
        assert_eq!((p.valid_from(), p.valid_to()), (Date::ymd(2023, 6, 1), Date::ymd(2023, 6, 30)));
        assert_eq!(serde_json::to_value(&p).unwrap(), json);
        let whole: PassArea = serde_json::from_str("\"whole_zone\"").unwrap();
        assert_eq!(whole, PassArea::WholeZone);
        let mut bad = json.clone();
        bad["valid_to"] = "2023-05-01".into();
        assert!(serde_json::from_value::<Pass>(bad).unwrap_err().to_string().contains("cannot end on"));
        let mut bad = json;
        bad["windows"] = serde_json::json!([{"start_minute": 60, "end_minute": 60}]);
        assert!(serde_json::from_value::<Pass>(bad).unwrap_err().to_string().contains("not a daily window"));
        let invalid = PassInvalid::Expired { valid_to: Date::ymd(2023, 6, 30) };
        assert_eq!(
            serde_json::to_value(&invalid).unwrap(),
            serde_json::json!({"kind": "expired", "valid_to": "2023-06-30"})
        );
        assert_eq!(invalid.to_string(), "the pass expired after 2023-06-30");
    }

    /// Issue 15, item 3 (临政发〔2023〕5号 gazette line 103, 二、(一) 6:00—22:00, and
    /// line 116, 四、(四)): a pass whose windows never meet the ban hours is accepted,
    /// with a warning that it changes nothing.
    #[test]
    fn a_pass_outside_the_ban_hours_is_accepted_with_a_warning() {
        let d = Date::ymd(2023, 6, 1);
        let pass = |windows: Vec<DailyWindow>| {
            Pass::new("晋M12345", d, d, windows, PassArea::WholeZone, PassSource::Paper).unwrap()
        };
        let night = pass(vec![DailyWindow::new(22 * 60, 6 * 60).unwrap()]);
        assert!(!night.meets_ban_hours());
        let (zh, en) = night.warning().unwrap();
        assert!(zh.contains("22:00-06:00") && zh.contains("不改变禁行结果"), "{zh}");
        assert!(en.contains("changes nothing"));
        // Touching the edges: 22:00-22:30 and 05:00-06:00 do not meet [06:00, 22:00).
        let edges = pass(vec![DailyWindow::new(1320, 1350).unwrap(), DailyWindow::new(300, 360).unwrap()]);
        assert!(edges.warning().is_some());
        for (s, e) in [(359, 361), (1319, 1321), (21 * 60, 7 * 60), (0, 1440), (600, 660)] {
            assert!(pass(vec![DailyWindow::new(s, e).unwrap()]).warning().is_none(), "{s}-{e}");
        }
        // Plates: a pass for `ABC` is refused.
        let e =
            Pass::new("ABC", d, d, vec![DailyWindow::WHOLE_DAY], PassArea::WholeZone, PassSource::Paper).unwrap_err();
        assert!(matches!(e, PassError::Plate(_)), "{e:?}");
    }
}
