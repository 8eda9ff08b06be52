//! The leaders' overview (`GET /api/dashboard`): figures put together from the
//! answers of the other use cases — the weekly ledger and overdue report of the
//! origin-point records, the expropriation signing progress, the sponge projects'
//! runoff estimates — and the truck-ban track checks counted by ISO week in the
//! county's time (Asia/Shanghai). No rule is computed here a second time, and no
//! figure holds a personal field.

use landtrace_domain::traceability::{IsoWeek, Ledger};
use landtrace_domain::units::instant::Instant;
use landtrace_formats::CsvTable;
use landtrace_store::StoredTrackCheck;
use serde::Serialize;
use serde_json::{Value, json};

/// How many ISO weeks the truck-ban figure shows, ending with the current one.
pub const TRUCK_BAN_WEEKS: usize = 12;

/// The figures a client may download (`figure=` of `GET /api/dashboard`).
pub const FIGURES: &[&str] = &["trace", "expropriation", "sponge", "truck_ban"];

/// The ISO week (Asia/Shanghai) in which a check was made.
pub fn week_of_ms(ms: i64) -> Option<IsoWeek> {
    Instant::from_unix_seconds(ms.div_euclid(1000)).map(|i| IsoWeek::containing(i.county_date()))
}

/// One ISO week of the truck-ban figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekChecks {
    /// `2023-W24`.
    pub week: String,
    /// Monday and Sunday of the week.
    pub from: String,
    /// Sunday.
    pub to: String,
    /// Tracks checked.
    pub checks: u32,
    /// Of them, tracks with at least one violation.
    pub with_violations: u32,
    /// Violation intervals found in all of them.
    pub violations: u32,
    /// Checked over HTTP (`POST /api/truck-ban/track`).
    pub http: u32,
    /// Checked with `landtrace check track`.
    pub cli: u32,
}

/// The track checks counted by the ISO week (county time) they were made in, for the
/// `n` weeks ending with `last`, oldest first (weeks without checks are zero).
pub fn checks_by_week(checks: &[StoredTrackCheck], last: IsoWeek, n: usize) -> Vec<WeekChecks> {
    let mut weeks = vec![last];
    while weeks.len() < n {
        let w = weeks[weeks.len() - 1].previous();
        weeks.push(w);
    }
    weeks.reverse();
    weeks
        .iter()
        .map(|&w| {
            let mine: Vec<&StoredTrackCheck> =
                checks.iter().filter(|c| week_of_ms(c.check.checked_at_ms) == Some(w)).collect();
            let count = |f: &dyn Fn(&StoredTrackCheck) -> bool| mine.iter().filter(|c| f(c)).count() as u32;
            WeekChecks {
                week: w.to_string(),
                from: w.monday().to_string(),
                to: w.sunday().to_string(),
                checks: mine.len() as u32,
                with_violations: count(&|c| c.check.violations > 0),
                violations: mine.iter().map(|c| c.check.violations).sum(),
                http: count(&|c| c.check.door == "http"),
                cli: count(&|c| c.check.door == "cli"),
            }
        })
        .collect()
}

/// One township's line of the origin-point figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TownshipTrace {
    /// Official code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Key-product records collected up to the week's end (the ledger's `records`).
    pub collected: u32,
    /// Of the township's records, those under mandatory collection (the records'
    /// threshold check, a producer's bases weighed together).
    pub mandatory: u32,
    /// Records overdue for their update (the overdue report's count).
    pub overdue: u32,
    /// The ledger's completeness in percent (`None` without records).
    pub completeness_percent: Option<f64>,
}

/// The origin-point figure from the week's ledger, the overdue report (`GET
/// /api/trace/due`'s answer) and the mandatory count per township code.
pub fn trace_figure(
    ledger: &Ledger,
    due: &Value,
    mandatory: &std::collections::HashMap<String, u32>,
) -> Vec<TownshipTrace> {
    ledger
        .rows
        .iter()
        .map(|row| {
            let overdue = due["townships"]
                .as_array()
                .and_then(|t| t.iter().find(|t| t["code"] == row.township_code.as_str()))
                .and_then(|t| t["count"].as_u64())
                .unwrap_or(0);
            TownshipTrace {
                code: row.township_code.clone(),
                name: row.township_name.clone(),
                collected: row.records,
                mandatory: mandatory.get(&row.township_code).copied().unwrap_or(0),
                overdue: u32::try_from(overdue).unwrap_or(u32::MAX),
                completeness_percent: row.completeness_percent(),
            }
        })
        .collect()
}

/// A sponge project's line: its status and the achieved control rate of its runoff
/// estimate (`GET /api/sponge/projects/{id}/runoff`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpongeLine {
    /// Feature id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// 规划 / 在建 / 建成.
    pub status: String,
    /// 新建 / 改建 / 扩建.
    pub project_type: String,
    /// Achieved annual total runoff volume control rate, percent (`None`: no estimate).
    pub achieved_percent: Option<f64>,
    /// The target, percent, when there is one.
    pub target_percent: Option<f64>,
    /// Whether the estimate meets the target.
    pub meets_target: Option<bool>,
    /// Why there is no estimate.
    pub problem: Option<String>,
}

/// The sponge line of a project from its estimate's answer (or the estimate's error).
pub fn sponge_line(id: i64, props: &serde_json::Map<String, Value>, estimate: Result<&Value, String>) -> SpongeLine {
    let text = |k: &str| props.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let (achieved, target, meets, problem) = match estimate {
        Ok(v) => (
            v["estimate"]["achieved_percent"].as_f64(),
            v["estimate"]["target_percent"].as_f64(),
            v["estimate"]["meets_target"].as_bool(),
            None,
        ),
        Err(e) => (None, None, None, Some(e)),
    };
    SpongeLine {
        id,
        name: text("name"),
        status: text("status"),
        project_type: text("project_type"),
        achieved_percent: achieved,
        target_percent: target,
        meets_target: meets,
        problem,
    }
}

/// Sponge projects counted by status, in the schema's order, then any other.
pub fn sponge_by_status(lines: &[SpongeLine]) -> Vec<Value> {
    let mut statuses: Vec<String> =
        landtrace_domain::schema::layers::SPONGE_STATUS.iter().map(|s| (*s).to_owned()).collect();
    for l in lines {
        let s = if l.status.is_empty() { "未填".to_owned() } else { l.status.clone() };
        if !statuses.contains(&s) {
            statuses.push(s);
        }
    }
    statuses
        .into_iter()
        .map(|s| {
            let n = lines.iter().filter(|l| l.status == s || (l.status.is_empty() && s == "未填")).count();
            json!({"status": s, "count": n})
        })
        .collect()
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |p| format!("{p:.1}"))
}

/// A figure of the dashboard's answer as a table (CSV / XLSX), with its sheet name
/// and the columns kept as text; `None` for an unknown figure.
pub fn figure_table(dashboard: &Value, figure: &str) -> Option<(CsvTable, &'static str, &'static [&'static str])> {
    let rows = |key: &str| dashboard[figure][key].as_array().cloned().unwrap_or_default();
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let f = |v: &Value| opt(v.as_f64());
    let table = |header: &[&str], rows: Vec<Vec<String>>| CsvTable {
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    };
    Some(match figure {
        "trace" => (
            table(
                &["乡（镇）", "乡镇代码", "已采集记录", "强制采集记录", "逾期未更新", "采集完整度（%）"],
                rows("townships")
                    .iter()
                    .map(|t| {
                        vec![
                            s(&t["name"]),
                            s(&t["code"]),
                            s(&t["collected"]),
                            s(&t["mandatory"]),
                            s(&t["overdue"]),
                            f(&t["completeness_percent"]),
                        ]
                    })
                    .collect(),
            ),
            "产地溯源采集",
            &["乡镇代码"],
        ),
        "expropriation" => (
            table(
                &["决定文号", "项目", "登记户数", "已签约", "未签约", "已作补偿决定", "已交房"],
                rows("progress")
                    .iter()
                    .map(|p| {
                        vec![
                            s(&p["decision_no"]),
                            s(&p["project"]),
                            s(&p["households"]),
                            s(&p["signed"]),
                            s(&p["not_signed"]),
                            s(&p["decision_made"]),
                            s(&p["handed_over"]),
                        ]
                    })
                    .collect(),
            ),
            "征收签约进度",
            &["决定文号"],
        ),
        "sponge" => (
            table(
                &["编号", "项目", "状态", "项目类型", "年径流总量控制率（%）", "目标（%）", "是否达标"],
                rows("projects")
                    .iter()
                    .map(|p| {
                        vec![
                            s(&p["id"]),
                            s(&p["name"]),
                            s(&p["status"]),
                            s(&p["project_type"]),
                            f(&p["achieved_percent"]),
                            f(&p["target_percent"]),
                            match p["meets_target"].as_bool() {
                                Some(true) => "达标".to_owned(),
                                Some(false) => "未达标".to_owned(),
                                None => String::new(),
                            },
                        ]
                    })
                    .collect(),
            ),
            "海绵城市项目",
            &[],
        ),
        "truck_ban" => (
            table(
                &["周次", "起", "止", "检查轨迹数", "有违规轨迹数", "违规段数", "接口检查", "命令行检查"],
                rows("weeks")
                    .iter()
                    .map(|w| {
                        vec![
                            s(&w["week"]),
                            s(&w["from"]),
                            s(&w["to"]),
                            s(&w["checks"]),
                            s(&w["with_violations"]),
                            s(&w["violations"]),
                            s(&w["http"]),
                            s(&w["cli"]),
                        ]
                    })
                    .collect(),
            ),
            "货车禁行轨迹检查",
            &["周次", "起", "止"],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use landtrace_store::TrackCheck;

    fn check(id: i64, at: &str, violations: u32, door: &str) -> StoredTrackCheck {
        let ms = landtrace_domain::units::instant::parse_rfc3339(at).unwrap().unix_ms();
        StoredTrackCheck {
            id,
            check: TrackCheck {
                checked_at_ms: ms,
                checked_by: "t".into(),
                door: door.into(),
                plate: None,
                violations,
                fixes: 3,
                track_from_ms: None,
                track_to_ms: None,
            },
        }
    }

    #[test]
    fn checks_fall_in_the_county_week() {
        // Sunday 2023-06-11 23:30 UTC is Monday 2023-06-12 07:30 in the county: W24.
        let checks = [
            check(1, "2023-06-11T23:30:00Z", 2, "http"),
            check(2, "2023-06-11T15:59:59Z", 0, "cli"), // Sunday 23:59:59 county time: W23
            check(3, "2023-06-14T10:00:00+08:00", 1, "cli"),
        ];
        let weeks = checks_by_week(&checks, IsoWeek::parse("2023-W24").unwrap(), 3);
        assert_eq!(weeks.iter().map(|w| w.week.as_str()).collect::<Vec<_>>(), ["2023-W22", "2023-W23", "2023-W24"]);
        assert_eq!((weeks[0].checks, weeks[1].checks, weeks[2].checks), (0, 1, 2));
        assert_eq!((weeks[2].with_violations, weeks[2].violations, weeks[2].http, weeks[2].cli), (2, 3, 1, 1));
        assert_eq!((weeks[1].with_violations, weeks[1].cli), (0, 1));
        assert_eq!((weeks[2].from.as_str(), weeks[2].to.as_str()), ("2023-06-12", "2023-06-18"));
    }

    #[test]
    fn figures_become_tables_with_numbers_and_unknown_ones_are_none() {
        let d = json!({"truck_ban": {"weeks": [{"week": "2023-W24", "from": "2023-06-12", "to": "2023-06-18",
            "checks": 2, "with_violations": 1, "violations": 3, "http": 1, "cli": 1}]}});
        let (t, _, text) = figure_table(&d, "truck_ban").unwrap();
        assert_eq!(t.rows[0], ["2023-W24", "2023-06-12", "2023-06-18", "2", "1", "3", "1", "1"]);
        assert!(text.contains(&"周次"));
        assert!(figure_table(&d, "nope").is_none());
    }
}
