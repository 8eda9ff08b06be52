//! Compensation in land consolidation projects (临政发〔2023〕9号,
//! 临猗县土地整治项目暂行管理办法).
//!
//! For a project's scale area (规模面积, 亩) and the surface attachments declared on
//! it, [`consolidation_compensation`] gives:
//!
//! - the compensation to the collective owning the land (第四条): 10 000 元/亩 for
//!   an urban-rural construction land linkage project (增减挂钩), 2 000 元/亩 for a
//!   land remediation project (土地整治);
//! - for 土地整治 only, the post-acceptance subsidy of 1 500 元/亩 to the land user,
//!   paid by 县财政 as 300 元/亩 a year in years 1-5 after acceptance, the township
//!   applying year by year (第五条, gazette line 1362); with the acceptance date the
//!   years are dated and given as calendar years (when year 1 begins is not said: an
//!   assumption, stated in the answer, [`SUBSIDY_YEAR_ASSUMPTION`]);
//! - whether the measures apply by the project's dates (第二条, gazette line 1348:
//!   "2020年后立项或竣工验收"), [`scope_check`];
//! - attachments (第十四条): fruiting orchard 6 000 元/亩, non-fruiting orchard 3 000
//!   元/亩, other forest 6 000 元/亩, abandoned homestead/house 20 000-30 000 元/户
//!   (a range: totals have a min and a max); other attachments by third-party
//!   appraisal (noted, not computed).
//!
//! Reading of 第五条: it says "项目竣工验收后……每亩 1500 元补助费" without naming a
//! project type, and 第二条 defines "土地整治项目" to include 增减挂钩拆旧区复垦项目.
//! Following the project's domain digest the subsidy is computed for 土地整治
//! projects only; for 增减挂钩 the result says so in a note (第十八条: 临猗县自然资源局
//! interprets the measures).
//!
//! Amounts are [`Money`] (fen): 亩 × rate rounded half away from zero to the fen per
//! line; the subsidy total is the exact sum of the five yearly payments.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::input_limits::{self, RangeError};
use crate::units::area::{AreaFigures, Mu};
use crate::units::citation::Citation;
use crate::units::date::Date;
use crate::units::money::{Money, MoneyError};

/// 临政发〔2023〕9号.
pub const DOCUMENT: &str = "临政发〔2023〕9号";
/// Title of the measures.
pub const TITLE: &str = "临猗县土地整治项目暂行管理办法";
/// Issued and in force (本办法自印发之日起执行; 印发 2023年6月28日).
pub const IN_FORCE: Date = Date::ymd(2023, 6, 28);
/// The measures it repeals (第十九条).
pub const REPLACES: &str = "临政发〔2018〕29号";

/// 增减挂钩: 元/亩 to the collective (第四条1).
pub const LINKAGE_COLLECTIVE_YUAN_PER_MU: u64 = 10_000;
/// 土地整治: 元/亩 to the collective (第四条2).
pub const REMEDIATION_COLLECTIVE_YUAN_PER_MU: u64 = 2_000;
/// 土地整治: subsidy after acceptance, 元/亩 in all (第五条).
pub const SUBSIDY_TOTAL_YUAN_PER_MU: u64 = 1_500;
/// 土地整治: subsidy per year, 元/亩 (每年 300 元标准).
pub const SUBSIDY_YUAN_PER_MU_YEAR: u64 = 300;
/// 土地整治: years of subsidy (分 5 年付清).
pub const SUBSIDY_YEARS: u8 = 5;
/// Fruiting orchard (挂果经济林), 元/亩.
pub const FRUITING_ORCHARD_YUAN_PER_MU: u64 = 6_000;
/// Non-fruiting orchard (不挂果经济林), 元/亩.
pub const NON_FRUITING_ORCHARD_YUAN_PER_MU: u64 = 3_000;
/// Other forest (其他林地), 元/亩.
pub const OTHER_FOREST_YUAN_PER_MU: u64 = 6_000;
/// Abandoned homestead or house (废弃院基、房屋), 元/户, lowest.
pub const HOMESTEAD_MIN_YUAN: u64 = 20_000;
/// Abandoned homestead or house, 元/户, highest.
pub const HOMESTEAD_MAX_YUAN: u64 = 30_000;

/// The clause of 第二条 with its gazette line.
pub const SCOPE_CLAUSE: &str = "第二条（公报 2023年第2期 第1348行）";
/// The clause of 第五条 with its gazette line.
pub const SUBSIDY_CLAUSE: &str = "第五条（公报 2023年第2期 第1362行）";
/// 第二条 (scope).
pub const SCOPE_TEXT: &str = "本办法适用于2020年后立项或竣工验收的财政、社会资本及民间资本投资的土地整治项目，包括城乡建设用地增减挂钩拆旧区复垦项目（以下简称“土地整治项目”）。";
/// 第四条1.
pub const LINKAGE_TEXT: &str = "拟定为城乡建设用地增减挂钩项目的，由县人民政府给予土地所有权集体经济组织每亩10000元补偿，该费用按照项目区规模面积全部纳入项目的设计及预算中。";
/// 第四条2 (excerpt).
pub const REMEDIATION_TEXT: &str = "拟定为土地整治项目的，由县人民政府根据财政体制改革方案按规模面积给予当地乡镇政府奖励。给予土地所有权集体经济组织每亩 2000 元补偿。";
/// 第五条 (excerpt).
pub const SUBSIDY_TEXT: &str = "项目竣工验收后，县财政按项目区规模面积以每亩 1500 元补助费，该费用以每年 300 元标准分 5 年付清。该费用由当地乡（镇）政府按年度直接向县政府申请并负责拨付至土地使用权人。";
/// 第十四条.
pub const ATTACHMENTS_TEXT: &str = "地表附着物补偿标准：1、挂果经济林（苹果树、桃树、柿树、梨树等经济林）6000 元/亩；不挂果经济林（苹果树、桃树、柿树、梨树等经济林）3000元/亩；2、废弃院基、房屋20000—30000元/户；3、其他林地6000元/亩；4、其他地上附着物以第三方评估单位出具的评估价做为依据，给予补偿。";
/// 第十七条.
pub const TRANSITION_TEXT: &str =
    "本办法实施前，项目未入库和已立项未施工的项目按本办法执行，有合同约定的以合同约定为准。";
/// 第十九条.
pub const REPEAL_TEXT: &str = "本办法自印发之日起执行，2018年8月10日临猗县人民政府印发的关于《临猗县民间资本投资土地开发复垦项目的暂行管理办法》（临政发〔2018〕29号）文件同时废止。";

/// Why a project type was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsolidationError {
    /// Not 增减挂钩 or 土地整治.
    #[error("{0:?} is not a consolidation project type; expected 增减挂钩 or 土地整治")]
    ProjectType(String),
    /// An amount is too large.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// An area or a number of households outside its range.
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The project's dates contradict each other.
    #[error("{0}")]
    Dates(String),
}

/// An area in 亩 of a project or of an attachment (`field` names it in errors), checked
/// against [`input_limits::GROUND_AREA_MU`].
pub fn area_mu(field: &str, mu: f64) -> Result<Mu, ConsolidationError> {
    let mu = input_limits::GROUND_AREA_MU.check(field, mu)?;
    Ok(Mu::new(mu).expect("the ground-area range is within Mu"))
}

/// The two project types of 第四条.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectType {
    /// 城乡建设用地增减挂钩项目 (urban-rural construction land linkage).
    Linkage,
    /// 土地整治项目 (land remediation).
    Remediation,
}

impl ProjectType {
    /// Chinese name, as in the `project_type` field of `consolidation_projects`.
    pub fn name_zh(self) -> &'static str {
        match self {
            ProjectType::Linkage => "增减挂钩",
            ProjectType::Remediation => "土地整治",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            ProjectType::Linkage => "urban-rural construction land linkage",
            ProjectType::Remediation => "land remediation",
        }
    }

    /// Compensation to the collective, 元/亩.
    pub fn collective_yuan_per_mu(self) -> u64 {
        match self {
            ProjectType::Linkage => LINKAGE_COLLECTIVE_YUAN_PER_MU,
            ProjectType::Remediation => REMEDIATION_COLLECTIVE_YUAN_PER_MU,
        }
    }

    /// Parses `增减挂钩`/`城乡建设用地增减挂钩`/`linkage` or `土地整治`/`remediation`.
    pub fn parse(text: &str) -> Result<ProjectType, ConsolidationError> {
        let t = text.trim();
        let t = t.strip_suffix("项目").unwrap_or(t);
        match t {
            "增减挂钩" | "城乡建设用地增减挂钩" | "linkage" => Ok(ProjectType::Linkage),
            "土地整治" | "remediation" => Ok(ProjectType::Remediation),
            _ => Err(ConsolidationError::ProjectType(text.to_owned())),
        }
    }
}

impl fmt::Display for ProjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

impl FromStr for ProjectType {
    type Err = ConsolidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProjectType::parse(s)
    }
}

/// Surface attachments declared on the project area (第十四条).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Attachments {
    /// 挂果经济林, 亩.
    pub fruiting_orchard: Mu,
    /// 不挂果经济林, 亩.
    pub non_fruiting_orchard: Mu,
    /// 其他林地, 亩.
    pub other_forest: Mu,
    /// 废弃院基、房屋, households (户).
    pub abandoned_homesteads: u32,
}

impl Attachments {
    /// The attachments as a request declares them (areas in 亩, households as a number),
    /// each checked against its range; errors name the field (`fruiting_orchard_mu`,
    /// `non_fruiting_orchard_mu`, `other_forest_mu`, `abandoned_homesteads`).
    pub fn parse(
        fruiting_orchard_mu: f64,
        non_fruiting_orchard_mu: f64,
        other_forest_mu: f64,
        abandoned_homesteads: f64,
    ) -> Result<Attachments, ConsolidationError> {
        let households = input_limits::HOUSEHOLDS.check("abandoned_homesteads", abandoned_homesteads)?;
        Ok(Attachments {
            fruiting_orchard: area_mu("fruiting_orchard_mu", fruiting_orchard_mu)?,
            non_fruiting_orchard: area_mu("non_fruiting_orchard_mu", non_fruiting_orchard_mu)?,
            other_forest: area_mu("other_forest_mu", other_forest_mu)?,
            // A whole number of at most 100 000 (the range).
            abandoned_homesteads: households as u32,
        })
    }
}

/// An amount that may be a range (min = max when fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AmountRange {
    /// Lowest.
    pub min: Money,
    /// Highest.
    pub max: Money,
}

impl AmountRange {
    /// A fixed amount.
    pub const fn fixed(amount: Money) -> AmountRange {
        AmountRange { min: amount, max: amount }
    }

    /// Whether min and max differ.
    pub fn is_range(&self) -> bool {
        self.min != self.max
    }
}

/// One line of the compensation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsolidationLine {
    /// Stable key.
    pub item: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Who receives it.
    pub payee: &'static str,
    /// How the amount is computed, with the numbers.
    pub basis: String,
    /// The amount (a range for homesteads).
    pub amount: AmountRange,
    /// The clause.
    pub citation: Citation,
}

/// One year of the post-acceptance subsidy (第五条, gazette line 1362).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubsidyYear {
    /// Year after acceptance (1-5).
    pub year: u8,
    /// Amount for that year.
    pub amount: Money,
    /// With an acceptance date: the year's first day (the acceptance date plus
    /// `year - 1` years; **assumption**, see [`SUBSIDY_YEAR_ASSUMPTION`]).
    pub from: Option<Date>,
    /// Its last day (the day before the next anniversary of acceptance).
    pub to: Option<Date>,
    /// The calendar year (年度) in which that year begins: the 年度 the township
    /// applies in (**assumption**, see [`SUBSIDY_YEAR_ASSUMPTION`]).
    pub calendar_year: Option<u16>,
}

/// The gazette line of 第二条 (scope), 临猗县人民政府公报 2023年第2期.
pub const SCOPE_LINE: u32 = 1348;
/// The gazette line of 第五条 (the subsidy).
pub const SUBSIDY_LINE: u32 = 1362;
/// 第二条's year: projects approved (立项) or accepted (竣工验收) "2020年后".
pub const SCOPE_YEAR: u16 = 2020;
/// Who pays, who applies and who receives the subsidy (第五条, line 1362).
pub const SUBSIDY_PAYER: &str = "县财政";
/// Who applies for it, year by year.
pub const SUBSIDY_APPLICANT: &str = "当地乡（镇）政府（按年度直接向县政府申请）";
/// Who receives it.
pub const SUBSIDY_PAYEE: &str = "土地使用权人";

/// What 第五条 does not say and the schedule assumes (said in every answer with an
/// acceptance date).
pub const SUBSIDY_YEAR_ASSUMPTION: &str = "假定（assumption）：第五条只规定“项目竣工验收后……每年 300 元标准分 5 年付清……按年度\
     申请”，未规定第 1 年从何时起算；此处第 n 年为自竣工验收之日起的第 n 个周年期，按其开始所在的日历年度申请拨付（第 1 年即验收当年）。\
     以县自然资源局解释为准（第十八条） / art. 5 does not say when year 1 begins: year n is taken as the n-th year from the \
     acceptance date, applied for in the calendar year it begins (year 1 = the acceptance year)";
/// 第二条's "2020年后" for a date in 2020 itself.
pub const SCOPE_2020_NOTE: &str = "“2020年后”是否含 2020 年公报未明；日期在 2020 年内的，是否适用以县自然资源局解释为准（第十八条） / \
     whether \"after 2020\" includes 2020 itself is not said; ask the county natural resources bureau";

/// A project's dates (立项 approval, 竣工验收 acceptance), either may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ProjectDates {
    /// 立项批复 date.
    pub approved_on: Option<Date>,
    /// 竣工验收 date.
    pub accepted_on: Option<Date>,
}

impl ProjectDates {
    /// The dates, checked: acceptance not before approval.
    pub fn new(approved_on: Option<Date>, accepted_on: Option<Date>) -> Result<ProjectDates, ConsolidationError> {
        if let (Some(a), Some(b)) = (approved_on, accepted_on)
            && b < a
        {
            return Err(ConsolidationError::Dates(format!(
                "竣工验收日期 {b} 早于立项日期 {a}（accepted_on {b} is before approved_on {a}）"
            )));
        }
        Ok(ProjectDates { approved_on, accepted_on })
    }
}

/// Whether the measures apply to a project by its dates (第二条, line 1348).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeStatus {
    /// Approved or accepted in 2021 or later.
    Applies,
    /// Approved and accepted before 2020.
    DoesNotApply,
    /// The deciding date is in 2020 ("2020年后": 2020 itself not said).
    Unclear,
    /// Not enough dates to tell (none, or approved before 2020 and not accepted yet).
    Undetermined,
}

/// The scope check of a project's dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeCheck {
    /// The answer.
    pub status: ScopeStatus,
    /// Why, with the dates (Chinese / English).
    pub explanation: String,
    /// The dates checked.
    pub dates: ProjectDates,
    /// 第二条 (line 1348).
    pub citation: Citation,
}

/// Whether 临政发〔2023〕9号 applies to a project approved on / accepted on `dates`:
/// 第二条 (gazette line 1348), "本办法适用于2020年后立项或竣工验收的……土地整治项目".
/// Either date after 2020 suffices. A date in 2020 itself is [`ScopeStatus::Unclear`]
/// (the gazette does not say whether "2020年后" includes 2020).
pub fn scope_check(dates: ProjectDates) -> ScopeCheck {
    let citation = Citation::new(DOCUMENT, SCOPE_CLAUSE, SCOPE_TEXT);
    let describe = |what: &str, d: Option<Date>| match d {
        Some(d) => format!("{what} {d}"),
        None => format!("{what} 未知"),
    };
    let dates_text = format!("{}，{}", describe("立项", dates.approved_on), describe("竣工验收", dates.accepted_on));
    let after = |d: Option<Date>| d.is_some_and(|d| d.year() > SCOPE_YEAR);
    let in_2020 = |d: Option<Date>| d.is_some_and(|d| d.year() == SCOPE_YEAR);
    let (status, why) = if after(dates.approved_on) || after(dates.accepted_on) {
        (
            ScopeStatus::Applies,
            "2020年后立项或竣工验收，适用本办法 / approved or accepted after 2020: the measures apply".to_owned(),
        )
    } else if in_2020(dates.approved_on) || in_2020(dates.accepted_on) {
        (ScopeStatus::Unclear, SCOPE_2020_NOTE.to_owned())
    } else if dates.approved_on.is_some() && dates.accepted_on.is_some() {
        (
            ScopeStatus::DoesNotApply,
            "立项与竣工验收均在 2020 年以前，不适用本办法 / approved and accepted before 2020: the measures do not apply"
                .to_owned(),
        )
    } else if dates.accepted_on.is_none() && dates.approved_on.is_some() {
        (
            ScopeStatus::Undetermined,
            "2020 年以前立项、尚无竣工验收日期：验收在 2020 年后则适用 / approved before 2020, no acceptance date: the \
             measures apply if it is accepted after 2020"
                .to_owned(),
        )
    } else {
        (
            ScopeStatus::Undetermined,
            "缺少立项或竣工验收日期，无法判断是否适用 / without the approval or acceptance date the scope cannot be told"
                .to_owned(),
        )
    };
    ScopeCheck {
        status, explanation: format!("{dates_text}：{why}（第二条，公报第{SCOPE_LINE}行）"), dates, citation
    }
}

/// The subsidy schedule (第五条, line 1362) of a project of `area` accepted on
/// `accepted_on` (unknown: years 1-5 without dates): 300 元/亩 a year for 5 years.
pub fn subsidy_schedule_of(area: Mu, accepted_on: Option<Date>) -> Result<Vec<SubsidyYear>, MoneyError> {
    let yearly = per_mu(SUBSIDY_YUAN_PER_MU_YEAR, area)?;
    Ok((1..=SUBSIDY_YEARS)
        .map(|year| {
            let months = 12 * u32::from(year - 1);
            let from = accepted_on.and_then(|d| d.add_months(months));
            let to = accepted_on.and_then(|d| d.add_months(months + 12)).and_then(|d| d.add_days(-1));
            SubsidyYear { year, amount: yearly, from, to, calendar_year: from.map(Date::year) }
        })
        .collect())
}

/// The terms of the subsidy as 第五条 (line 1362) states them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubsidyTerms {
    /// 1 500 元/亩 in all.
    pub total_yuan_per_mu: u64,
    /// 300 元/亩 a year.
    pub yuan_per_mu_per_year: u64,
    /// 5 years.
    pub years: u8,
    /// 县财政.
    pub payer: &'static str,
    /// The township government, applying year by year.
    pub applicant: &'static str,
    /// 土地使用权人.
    pub payee: &'static str,
    /// From when: after 竣工验收.
    pub after: &'static str,
    /// 第五条.
    pub citation: Citation,
}

/// The compensation of a consolidation project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsolidationCompensation {
    /// 临政发〔2023〕9号.
    pub document: &'static str,
    /// The measures' title.
    pub title: &'static str,
    /// In force from (issued) 2023-06-28.
    pub in_force_from: Date,
    /// Repealed predecessor, 临政发〔2018〕29号.
    pub replaces: &'static str,
    /// Which projects the measures cover (第二条).
    pub applies_to: Citation,
    /// The project type.
    pub project_type: ProjectType,
    /// Its Chinese name.
    pub project_type_name: &'static str,
    /// The project's scale area.
    pub area: AreaFigures,
    /// Collective compensation, subsidy (土地整治), attachments.
    pub lines: Vec<ConsolidationLine>,
    /// The subsidy year by year (empty for 增减挂钩), in calendar years when the
    /// acceptance date is known.
    pub subsidy_schedule: Vec<SubsidyYear>,
    /// Whether the measures apply by the project's dates (第二条, line 1348).
    pub scope: ScopeCheck,
    /// Who pays, applies and receives the subsidy (第五条, line 1362); `None` for 增减挂钩.
    pub subsidy_terms: Option<SubsidyTerms>,
    /// What the answer assumes where the gazette is silent (假定 / assumption).
    pub assumptions: Vec<&'static str>,
    /// Sum of the lines (min uses 20 000 元/户, max 30 000 元/户).
    pub total: AmountRange,
    /// Totals in 万元, exact decimal text: `[min, max]`.
    pub total_wan_yuan: [String; 2],
    /// What is not computed, and readings.
    pub notes: Vec<&'static str>,
    /// How amounts are rounded.
    pub rounding: &'static str,
    /// The same in Chinese.
    pub rounding_zh: &'static str,
}

const ROUNDING: &str = "亩 × rate rounded half away from zero to the fen per line; subsidy total = exact sum of the \
     five yearly payments; total = exact sum of the lines";
const ROUNDING_ZH: &str = "每行按亩数 × 标准四舍五入到分；补贴合计为五年逐年支付额的精确之和；合计为各行精确之和";
const NOTE_OTHER_ATTACHMENTS: &str = "其他地上附着物以第三方评估单位出具的评估价为依据给予补偿（第十四条4），未计入 / other \
     attachments are compensated by third-party appraisal and are not included";
const NOTE_HOMESTEAD_RANGE: &str = "废弃院基、房屋按 20000—30000 元/户，公报未规定取值规则，合计给出最低与最高 / abandoned \
     homesteads: 20,000-30,000 yuan per household, no rule for the value within the range, so totals give min and max";
const NOTE_TOWNSHIP_REWARD: &str = "土地整治项目另由县人民政府根据财政体制改革方案按规模面积给予当地乡镇政府奖励（第四条2），标准未公布，\
     未计入 / the township reward for remediation projects has no published rate and is not included";
const NOTE_LINKAGE_SUBSIDY: &str = "第五条每亩 1500 元补助费未限定项目类型（第二条所称土地整治项目含增减挂钩拆旧区复垦项目）；\
     此处按土地整治项目计算，增减挂钩项目未计入，以县自然资源局解释为准（第十八条） / art. 5's 1,500 yuan/亩 subsidy \
     names no project type; it is computed for remediation projects only, ask the county natural resources bureau";
const NOTE_NO_ACCEPTANCE: &str = "未给出竣工验收日期：补助费按验收后第 1—5 年列出，无日历年度 / no acceptance date: the \
     subsidy is listed as years 1-5 after acceptance, without calendar years";
const NOTE_TRANSITION: &str = "本办法实施前，项目未入库和已立项未施工的项目按本办法执行，有合同约定的以合同约定为准（第十七条） / \
     projects not yet registered or approved but not started follow these measures; a contract prevails";

/// (item, name, name_en, payee) of a line.
type Labels = (&'static str, &'static str, &'static str, &'static str);

fn line(
    labels: Labels,
    basis: String,
    amount: AmountRange,
    (clause, text): (&'static str, &'static str),
) -> ConsolidationLine {
    let (item, name, name_en, payee) = labels;
    ConsolidationLine { item, name, name_en, payee, basis, amount, citation: Citation::new(DOCUMENT, clause, text) }
}

fn per_mu(rate_yuan: u64, area: Mu) -> Result<Money, MoneyError> {
    Money::from_rate_times(Money::from_yuan(rate_yuan)?, area.get())
}

/// The compensation of a project of `project_type` with scale area `area`, the
/// declared `attachments` and its `dates` (see the module documentation): the scope
/// (第二条, line 1348) is checked from the dates and the subsidy (第五条, line 1362) is
/// scheduled in calendar years from the acceptance date.
pub fn consolidation_compensation(
    project_type: ProjectType,
    area: Mu,
    attachments: &Attachments,
    dates: ProjectDates,
) -> Result<ConsolidationCompensation, ConsolidationError> {
    let mu = area.get();
    let rate = project_type.collective_yuan_per_mu();
    let (clause, text) = match project_type {
        ProjectType::Linkage => ("第四条1", LINKAGE_TEXT),
        ProjectType::Remediation => ("第四条2", REMEDIATION_TEXT),
    };
    let mut lines = vec![line(
        (
            "collective_compensation",
            "土地所有权集体经济组织补偿",
            "compensation to the land-owning collective",
            "土地所有权集体经济组织",
        ),
        format!("{rate} 元/亩 × {mu} 亩"),
        AmountRange::fixed(per_mu(rate, area)?),
        (clause, text),
    )];

    let mut subsidy_schedule = Vec::new();
    let mut subsidy_terms = None;
    let mut assumptions = Vec::new();
    let mut notes = Vec::new();
    match project_type {
        ProjectType::Remediation => {
            subsidy_schedule = subsidy_schedule_of(area, dates.accepted_on)?;
            if dates.accepted_on.is_some() {
                assumptions.push(SUBSIDY_YEAR_ASSUMPTION);
            } else {
                notes.push(NOTE_NO_ACCEPTANCE);
            }
            subsidy_terms = Some(SubsidyTerms {
                total_yuan_per_mu: SUBSIDY_TOTAL_YUAN_PER_MU,
                yuan_per_mu_per_year: SUBSIDY_YUAN_PER_MU_YEAR,
                years: SUBSIDY_YEARS,
                payer: SUBSIDY_PAYER,
                applicant: SUBSIDY_APPLICANT,
                payee: SUBSIDY_PAYEE,
                after: "项目竣工验收后",
                citation: Citation::new(DOCUMENT, SUBSIDY_CLAUSE, SUBSIDY_TEXT),
            });
            lines.push(line(
                (
                    "land_user_subsidy",
                    "竣工验收后补助费（5 年付清）",
                    "subsidy after acceptance (paid over 5 years)",
                    "土地使用权人（由乡（镇）政府按年度申请并拨付）",
                ),
                format!(
                    "{SUBSIDY_TOTAL_YUAN_PER_MU} 元/亩 × {mu} 亩 = {SUBSIDY_YUAN_PER_MU_YEAR} 元/亩·年 × {mu} 亩 × {SUBSIDY_YEARS} 年（验收后第 1—5 年）"
                ),
                AmountRange::fixed(subsidy_schedule.iter().map(|y| y.amount).sum()),
                (SUBSIDY_CLAUSE, SUBSIDY_TEXT),
            ));
            notes.push(NOTE_TOWNSHIP_REWARD);
        }
        ProjectType::Linkage => notes.push(NOTE_LINKAGE_SUBSIDY),
    }

    let a = attachments;
    for (item, name, name_en, rate, area) in [
        ("fruiting_orchard", "挂果经济林", "fruiting orchard", FRUITING_ORCHARD_YUAN_PER_MU, a.fruiting_orchard),
        (
            "non_fruiting_orchard",
            "不挂果经济林",
            "non-fruiting orchard",
            NON_FRUITING_ORCHARD_YUAN_PER_MU,
            a.non_fruiting_orchard,
        ),
        ("other_forest", "其他林地", "other forest", OTHER_FOREST_YUAN_PER_MU, a.other_forest),
    ] {
        lines.push(line(
            (item, name, name_en, "地表附着物权利人"),
            format!("{rate} 元/亩 × {} 亩", area.get()),
            AmountRange::fixed(per_mu(rate, area)?),
            ("第十四条", ATTACHMENTS_TEXT),
        ));
    }
    let households = u64::from(a.abandoned_homesteads);
    lines.push(line(
        ("abandoned_homesteads", "废弃院基、房屋", "abandoned homesteads and houses", "地表附着物权利人"),
        format!("{HOMESTEAD_MIN_YUAN}—{HOMESTEAD_MAX_YUAN} 元/户 × {households} 户"),
        AmountRange {
            min: Money::from_yuan(HOMESTEAD_MIN_YUAN * households)?,
            max: Money::from_yuan(HOMESTEAD_MAX_YUAN * households)?,
        },
        ("第十四条", ATTACHMENTS_TEXT),
    ));
    notes.extend([NOTE_OTHER_ATTACHMENTS, NOTE_HOMESTEAD_RANGE, NOTE_TRANSITION]);

    let total =
        AmountRange { min: lines.iter().map(|l| l.amount.min).sum(), max: lines.iter().map(|l| l.amount.max).sum() };
    Ok(ConsolidationCompensation {
        document: DOCUMENT,
        title: TITLE,
        in_force_from: IN_FORCE,
        replaces: REPLACES,
        applies_to: Citation::new(DOCUMENT, SCOPE_CLAUSE, SCOPE_TEXT),
        project_type,
        project_type_name: project_type.name_zh(),
        area: area.into(),
        lines,
        subsidy_schedule,
        scope: scope_check(dates),
        subsidy_terms,
        assumptions,
        total_wan_yuan: [total.min.wan_yuan_text(), total.max.wan_yuan_text()],
        total,
        notes,
        rounding: ROUNDING,
        rounding_zh: ROUNDING_ZH,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::citation::without_whitespace;

    fn yuan(y: u64) -> Money {
        Money::from_yuan(y).unwrap()
    }

    fn mu(x: f64) -> Mu {
        Mu::new(x).unwrap()
    }

    fn amounts(c: &ConsolidationCompensation) -> Vec<(&'static str, Money, Money)> {
        c.lines.iter().map(|l| (l.item, l.amount.min, l.amount.max)).collect()
    }

    #[test]
    fn request_numbers_are_checked_against_their_ranges() {
        assert_eq!(area_mu("area_mu", 100.0), Ok(mu(100.0)));
        let e = area_mu("area_mu", 1e308).unwrap_err().to_string();
        assert!(e.starts_with("field \"area_mu\": 1e308 is out of range; allowed: from 0 to 3000000 亩"), "{e}");
        assert!(area_mu("area_mu", -1.0).is_err());
        assert_eq!(
            Attachments::parse(0.75, 0.0, 2.0, 3.0),
            Ok(Attachments {
                fruiting_orchard: mu(0.75),
                non_fruiting_orchard: mu(0.0),
                other_forest: mu(2.0),
                abandoned_homesteads: 3
            })
        );
        for (args, expected) in [
            ((1e308, 0.0, 0.0, 0.0), "field \"fruiting_orchard_mu\": 1e308 is out of range"),
            ((0.0, f64::INFINITY, 0.0, 0.0), "field \"non_fruiting_orchard_mu\": inf is not a finite number"),
            ((0.0, 0.0, -2.0, 0.0), "field \"other_forest_mu\": -2 is out of range"),
            ((0.0, 0.0, 0.0, 1.5), "field \"abandoned_homesteads\": 1.5 is not a whole number"),
            (
                (0.0, 0.0, 0.0, 1e9),
                "field \"abandoned_homesteads\": 1000000000 is out of range; allowed: whole numbers from 0 to 100000 户",
            ),
        ] {
            let e = Attachments::parse(args.0, args.1, args.2, args.3).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{args:?}: {e}");
        }
    }

    #[test]
    fn linkage_project_with_attachments() {
        let attachments = Attachments {
            fruiting_orchard: mu(10.0),
            non_fruiting_orchard: mu(5.0),
            other_forest: mu(2.5),
            abandoned_homesteads: 3,
        };
        let c =
            consolidation_compensation(ProjectType::Linkage, mu(100.0), &attachments, ProjectDates::default()).unwrap();
        assert_eq!(
            amounts(&c),
            [
                ("collective_compensation", yuan(1_000_000), yuan(1_000_000)), // 10 000 × 100
                ("fruiting_orchard", yuan(60_000), yuan(60_000)),              // 6 000 × 10
                ("non_fruiting_orchard", yuan(15_000), yuan(15_000)),          // 3 000 × 5
                ("other_forest", yuan(15_000), yuan(15_000)),                  // 6 000 × 2.5
                ("abandoned_homesteads", yuan(60_000), yuan(90_000)),          // 20 000-30 000 × 3
            ]
        );
        assert!(c.subsidy_schedule.is_empty());
        assert_eq!(c.total, AmountRange { min: yuan(1_150_000), max: yuan(1_180_000) });
        assert!(c.total.is_range());
        assert_eq!(c.total_wan_yuan, ["115".to_owned(), "118".to_owned()]);
        assert!(c.notes.contains(&NOTE_LINKAGE_SUBSIDY));
        assert_eq!(c.area.mu, 100.0);
    }

    #[test]
    fn remediation_project_with_five_year_subsidy() {
        let c = consolidation_compensation(
            ProjectType::Remediation,
            mu(100.0),
            &Attachments::default(),
            ProjectDates::default(),
        )
        .unwrap();
        assert_eq!(c.lines[0].amount, AmountRange::fixed(yuan(200_000))); // 2 000 × 100
        assert_eq!(c.lines[1].item, "land_user_subsidy");
        assert_eq!(c.lines[1].amount, AmountRange::fixed(yuan(150_000))); // 1 500 × 100
        let schedule: Vec<(u8, Money)> = c.subsidy_schedule.iter().map(|y| (y.year, y.amount)).collect();
        assert_eq!(schedule, [1, 2, 3, 4, 5].map(|y| (y, yuan(30_000)))); // 300 × 100 a year
        assert_eq!(c.total, AmountRange::fixed(yuan(350_000)));
        assert!(!c.total.is_range());
        assert!(c.notes.contains(&NOTE_TOWNSHIP_REWARD));
        assert!(c.notes.contains(&NOTE_OTHER_ATTACHMENTS));
    }

    #[test]
    fn fractional_areas() {
        // 12.34 亩: 2 000 × 12.34 = 24 680; 300 × 12.34 = 3 702 a year, 18 510 in 5 years;
        // fruiting orchard 0.75 亩 × 6 000 = 4 500; one homestead 20 000-30 000.
        let attachments = Attachments { fruiting_orchard: mu(0.75), abandoned_homesteads: 1, ..Attachments::default() };
        let c = consolidation_compensation(ProjectType::Remediation, mu(12.34), &attachments, ProjectDates::default())
            .unwrap();
        assert_eq!(c.lines[0].amount.min, yuan(24_680));
        assert_eq!(c.subsidy_schedule[4].amount, yuan(3_702));
        assert_eq!(c.lines[1].amount.min, yuan(18_510));
        assert_eq!(c.lines[2].amount.min, yuan(4_500));
        assert_eq!(c.total, AmountRange { min: yuan(67_690), max: yuan(77_690) });
        // 0.001 亩 × 300 元 = 0.30 元 a year; 1.50 元 in 5 years.
        let c = consolidation_compensation(
            ProjectType::Remediation,
            mu(0.001),
            &Attachments::default(),
            ProjectDates::default(),
        )
        .unwrap();
        assert_eq!(c.subsidy_schedule[0].amount.yuan_text(), "0.30");
        assert_eq!(c.lines[1].amount.min.yuan_text(), "1.50");
    }

    #[test]
    fn document_facts() {
        let c =
            consolidation_compensation(ProjectType::Linkage, mu(1.0), &Attachments::default(), ProjectDates::default())
                .unwrap();
        assert_eq!(
            (c.document, c.in_force_from, c.replaces),
            ("临政发〔2023〕9号", Date::ymd(2023, 6, 28), "临政发〔2018〕29号")
        );
        assert!(c.applies_to.text.contains("2020年后立项或竣工验收"));
        assert!(REPEAL_TEXT.contains(REPLACES) && REPEAL_TEXT.contains("本办法自印发之日起执行"));
        let j = serde_json::to_value(&c).unwrap();
        assert_eq!(j["project_type"], "linkage");
        assert_eq!(j["project_type_name"], "增减挂钩");
        assert_eq!(j["in_force_from"], "2023-06-28");
        assert_eq!(j["total"]["min"], serde_json::json!({"fen": 1_000_000, "yuan": "10000.00"}));
        assert_eq!(j["lines"][0]["citation"]["clause"], "第四条1");
    }

    #[test]
    fn rates_in_the_code_are_the_rates_in_the_quoted_clauses() {
        let linkage = without_whitespace(LINKAGE_TEXT);
        assert!(linkage.contains(&format!("每亩{LINKAGE_COLLECTIVE_YUAN_PER_MU}元补偿")));
        assert!(
            without_whitespace(REMEDIATION_TEXT).contains(&format!("每亩{REMEDIATION_COLLECTIVE_YUAN_PER_MU}元补偿"))
        );
        let subsidy = without_whitespace(SUBSIDY_TEXT);
        assert!(subsidy.contains(&format!("每亩{SUBSIDY_TOTAL_YUAN_PER_MU}元补助费")));
        assert!(subsidy.contains(&format!("每年{SUBSIDY_YUAN_PER_MU_YEAR}元标准分{SUBSIDY_YEARS}年付清")));
        assert_eq!(SUBSIDY_YUAN_PER_MU_YEAR * u64::from(SUBSIDY_YEARS), SUBSIDY_TOTAL_YUAN_PER_MU);
        let att = without_whitespace(ATTACHMENTS_TEXT);
        assert!(
            att.contains(&format!("挂果经济林（苹果树、桃树、柿树、梨树等经济林）{FRUITING_ORCHARD_YUAN_PER_MU}元/亩"))
        );
        assert!(att.contains(&format!(
            "不挂果经济林（苹果树、桃树、柿树、梨树等经济林）{NON_FRUITING_ORCHARD_YUAN_PER_MU}元/亩"
        )));
        assert!(att.contains(&format!("废弃院基、房屋{HOMESTEAD_MIN_YUAN}—{HOMESTEAD_MAX_YUAN}元/户")));
        assert!(att.contains(&format!("其他林地{OTHER_FOREST_YUAN_PER_MU}元/亩")));
        assert!(att.contains("第三方评估单位出具的评估价"));
    }

    #[test]
    fn project_types_parse() {
        assert_eq!(ProjectType::parse("增减挂钩"), Ok(ProjectType::Linkage));
        assert_eq!(ProjectType::parse("城乡建设用地增减挂钩项目"), Ok(ProjectType::Linkage));
        assert_eq!("土地整治".parse(), Ok(ProjectType::Remediation));
        assert_eq!(ProjectType::parse("remediation"), Ok(ProjectType::Remediation));
        assert_eq!(ProjectType::parse("复垦"), Err(ConsolidationError::ProjectType("复垦".into())));
        assert_eq!(ProjectType::Remediation.collective_yuan_per_mu(), 2_000);
        assert_eq!(ProjectType::Linkage.to_string(), "增减挂钩");
    }

    fn d(y: u16, m: u8, day: u8) -> Option<Date> {
        Some(Date::ymd(y, m, day))
    }

    /// 第二条, gazette line 1348: "本办法适用于2020年后立项或竣工验收的……土地整治项目".
    #[test]
    fn scope_from_the_project_dates_line_1348() {
        let status = |a, b| scope_check(ProjectDates::new(a, b).unwrap()).status;
        // Either date after 2020 suffices.
        assert_eq!(status(d(2021, 3, 1), None), ScopeStatus::Applies);
        assert_eq!(status(d(2018, 3, 1), d(2021, 1, 1)), ScopeStatus::Applies);
        assert_eq!(status(None, d(2023, 5, 20)), ScopeStatus::Applies);
        // Both before 2020: not in scope.
        assert_eq!(status(d(2017, 1, 1), d(2019, 12, 31)), ScopeStatus::DoesNotApply);
        // 2020 itself: "2020年后" does not say; the answer says so.
        assert_eq!(status(d(2018, 1, 1), d(2020, 6, 30)), ScopeStatus::Unclear);
        assert_eq!(status(d(2020, 1, 1), None), ScopeStatus::Unclear);
        // Not enough dates.
        assert_eq!(status(d(2019, 1, 1), None), ScopeStatus::Undetermined);
        assert_eq!(status(None, None), ScopeStatus::Undetermined);
        let c = scope_check(ProjectDates::new(d(2018, 1, 1), d(2020, 6, 30)).unwrap());
        assert!(c.explanation.contains("立项 2018-01-01，竣工验收 2020-06-30") && c.explanation.contains("第1348行"));
        assert!(c.explanation.contains("公报未明"));
        assert_eq!(c.citation.clause, "第二条（公报 2023年第2期 第1348行）");
        assert!(c.citation.text.contains("2020年后立项或竣工验收"));
        // Accepted before approved: refused.
        let e = ProjectDates::new(d(2022, 1, 1), d(2021, 1, 1)).unwrap_err().to_string();
        assert!(e.contains("早于立项日期") && e.contains("accepted_on"), "{e}");
    }

    /// The excerpt's 第二条 is line 1348 and 第五条 line 1362 of the gazette.
    #[test]
    fn the_cited_lines_are_the_clauses() {
        let excerpt = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1328-1418.txt");
        let line = |n: u32| without_whitespace(excerpt.lines().nth((n - 1328) as usize).unwrap());
        assert!(
            line(SCOPE_LINE).starts_with("第二条") && line(SCOPE_LINE).contains(SCOPE_TEXT.split('（').next().unwrap())
        );
        assert!(line(SCOPE_LINE).contains(&format!("{SCOPE_YEAR}年后立项或竣工验收")));
        assert!(
            line(SUBSIDY_LINE).starts_with("第五条") && line(SUBSIDY_LINE).contains(&without_whitespace(SUBSIDY_TEXT))
        );
        for who in [SUBSIDY_PAYER, "乡（镇）政府按年度直接向县政府申请", SUBSIDY_PAYEE, "项目竣工验收后"]
        {
            assert!(line(SUBSIDY_LINE).contains(who), "{who}");
        }
    }

    /// 第五条, gazette line 1362: 1 500 元/亩 after acceptance, 300 元 a year, 5 years, paid by
    /// 县财政 through the township to the land user; the calendar years are an assumption.
    #[test]
    fn subsidy_schedule_in_calendar_years_line_1362() {
        let dates = ProjectDates::new(d(2021, 4, 1), d(2023, 5, 20)).unwrap();
        let c =
            consolidation_compensation(ProjectType::Remediation, mu(100.0), &Attachments::default(), dates).unwrap();
        type Row = (u8, Option<u16>, Option<Date>, Option<Date>, Money);
        let years: Vec<Row> =
            c.subsidy_schedule.iter().map(|y| (y.year, y.calendar_year, y.from, y.to, y.amount)).collect();
        assert_eq!(
            years,
            [
                (1, Some(2023), d(2023, 5, 20), d(2024, 5, 19), yuan(30_000)),
                (2, Some(2024), d(2024, 5, 20), d(2025, 5, 19), yuan(30_000)),
                (3, Some(2025), d(2025, 5, 20), d(2026, 5, 19), yuan(30_000)),
                (4, Some(2026), d(2026, 5, 20), d(2027, 5, 19), yuan(30_000)),
                (5, Some(2027), d(2027, 5, 20), d(2028, 5, 19), yuan(30_000)),
            ]
        );
        assert_eq!(c.subsidy_schedule.iter().map(|y| y.amount).sum::<Money>(), yuan(150_000));
        assert_eq!(c.assumptions, [SUBSIDY_YEAR_ASSUMPTION]);
        assert!(SUBSIDY_YEAR_ASSUMPTION.contains("假定") && SUBSIDY_YEAR_ASSUMPTION.contains("assumption"));
        let terms = c.subsidy_terms.as_ref().unwrap();
        assert_eq!((terms.payer, terms.payee, terms.years), ("县财政", "土地使用权人", 5));
        assert_eq!(terms.citation.clause, "第五条（公报 2023年第2期 第1362行）");
        assert_eq!(c.scope.status, ScopeStatus::Applies);
        // 29 February: the anniversaries fall on 28 February (《民法典》第二百零二条).
        let leap = subsidy_schedule_of(mu(1.0), d(2024, 2, 29)).unwrap();
        assert_eq!((leap[1].from, leap[0].to), (d(2025, 2, 28), d(2025, 2, 27)));
        // No acceptance date: years 1-5 without dates, said in a note, no assumption.
        let c = consolidation_compensation(
            ProjectType::Remediation,
            mu(100.0),
            &Attachments::default(),
            ProjectDates::default(),
        )
        .unwrap();
        assert!(c.subsidy_schedule.iter().all(|y| y.calendar_year.is_none() && y.from.is_none()));
        assert!(c.notes.contains(&NOTE_NO_ACCEPTANCE) && c.assumptions.is_empty());
        // 增减挂钩: no subsidy line (as before), no terms, but the scope is checked.
        let c = consolidation_compensation(ProjectType::Linkage, mu(10.0), &Attachments::default(), dates).unwrap();
        assert!(c.subsidy_schedule.is_empty() && c.subsidy_terms.is_none());
        assert_eq!(c.scope.status, ScopeStatus::Applies);
        let j = serde_json::to_value(&c.scope).unwrap();
        assert_eq!(j["status"], "applies");
    }
}
