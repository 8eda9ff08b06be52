//! Expropriation decisions (房屋征收决定) of 临政发〔2023〕10号 and 11号.
//!
//! Two old-town renewal projects (旧城改造项目) decided by the county government on
//! 2023-06-29. Source: 临猗县人民政府公报 2023年第2期, lines 1422-1466 and 1596-1640
//! (verbatim copies in `data/gazette/`). The boundaries are given only as four sides
//! (四至): the road, building or project that bounds the area on each side.
//!
//! Periods, freezes and compensation follow from these records; they are computed
//! elsewhere.

pub mod compensation;
pub mod households;
pub mod timeline;

use serde::Serialize;

use crate::units::citation::Citation;
use crate::units::date::Date;

/// Date of both decisions (2023 年 6 月 29 日).
pub const DECISION_DATE: Date = Date::ymd(2023, 6, 29);
/// Expropriating authority (征收主体).
pub const AUTHORITY: &str = "临猗县人民政府";
/// Expropriation department (征收部门).
pub const DEPARTMENT: &str = "临猗县住房和城乡建设管理局";
/// Implementing unit (征收实施单位).
pub const IMPLEMENTER: &str = "临猗县住房保障和房地产服务中心";

/// One expropriation decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExpropriationProject {
    /// Decision number, e.g. `临政发〔2023〕10号`.
    pub decision_no: &'static str,
    /// Project (area) name, e.g. `壕村小区及油厂家属院`.
    pub project: &'static str,
    /// Title of the decision notice.
    pub title: &'static str,
    /// Nature of the project (项目性质).
    pub nature: &'static str,
    /// Date of the decision.
    pub decision_date: Date,
    /// Expropriating authority (征收主体).
    pub authority: &'static str,
    /// Expropriation department (征收部门).
    pub department: &'static str,
    /// Implementing unit (征收实施单位).
    pub implementer: &'static str,
    /// East side (东至).
    pub east: &'static str,
    /// West side (西至).
    pub west: &'static str,
    /// North side (北至).
    pub north: &'static str,
    /// South side (南至).
    pub south: &'static str,
}

/// Both decisions, in order of their numbers.
pub const PROJECTS: [ExpropriationProject; 2] = [
    ExpropriationProject {
        decision_no: "临政发〔2023〕10号",
        project: "壕村小区及油厂家属院",
        title: "关于壕村小区及油厂家属院旧城改造项目房屋征收决定的通告",
        nature: "旧城改造项目",
        decision_date: DECISION_DATE,
        authority: AUTHORITY,
        department: DEPARTMENT,
        implementer: IMPLEMENTER,
        east: "东城路",
        west: "铭基云台府项目",
        north: "古城墙",
        south: "规划的古坊街",
    },
    ExpropriationProject {
        decision_no: "临政发〔2023〕11号",
        project: "国税局家属院（鑫星小区）",
        title: "关于国税局家属院（鑫星小区）旧城改造项目房屋征收决定的通告",
        nature: "旧城改造项目",
        decision_date: DECISION_DATE,
        authority: AUTHORITY,
        department: DEPARTMENT,
        implementer: IMPLEMENTER,
        east: "外贸小区",
        west: "临猗二中",
        north: "丽庭书苑项目",
        south: "府西街",
    },
];

/// `line_10` for the plan of 临政发〔2023〕10号, `line_11` for that of 11号: the two
/// compensation plans have the same wording on different gazette lines.
pub fn plan_clause(project: &ExpropriationProject, line_10: &'static str, line_11: &'static str) -> &'static str {
    if project.decision_no.contains("11号") { line_11 } else { line_10 }
}

/// 补偿方案 九（一）: the valuation date (gazette line 1532 for 10号, 1706 for 11号).
pub const VALUATION_DATE_TEXT: &str = "估价时点为县人民政府发布房屋征收决定通告之日。";

/// The valuation date (估价时点) of a project's appraisals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValuationDate {
    /// The date.
    pub date: Date,
    /// How it was fixed (with 假定/assumption where the gazette leaves a choice).
    pub basis: &'static str,
    /// The clause.
    pub citation: Citation,
}

const VALUATION_DEFAULT: &str = "估价时点为发布房屋征收决定通告之日；未给出发布日期时取通告落款日期（决定日期）（假定） / the valuation date is the day the decision notice was published; without a publication date the notice's own date (the decision date) is taken (assumption)";
const VALUATION_PUBLISHED: &str = "估价时点为发布房屋征收决定通告之日（给出的发布日期） / the valuation date is the publication date given for the decision notice";

/// The valuation date of `project`: the day its decision notice was published
/// (`published`, or the decision date when none is given).
pub fn valuation_date(project: &ExpropriationProject, published: Option<Date>) -> ValuationDate {
    let clause = plan_clause(
        project,
        "附件 房屋征收补偿方案 九（一）被征收房屋评估办法（公报第 1532 行）",
        "附件 房屋征收补偿方案 九（一）被征收房屋评估办法（公报第 1706 行）",
    );
    ValuationDate {
        date: published.unwrap_or(project.decision_date),
        basis: if published.is_some() { VALUATION_PUBLISHED } else { VALUATION_DEFAULT },
        citation: Citation::new(project.decision_no, clause, VALUATION_DATE_TEXT),
    }
}

/// A document number in canonical form: whitespace removed and the year brackets
/// written 〔〕 (`临政发[2023]10 号` and `临政发（2023）10号` become `临政发〔2023〕10号`).
pub fn canonical_document_no(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '(' | '（' | '【' | '［' => '〔',
            ']' | ')' | '）' | '】' | '］' => '〕',
            c => c,
        })
        .collect()
}

/// The decision with number `decision_no` (bracket style and spaces do not matter).
pub fn project_by_decision_no(decision_no: &str) -> Option<&'static ExpropriationProject> {
    let wanted = canonical_document_no(decision_no);
    PROJECTS.iter().find(|p| p.decision_no == wanted)
}

/// The decision numbers known to this crate, for messages.
pub fn known_decision_numbers() -> Vec<&'static str> {
    PROJECTS.iter().map(|p| p.decision_no).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZETTE_10: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1422-1466.txt");
    const GAZETTE_11: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1596-1640.txt");

    #[test]
    fn records_match_the_gazette() {
        for (p, text) in PROJECTS.iter().zip([GAZETTE_10, GAZETTE_11]) {
            assert!(text.lines().any(|l| l == p.decision_no), "{}", p.decision_no);
            // The extraction inserts a space before 房屋征收决定 in the titles.
            assert!(text.replace(' ', "").contains(p.title), "{}", p.title);
            assert!(p.title.contains(p.project));
            let sides = format!("东至{}，西至{}，北至{}，南至{}。", p.east, p.west, p.north, p.south);
            assert!(text.lines().any(|l| l == sides), "{sides}");
            let units =
                format!("征收主体为{}，征收部门为{}，征收实施单位为{}。", p.authority, p.department, p.implementer);
            assert!(text.contains(&units), "{units}");
            assert!(text.contains(&format!("{}。", p.nature)));
            assert!(text.contains("2023 年 6 月 29 日"));
            assert_eq!(p.decision_date.to_string(), "2023-06-29");
            assert!(text.contains("（此件公开发布）"));
        }
    }

    #[test]
    fn look_up_by_decision_number() {
        let p = project_by_decision_no("临政发〔2023〕10号").unwrap();
        assert_eq!(p.project, "壕村小区及油厂家属院");
        assert_eq!(p.east, "东城路");
        let p = project_by_decision_no("临政发[2023]11 号").unwrap();
        assert_eq!(p.project, "国税局家属院（鑫星小区）");
        assert_eq!(p.south, "府西街");
        assert_eq!(project_by_decision_no("临政发（2023）11号").map(|p| p.decision_no), Some("临政发〔2023〕11号"));
        assert_eq!(project_by_decision_no("临政发〔2023〕12号"), None);
        assert_eq!(project_by_decision_no(""), None);
        assert_eq!(known_decision_numbers(), ["临政发〔2023〕10号", "临政发〔2023〕11号"]);
    }

    /// 公报第 1532 行 (10号) / 第 1706 行 (11号): 估价时点为县人民政府发布房屋征收决定通告之日。
    #[test]
    fn valuation_date_is_the_notice_day() {
        let plan_10 = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1468-1594.txt");
        let v = valuation_date(&PROJECTS[0], None);
        assert_eq!(v.date, Date::ymd(2023, 6, 29));
        assert!(v.basis.contains("假定") && v.basis.contains("assumption"));
        assert!(v.citation.clause.contains("1532"));
        assert!(plan_10.lines().nth(1532 - 1468).unwrap().contains(VALUATION_DATE_TEXT));
        let v = valuation_date(&PROJECTS[1], Some(Date::ymd(2023, 7, 3)));
        assert_eq!(v.date, Date::ymd(2023, 7, 3));
        assert!(!v.basis.contains("假定"));
        assert!(v.citation.clause.contains("1706"));
        assert_eq!(v.citation.document, "临政发〔2023〕11号");
    }

    #[test]
    fn serializes_with_iso_date() {
        let v = serde_json::to_value(PROJECTS[0]).unwrap();
        assert_eq!(v["decision_date"], "2023-06-29");
        assert_eq!(v["department"], "临猗县住房和城乡建设管理局");
        assert_eq!(v["implementer"], "临猗县住房保障和房地产服务中心");
    }
}
