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

use crate::expropriation::{ExpropriationProject, ValuationDate, plan_clause, valuation_date};
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

/// 九（二）1 (公报第 1536 行 / 第 1710 行).
pub const LAND_BASIS_TEXT: &str = "1、合法宅基地或土地证上的二层及二层以下房屋建筑面积不足合法土地面积的，以合法土地面积为计算依据，根据评估公司评估价进行补偿，建筑面积达不到合法宅基地或土地证面积的部分，按照建安成本价予以扣除。";
/// 九（二）2 (公报第 1538 行 / 第 1712 行).
pub const BUILDING_BASIS_TEXT: &str = "2、合法宅基地或土地证上的二层及二层以下房屋建筑面积超过合法土地面积的，以房屋建筑面积为计算依据，根据评估公司评估价进行补偿。";
/// Highest storey count of 九（二） (二层及二层以下).
pub const LOW_RISE_MAX_STOREYS: u32 = 2;

/// The day convention, stated in every result.
pub const DAY_CONVENTION: &str = "signed_day_after_appraisal = n: the agreement was signed and the house handed over \
     (the later of the two) on the n-th calendar day after the appraisal end date; day 1 is the day after it \
     (Civil Code art. 201), day 0 the end date itself. Days 0-20: 20%; days 21-30: 10%; day 31 on: 0.";

/// [`DAY_CONVENTION`] in Chinese.
pub const DAY_CONVENTION_ZH: &str = "signed_day_after_appraisal = n：签约并交房（以两者中较晚者为准）在评估截止日之后第 n 个日历日；\
     截止日的次日为第 1 日（《民法典》第二百零一条），截止日当天为第 0 日。第 0-20 日：20%；第 21-30 日：10%；第 31 日起：0。";

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

/// A house of two storeys or fewer on a legal homestead or land certificate, for
/// 九（二）: the appraised value is computed from an area basis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LowRiseHouse {
    /// Storeys (1 or 2).
    pub storeys: u32,
    /// Legal land area (合法宅基地或土地证面积), m².
    pub legal_land_area: SquareMetres,
    /// The appraiser's price per m² (评估公司评估价).
    pub appraised_price_per_m2: Money,
    /// The construction cost per m² (建安成本价): the gazette gives no figure; an input.
    pub construction_cost_per_m2: Money,
}

/// Storeys of a house (an input limit: no house in the two old-town areas is higher).
pub const STOREYS: input_limits::NumberRange =
    input_limits::NumberRange::limit(1.0, 200.0, "层", "no building has more than 200 storeys").whole();

impl LowRiseHouse {
    /// Parses the inputs of 九（二） as a request gives them: storeys (a whole number),
    /// the legal land area (m²) and the two prices (decimal yuan text); errors name the
    /// field (`storeys`, `legal_land_area_m2`, `appraised_price_per_m2_yuan`,
    /// `construction_cost_per_m2_yuan`).
    pub fn parse(
        storeys: f64,
        legal_land_area_m2: f64,
        appraised_price_per_m2_yuan: &str,
        construction_cost_per_m2_yuan: &str,
    ) -> Result<LowRiseHouse, CompensationError> {
        let storeys = STOREYS.check("storeys", storeys)? as u32;
        let land = input_limits::BUILDING_AREA_M2.check("legal_land_area_m2", legal_land_area_m2)?;
        let money = |field: &'static str, text: &str| {
            let m = Money::parse_yuan(text).map_err(|e| CompensationError::Field(field, e))?;
            input_limits::APPRAISED_VALUE_YUAN.check(field, m.fen() as f64 / 100.0)?;
            Ok::<Money, CompensationError>(m)
        };
        Ok(LowRiseHouse {
            storeys,
            legal_land_area: SquareMetres::new(land).expect("the area range is within SquareMetres"),
            appraised_price_per_m2: money("appraised_price_per_m2_yuan", appraised_price_per_m2_yuan)?,
            construction_cost_per_m2: money("construction_cost_per_m2_yuan", construction_cost_per_m2_yuan)?,
        })
    }
}

/// The area basis of 九（二） and the appraised value it gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaBasis {
    /// Storeys.
    pub storeys: u32,
    /// Building area, m².
    pub building_area_m2: f64,
    /// Legal land area, m².
    pub legal_land_area_m2: f64,
    /// Which area is the basis: `legal_land_area` (九（二）1) or `building_area` (九（二）2).
    pub basis: &'static str,
    /// The basis area (the larger of the two), m².
    pub basis_area_m2: f64,
    /// Appraiser's price per m².
    pub appraised_price_per_m2: Money,
    /// Price × basis area.
    pub gross_value: Money,
    /// The shortfall of the building area against the land area, m² (0 under 九（二）2).
    pub shortfall_m2: f64,
    /// Construction cost per m² (input).
    pub construction_cost_per_m2: Money,
    /// Construction cost × shortfall, deducted.
    pub deduction: Money,
    /// Gross value − deduction: the appraised value used in the compensation.
    pub appraised_value: Money,
    /// How it was computed, with the numbers.
    pub computation: String,
    /// The clause.
    pub citation: Citation,
    /// Choices the gazette leaves open.
    pub assumptions: &'static str,
}

const AREA_BASIS_ASSUMPTIONS: &str = "评估价按每平方米单价输入；建安成本价公报未给数额，为输入值；建筑面积等于合法土地面积时两款结果相同，\
     按第 2 款计；搬迁费、过渡费按房屋建筑面积计；奖励按扣除后的评估价值计（假定） / the appraised price is a price per m²; \
     the gazette gives no construction cost, it is an input; equal areas give the same result under either clause (clause 2 \
     is shown); moving and transition fees are on the building area; the bonus is on the value after the deduction \
     (assumptions)";

/// Why an area basis could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AreaBasisError {
    /// More than two storeys: 九（二） does not apply.
    #[error(
        "field \"storeys\": {0} 层超过二层，九（二）按面积计算的规定不适用，请直接给出评估价值 appraised_value_yuan / \
         {0} storeys: the area basis of 九（二） applies to houses of two storeys or fewer; give appraised_value_yuan"
    )]
    NotLowRise(u32),
    /// Zero storeys.
    #[error("field \"storeys\": 层数至少为 1 / a house has at least 1 storey")]
    NoStoreys,
    /// The deduction exceeds the gross value.
    #[error(
        "field \"construction_cost_per_m2_yuan\": 扣除额 {deduction} 超过按土地面积计算的评估价 {gross} / the deduction \
         exceeds the gross value"
    )]
    DeductionTooLarge {
        /// The deduction.
        deduction: Money,
        /// The gross value.
        gross: Money,
    },
    /// An amount too large.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The appraised value of a house of two storeys or fewer from its area basis
/// (补偿方案 九（二）1 and 2): the larger of the building area and the legal land
/// area times the appraiser's price, less the construction cost of the part by
/// which the building area falls short of the land area.
pub fn area_basis(
    project: &ExpropriationProject,
    building_area: SquareMetres,
    house: &LowRiseHouse,
) -> Result<AreaBasis, AreaBasisError> {
    if house.storeys == 0 {
        return Err(AreaBasisError::NoStoreys);
    }
    if house.storeys > LOW_RISE_MAX_STOREYS {
        return Err(AreaBasisError::NotLowRise(house.storeys));
    }
    let (b, l) = (building_area.get(), house.legal_land_area.get());
    let price = house.appraised_price_per_m2;
    let cost = house.construction_cost_per_m2;
    let (basis, basis_area, shortfall, clause, text) = if b < l {
        let clause = plan_clause(
            project,
            "附件 房屋征收补偿方案 九（二）1（公报第 1536 行）",
            "附件 房屋征收补偿方案 九（二）1（公报第 1710 行）",
        );
        ("legal_land_area", l, l - b, clause, LAND_BASIS_TEXT)
    } else {
        let clause = plan_clause(
            project,
            "附件 房屋征收补偿方案 九（二）2（公报第 1538 行）",
            "附件 房屋征收补偿方案 九（二）2（公报第 1712 行）",
        );
        ("building_area", b, 0.0, clause, BUILDING_BASIS_TEXT)
    };
    // Areas are given to the cm²; the shortfall is rounded likewise so that 120 − 99.9
    // is 20.1, not 20.099999999999994.
    let shortfall = (shortfall * 10_000.0).round() / 10_000.0;
    let gross = Money::from_rate_times(price, basis_area)?;
    let deduction = Money::from_rate_times(cost, shortfall)?;
    let appraised_value = gross
        .fen()
        .checked_sub(deduction.fen())
        .map(Money::from_fen)
        .ok_or(AreaBasisError::DeductionTooLarge { deduction, gross })??;
    let computation = if shortfall > 0.0 {
        format!(
            "合法土地面积 {l} m² > 建筑面积 {b} m²：评估价 {price}/m² × {l} m² = {gross}；扣除建安成本价 {cost}/m² × \
             ({l} − {b}) m² = {deduction}；评估价值 {appraised_value}"
        )
    } else {
        format!("建筑面积 {b} m² ≥ 合法土地面积 {l} m²：评估价 {price}/m² × {b} m² = {appraised_value}")
    };
    Ok(AreaBasis {
        storeys: house.storeys,
        building_area_m2: b,
        legal_land_area_m2: l,
        basis,
        basis_area_m2: basis_area,
        appraised_price_per_m2: price,
        gross_value: gross,
        shortfall_m2: shortfall,
        construction_cost_per_m2: cost,
        deduction,
        appraised_value,
        computation,
        citation: Citation::new(project.decision_no, clause, text),
        assumptions: AREA_BASIS_ASSUMPTIONS,
    })
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
    /// The same in Chinese.
    pub day_convention_zh: &'static str,
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
    /// The same in Chinese.
    pub rounding_zh: &'static str,
    /// Compensation form: cash, paid at once (八、征收补偿方式).
    pub form: Citation,
    /// The valuation date of the appraisal (九（一）, 公报第 1532 行).
    pub valuation_date: ValuationDate,
    /// The area basis, for a house of two storeys or fewer (九（二）); `null` when the
    /// appraised value was given.
    pub area_basis: Option<AreaBasis>,
    /// What is not covered.
    pub note: &'static str,
}

const ROUNDING: &str = "area × rate rounded half away from zero to the fen per line (transition fee as 60 元/m² in one \
     step); bonus = percentage of the appraised value rounded half up to the fen; total = exact sum";
const ROUNDING_ZH: &str = "每行按面积 × 标准四舍五入到分（过渡费按 60 元/m² 一步计算）；奖励 = 评估价值 × 比例，四舍五入到分；\
     合计为各行精确之和";
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
    /// The area basis could not be computed.
    #[error(transparent)]
    AreaBasis(#[from] AreaBasisError),
    /// Another amount field is not an amount in yuan.
    #[error("field {0:?}: {1}")]
    Field(&'static str, MoneyError),
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
    compensation_lines(project, appraised_value, None, building_area, signed_day_after_appraisal)
}

/// [`compensation`] for a house of two storeys or fewer: the appraised value is
/// computed by [`area_basis`] (九（二）).
pub fn low_rise_compensation(
    project: &ExpropriationProject,
    building_area: SquareMetres,
    house: &LowRiseHouse,
    signed_day_after_appraisal: u32,
) -> Result<Compensation, CompensationError> {
    let basis = area_basis(project, building_area, house)?;
    Ok(compensation_lines(project, basis.appraised_value, Some(basis), building_area, signed_day_after_appraisal)?)
}

fn compensation_lines(
    project: &ExpropriationProject,
    appraised_value: Money,
    area_basis: Option<AreaBasis>,
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
        match &area_basis {
            None => CompensationLine {
                item: "appraised_value",
                name: "被征收房屋评估价值",
                name_en: "appraised value of the house",
                basis: "评估报告（输入值）".to_owned(),
                amount: appraised_value,
                citation: cite("附件 房屋征收补偿方案 九（一）被征收房屋评估办法", APPRAISAL_TEXT),
            },
            Some(b) => CompensationLine {
                item: "appraised_value",
                name: "被征收房屋评估价值（按面积计算）",
                name_en: "appraised value of the house (area basis)",
                basis: b.computation.clone(),
                amount: appraised_value,
                citation: b.citation.clone(),
            },
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
        day_convention_zh: DAY_CONVENTION_ZH,
        bonus_percent: percent,
        lines,
        total_wan_yuan: total.wan_yuan_text(),
        total,
        rounding: ROUNDING,
        rounding_zh: ROUNDING_ZH,
        form: cite("附件 房屋征收补偿方案 八、征收补偿方式", CASH_TEXT),
        valuation_date: valuation_date(project, None),
        area_basis,
        note: NOTE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expropriation::PROJECTS;
    use crate::units::citation::without_whitespace;

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

    fn low_rise(storeys: u32, land: f64) -> LowRiseHouse {
        LowRiseHouse {
            storeys,
            legal_land_area: SquareMetres::new(land).unwrap(),
            appraised_price_per_m2: yuan(3_000),
            construction_cost_per_m2: yuan(1_200),
        }
    }

    /// 公报第 1536 行 (10号) / 第 1710 行 (11号): 建筑面积不足合法土地面积的，以合法土地面积为计算依据……
    /// 达不到……的部分，按照建安成本价予以扣除。
    #[test]
    fn low_rise_below_land_area_uses_land_area_less_construction_cost() {
        let plan_10 = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1468-1594.txt");
        assert_eq!(without_whitespace(plan_10.lines().nth(1536 - 1468).unwrap()), without_whitespace(LAND_BASIS_TEXT));
        // 3 000 × 150 = 450 000; 1 200 × (150 − 120) = 36 000; value 414 000.
        let b = area_basis(&PROJECTS[0], SquareMetres::new(120.0).unwrap(), &low_rise(2, 150.0)).unwrap();
        assert_eq!(b.basis, "legal_land_area");
        assert_eq!(b.basis_area_m2, 150.0);
        assert_eq!((b.gross_value, b.deduction, b.appraised_value), (yuan(450_000), yuan(36_000), yuan(414_000)));
        assert!(b.citation.clause.contains("九（二）1") && b.citation.clause.contains("1536"));
        let c =
            low_rise_compensation(&PROJECTS[0], SquareMetres::new(120.0).unwrap(), &low_rise(1, 150.0), 20).unwrap();
        // 414 000 + 1 800 + 7 200 + 20% × 414 000 = 505 800.
        assert_eq!(c.lines[0].amount, yuan(414_000));
        assert_eq!(c.lines[3].amount, yuan(82_800));
        assert_eq!(c.total, yuan(505_800));
        let c = low_rise_compensation(&PROJECTS[1], SquareMetres::new(99.9).unwrap(), &low_rise(1, 120.0), 40).unwrap();
        let b = c.area_basis.unwrap();
        assert_eq!(b.shortfall_m2, 20.1);
        assert!(b.citation.clause.contains("1710"));
    }

    /// 公报第 1538 行 (10号) / 第 1712 行 (11号): 建筑面积超过合法土地面积的，以房屋建筑面积为计算依据。
    #[test]
    fn low_rise_above_land_area_uses_building_area_without_deduction() {
        let plan_10 = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1468-1594.txt");
        assert_eq!(
            without_whitespace(plan_10.lines().nth(1538 - 1468).unwrap()),
            without_whitespace(BUILDING_BASIS_TEXT)
        );
        let b = area_basis(&PROJECTS[0], SquareMetres::new(180.0).unwrap(), &low_rise(2, 150.0)).unwrap();
        assert_eq!(b.basis, "building_area");
        assert_eq!((b.gross_value, b.deduction, b.appraised_value), (yuan(540_000), Money::ZERO, yuan(540_000)));
        assert!(b.citation.clause.contains("1538"));
        assert!(b.assumptions.contains("假定"));
    }

    #[test]
    fn low_rise_inputs_name_the_field() {
        let h = LowRiseHouse::parse(2.0, 150.0, "3000", "1200.5").unwrap();
        assert_eq!((h.storeys, h.construction_cost_per_m2.yuan_text()), (2, "1200.50".to_owned()));
        for ((storeys, land, price, cost), field) in [
            ((2.5, 150.0, "3000", "1200"), "storeys"),
            ((0.0, 150.0, "3000", "1200"), "storeys"),
            ((2.0, -1.0, "3000", "1200"), "legal_land_area_m2"),
            ((2.0, 150.0, "abc", "1200"), "appraised_price_per_m2_yuan"),
            ((2.0, 150.0, "3000", "-5"), "construction_cost_per_m2_yuan"),
        ] {
            let e = LowRiseHouse::parse(storeys, land, price, cost).unwrap_err().to_string();
            assert!(e.contains(&format!("\"{field}\"")), "{field}: {e}");
        }
    }

    /// 公报第 1536 行: 二层及二层以下 only.
    #[test]
    fn area_basis_is_refused_above_two_storeys() {
        let e = area_basis(&PROJECTS[0], SquareMetres::new(120.0).unwrap(), &low_rise(3, 150.0)).unwrap_err();
        assert_eq!(e, AreaBasisError::NotLowRise(3));
        assert!(e.to_string().contains("storeys"));
        assert_eq!(
            area_basis(&PROJECTS[0], SquareMetres::new(120.0).unwrap(), &low_rise(0, 150.0)).unwrap_err(),
            AreaBasisError::NoStoreys
        );
        let mut h = low_rise(1, 150.0);
        h.construction_cost_per_m2 = yuan(100_000);
        assert!(matches!(
            area_basis(&PROJECTS[0], SquareMetres::new(10.0).unwrap(), &h),
            Err(AreaBasisError::DeductionTooLarge { .. })
        ));
    }

    #[test]
    fn compensation_carries_the_valuation_date() {
        let c = example(3);
        assert_eq!(c.valuation_date.date, Date::ymd(2023, 6, 29));
        assert!(c.valuation_date.citation.clause.contains("1532"));
        assert!(c.area_basis.is_none());
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
