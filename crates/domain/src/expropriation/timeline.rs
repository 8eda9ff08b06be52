//! The periods that run from an expropriation decision (临政发〔2023〕10号, 11号).
//!
//! For a project and a date, [`expropriation_timeline`] gives each period's first
//! and last day and whether it has not started, is running or is over on that date,
//! with the clause it comes from.
//!
//! # How the gazette's wording is read
//!
//! The decision notices (通告) are dated 2023-06-29 (D). Unless another publication
//! date is given, the notice is taken to be published (发布) on D.
//!
//! | period | wording | anchor | length | last day (D = 2023-06-29) |
//! |---|---|---|---|---|
//! | notice 通告期限 | 本通告期限为 5 日 | publication | 5 days | 2023-07-04 |
//! | signing 签约期限 | 自本通告发布之日起 60 日内 | publication | 60 days | 2023-08-28 |
//! | review 行政复议 | 可自征收决定通告期限届满之日起 60 日内依法申请行政复议 | last day of the notice period | 60 days | 2023-09-02 |
//! | lawsuit 行政诉讼 | 也可自征收决定通告期限届满之日起六个月内依法提起行政诉讼 | last day of the notice period | 6 months | 2024-01-04 |
//! | relocation 征收及搬迁时限 | 自《……通告》之日起六个月内 | the notice's date (D) | 6 months | 2023-12-29 |
//! | building freeze 不得新建、扩建、改建 | 自征收公告发布之日起，不得新建…… | publication | **no end stated** | — |
//! | approval suspension 暂停办理有关手续 | 暂停期为自征收通告发布之日起 1 年 | publication | 1 year | 2024-06-29 |
//! | disputes/mortgages 产权争议、抵押 | 自征收通告发布之日起 10 日内自行解决 | publication | 10 days | 2023-07-09 |
//!
//! Counting follows 《中华人民共和国民法典》第二百零一条 and 第二百零二条, which the
//! gazette does not override: the anchor day itself is not counted (day 1 is the
//! next day), so "5 日" from 06-29 ends on 07-04 and "60 日" on 08-28; a period of
//! months or years ends on the corresponding day of the last month, or on that
//! month's last day if it has none ([`Date::add_months`] clamps: 08-31 + 6 months
//! = 02-28/29). The review and lawsuit periods are counted from 届满之日, the last
//! day of the notice period (07-04), so day 1 is 07-05.
//!
//! Each period is reported with `start` = the anchor day (**inclusive**: the clause
//! applies from that day, "自…之日起") and `end` = the last day (**inclusive**);
//! the status on a date is `not_started` before `start`, `running` from `start` to
//! `end`, `over` after `end`.
//!
//! Not modelled: 《民法典》第二百零三条 moves a deadline that falls on a statutory
//! holiday or rest day to the next working day. The official holiday calendar is
//! not in this crate, so `end` is never moved; `end_on_weekend` flags the cases
//! (2023-09-02 and 2024-06-29 are Saturdays, 2023-07-09 a Sunday) for a person to
//! check.
//!
//! The building freeze of 补偿方案 十四（一） has no end in the gazette (the 1-year
//! limit is written only for the suspension of approvals in 十四（二））, so its
//! `end` is `null` and it stays `running`; this differs from a reading that applies
//! "1 year" to both.
//!
//! All dates are calendar days in Asia/Shanghai; the date to check is always an
//! argument (no clock).

use serde::Serialize;

use crate::expropriation::{ExpropriationProject, ValuationDate, plan_clause, valuation_date};
use crate::units::citation::Citation;
use crate::units::date::Date;

/// The periods, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PeriodKind {
    /// 通告期限: the decision notice is posted.
    Notice,
    /// 签约期限: signing the compensation agreement.
    Signing,
    /// 申请行政复议: applying for administrative review of the decision.
    AdministrativeReview,
    /// 提起行政诉讼: bringing an administrative lawsuit against the decision.
    Lawsuit,
    /// 征收及搬迁时限: expropriation and moving out.
    Relocation,
    /// 不得新建、扩建、改建房屋和改变房屋用途: such work is not compensated.
    BuildingFreeze,
    /// 暂停办理有关手续: approvals for the area are suspended.
    ApprovalSuspension,
    /// 产权争议、纠纷或抵押自行解决: disputes and mortgages to be settled.
    DisputeSettlement,
    /// 申请复核评估: objecting to the appraisal (10 days from receiving the report).
    AppraisalReview,
    /// 申请专家委员会鉴定: objecting to the re-appraisal (10 days from receiving it).
    ExpertAppraisal,
    /// 对补偿决定申请行政复议 (60 days from the compensation decision's notice).
    DecisionReview,
    /// 对补偿决定提起行政诉讼 (6 months from the compensation decision's notice).
    DecisionLawsuit,
}

/// Where a period stands on the date asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    /// Before `start`.
    NotStarted,
    /// From `start` to `end`, both inclusive (or after `start` if there is no end).
    Running,
    /// After `end`.
    Over,
    /// The event the period is counted from has no date yet (event periods only).
    AwaitingEvent,
}

/// How long a period runs from its anchor day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Days(u16),
    Months(u16),
    Open,
}

/// One period of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// Which period.
    pub kind: PeriodKind,
    /// Chinese name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// The day the period is counted from, in the gazette's words.
    pub counted_from: &'static str,
    /// That day.
    pub anchor: Date,
    /// The length as written (`5 日`, `六个月`, `1 年`), or `未规定` if none.
    pub length: &'static str,
    /// First day the period applies (inclusive) = the anchor day.
    pub start: Date,
    /// Last day of the period (inclusive); `null` if the gazette states no end.
    pub end: Option<Date>,
    /// Whether `end` is a Saturday or Sunday (see the module note on 第二百零三条).
    pub end_on_weekend: bool,
    /// Status on the date asked about.
    pub status: PeriodStatus,
    /// The clause.
    pub citation: Citation,
    /// How the clause was read, where it needs saying.
    pub note: Option<&'static str>,
}

impl Period {
    /// Status of the period on `date`.
    pub fn status_on(&self, date: Date) -> PeriodStatus {
        if date < self.start {
            PeriodStatus::NotStarted
        } else if self.end.is_some_and(|end| date > end) {
            PeriodStatus::Over
        } else {
            PeriodStatus::Running
        }
    }
}

/// The counting conventions, stated in every result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Conventions {
    /// Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

/// The conventions of this module.
pub const CONVENTIONS: Conventions = Conventions {
    zh: "日期为北京时间（Asia/Shanghai）日历日。start 为起算日（含当日，自该日起适用），end 为期间最后一日（含当日）。\
         按《民法典》第二百零一条，起算日当日不计入，自次日起算；按月、年计算的，到期月的对应日为最后一日，无对应日的为该月末日（第二百零二条）。\
         期间最后一日为法定休假日的顺延（第二百零三条）未计入，end_on_weekend 标出落在周六、周日的情形。",
    en: "Dates are calendar days in Asia/Shanghai. `start` is the anchor day (inclusive: the clause applies from that \
         day); `end` is the last day of the period (inclusive). Following Civil Code art. 201 the anchor day is not \
         counted (day 1 is the next day); periods in months or years end on the corresponding day of the last month, \
         or on that month's last day if it has none (art. 202). The extension of a deadline that falls on a holiday or \
         rest day (art. 203) is not applied; `end_on_weekend` flags Saturdays and Sundays.",
};

/// The timeline of a project on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// Decision number.
    pub decision_no: &'static str,
    /// Project name.
    pub project: &'static str,
    /// Date of the decision notice.
    pub decision_date: Date,
    /// Date the notice was published (defaults to the decision date).
    pub published: Date,
    /// The date the statuses are for.
    pub as_of: Date,
    /// How the dates are counted.
    pub conventions: Conventions,
    /// The valuation date (估价时点, gazette line 1532 / 1706).
    pub valuation_date: ValuationDate,
    /// The periods, in [`PeriodKind`] order.
    pub periods: Vec<Period>,
    /// The periods counted from an event of one household (the appraisal report, the
    /// re-appraisal, a compensation decision), gazette lines 1580-1588 / 1754-1762.
    pub event_periods: Vec<EventPeriod>,
}

impl Timeline {
    /// The period of `kind`.
    pub fn period(&self, kind: PeriodKind) -> Option<&Period> {
        self.periods.iter().find(|p| p.kind == kind)
    }
}

/// The dates of one household's events that the objection and appeal periods are
/// counted from (补偿方案 十四（四）（五）). `None`: the event has no date (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimelineEvents {
    /// 收到评估报告之日: the household received the appraisal report.
    pub appraisal_report_received: Option<Date>,
    /// 收到复核结果之日: the household received the re-appraisal (复核) result.
    pub review_result_received: Option<Date>,
    /// 补偿决定通告之日: the county's compensation decision was announced.
    pub compensation_decision_notice: Option<Date>,
}

/// A period counted from an event of one household ([`TimelineEvents`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventPeriod {
    /// Which period.
    pub kind: PeriodKind,
    /// Chinese name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// The event it is counted from, in the gazette's words.
    pub counted_from: &'static str,
    /// The event's date; `null` while it has none.
    pub anchor: Option<Date>,
    /// The length as written (`10 日`, `60 日`, `6 个月`).
    pub length: &'static str,
    /// First day (inclusive) = the anchor day; `null` while the event has no date.
    pub start: Option<Date>,
    /// Last day (inclusive); `null` while the event has no date.
    pub end: Option<Date>,
    /// Whether `end` is a Saturday or Sunday.
    pub end_on_weekend: bool,
    /// Status on the date asked about (`awaiting_event` while the event has no date).
    pub status: PeriodStatus,
    /// The clause, with the gazette line.
    pub citation: Citation,
    /// How the clause was read, where it needs saying.
    pub note: Option<&'static str>,
}

/// Why a timeline could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimelineError {
    /// The publication date given is before the decision.
    #[error("publication date {published} is before the decision date {decided}")]
    PublishedBeforeDecision {
        /// The publication date given.
        published: Date,
        /// The decision date.
        decided: Date,
    },
    /// A period would end after 9999-12-31.
    #[error("a period would end after 9999-12-31")]
    OutOfRange,
}

/// 通告 六、通告期限.
pub const NOTICE_TEXT: &str = "本通告期限为 5 日。";
/// 通告 五、签约期限.
pub const SIGNING_TEXT: &str = "自本通告发布之日起 60 日内。";
/// 通告 七、其他: administrative review.
pub const REVIEW_TEXT: &str =
    "征收范围内的被征收人对本征收决定不服的，可自征收决定通告期限届满之日起 60 日内依法申请行政复议";
/// 通告 七、其他: lawsuit.
pub const LAWSUIT_TEXT: &str = "也可自征收决定通告期限届满之日起六个月内依法提起行政诉讼";
/// 补偿方案 十四（一） of 临政发〔2023〕10号 (its plan says 公告).
pub const BUILDING_FREEZE_TEXT: &str = "凡在此次被征收范围内的单位和个人，自征收公告发布之日起，不得新建、扩建、改建房屋和改变房屋用途等不当增加补偿费用的行为，违反规定的，不予补偿。";
/// 补偿方案 十四（一） of 临政发〔2023〕11号 (its plan says 通告, gazette line 1746).
pub const BUILDING_FREEZE_TEXT_11: &str = "凡在此次被征收范围内的单位和个人，自征收通告发布之日起，不得新建、扩建、改建房屋和改变房屋用途等不当增加补偿费用的行为，违反规定的，不予补偿。";

/// The building-freeze clause in the plan of `project`'s own decision.
fn building_freeze_text(project: &ExpropriationProject) -> &'static str {
    if project.decision_no.contains("11号") { BUILDING_FREEZE_TEXT_11 } else { BUILDING_FREEZE_TEXT }
}
/// 补偿方案 十四（二）.
pub const APPROVAL_SUSPENSION_TEXT: &str = "凡在此次被征收范围内的单位和个人，行政审批、规划和自然资源、市场监督管理、公安、住建等有关单位暂停办理有关手续，暂停期为自征收通告发布之日起 1 年。";
/// 补偿方案 十四（三）.
pub const DISPUTE_SETTLEMENT_TEXT: &str = "凡在此次被征收范围内的单位和个人，产权有争议、纠纷或设有抵押权的，自征收通告发布之日起 10 日内自行解决，逾期按有关法律规定执行。";

/// 补偿方案 十、征收搬迁时限 of `project` (the notice's title is part of the text).
pub fn relocation_text(project: &ExpropriationProject) -> String {
    format!("征收及搬迁时限：自《临猗县人民政府{}》之日起六个月内。", project.title)
}

const REVIEW_NOTE: &str = "起算日为通告期限届满之日（通告期限最后一日），次日为第 1 日；此前申请不受本条排除 / counted from the last day of \
     the notice period (day 1 is the next day); the wording does not bar an earlier application";
const BUILDING_FREEZE_NOTE: &str = "公报未规定此项的截止日期（1 年仅针对十四（二）暂停办理手续）/ the gazette states no end for this \
     restriction (the 1-year limit is written only for the suspension of approvals, 十四（二）)";
const RELOCATION_NOTE: &str = "自通告之日（落款日期）起算，与发布日无关 / counted from the date of the notice itself";

struct PeriodRule {
    kind: PeriodKind,
    name: &'static str,
    name_en: &'static str,
    counted_from: &'static str,
    length_text: &'static str,
    length: Length,
    clause: &'static str,
    note: Option<&'static str>,
}

const RULES: [PeriodRule; 8] = [
    PeriodRule {
        kind: PeriodKind::Notice,
        name: "通告期限",
        name_en: "notice period",
        counted_from: "通告发布之日",
        length_text: "5 日",
        length: Length::Days(5),
        clause: "通告 六、通告期限",
        note: None,
    },
    PeriodRule {
        kind: PeriodKind::Signing,
        name: "签约期限",
        name_en: "signing period",
        counted_from: "本通告发布之日",
        length_text: "60 日",
        length: Length::Days(60),
        clause: "通告 五、签约期限",
        note: None,
    },
    PeriodRule {
        kind: PeriodKind::AdministrativeReview,
        name: "申请行政复议期限",
        name_en: "administrative review of the decision",
        counted_from: "征收决定通告期限届满之日",
        length_text: "60 日",
        length: Length::Days(60),
        clause: "通告 七、其他",
        note: Some(REVIEW_NOTE),
    },
    PeriodRule {
        kind: PeriodKind::Lawsuit,
        name: "提起行政诉讼期限",
        name_en: "administrative lawsuit against the decision",
        counted_from: "征收决定通告期限届满之日",
        length_text: "六个月",
        length: Length::Months(6),
        clause: "通告 七、其他",
        note: Some(REVIEW_NOTE),
    },
    PeriodRule {
        kind: PeriodKind::Relocation,
        name: "征收及搬迁时限",
        name_en: "expropriation and moving out",
        counted_from: "征收决定通告之日",
        length_text: "六个月",
        length: Length::Months(6),
        clause: "附件 房屋征收补偿方案 十、征收搬迁时限",
        note: Some(RELOCATION_NOTE),
    },
    PeriodRule {
        kind: PeriodKind::BuildingFreeze,
        name: "不得新建、扩建、改建房屋和改变房屋用途（违者不予补偿）",
        name_en: "no new building, extension, rebuilding or change of use (not compensated)",
        counted_from: "征收公告发布之日",
        length_text: "未规定",
        length: Length::Open,
        clause: "附件 房屋征收补偿方案 十四、其它事项（一）",
        note: Some(BUILDING_FREEZE_NOTE),
    },
    PeriodRule {
        kind: PeriodKind::ApprovalSuspension,
        name: "暂停办理有关手续（行政审批、规划和自然资源、市场监督管理、公安、住建）",
        name_en: "approvals suspended (administrative approval, planning and natural resources, market regulation, \
                  public security, housing and construction)",
        counted_from: "征收通告发布之日",
        length_text: "1 年",
        length: Length::Months(12),
        clause: "附件 房屋征收补偿方案 十四、其它事项（二）",
        note: None,
    },
    PeriodRule {
        kind: PeriodKind::DisputeSettlement,
        name: "产权争议、纠纷或抵押权自行解决",
        name_en: "ownership disputes and mortgages to be settled",
        counted_from: "征收通告发布之日",
        length_text: "10 日",
        length: Length::Days(10),
        clause: "附件 房屋征收补偿方案 十四、其它事项（三）",
        note: None,
    },
];

/// 补偿方案 十四（四）, first half (公报第 1580 行 / 第 1754 行).
pub const APPRAISAL_REVIEW_TEXT: &str = "被征收人或者房屋征收部门对评估结果有异议的，应当自收到评估报告之日起 10 日内，以书面形式向房地产价格评估机构申请复核评估";
/// 补偿方案 十四（四）, second half (公报第 1580-1582 行 / 第 1754-1756 行).
pub const EXPERT_APPRAISAL_TEXT: &str = "被征收人或者房屋征收部门对原房地产评估机构复核结果有异议的，应当自收到复核结果 10 日内以书面形式向被征收人房屋所在地房地产评估专家委员会申请鉴定。";
/// 补偿方案 十四（五）, second paragraph (公报第 1586-1588 行 / 第 1760-1762 行).
pub const DECISION_APPEAL_TEXT: &str =
    "被征收人对补偿决定有异议的，可在通告之日起 60 日内依法申请行政复议，也可在 6 个月内依法提起行政诉讼。";

const DECISION_LAWSUIT_NOTE: &str = "“6 个月内”未另写起算日，按同句“通告之日起”计算（假定） / the 6 months have no anchor of their own; they are counted from the same notice day as the 60 days (assumption)";
const RECEIPT_NOTE: &str = "起算日为被征收户收到之日（登记的日期），次日为第 1 日 / counted from the day the household received it (the date recorded); day 1 is the next day";

struct EventRule {
    kind: PeriodKind,
    name: &'static str,
    name_en: &'static str,
    counted_from: &'static str,
    length_text: &'static str,
    length: Length,
    clause_10: &'static str,
    clause_11: &'static str,
    text: &'static str,
    note: &'static str,
}

const EVENT_RULES: [EventRule; 4] = [
    EventRule {
        kind: PeriodKind::AppraisalReview,
        name: "对评估结果申请复核评估期限",
        name_en: "objection to the appraisal (re-appraisal by the appraiser)",
        counted_from: "收到评估报告之日",
        length_text: "10 日",
        length: Length::Days(10),
        clause_10: "附件 房屋征收补偿方案 十四（四）评估异议（公报第 1580 行）",
        clause_11: "附件 房屋征收补偿方案 十四（四）评估异议（公报第 1754 行）",
        text: APPRAISAL_REVIEW_TEXT,
        note: RECEIPT_NOTE,
    },
    EventRule {
        kind: PeriodKind::ExpertAppraisal,
        name: "对复核结果申请专家委员会鉴定期限",
        name_en: "objection to the re-appraisal (expert committee)",
        counted_from: "收到复核结果之日",
        length_text: "10 日",
        length: Length::Days(10),
        clause_10: "附件 房屋征收补偿方案 十四（四）评估异议（公报第 1580-1582 行）",
        clause_11: "附件 房屋征收补偿方案 十四（四）评估异议（公报第 1754-1756 行）",
        text: EXPERT_APPRAISAL_TEXT,
        note: RECEIPT_NOTE,
    },
    EventRule {
        kind: PeriodKind::DecisionReview,
        name: "对补偿决定申请行政复议期限",
        name_en: "administrative review of a compensation decision",
        counted_from: "补偿决定通告之日",
        length_text: "60 日",
        length: Length::Days(60),
        clause_10: "附件 房屋征收补偿方案 十四（五）补偿异议（公报第 1586 行）",
        clause_11: "附件 房屋征收补偿方案 十四（五）补偿异议（公报第 1760-1762 行）",
        text: DECISION_APPEAL_TEXT,
        note: "起算日为补偿决定通告之日，次日为第 1 日 / counted from the day the compensation decision was announced",
    },
    EventRule {
        kind: PeriodKind::DecisionLawsuit,
        name: "对补偿决定提起行政诉讼期限",
        name_en: "administrative lawsuit against a compensation decision",
        counted_from: "补偿决定通告之日",
        length_text: "6 个月",
        length: Length::Months(6),
        clause_10: "附件 房屋征收补偿方案 十四（五）补偿异议（公报第 1586-1588 行）",
        clause_11: "附件 房屋征收补偿方案 十四（五）补偿异议（公报第 1760-1762 行）",
        text: DECISION_APPEAL_TEXT,
        note: DECISION_LAWSUIT_NOTE,
    },
];

/// The event periods of `project` for a household's `events`, with their status on
/// `as_of`; a period whose event has no date is `awaiting_event`.
pub fn event_periods(
    project: &ExpropriationProject,
    events: &TimelineEvents,
    as_of: Date,
) -> Result<Vec<EventPeriod>, TimelineError> {
    let mut out = Vec::with_capacity(EVENT_RULES.len());
    for rule in &EVENT_RULES {
        let anchor = match rule.kind {
            PeriodKind::AppraisalReview => events.appraisal_report_received,
            PeriodKind::ExpertAppraisal => events.review_result_received,
            _ => events.compensation_decision_notice,
        };
        let end = match anchor {
            Some(a) => period_end(a, rule.length)?,
            None => None,
        };
        let status = match (anchor, end) {
            (Some(a), _) if as_of < a => PeriodStatus::NotStarted,
            (Some(_), Some(e)) if as_of > e => PeriodStatus::Over,
            (Some(_), _) => PeriodStatus::Running,
            (None, _) => PeriodStatus::AwaitingEvent,
        };
        out.push(EventPeriod {
            kind: rule.kind,
            name: rule.name,
            name_en: rule.name_en,
            counted_from: rule.counted_from,
            anchor,
            length: rule.length_text,
            start: anchor,
            end,
            end_on_weekend: end.is_some_and(Date::is_weekend),
            status,
            citation: Citation::new(
                project.decision_no,
                plan_clause(project, rule.clause_10, rule.clause_11),
                rule.text,
            ),
            note: Some(rule.note),
        });
    }
    Ok(out)
}

fn period_end(anchor: Date, length: Length) -> Result<Option<Date>, TimelineError> {
    let end = match length {
        Length::Days(n) => anchor.add_days(i64::from(n)),
        Length::Months(n) => anchor.add_months(u32::from(n)),
        Length::Open => return Ok(None),
    };
    end.map(Some).ok_or(TimelineError::OutOfRange)
}

/// The periods of `project` with their status on `as_of`. `published` is the day
/// the notice was published; `None` means the decision date. The event periods are
/// all `awaiting_event` (see [`expropriation_timeline_with`]).
pub fn expropriation_timeline(
    project: &ExpropriationProject,
    published: Option<Date>,
    as_of: Date,
) -> Result<Timeline, TimelineError> {
    expropriation_timeline_with(project, published, &TimelineEvents::default(), as_of)
}

/// [`expropriation_timeline`] with the dates of one household's events.
pub fn expropriation_timeline_with(
    project: &ExpropriationProject,
    published: Option<Date>,
    events: &TimelineEvents,
    as_of: Date,
) -> Result<Timeline, TimelineError> {
    let decided = project.decision_date;
    let published_given = published;
    let published = published.unwrap_or(decided);
    if published < decided {
        return Err(TimelineError::PublishedBeforeDecision { published, decided });
    }
    let notice_end = period_end(published, Length::Days(5))?.ok_or(TimelineError::OutOfRange)?;
    let mut periods = Vec::with_capacity(RULES.len());
    for rule in &RULES {
        let (anchor, text) = match rule.kind {
            PeriodKind::Notice => (published, NOTICE_TEXT.into()),
            PeriodKind::Signing => (published, SIGNING_TEXT.into()),
            PeriodKind::AdministrativeReview => (notice_end, REVIEW_TEXT.into()),
            PeriodKind::Lawsuit => (notice_end, LAWSUIT_TEXT.into()),
            PeriodKind::Relocation => (decided, relocation_text(project).into()),
            PeriodKind::BuildingFreeze => (published, building_freeze_text(project).into()),
            PeriodKind::ApprovalSuspension => (published, APPROVAL_SUSPENSION_TEXT.into()),
            PeriodKind::DisputeSettlement => (published, DISPUTE_SETTLEMENT_TEXT.into()),
            // Event periods are not in RULES.
            PeriodKind::AppraisalReview
            | PeriodKind::ExpertAppraisal
            | PeriodKind::DecisionReview
            | PeriodKind::DecisionLawsuit => continue,
        };
        let end = period_end(anchor, rule.length)?;
        let mut period = Period {
            kind: rule.kind,
            name: rule.name,
            name_en: rule.name_en,
            counted_from: rule.counted_from,
            anchor,
            length: rule.length_text,
            start: anchor,
            end,
            end_on_weekend: end.is_some_and(Date::is_weekend),
            status: PeriodStatus::NotStarted,
            citation: Citation { document: project.decision_no, clause: rule.clause, text },
            note: rule.note,
        };
        period.status = period.status_on(as_of);
        periods.push(period);
    }
    Ok(Timeline {
        decision_no: project.decision_no,
        project: project.project,
        decision_date: decided,
        published,
        as_of,
        conventions: CONVENTIONS,
        valuation_date: valuation_date(project, published_given),
        periods,
        event_periods: event_periods(project, events, as_of)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expropriation::{DECISION_DATE, PROJECTS};
    use crate::units::citation::without_whitespace;

    const GAZETTE_10: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1422-1466.txt");
    const GAZETTE_11: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1596-1640.txt");

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::ymd(y, m, day)
    }

    fn timeline(as_of: Date) -> Timeline {
        expropriation_timeline(&PROJECTS[0], None, as_of).unwrap()
    }

    fn status(kind: PeriodKind, as_of: Date) -> PeriodStatus {
        timeline(as_of).period(kind).unwrap().status
    }

    /// (kind, start, last day) for D = 2023-06-29.
    const EXPECTED: [(PeriodKind, Date, Option<Date>); 8] = [
        (PeriodKind::Notice, Date::ymd(2023, 6, 29), Some(Date::ymd(2023, 7, 4))),
        (PeriodKind::Signing, Date::ymd(2023, 6, 29), Some(Date::ymd(2023, 8, 28))),
        (PeriodKind::AdministrativeReview, Date::ymd(2023, 7, 4), Some(Date::ymd(2023, 9, 2))),
        (PeriodKind::Lawsuit, Date::ymd(2023, 7, 4), Some(Date::ymd(2024, 1, 4))),
        (PeriodKind::Relocation, Date::ymd(2023, 6, 29), Some(Date::ymd(2023, 12, 29))),
        (PeriodKind::BuildingFreeze, Date::ymd(2023, 6, 29), None),
        (PeriodKind::ApprovalSuspension, Date::ymd(2023, 6, 29), Some(Date::ymd(2024, 6, 29))),
        (PeriodKind::DisputeSettlement, Date::ymd(2023, 6, 29), Some(Date::ymd(2023, 7, 9))),
    ];

    #[test]
    fn periods_of_the_2023_06_29_decisions() {
        for project in &PROJECTS {
            let t = expropriation_timeline(project, None, d(2023, 7, 1)).unwrap();
            assert_eq!((t.decision_date, t.published), (DECISION_DATE, d(2023, 6, 29)));
            let got: Vec<_> = t.periods.iter().map(|p| (p.kind, p.start, p.end)).collect();
            assert_eq!(got, EXPECTED, "{}", project.decision_no);
            for p in &t.periods {
                assert_eq!(p.citation.document, project.decision_no);
            }
        }
        // Lengths in days, counted from the day after the anchor.
        let t = timeline(d(2023, 7, 1));
        let days = |k| {
            let p = t.period(k).unwrap();
            p.anchor.days_until(p.end.unwrap())
        };
        assert_eq!(days(PeriodKind::Notice), 5);
        assert_eq!(days(PeriodKind::Signing), 60);
        assert_eq!(days(PeriodKind::AdministrativeReview), 60);
        assert_eq!(days(PeriodKind::DisputeSettlement), 10);
        assert_eq!(t.period(PeriodKind::ApprovalSuspension).unwrap().length, "1 年");
        assert_eq!(t.period(PeriodKind::Lawsuit).unwrap().length, "六个月");
        assert_eq!(t.period(PeriodKind::Relocation).unwrap().length, "六个月");
    }

    #[test]
    fn boundaries_day_before_start_last_day_and_next_day() {
        for (kind, start, end) in EXPECTED {
            let before = start.add_days(-1).unwrap();
            assert_eq!(status(kind, before), PeriodStatus::NotStarted, "{kind:?} {before}");
            assert_eq!(status(kind, start), PeriodStatus::Running, "{kind:?} {start}");
            match end {
                Some(end) => {
                    assert_eq!(status(kind, end), PeriodStatus::Running, "{kind:?} {end}");
                    let next = end.add_days(1).unwrap();
                    assert_eq!(status(kind, next), PeriodStatus::Over, "{kind:?} {next}");
                }
                None => assert_eq!(status(kind, d(2030, 1, 1)), PeriodStatus::Running, "{kind:?}"),
            }
        }
        // Spelled out for the reader.
        assert_eq!(status(PeriodKind::Notice, d(2023, 7, 4)), PeriodStatus::Running);
        assert_eq!(status(PeriodKind::Notice, d(2023, 7, 5)), PeriodStatus::Over);
        assert_eq!(status(PeriodKind::AdministrativeReview, d(2023, 7, 3)), PeriodStatus::NotStarted);
        assert_eq!(status(PeriodKind::AdministrativeReview, d(2023, 9, 2)), PeriodStatus::Running);
        assert_eq!(status(PeriodKind::AdministrativeReview, d(2023, 9, 3)), PeriodStatus::Over);
        assert_eq!(status(PeriodKind::Lawsuit, d(2024, 1, 4)), PeriodStatus::Running);
        assert_eq!(status(PeriodKind::Lawsuit, d(2024, 1, 5)), PeriodStatus::Over);
        assert_eq!(status(PeriodKind::Relocation, d(2023, 12, 29)), PeriodStatus::Running);
        assert_eq!(status(PeriodKind::Relocation, d(2023, 12, 30)), PeriodStatus::Over);
        assert_eq!(status(PeriodKind::ApprovalSuspension, d(2024, 6, 29)), PeriodStatus::Running);
        assert_eq!(status(PeriodKind::ApprovalSuspension, d(2024, 6, 30)), PeriodStatus::Over);
        assert_eq!(status(PeriodKind::Signing, d(2023, 8, 29)), PeriodStatus::Over);
        assert_eq!(status(PeriodKind::DisputeSettlement, d(2023, 7, 10)), PeriodStatus::Over);
    }

    #[test]
    fn weekend_deadlines_are_flagged_not_moved() {
        let t = timeline(d(2023, 7, 1));
        let flagged: Vec<_> = t.periods.iter().filter(|p| p.end_on_weekend).map(|p| p.kind).collect();
        assert_eq!(
            flagged,
            [PeriodKind::AdministrativeReview, PeriodKind::ApprovalSuspension, PeriodKind::DisputeSettlement]
        );
        assert!(t.conventions.zh.contains("第二百零三条"));
    }

    #[test]
    fn later_publication_moves_the_publication_periods_only() {
        let t = expropriation_timeline(&PROJECTS[1], Some(d(2023, 7, 3)), d(2023, 7, 3)).unwrap();
        let end = |k| t.period(k).unwrap().end;
        assert_eq!(end(PeriodKind::Notice), Some(d(2023, 7, 8)));
        assert_eq!(end(PeriodKind::Signing), Some(d(2023, 9, 1)));
        assert_eq!(end(PeriodKind::AdministrativeReview), Some(d(2023, 9, 6)));
        assert_eq!(end(PeriodKind::Lawsuit), Some(d(2024, 1, 8)));
        assert_eq!(end(PeriodKind::Relocation), Some(d(2023, 12, 29)));
        assert_eq!(end(PeriodKind::ApprovalSuspension), Some(d(2024, 7, 3)));
        // Month ends clamp: published 2024-02-29 → 1 year ends 2025-02-28.
        let t = expropriation_timeline(&PROJECTS[1], Some(d(2024, 2, 29)), d(2025, 3, 1)).unwrap();
        let p = t.period(PeriodKind::ApprovalSuspension).unwrap();
        assert_eq!(p.end, Some(d(2025, 2, 28)));
        assert_eq!(p.status, PeriodStatus::Over);
        assert_eq!(
            expropriation_timeline(&PROJECTS[0], Some(d(2023, 6, 28)), d(2023, 7, 1)),
            Err(TimelineError::PublishedBeforeDecision { published: d(2023, 6, 28), decided: DECISION_DATE })
        );
        assert_eq!(
            expropriation_timeline(&PROJECTS[0], Some(d(9999, 12, 1)), d(2023, 7, 1)),
            Err(TimelineError::OutOfRange)
        );
    }

    #[test]
    fn quotes_match_the_decision_notices() {
        for (project, text) in PROJECTS.iter().zip([GAZETTE_10, GAZETTE_11]) {
            let text = without_whitespace(text);
            for quote in [NOTICE_TEXT, SIGNING_TEXT, REVIEW_TEXT, LAWSUIT_TEXT] {
                assert!(text.contains(&without_whitespace(quote)), "{} {quote}", project.decision_no);
            }
            assert!(text.contains("六、通告期限") && text.contains("五、签约期限") && text.contains("七、其他"));
        }
        // The compensation plans are not among the excerpts in data/gazette; their
        // wording is pinned here.
        assert_eq!(
            relocation_text(&PROJECTS[1]),
            "征收及搬迁时限：自《临猗县人民政府关于国税局家属院（鑫星小区）旧城改造项目房屋征收决定的通告》之日起六个月内。"
        );
        assert!(BUILDING_FREEZE_TEXT.contains("自征收公告发布之日起，不得新建、扩建、改建房屋和改变房屋用途"));
        assert!(APPROVAL_SUSPENSION_TEXT.contains("暂停期为自征收通告发布之日起 1 年"));
        assert!(DISPUTE_SETTLEMENT_TEXT.contains("自征收通告发布之日起 10 日内自行解决"));
    }

    const PLAN_10: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1468-1594.txt");
    const PLAN_11: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1642-1768.txt");

    /// The gazette lines `from..=to` of an excerpt starting at line `first`, without whitespace.
    fn lines(excerpt: &str, first: usize, from: usize, to: usize) -> String {
        without_whitespace(&excerpt.lines().skip(from - first).take(to - from + 1).collect::<String>())
    }

    /// 公报第 1580-1582 行 (10号), 第 1754-1756 行 (11号): 自收到评估报告之日起 10 日内……申请复核评估；
    /// 自收到复核结果 10 日内……向……专家委员会申请鉴定.
    #[test]
    fn appraisal_objections_run_10_days_from_each_receipt() {
        assert!(lines(PLAN_10, 1468, 1580, 1582).contains(&without_whitespace(APPRAISAL_REVIEW_TEXT)));
        assert!(lines(PLAN_10, 1468, 1580, 1582).contains(&without_whitespace(EXPERT_APPRAISAL_TEXT)));
        assert!(lines(PLAN_11, 1642, 1754, 1756).contains(&without_whitespace(EXPERT_APPRAISAL_TEXT)));
        let events = TimelineEvents {
            appraisal_report_received: Some(d(2023, 9, 1)),
            review_result_received: Some(d(2023, 9, 20)),
            compensation_decision_notice: None,
        };
        let t = expropriation_timeline_with(&PROJECTS[0], None, &events, d(2023, 9, 11)).unwrap();
        let p = |k| t.event_periods.iter().find(|p| p.kind == k).unwrap();
        let review = p(PeriodKind::AppraisalReview);
        assert_eq!((review.start, review.end), (Some(d(2023, 9, 1)), Some(d(2023, 9, 11))));
        assert_eq!(review.status, PeriodStatus::Running);
        assert!(review.citation.clause.contains("1580"));
        let expert = p(PeriodKind::ExpertAppraisal);
        assert_eq!(expert.end, Some(d(2023, 9, 30)));
        assert_eq!(expert.status, PeriodStatus::NotStarted);
        // The day after the 10th day the objection is late.
        let t = expropriation_timeline_with(&PROJECTS[0], None, &events, d(2023, 9, 12)).unwrap();
        assert_eq!(t.event_periods[0].status, PeriodStatus::Over);
        // Without the dates the periods wait for their event.
        let t = timeline(d(2023, 9, 12));
        assert!(t.event_periods.iter().all(|p| p.status == PeriodStatus::AwaitingEvent && p.end.is_none()));
        assert_eq!(t.event_periods.len(), 4);
        let j = serde_json::to_value(&t).unwrap();
        assert_eq!(j["event_periods"][0]["status"], "awaiting_event");
        assert_eq!(j["event_periods"][0]["kind"], "appraisal_review");
    }

    /// 公报第 1586-1588 行 (10号), 第 1760-1762 行 (11号): 被征收人对补偿决定有异议的，可在通告之日起
    /// 60 日内依法申请行政复议，也可在 6 个月内依法提起行政诉讼。
    #[test]
    fn compensation_decision_review_60_days_lawsuit_6_months() {
        assert!(lines(PLAN_10, 1468, 1586, 1588).contains(&without_whitespace(DECISION_APPEAL_TEXT)));
        assert!(lines(PLAN_11, 1642, 1760, 1762).contains(&without_whitespace(DECISION_APPEAL_TEXT)));
        let events = TimelineEvents { compensation_decision_notice: Some(d(2024, 1, 10)), ..Default::default() };
        let t = expropriation_timeline_with(&PROJECTS[1], None, &events, d(2024, 3, 11)).unwrap();
        let p = |k| t.event_periods.iter().find(|p| p.kind == k).unwrap();
        let review = p(PeriodKind::DecisionReview);
        assert_eq!(review.end, Some(d(2024, 3, 10)));
        assert_eq!(review.status, PeriodStatus::Over);
        assert!(review.citation.clause.contains("1760"));
        let lawsuit = p(PeriodKind::DecisionLawsuit);
        assert_eq!(lawsuit.end, Some(d(2024, 7, 10)));
        assert_eq!(lawsuit.status, PeriodStatus::Running);
        assert!(lawsuit.note.unwrap().contains("假定"));
        assert_eq!(p(PeriodKind::AppraisalReview).status, PeriodStatus::AwaitingEvent);
    }

    /// 公报第 1532 行: the valuation date is part of every timeline.
    #[test]
    fn timeline_carries_the_valuation_date() {
        let t = timeline(d(2023, 7, 1));
        assert_eq!(t.valuation_date.date, DECISION_DATE);
        let t = expropriation_timeline(&PROJECTS[0], Some(d(2023, 7, 3)), d(2023, 7, 3)).unwrap();
        assert_eq!(t.valuation_date.date, d(2023, 7, 3));
        let j = serde_json::to_value(&t).unwrap();
        assert_eq!(j["valuation_date"]["date"], "2023-07-03");
    }

    #[test]
    fn serializes_statuses_and_open_end() {
        let t = timeline(d(2023, 7, 5));
        let j = serde_json::to_value(&t).unwrap();
        assert_eq!(j["decision_no"], "临政发〔2023〕10号");
        assert_eq!(j["as_of"], "2023-07-05");
        assert_eq!(j["periods"][0]["kind"], "notice");
        assert_eq!(j["periods"][0]["status"], "over");
        assert_eq!(j["periods"][0]["start"], "2023-06-29");
        assert_eq!(j["periods"][0]["end"], "2023-07-04");
        assert_eq!(j["periods"][1]["status"], "running");
        assert_eq!(j["periods"][2]["kind"], "administrative_review");
        assert_eq!(j["periods"][5]["kind"], "building_freeze");
        assert_eq!(j["periods"][5]["end"], serde_json::Value::Null);
        assert_eq!(j["periods"][5]["citation"]["clause"], "附件 房屋征收补偿方案 十四、其它事项（一）");
        assert_eq!(j["periods"][6]["citation"]["text"], APPROVAL_SUSPENSION_TEXT);
        let t = timeline(d(2023, 6, 28));
        assert!(t.periods.iter().all(|p| p.status == PeriodStatus::NotStarted));
    }
}
