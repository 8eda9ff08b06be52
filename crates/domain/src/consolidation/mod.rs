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
//!   paid as 300 元/亩 a year in years 1-5 after acceptance (第五条);
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

/// One year of the post-acceptance subsidy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubsidyYear {
    /// Year after acceptance (1-5).
    pub year: u8,
    /// Amount for that year.
    pub amount: Money,
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
    /// The subsidy year by year (empty for 增减挂钩).
    pub subsidy_schedule: Vec<SubsidyYear>,
    /// Sum of the lines (min uses 20 000 元/户, max 30 000 元/户).
    pub total: AmountRange,
    /// Totals in 万元, exact decimal text: `[min, max]`.
    pub total_wan_yuan: [String; 2],
    /// What is not computed, and readings.
    pub notes: Vec<&'static str>,
    /// How amounts are rounded.
    pub rounding: &'static str,
}

const ROUNDING: &str = "亩 × rate rounded half away from zero to the fen per line; subsidy total = exact sum of the \
     five yearly payments; total = exact sum of the lines";
const NOTE_OTHER_ATTACHMENTS: &str = "其他地上附着物以第三方评估单位出具的评估价为依据给予补偿（第十四条4），未计入 / other \
     attachments are compensated by third-party appraisal and are not included";
const NOTE_HOMESTEAD_RANGE: &str = "废弃院基、房屋按 20000—30000 元/户，公报未规定取值规则，合计给出最低与最高 / abandoned \
     homesteads: 20,000-30,000 yuan per household, no rule for the value within the range, so totals give min and max";
const NOTE_TOWNSHIP_REWARD: &str = "土地整治项目另由县人民政府根据财政体制改革方案按规模面积给予当地乡镇政府奖励（第四条2），标准未公布，\
     未计入 / the township reward for remediation projects has no published rate and is not included";
const NOTE_LINKAGE_SUBSIDY: &str = "第五条每亩 1500 元补助费未限定项目类型（第二条所称土地整治项目含增减挂钩拆旧区复垦项目）；\
     此处按土地整治项目计算，增减挂钩项目未计入，以县自然资源局解释为准（第十八条） / art. 5's 1,500 yuan/亩 subsidy \
     names no project type; it is computed for remediation projects only, ask the county natural resources bureau";
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

/// The compensation of a project of `project_type` with scale area `area` and the
/// declared `attachments` (see the module documentation).
pub fn consolidation_compensation(
    project_type: ProjectType,
    area: Mu,
    attachments: &Attachments,
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
    let mut notes = Vec::new();
    match project_type {
        ProjectType::Remediation => {
            let yearly = per_mu(SUBSIDY_YUAN_PER_MU_YEAR, area)?;
            subsidy_schedule = (1..=SUBSIDY_YEARS).map(|year| SubsidyYear { year, amount: yearly }).collect();
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
                ("第五条", SUBSIDY_TEXT),
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
        applies_to: Citation::new(DOCUMENT, "第二条", SCOPE_TEXT),
        project_type,
        project_type_name: project_type.name_zh(),
        area: area.into(),
        lines,
        subsidy_schedule,
        total_wan_yuan: [total.min.wan_yuan_text(), total.max.wan_yuan_text()],
        total,
        notes,
        rounding: ROUNDING,
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
        let c = consolidation_compensation(ProjectType::Linkage, mu(100.0), &attachments).unwrap();
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
        let c = consolidation_compensation(ProjectType::Remediation, mu(100.0), &Attachments::default()).unwrap();
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
        let c = consolidation_compensation(ProjectType::Remediation, mu(12.34), &attachments).unwrap();
        assert_eq!(c.lines[0].amount.min, yuan(24_680));
        assert_eq!(c.subsidy_schedule[4].amount, yuan(3_702));
        assert_eq!(c.lines[1].amount.min, yuan(18_510));
        assert_eq!(c.lines[2].amount.min, yuan(4_500));
        assert_eq!(c.total, AmountRange { min: yuan(67_690), max: yuan(77_690) });
        // 0.001 亩 × 300 元 = 0.30 元 a year; 1.50 元 in 5 years.
        let c = consolidation_compensation(ProjectType::Remediation, mu(0.001), &Attachments::default()).unwrap();
        assert_eq!(c.subsidy_schedule[0].amount.yuan_text(), "0.30");
        assert_eq!(c.lines[1].amount.min.yuan_text(), "1.50");
    }

    #[test]
    fn document_facts() {
        let c = consolidation_compensation(ProjectType::Linkage, mu(1.0), &Attachments::default()).unwrap();
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
}
