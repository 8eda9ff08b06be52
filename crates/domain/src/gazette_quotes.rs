//! Test only: every quote the crate publishes is checked against the verbatim
//! gazette excerpts in `data/gazette/` (see `data/gazette/README.md`).
//!
//! The quotes are collected from what the crate hands out: the results of the
//! public functions (serialized, every `Citation` in them found by its shape), the
//! truck-ban rule summary and the public quote constants. A quote is compared
//! without whitespace (the extraction breaks lines and puts spaces around numbers),
//! fragment by fragment at `……`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::consolidation::{self, Attachments, ProjectType, consolidation_compensation};
use crate::expropriation::PROJECTS;
use crate::expropriation::compensation::{LowRiseHouse, compensation, low_rise_compensation};
use crate::expropriation::timeline::expropriation_timeline;
use crate::land::prices::{Grade, GradeSystem};
use crate::land::valuation::{GradePart, UseRequest, benchmark_valuation};
use crate::sponge::{SpongeProjectType, project_target};
use crate::truck_ban;
use crate::units::area::{Mu, SquareMetres};
use crate::units::citation::without_whitespace;
use crate::units::date::Date;
use crate::units::money::Money;

/// The excerpts: (document, file name, text).
const EXCERPTS: [(&str, &str, &str); 8] = [
    (
        "临政发〔2023〕5号",
        "linyi-gazette-2023-02-L89-126.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L89-126.txt"),
    ),
    (
        "临政发〔2023〕8号",
        "linyi-gazette-2023-02-L1291-1328.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L1291-1328.txt"),
    ),
    (
        "临政发〔2023〕9号",
        "linyi-gazette-2023-02-L1328-1418.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L1328-1418.txt"),
    ),
    (
        "临政发〔2023〕10号",
        "linyi-gazette-2023-02-L1422-1466.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L1422-1466.txt"),
    ),
    (
        "临政发〔2023〕10号",
        "linyi-gazette-2023-02-L1468-1594.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L1468-1594.txt"),
    ),
    (
        "临政发〔2023〕11号",
        "linyi-gazette-2023-02-L1596-1640.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L1596-1640.txt"),
    ),
    (
        "临政发〔2023〕11号",
        "linyi-gazette-2023-02-L1642-1768.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L1642-1768.txt"),
    ),
    (
        "临政办发〔2023〕11号",
        "linyi-gazette-2023-02-L2272-2274.txt",
        include_str!("../../../data/gazette/linyi-gazette-2023-02-L2272-2274.txt"),
    ),
];

/// Published wording that deliberately differs from the gazette, with the verbatim
/// part that is checked instead. `truck_ban::BOUNDARY_ROADS`: for 峨嵋大道 the
/// gazette's parenthesis goes on to the excluded stretches; the crate closes it.
const ADAPTED: [(&str, &str); 1] = [("峨嵋大道以南（不含峨嵋大道）", "峨嵋大道以南（不含峨嵋大道，")];

/// Quotes found in the gazette but not in the document they are attributed to:
/// (document, published text, what the document says). Each entry is a bug in the
/// crate to fix; the test fails once an entry no longer applies, so that it is
/// removed. The quote must still be found in the excerpts of some document.
/// (Empty since the 11号 building-freeze clause got its own wording, 通告 not 公告.)
const KNOWN_MISMATCHES: [(&str, &str, &str); 0] = [];

/// One published quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Quote {
    /// Where it was found and which clause it is, for messages.
    pub name: String,
    /// The document it is attributed to.
    pub document: String,
    /// The quoted wording.
    pub text: String,
}

/// Adds every `Citation` (an object with exactly `document`, `clause` and `text`)
/// found anywhere in `value`.
fn citations_in(value: &Value, path: &str, out: &mut Vec<Quote>) {
    match value {
        Value::Object(map) => {
            let is_citation = map.len() == 3
                && ["document", "clause", "text"].iter().all(|k| map.get(*k).is_some_and(Value::is_string));
            if is_citation {
                let s = |k: &str| map[k].as_str().unwrap_or_default().to_owned();
                out.push(Quote {
                    name: format!("{path} ({} {})", s("document"), s("clause")),
                    document: s("document"),
                    text: s("text"),
                });
            }
            for (k, v) in map {
                citations_in(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                citations_in(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Adds every `text_zh` string found anywhere in `value` as a quote of `document`.
fn text_zh_in(value: &Value, path: &str, document: &str, out: &mut Vec<Quote>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{path}.{k}");
                match (k.as_str(), v) {
                    ("text_zh", Value::String(text)) => {
                        out.push(Quote { name: here, document: document.to_owned(), text: text.clone() })
                    }
                    _ => text_zh_in(v, &here, document, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                text_zh_in(v, &format!("{path}[{i}]"), document, out);
            }
        }
        _ => {}
    }
}

fn quote(name: &str, document: &str, text: &str) -> Quote {
    Quote { name: name.to_owned(), document: document.to_owned(), text: text.to_owned() }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializable")
}

/// Every quote the crate publishes (duplicates removed, first name kept).
pub(crate) fn published_quotes() -> Vec<Quote> {
    let mut all = Vec::new();

    // Expropriation periods and compensation lines, both projects, several inputs.
    for p in &PROJECTS {
        for (published, as_of) in [(None, Date::ymd(2023, 7, 1)), (Some(Date::ymd(2023, 7, 3)), Date::ymd(2024, 7, 1))]
        {
            let t = expropriation_timeline(p, published, as_of).expect("timeline");
            citations_in(&to_json(&t), &format!("expropriation_timeline({})", p.decision_no), &mut all);
        }
        for day in [0, 20, 25, 31] {
            let c = compensation(p, Money::from_yuan(800_000).unwrap(), SquareMetres::new(120.5).unwrap(), day)
                .expect("compensation");
            citations_in(&to_json(&c), &format!("compensation({}, day {day})", p.decision_no), &mut all);
        }
        // Houses of two storeys or fewer, both clauses of 九（二）.
        for land in [100.0, 150.0] {
            let house = LowRiseHouse {
                storeys: 2,
                legal_land_area: SquareMetres::new(land).unwrap(),
                appraised_price_per_m2: Money::from_yuan(3_000).unwrap(),
                construction_cost_per_m2: Money::from_yuan(1_000).unwrap(),
            };
            let c = low_rise_compensation(p, SquareMetres::new(120.0).unwrap(), &house, 5).expect("low rise");
            citations_in(&to_json(&c), &format!("low_rise_compensation({}, land {land})", p.decision_no), &mut all);
        }
        // The event periods with their dates.
        let events = crate::expropriation::timeline::TimelineEvents {
            appraisal_report_received: Some(Date::ymd(2023, 9, 1)),
            review_result_received: Some(Date::ymd(2023, 9, 20)),
            compensation_decision_notice: Some(Date::ymd(2024, 1, 10)),
        };
        let t = crate::expropriation::timeline::expropriation_timeline_with(p, None, &events, Date::ymd(2024, 1, 1))
            .expect("timeline");
        citations_in(&to_json(&t), &format!("expropriation_timeline_with({})", p.decision_no), &mut all);
        // The decision records (expropriation::PROJECTS, also in zone_details).
        let name = |field: &str| format!("expropriation::PROJECTS {} .{field}", p.decision_no);
        all.push(quote(&name("decision_no"), p.decision_no, p.decision_no));
        all.push(quote(&name("title"), p.decision_no, p.title));
        all.push(quote(&name("nature"), p.decision_no, p.nature));
        all.push(quote(&name("authority"), p.decision_no, &format!("征收主体为{}", p.authority)));
        all.push(quote(&name("department"), p.decision_no, &format!("征收部门为{}", p.department)));
        all.push(quote(&name("implementer"), p.decision_no, &format!("征收实施单位为{}", p.implementer)));
        for (side, road) in [("东至", p.east), ("西至", p.west), ("北至", p.north), ("南至", p.south)] {
            all.push(quote(&name(side), p.decision_no, &format!("{side}{road}")));
        }
    }

    // Consolidation lines, both project types, every attachment.
    let mu = |x| Mu::new(x).unwrap();
    let attachments = Attachments {
        fruiting_orchard: mu(1.5),
        non_fruiting_orchard: mu(2.0),
        other_forest: mu(0.5),
        abandoned_homesteads: 2,
    };
    for project_type in [ProjectType::Linkage, ProjectType::Remediation] {
        let dates =
            consolidation::ProjectDates::new(Some(Date::ymd(2021, 3, 1)), Some(Date::ymd(2023, 5, 20))).expect("dates");
        let c = consolidation_compensation(project_type, mu(100.0), &attachments, dates).expect("consolidation");
        citations_in(&to_json(&c), &format!("consolidation_compensation({project_type:?})"), &mut all);
        all.push(quote("ConsolidationCompensation.document", c.document, c.document));
        all.push(quote("ConsolidationCompensation.title", c.document, c.title));
        all.push(quote("ConsolidationCompensation.replaces", c.document, c.replaces));
    }
    let doc9 = consolidation::DOCUMENT;
    all.push(quote("consolidation::TRANSITION_TEXT (第十七条)", doc9, consolidation::TRANSITION_TEXT));
    all.push(quote("consolidation::REPEAL_TEXT (第十九条)", doc9, consolidation::REPEAL_TEXT));

    // Valuation: the document facts it publishes. SCOPE_ZH is a summary, not a quote.
    let uses = UseRequest::parse("商服", None).unwrap();
    let parts = [
        GradePart {
            system: GradeSystem::Urban,
            grade: Grade::new(GradeSystem::Urban, 1).unwrap(),
            area: SquareMetres::new(600.0).unwrap(),
        },
        GradePart {
            system: GradeSystem::Collective,
            grade: Grade::new(GradeSystem::Collective, 2).unwrap(),
            area: SquareMetres::new(300.0).unwrap(),
        },
    ];
    let v = benchmark_valuation(SquareMetres::new(1000.0).unwrap(), &parts, &uses, Some(Date::ymd(2023, 7, 1)))
        .expect("valuation");
    citations_in(&to_json(&v), "benchmark_valuation", &mut all);
    all.push(quote("Valuation.document", v.document, v.document));
    all.push(quote("Valuation.approval", v.document, v.approval));

    // Truck ban: every clause, boundary road and excluded stretch of the rule summary.
    let rule = truck_ban::rule_summary();
    let doc5 = truck_ban::DOCUMENT;
    text_zh_in(&rule, "truck_ban::rule_summary()", doc5, &mut all);
    for key in ["document", "title"] {
        all.push(quote(&format!("truck_ban::rule_summary().{key}"), doc5, rule[key].as_str().unwrap()));
    }

    // Sponge city: the target of every project type (line 2274).
    for kind in
        [None, Some(SpongeProjectType::New), Some(SpongeProjectType::Rebuilt), Some(SpongeProjectType::Extended)]
    {
        citations_in(&to_json(&project_target(kind, None)), &format!("sponge::project_target({kind:?})"), &mut all);
    }

    let mut seen = BTreeMap::new();
    all.retain(|q| seen.insert((q.document.clone(), q.text.clone()), ()).is_none());
    all
}

/// The fragments of a quote to look for, without whitespace (adapted wording
/// replaced by its verbatim part).
fn fragments(text: &str) -> Vec<String> {
    let text = ADAPTED.iter().find(|(published, _)| *published == text).map_or(text, |(_, verbatim)| verbatim);
    text.split("……").map(without_whitespace).filter(|f| !f.is_empty()).collect()
}

/// The excerpts of `document` (all of them if `None`), concatenated, without whitespace.
fn excerpts(document: Option<&str>) -> String {
    EXCERPTS
        .iter()
        .filter(|(d, _, _)| document.is_none_or(|doc| *d == doc))
        .map(|(_, _, t)| without_whitespace(t))
        .collect()
}

fn is_known_mismatch(q: &Quote) -> bool {
    KNOWN_MISMATCHES.iter().any(|(document, text, _)| q.document == *document && q.text == *text)
}

/// The quotes (by name) whose wording is not in the excerpts: anywhere, and in those
/// of the document they are attributed to.
pub(crate) fn missing(quotes: &[Quote]) -> Vec<String> {
    let all = excerpts(None);
    let mut by_document: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = Vec::new();
    for q in quotes {
        let own = by_document.entry(&q.document).or_insert_with(|| excerpts(Some(&q.document)));
        if own.is_empty() {
            out.push(format!("{}: no excerpt of {} in data/gazette", q.name, q.document));
            continue;
        }
        for f in fragments(&q.text) {
            if !all.contains(&f) {
                out.push(format!("{}: not in the gazette excerpts: {f}", q.name));
            } else if !own.contains(&f) && !is_known_mismatch(q) {
                out.push(format!("{}: not in the excerpts of {}: {f}", q.name, q.document));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_quote_is_in_the_gazette_excerpts() {
        let quotes = published_quotes();
        // The walk reaches every kind of source.
        for needle in [
            "expropriation_timeline(临政发〔2023〕10号)",
            "expropriation_timeline(临政发〔2023〕11号)",
            "compensation(临政发〔2023〕10号",
            "compensation(临政发〔2023〕11号",
            "low_rise_compensation(临政发〔2023〕10号, land 150)",
            "low_rise_compensation(临政发〔2023〕11号, land 100)",
            "consolidation_compensation(Linkage)",
            "consolidation_compensation(Remediation)",
            "expropriation::PROJECTS",
            "Valuation",
            "truck_ban::rule_summary().exempt[4]",
            "truck_ban::rule_summary().boundary_roads[3]",
            "truck_ban::rule_summary().excluded_stretches[1]",
            "sponge::project_target(None)",
        ] {
            assert!(quotes.iter().any(|q| q.name.contains(needle)), "no quote collected from {needle}");
        }
        for clause in ["通告 七、其他", "附件 房屋征收补偿方案 十一、奖励办法", "第五条", "第十四条", "第二条"]
        {
            assert!(quotes.iter().any(|q| q.name.contains(clause)), "no citation of {clause}");
        }
        let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
        for (published, _) in ADAPTED {
            assert!(texts.contains(&published), "ADAPTED entry no longer published: {published}");
        }
        for (document, text, gazette) in KNOWN_MISMATCHES {
            let q = quotes.iter().find(|q| q.document == document && q.text == text);
            assert!(q.is_some(), "KNOWN_MISMATCHES entry no longer published, remove it: {document} {text}");
            let own = excerpts(Some(document));
            assert!(!own.contains(&without_whitespace(text)), "fixed, remove from KNOWN_MISMATCHES: {document} {text}");
            assert!(own.contains(&without_whitespace(gazette)), "KNOWN_MISMATCHES: {document} does not say {gazette}");
        }
        assert!(quotes.len() > 50, "only {} quotes collected", quotes.len());

        let not_found = missing(&quotes);
        assert!(
            not_found.is_empty(),
            "{} of {} quotes not found in data/gazette:\n{}",
            not_found.len(),
            quotes.len(),
            not_found.join("\n")
        );
    }

    #[test]
    fn an_altered_quote_is_reported_by_name() {
        let mut quotes = published_quotes();
        let q = quotes.iter_mut().find(|q| q.name.contains("十一、奖励办法")).unwrap();
        q.text = q.text.replace("20%", "25%");
        let not_found = missing(&quotes);
        assert_eq!(not_found.len(), 1, "{not_found:?}");
        assert!(
            not_found[0].starts_with("compensation(临政发〔2023〕10号, day 0).lines[3].citation"),
            "{}",
            not_found[0]
        );
        assert!(not_found[0].contains("十一、奖励办法"));
        // Attributed to the wrong document: found in the gazette, but not in its own.
        let wrong = Quote {
            document: "临政发〔2023〕9号".into(),
            ..quote("x", "", crate::expropriation::compensation::BONUS_TEXT)
        };
        assert_eq!(missing(&[wrong]).len(), 1);
    }
}
