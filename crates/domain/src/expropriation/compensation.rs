//! Cash compensation for a house under the expropriation plans (房屋征收补偿方案)
//! attached to 临政发〔2023〕10号 and 11号. Both plans have the same rates.
//!
//! Lines: the appraised value (评估价值, an input: the appraisal report decides it,
//! 九（一）), the moving fee 15 元/m² (九（三）1), the transition fee 10 元/m² per
//! month for 6 months (九（三）2) and the signing bonus of 十一、奖励办法:
//!
//! > 评估结束（具体时间另行通知）后，20 天内签订协议并完成搬迁移交房屋的，按照评估价值的
//! > 20%给予奖励，第 21 天至第 30 天签订协议并完成搬迁移交房屋的，按照评估价值的 10%
//! > 给予奖励，之后签订协议并搬迁移交房屋的不予奖励。
//!
//! # Day convention
//!
//! `signed_day_after_appraisal = n` means the agreement was signed **and** the house
//! handed over (whichever came later) on the n-th calendar day after the day the
//! appraisal ended (the end date is announced separately, 具体时间另行通知). Day 1
//! is the day after the end date (《民法典》第二百零一条: the start day is not
//! counted); [`day_after_appraisal`] computes n from two dates. Then:
//!
//! - days 0-20 → 20% (`20 天内`, day 20 included; day 0, the end date itself, is
//!   "within 20 days" too);
//! - days 21-30 → 10% (`第 21 天至第 30 天`, both included);
//! - day 31 and later → no bonus (`之后`).
//!
//! Amounts are [`Money`] (fen): area × rate rounded half away from zero to the fen
//! once per line (the transition fee as 10 × 6 = 60 元/m² in one step); the bonus is
//! the percentage of the appraised value rounded half up to the fen.

use serde::Serialize;

use crate::expropriation::ExpropriationProject;
use crate::input_limits::{self, RangeError};
use crate::units::area::SquareMetres;
use crate::units::citation::Citation;
use crate::units::date::Date;
use crate::units::money::{Money, MoneyError};

/// Moving fee, 元/m² of building area (搬迁费：15 元/m²).
pub const MOVING_FEE_YUAN_PER_M2: u64 = 15;
/// Transition fee, 元/m² per month (过渡费：10 元/m²·月).
pub const TRANSITION_FEE_YUAN_PER_M2_MONTH: u64 = 10;
/// Transition period, months (过渡期为 6 个月).
pub const TRANSITION_MONTHS: u64 = 6;
/// Last day of the 20% bonus (20 天内).
pub const BONUS_20_LAST_DAY: u32 = 20;
/// Last day of the 10% bonus (第 21 天至第 30 天).
pub const BONUS_10_LAST_DAY: u32 = 30;

/// 九（一） (excerpt).
pub const APPRAISAL_TEXT: &str = "出具评估报告，作为征收补偿的依据。估价时点为县人民政府发布房屋征收决定通告之日。";
/// 八、征收补偿方式.
pub const CASH_TEXT: &str = "被征收房屋采用货币化补偿，即在房屋征收补偿工作中，房屋征收部门将补偿资金一次性支付给被征收人，由被征收人自行安置。";
/// 九（三）1.
pub const MOVING_FEE_TEXT: &str = "搬迁费：15 元/m²。";
/// 九（三）2.
pub const TRANSITION_FEE_TEXT: &str = "过渡费：10 元/m²·月。过渡期为 6 个月。";
/// 十一、奖励办法.
pub const BONUS_TEXT: &str = "评估结束（具体时间另行通知）后，20 天内签订协议并完成搬迁移交房屋的，按照评估价值的 20%给予奖励，第 21 天至第 30 天签订协议并完成搬迁移交房屋的，按照评估价值的 10%给予奖励，之后签订协议并搬迁移交房屋的不予奖励。";

/// The day convention, stated in every result.
pub const DAY_CONVENTION: &str = "signed_day_after_appraisal = n: the agreement was signed and the house handed over \
     (the later of the two) on the n-th calendar day after the appraisal end date; day 1 is the day after it \
     (Civil Code art. 201), day 0 the end date itself. Days 0-20: 20%; days 21-30: 10%; day 31 on: 0.";

/// The bonus percentage for signing and handing over on day `day` after the
/// appraisal ended: 20 (days 0-20), 10 (days 21-30) or 0.
pub const fn bonus_percent(day: u32) -> u8 {
    if day <= BONUS_20_LAST_DAY {
        20
    } else if day <= BONUS_10_LAST_DAY {
        10
    } else {
        0
    }
}

/// The day number n for [`compensation`]: how many calendar days after
/// `appraisal_end` the agreement was signed and the house handed over
/// (`completed`, the later of the two dates); `None` if `completed` is before
/// `appraisal_end`.
pub fn day_after_appraisal(appraisal_end: Date, completed: Date) -> Option<u32> {
    u32::try_from(appraisal_end.days_until(completed)).ok()
}

/// One line of the compensation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompensationLine {
    /// Stable key: `appraised_value`, `moving_fee`, `transition_fee`, `bonus`.
    pub item: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// How the amount is computed, with the numbers.
    pub basis: String,
    /// The amount.
    pub amount: Money,
    /// The clause.
    pub citation: Citation,
}

/// The compensation for one house.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compensation {
    /// Decision number of the project.
    pub decision_no: &'static str,
    /// Project name.
    pub project: &'static str,
    /// The appraised value (input).
    pub appraised_value: Money,
    /// Building area, m² (input).
    pub building_area_m2: f64,
    /// Day of signing and hand-over after the appraisal ended (input).
    pub signed_day_after_appraisal: u32,
    /// How that day is counted.
    pub day_convention: &'static str,
    /// Bonus rate applied, %.
    pub bonus_percent: u8,
    /// Appraised value, moving fee, transition fee, bonus.
    pub lines: Vec<CompensationLine>,
    /// Sum of the lines.
    pub total: Money,
    /// The same in 万元, exact decimal text.
    pub total_wan_yuan: String,
    /// How amounts are rounded.
    pub rounding: &'static str,
    /// Compensation form: cash, paid at once (八、征收补偿方式).
    pub form: Citation,
    /// What is not covered.
    pub note: &'static str,
}

const ROUNDING: &str = "area × rate rounded half away from zero to the fen per line (transition fee as 60 元/m² in one \
     step); bonus = percentage of the appraised value rounded half up to the fen; total = exact sum";
const NOTE: &str = "货币化补偿，补偿资金一次性支付（八）；评估价值由评估报告确定（九（一）（二）），此处为输入值。\
     违法建筑、超过批准期限的临时建筑不予补偿（六（二）、十二（一））。 / Cash compensation paid at once; the appraised \
     value comes from the appraisal report and is an input here. Illegal and expired temporary buildings are not compensated.";

/// Why the inputs of a house were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompensationError {
    /// A number outside its range.
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The appraised value is not an amount in yuan.
    #[error("field \"appraised_value_yuan\": {0}")]
    Money(MoneyError),
}

// Not `#[from]`: the message already holds the money error; as a source it would be
// printed twice in error chains.
impl From<MoneyError> for CompensationError {
    fn from(e: MoneyError) -> CompensationError {
        CompensationError::Money(e)
    }
}

/// The inputs of [`compensation`] for one house, as a request gives them, checked
/// against their ranges ([`input_limits::APPRAISED_VALUE_YUAN`],
/// [`input_limits::BUILDING_AREA_M2`], [`input_limits::DAYS_AFTER_APPRAISAL`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HouseInputs {
    /// The appraised value.
    pub appraised_value: Money,
    /// The building area.
    pub building_area: SquareMetres,
    /// The day of signing and hand-over after the appraisal ended.
    pub signed_day_after_appraisal: u32,
}

impl HouseInputs {
    /// Parses the appraised value (decimal yuan text: `800000`, `1805.25`) and checks it,
    /// the building area (m²) and the day number against their ranges; errors name the
    /// field (`appraised_value_yuan`, `building_area_m2`, `signed_day_after_appraisal`).
    pub fn parse(
        appraised_value_yuan: &str,
        building_area_m2: f64,
        signed_day_after_appraisal: f64,
    ) -> Result<HouseInputs, CompensationError> {
        let appraised_value = Money::parse_yuan(appraised_value_yuan)?;
        // Exact below 2^53 fen; the range ends far below that.
        input_limits::APPRAISED_VALUE_YUAN.check("appraised_value_yuan", appraised_value.fen() as f64 / 100.0)?;
        let area = input_limits::BUILDING_AREA_M2.check("building_area_m2", building_area_m2)?;
        let building_area = SquareMetres::new(area).expect("the building-area range is within SquareMetres");
        let day = input_limits::DAYS_AFTER_APPRAISAL.check("signed_day_after_appraisal", signed_day_after_appraisal)?;
        Ok(HouseInputs { appraised_value, building_area, signed_day_after_appraisal: day as u32 })
    }
}

/// The compensation for a house of `building_area` appraised at `appraised_value`
/// in `project`, signed and handed over on day `signed_day_after_appraisal` (see the
/// module documentation for the day convention).
pub fn compensation(
    project: &ExpropriationProject,
    appraised_value: Money,
    building_area: SquareMetres,
    signed_day_after_appraisal: u32,
) -> Result<Compensation, MoneyError> {
    let a = building_area.get();
    let cite = |clause, text| Citation::new(project.decision_no, clause, text);
    let moving = Money::from_rate_times(Money::from_yuan(MOVING_FEE_YUAN_PER_M2)?, a)?;
    let transition_rate = Money::from_yuan(TRANSITION_FEE_YUAN_PER_M2_MONTH * TRANSITION_MONTHS)?;
    let transition = Money::from_rate_times(transition_rate, a)?;
    let percent = bonus_percent(signed_day_after_appraisal);
    let bonus = appraised_value.percent_of(percent);
    let bonus_basis = match percent {
        20 => format!("第 {signed_day_after_appraisal} 天（20 天内）：评估价值 {appraised_value} × 20%"),
        10 => format!("第 {signed_day_after_appraisal} 天（第 21 天至第 30 天）：评估价值 {appraised_value} × 10%"),
        _ => format!("第 {signed_day_after_appraisal} 天（第 30 天之后）：不予奖励"),
    };
    let lines = vec![
        CompensationLine {
            item: "appraised_value",
            name: "被征收房屋评估价值",
            name_en: "appraised value of the house",
            basis: "评估报告（输入值）".to_owned(),
            amount: appraised_value,
            citation: cite("附件 房屋征收补偿方案 九（一）被征收房屋评估办法", APPRAISAL_TEXT),
        },
        CompensationLine {
            item: "moving_fee",
            name: "搬迁费",
            name_en: "moving fee",
            basis: format!("{MOVING_FEE_YUAN_PER_M2} 元/m² × {a} m²"),
            amount: moving,
            citation: cite("附件 房屋征收补偿方案 九（三）1", MOVING_FEE_TEXT),
        },
        CompensationLine {
            item: "transition_fee",
            name: "过渡费",
            name_en: "transition fee",
            basis: format!("{TRANSITION_FEE_YUAN_PER_M2_MONTH} 元/m²·月 × {TRANSITION_MONTHS} 个月 × {a} m²"),
            amount: transition,
            citation: cite("附件 房屋征收补偿方案 九（三）2", TRANSITION_FEE_TEXT),
        },
        CompensationLine {
            item: "bonus",
            name: "签约搬迁奖励",
            name_en: "bonus for signing and handing over early",
            basis: bonus_basis,
            amount: bonus,
            citation: cite("附件 房屋征收补偿方案 十一、奖励办法", BONUS_TEXT),
        },
    ];
    let total: Money = lines.iter().map(|l| l.amount).sum();
    Ok(Compensation {
        decision_no: project.decision_no,
        project: project.project,
        appraised_value,
        building_area_m2: a,
        signed_day_after_appraisal,
        day_convention: DAY_CONVENTION,
        bonus_percent: percent,
        lines,
        total_wan_yuan: total.wan_yuan_text(),
        total,
        rounding: ROUNDING,
        form: cite("附件 房屋征收补偿方案 八、征收补偿方式", CASH_TEXT),
        note: NOTE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expropriation::PROJECTS;

    fn yuan(y: u64) -> Money {
        Money::from_yuan(y).unwrap()
    }

    fn amounts(c: &Compensation) -> Vec<(&'static str, Money)> {
        c.lines.iter().map(|l| (l.item, l.amount)).collect()
    }

    fn example(day: u32) -> Compensation {
        compensation(&PROJECTS[0], yuan(800_000), SquareMetres::new(120.0).unwrap(), day).unwrap()
    }

    #[test]
    fn house_inputs_are_checked_against_their_ranges() {
        let ok = HouseInputs::parse("800000", 120.0, 20.0).unwrap();
        assert_eq!(
            ok,
            HouseInputs {
                appraised_value: yuan(800_000),
                building_area: SquareMetres::new(120.0).unwrap(),
                signed_day_after_appraisal: 20
            }
        );
        let cases = [
            (("1e308", 120.0, 20.0), "field \"appraised_value_yuan\": \"1e308\" is not an amount in yuan"),
            (("20000000000", 120.0, 20.0), "field \"appraised_value_yuan\": 20000000000 is out of range"),
            (("800000", 1e308, 20.0), "field \"building_area_m2\": 1e308 is out of range; allowed: more than 0"),
            (("800000", 0.0, 20.0), "field \"building_area_m2\": 0 is out of range"),
            (("800000", f64::NAN, 20.0), "field \"building_area_m2\": NaN is not a finite number"),
            (("800000", 120.0, -1.0), "field \"signed_day_after_appraisal\": -1 is out of range"),
            (("800000", 120.0, 2.5), "field \"signed_day_after_appraisal\": 2.5 is not a whole number"),
            (
                ("800000", 120.0, 1e308),
                "field \"signed_day_after_appraisal\": 1e308 is out of range; allowed: whole numbers from 0 to 3660 days",
            ),
        ];
        for ((value, area, day), expected) in cases {
            let e = HouseInputs::parse(value, area, day).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{value} {area} {day}: {e}");
        }
        assert_eq!(HouseInputs::parse("10000000000", 100_000.0, 3660.0).unwrap().signed_day_after_appraisal, 3660);
    }

    #[test]
    fn day_20_gets_20_percent() {
        // 800 000 + 15 × 120 + 10 × 6 × 120 + 20% × 800 000 = 969 000 元.
        let c = example(20);
        assert_eq!(
            amounts(&c),
            [
                ("appraised_value", yuan(800_000)),
                ("moving_fee", yuan(1_800)),
                ("transition_fee", yuan(7_200)),
                ("bonus", yuan(160_000))
            ]
        );
        assert_eq!(c.bonus_percent, 20);
        assert_eq!(c.total, yuan(969_000));
        assert_eq!(c.total_wan_yuan, "96.9");
    }

    #[test]
    fn days_21_and_30_get_10_percent_day_31_nothing() {
        for day in [21, 30] {
            let c = example(day);
            assert_eq!(c.bonus_percent, 10, "day {day}");
            assert_eq!(c.lines[3].amount, yuan(80_000));
            assert_eq!(c.total, yuan(889_000));
        }
        let c = example(31);
        assert_eq!(c.bonus_percent, 0);
        assert_eq!(c.lines[3].amount, Money::ZERO);
        assert_eq!(c.total, yuan(809_000));
        assert!(c.lines[3].basis.contains("不予奖励"));
    }

    #[test]
    fn bonus_tiers() {
        let tiers: Vec<u8> = [0, 1, 19, 20, 21, 29, 30, 31, 365, u32::MAX].into_iter().map(bonus_percent).collect();
        assert_eq!(tiers, [20, 20, 20, 20, 10, 10, 10, 0, 0, 0]);
    }

    #[test]
    fn day_number_from_dates() {
        let end = Date::ymd(2023, 9, 10);
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 9, 10)), Some(0));
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 9, 11)), Some(1));
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 9, 30)), Some(20));
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 10, 1)), Some(21));
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 10, 10)), Some(30));
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 10, 11)), Some(31));
        assert_eq!(day_after_appraisal(end, Date::ymd(2023, 9, 9)), None);
    }

    #[test]
    fn fractional_areas_round_to_the_fen() {
        // 15 × 87.35 = 1310.25; 60 × 87.35 = 5241; 20% × 650 000.50 = 130 000.10.
        let c =
            compensation(&PROJECTS[1], Money::parse_yuan("650000.50").unwrap(), SquareMetres::new(87.35).unwrap(), 5)
                .unwrap();
        assert_eq!(c.lines[1].amount.yuan_text(), "1310.25");
        assert_eq!(c.lines[2].amount.yuan_text(), "5241.00");
        assert_eq!(c.lines[3].amount.yuan_text(), "130000.10");
        assert_eq!(c.total.yuan_text(), "786551.85");
        assert_eq!(c.decision_no, "临政发〔2023〕11号");
    }

    #[test]
    fn lines_cite_the_plan() {
        let c = example(20);
        let clauses: Vec<_> = c.lines.iter().map(|l| (l.citation.document, l.citation.clause)).collect();
        assert_eq!(clauses[1], ("临政发〔2023〕10号", "附件 房屋征收补偿方案 九（三）1"));
        assert_eq!(clauses[3].1, "附件 房屋征收补偿方案 十一、奖励办法");
        // The rates in the code are the rates in the quoted wording.
        assert!(MOVING_FEE_TEXT.contains(&format!("{MOVING_FEE_YUAN_PER_M2} 元/m²")));
        assert!(TRANSITION_FEE_TEXT.contains(&format!("{TRANSITION_FEE_YUAN_PER_M2_MONTH} 元/m²·月")));
        assert!(TRANSITION_FEE_TEXT.contains(&format!("过渡期为 {TRANSITION_MONTHS} 个月")));
        assert!(BONUS_TEXT.contains(&format!("{BONUS_20_LAST_DAY} 天内签订协议")));
        assert!(BONUS_TEXT.contains(&format!("第 21 天至第 {BONUS_10_LAST_DAY} 天")));
        assert!(BONUS_TEXT.contains("评估价值的 20%") && BONUS_TEXT.contains("评估价值的 10%"));
        let j = serde_json::to_value(&c).unwrap();
        assert_eq!(j["total"], serde_json::json!({"fen": 96_900_000, "yuan": "969000.00"}));
        assert_eq!(j["lines"][3]["citation"]["text"], BONUS_TEXT);
        assert!(c.form.text.starts_with("被征收房屋采用货币化补偿"));
    }
}
