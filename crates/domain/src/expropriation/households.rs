//! The household register (被征收户) the housing bureau keeps per expropriation
//! project: one record per household and house, linked to its project by the
//! decision number (`decision_no`, 临政发〔2023〕10号 or 11号).
//!
//! Nothing is stored that can be computed: the compensation of a household is
//! computed on read by [`super::compensation`] (one home for the rates and the
//! bonus), line by line, with the signing bonus from the actual dates: the day
//! the agreement was signed and the house handed over (the later of the two,
//! 十一、奖励办法, 公报第 1552 行) counted from the day the appraisal ended. The
//! objection and appeal periods (十四（四）（五）, 公报第 1580-1588 行) run from the
//! household's own dates ([`super::timeline::TimelineEvents`]).
//!
//! Names, ID numbers, phones and addresses are `personal` in the layer schema;
//! the layer is not public (the housing role owns it). The progress per project
//! ([`progress`]) carries counts only.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::expropriation::compensation::{
    Compensation, LowRiseHouse, compensation, day_after_appraisal, low_rise_compensation,
};
use crate::expropriation::timeline::{EventPeriod, TimelineEvents, event_periods};
use crate::expropriation::{ExpropriationProject, PROJECTS, ValuationDate, project_by_decision_no, valuation_date};
use crate::units::area::SquareMetres;
use crate::units::date::Date;
use crate::units::money::Money;

/// Where a household stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    /// The compensation agreement is signed (`agreement_signed_on`).
    Signed,
    /// Not signed, and the county made a compensation decision (`compensation_decision_on`,
    /// 十四（五）).
    DecisionMade,
    /// Not signed, no decision.
    NotSigned,
}

impl HouseholdStatus {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            HouseholdStatus::Signed => "已签约",
            HouseholdStatus::DecisionMade => "未签约（已作出补偿决定）",
            HouseholdStatus::NotSigned => "未签约",
        }
    }
}

/// One household record as stored (the layer's fields), read for the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    /// The project.
    pub project: &'static ExpropriationProject,
    /// 户号 (the register's own number, not personal).
    pub household_no: String,
    /// Storeys of the house.
    pub storeys: Option<u32>,
    /// Building area, m².
    pub building_area: Option<SquareMetres>,
    /// Legal land area, m².
    pub legal_land_area: Option<SquareMetres>,
    /// Appraised value of the house (评估报告).
    pub appraised_value: Option<Money>,
    /// Appraiser's price per m² (for 九（二）).
    pub appraised_price_per_m2: Option<Money>,
    /// Construction cost per m² (for 九（二）).
    pub construction_cost_per_m2: Option<Money>,
    /// 评估结束 (the date announced separately).
    pub appraisal_ended_on: Option<Date>,
    /// Events of the objection and appeal periods.
    pub events: TimelineEvents,
    /// 签订协议.
    pub agreement_signed_on: Option<Date>,
    /// 完成搬迁移交房屋.
    pub handed_over_on: Option<Date>,
    /// 补偿决定通告 (十四（五）).
    pub compensation_decision_on: Option<Date>,
}

fn text<'a>(props: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    props.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn date(props: &Map<String, Value>, name: &'static str) -> Result<Option<Date>, String> {
    text(props, name).map(|t| Date::parse(t).map_err(|e| format!("{name}: {e}"))).transpose()
}

fn area(props: &Map<String, Value>, name: &'static str) -> Result<Option<SquareMetres>, String> {
    props
        .get(name)
        .and_then(Value::as_f64)
        .map(|a| SquareMetres::new(a).map_err(|e| format!("{name}: {e}")))
        .transpose()
}

/// Yuan as a JSON number (the layer stores reals) to money, to the fen.
fn money(props: &Map<String, Value>, name: &'static str) -> Result<Option<Money>, String> {
    props
        .get(name)
        .and_then(Value::as_f64)
        .map(|y| Money::parse_yuan(&format!("{y:.2}")).map_err(|e| format!("{name}: {e}")))
        .transpose()
}

impl Household {
    /// Reads a record's properties (already checked against the layer's field types
    /// and ranges); errors name the field, in Chinese and English.
    pub fn from_properties(props: &Map<String, Value>) -> Result<Household, String> {
        let decision_no = text(props, "decision_no").unwrap_or_default();
        let project = project_by_decision_no(decision_no).ok_or_else(|| {
            format!(
                "decision_no: 决定文号 {decision_no:?} 不是 {} / {decision_no:?} is not a known expropriation decision",
                PROJECTS.map(|p| p.decision_no).join("、")
            )
        })?;
        let household = Household {
            project,
            household_no: text(props, "household_no").unwrap_or_default().to_owned(),
            storeys: props.get("storeys").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()),
            building_area: area(props, "building_area_m2")?,
            legal_land_area: area(props, "legal_land_area_m2")?,
            appraised_value: money(props, "appraised_value_yuan")?,
            appraised_price_per_m2: money(props, "appraised_price_per_m2_yuan")?,
            construction_cost_per_m2: money(props, "construction_cost_per_m2_yuan")?,
            appraisal_ended_on: date(props, "appraisal_ended_on")?,
            events: TimelineEvents {
                appraisal_report_received: date(props, "appraisal_report_received_on")?,
                review_result_received: date(props, "review_result_received_on")?,
                compensation_decision_notice: date(props, "compensation_decision_on")?,
            },
            agreement_signed_on: date(props, "agreement_signed_on")?,
            handed_over_on: date(props, "handed_over_on")?,
            compensation_decision_on: date(props, "compensation_decision_on")?,
        };
        household.check()?;
        Ok(household)
    }

    /// The rules a record keeps beyond its field types: dates in order, and no
    /// signing before the decision.
    fn check(&self) -> Result<(), String> {
        let decided = self.project.decision_date;
        let not_before = |name: &str, d: Option<Date>, floor: Date, floor_name: &str| match d {
            Some(d) if d < floor => {
                Err(format!("{name}: {d} 早于{floor_name} {floor} / {d} is before {floor_name} {floor}"))
            }
            _ => Ok(()),
        };
        not_before("agreement_signed_on", self.agreement_signed_on, decided, "征收决定日期")?;
        not_before("appraisal_ended_on", self.appraisal_ended_on, decided, "征收决定日期")?;
        not_before("compensation_decision_on", self.compensation_decision_on, decided, "征收决定日期")?;
        if let (Some(end), Some(signed)) = (self.appraisal_ended_on, self.agreement_signed_on) {
            not_before("agreement_signed_on", Some(signed), end, "评估结束日期")?;
        }
        if let (Some(signed), Some(handed)) = (self.agreement_signed_on, self.handed_over_on) {
            not_before("handed_over_on", Some(handed), signed, "签约日期")?;
        }
        if self.handed_over_on.is_some() && self.agreement_signed_on.is_none() {
            return Err("handed_over_on: 未签约不能登记移交日期 / a hand-over needs a signed agreement".into());
        }
        Ok(())
    }

    /// Where the household stands.
    pub fn status(&self) -> HouseholdStatus {
        if self.agreement_signed_on.is_some() {
            HouseholdStatus::Signed
        } else if self.compensation_decision_on.is_some() {
            HouseholdStatus::DecisionMade
        } else {
            HouseholdStatus::NotSigned
        }
    }
}

/// The computed part of a household's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdAssessment {
    /// Where the household stands.
    pub status: HouseholdStatus,
    /// Its Chinese label.
    pub status_zh: &'static str,
    /// The valuation date of the appraisal (公报第 1532 行).
    pub valuation_date: ValuationDate,
    /// The day the bonus is counted for (the later of signing and hand-over), if any.
    pub bonus_day: Option<u32>,
    /// How the bonus day was found, with 假定/assumption where a date is missing.
    pub bonus_basis: String,
    /// Whether the bonus may still change (not yet handed over, or not signed).
    pub provisional: bool,
    /// The compensation, line by line; `null` with `missing` when inputs are missing.
    pub compensation: Option<Compensation>,
    /// What is missing for the compensation.
    pub missing: Vec<&'static str>,
    /// The objection and appeal periods from the household's dates.
    pub event_periods: Vec<EventPeriod>,
}

/// The compensation and periods of `household` on `as_of`.
///
/// The bonus day is counted from `appraisal_ended_on` to the later of
/// `agreement_signed_on` and `handed_over_on`; before the hand-over it is counted
/// to the signing day (provisional: the bonus needs both, 十一); before signing, to
/// `as_of` (an estimate for signing that day).
pub fn assess(household: &Household, as_of: Date) -> HouseholdAssessment {
    let status = household.status();
    let project = household.project;
    let mut missing = Vec::new();
    let (completed, provisional, how) = match (household.agreement_signed_on, household.handed_over_on) {
        (Some(s), Some(h)) => {
            (Some(s.max(h)), false, "签约与搬迁移交日期中较晚者 / the later of signing and hand-over")
        }
        (Some(s), None) => (
            Some(s),
            true,
            "尚未移交，按签约日计算（假定当日移交，临时结果） / not handed over yet: counted to the signing day \
             (assumption: handed over that day; provisional)",
        ),
        (None, _) => (
            Some(as_of),
            true,
            "尚未签约，按查询日签约并移交估算 / not signed: an estimate for signing and handing over on the date asked",
        ),
    };
    let bonus_day = match (household.appraisal_ended_on, completed) {
        (Some(end), Some(done)) => day_after_appraisal(end, done),
        _ => None,
    };
    if household.appraisal_ended_on.is_none() {
        missing.push("appraisal_ended_on");
    }
    let bonus_basis = match (household.appraisal_ended_on, bonus_day) {
        (None, _) => "评估结束日期未登记，无法确定奖励档次 / the appraisal end date is not recorded".to_owned(),
        (Some(end), None) => format!("评估结束 {end} 晚于计算日 / the appraisal ended after the day counted"),
        (Some(end), Some(day)) => format!("评估结束 {end} 后第 {day} 天；{how}"),
    };
    let area = household.building_area;
    if area.is_none() {
        missing.push("building_area_m2");
    }
    let compensation = match (area, bonus_day) {
        (Some(area), Some(day)) => match household.appraised_value {
            Some(value) => compensation(project, value, area, day).ok(),
            None => match (
                household.storeys,
                household.legal_land_area,
                household.appraised_price_per_m2,
                household.construction_cost_per_m2,
            ) {
                (Some(storeys), Some(land), Some(price), Some(cost)) => {
                    let house = LowRiseHouse {
                        storeys,
                        legal_land_area: land,
                        appraised_price_per_m2: price,
                        construction_cost_per_m2: cost,
                    };
                    match low_rise_compensation(project, area, &house, day) {
                        Ok(c) => Some(c),
                        Err(_) => {
                            missing.push("appraised_value_yuan");
                            None
                        }
                    }
                }
                _ => {
                    missing.push("appraised_value_yuan");
                    None
                }
            },
        },
        _ => None,
    };
    let event_periods = event_periods(project, &household.events, as_of).unwrap_or_default();
    HouseholdAssessment {
        status,
        status_zh: status.label_zh(),
        valuation_date: valuation_date(project, None),
        bonus_day,
        bonus_basis,
        provisional,
        compensation,
        missing,
        event_periods,
    }
}

/// The progress of one project: counts only (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Decision number.
    pub decision_no: &'static str,
    /// Project name.
    pub project: &'static str,
    /// Households registered.
    pub households: u32,
    /// Signed.
    pub signed: u32,
    /// Not signed (with or without a compensation decision).
    pub not_signed: u32,
    /// Not signed, with a compensation decision made.
    pub decision_made: u32,
    /// Signed and handed over.
    pub handed_over: u32,
}

/// The progress of every project (both decisions, in order, also those without
/// households) from the household records.
pub fn progress<'a>(households: impl IntoIterator<Item = &'a Household>) -> Vec<Progress> {
    let mut out: Vec<Progress> = PROJECTS
        .iter()
        .map(|p| Progress {
            decision_no: p.decision_no,
            project: p.project,
            households: 0,
            signed: 0,
            not_signed: 0,
            decision_made: 0,
            handed_over: 0,
        })
        .collect();
    for h in households {
        let Some(p) = out.iter_mut().find(|p| p.decision_no == h.project.decision_no) else { continue };
        p.households += 1;
        match h.status() {
            HouseholdStatus::Signed => p.signed += 1,
            HouseholdStatus::DecisionMade => {
                p.not_signed += 1;
                p.decision_made += 1;
            }
            HouseholdStatus::NotSigned => p.not_signed += 1,
        }
        if h.handed_over_on.is_some() {
            p.handed_over += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expropriation::timeline::PeriodStatus;
    use serde_json::json;

    fn props(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn base() -> Value {
        json!({"decision_no": "临政发〔2023〕10号", "household_no": "10-001", "owner_name": "示例户甲",
               "building_area_m2": 120.0, "appraised_value_yuan": 800000.0, "appraisal_ended_on": "2023-09-10",
               "accuracy": "illustrative"})
    }

    fn with(extra: Value) -> Household {
        let mut p = props(base());
        p.extend(props(extra));
        Household::from_properties(&p).unwrap()
    }

    /// 十一、奖励办法 (公报第 1552 行): signed and handed over on day 20 after the appraisal
    /// ended → 20%; day 21 → 10%; day 31 → none. The day comes from the recorded dates.
    #[test]
    fn bonus_from_the_actual_signing_and_hand_over_dates() {
        let on = |signed: &str, handed: &str| {
            assess(&with(json!({"agreement_signed_on": signed, "handed_over_on": handed})), Date::ymd(2024, 1, 1))
        };
        let a = on("2023-09-25", "2023-09-30");
        assert_eq!((a.bonus_day, a.provisional), (Some(20), false));
        let c = a.compensation.unwrap();
        assert_eq!(c.bonus_percent, 20);
        assert_eq!(c.total, Money::from_yuan(969_000).unwrap());
        // The later of the two dates counts: signed on day 15, handed over on day 21.
        let a = on("2023-09-25", "2023-10-01");
        assert_eq!(a.bonus_day, Some(21));
        assert_eq!(a.compensation.unwrap().bonus_percent, 10);
        let a = on("2023-10-11", "2023-10-11");
        assert_eq!(a.compensation.unwrap().bonus_percent, 0);
        // Signed, not handed over: counted to the signing day, provisional, said so.
        let a = assess(&with(json!({"agreement_signed_on": "2023-09-12"})), Date::ymd(2024, 1, 1));
        assert_eq!((a.bonus_day, a.provisional, a.status), (Some(2), true, HouseholdStatus::Signed));
        assert!(a.bonus_basis.contains("假定"));
        // Not signed: an estimate for the date asked.
        let a = assess(&with(json!({})), Date::ymd(2023, 10, 5));
        assert_eq!((a.bonus_day, a.provisional, a.status), (Some(25), true, HouseholdStatus::NotSigned));
        assert_eq!(a.valuation_date.date, Date::ymd(2023, 6, 29));
    }

    /// 九（二）1 (公报第 1536 行): a two-storey house without an appraised value is valued
    /// on its area basis.
    #[test]
    fn low_rise_household_uses_the_area_basis() {
        let mut p = props(base());
        p.remove("appraised_value_yuan");
        p.extend(props(json!({"storeys": 2, "legal_land_area_m2": 150.0, "appraised_price_per_m2_yuan": 3000.0,
                                "construction_cost_per_m2_yuan": 1200.0, "agreement_signed_on": "2023-09-30",
                                "handed_over_on": "2023-09-30"})));
        let a = assess(&Household::from_properties(&p).unwrap(), Date::ymd(2024, 1, 1));
        let c = a.compensation.unwrap();
        assert_eq!(c.total, Money::from_yuan(505_800).unwrap());
        assert!(c.area_basis.unwrap().citation.clause.contains("1536"));
        // Without the appraisal inputs, nothing is computed and the answer says what is missing.
        p.remove("construction_cost_per_m2_yuan");
        let a = assess(&Household::from_properties(&p).unwrap(), Date::ymd(2024, 1, 1));
        assert!(a.compensation.is_none());
        assert_eq!(a.missing, ["appraised_value_yuan"]);
    }

    /// 十四（四）（五） (公报第 1580, 1586 行): the household's own dates start its periods.
    #[test]
    fn household_periods_from_its_dates() {
        let h = with(json!({"appraisal_report_received_on": "2023-09-01", "compensation_decision_on": "2024-01-10"}));
        assert_eq!(h.status(), HouseholdStatus::DecisionMade);
        let a = assess(&h, Date::ymd(2023, 9, 11));
        assert_eq!(a.event_periods[0].end, Some(Date::ymd(2023, 9, 11)));
        assert_eq!(a.event_periods[0].status, PeriodStatus::Running);
        assert_eq!(a.event_periods[1].status, PeriodStatus::AwaitingEvent);
        assert_eq!(a.event_periods[2].end, Some(Date::ymd(2024, 3, 10)));
    }

    #[test]
    fn records_breaking_the_rules_are_refused_naming_the_field() {
        for (extra, field) in [
            (json!({"decision_no": "临政发〔2023〕12号"}), "decision_no"),
            (json!({"agreement_signed_on": "2023-06-01"}), "agreement_signed_on"),
            (json!({"agreement_signed_on": "2023-09-05"}), "agreement_signed_on"),
            (json!({"agreement_signed_on": "2023-09-20", "handed_over_on": "2023-09-19"}), "handed_over_on"),
            (json!({"handed_over_on": "2023-09-19"}), "handed_over_on"),
        ] {
            let mut p = props(base());
            p.extend(props(extra));
            let e = Household::from_properties(&p).unwrap_err();
            assert!(e.starts_with(field), "{field}: {e}");
        }
        // Bracket style does not matter.
        let h = with(json!({"decision_no": "临政发[2023]11号"}));
        assert_eq!(h.project.decision_no, "临政发〔2023〕11号");
    }

    #[test]
    fn progress_counts_per_project() {
        let hs = [
            with(json!({"agreement_signed_on": "2023-09-20", "handed_over_on": "2023-09-21"})),
            with(json!({"agreement_signed_on": "2023-09-20"})),
            with(json!({"compensation_decision_on": "2024-01-10"})),
            with(json!({})),
            with(json!({"decision_no": "临政发〔2023〕11号"})),
        ];
        let p = progress(&hs);
        assert_eq!(
            (p[0].households, p[0].signed, p[0].not_signed, p[0].decision_made, p[0].handed_over),
            (4, 2, 2, 1, 1)
        );
        assert_eq!((p[1].households, p[1].signed, p[1].not_signed), (1, 0, 1));
        let j = serde_json::to_value(&p).unwrap();
        assert_eq!(j[0]["decision_no"], "临政发〔2023〕10号");
    }
}
