//! The household register (被征收户) of the expropriation projects as the housing
//! bureau reads it, for the HTTP API and the CLI alike: every household with its
//! compensation computed on read (`landtrace_domain::expropriation::households`, the
//! one home of the rules), and the progress per project (counts only) as JSON, CSV
//! or XLSX.
//!
//! Who may read what is decided by the caller: the register holds personal fields
//! (names, ID numbers); the progress does not.

use landtrace_domain::expropriation::households::{Household, Progress, assess, progress};
use landtrace_domain::expropriation::project_by_decision_no;
use landtrace_domain::{Date, LayerKind};
use landtrace_formats::report_csv::CsvTable;
use landtrace_store::{Feature, Store, StoreError};
use serde_json::{Value, json};

/// Why the register could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The decision number asked for is not known.
    #[error(
        "decision_no {0:?}: 决定文号不是 {known} / not a known expropriation decision",
        known = landtrace_domain::expropriation::known_decision_numbers().join(" 或 ")
    )]
    UnknownDecision(String),
}

/// The decision number filter, canonical (`None`: every project).
pub fn decision_filter(decision_no: Option<&str>) -> Result<Option<&'static str>, RegisterError> {
    match decision_no.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(d) => {
            project_by_decision_no(d).map(|p| Some(p.decision_no)).ok_or(RegisterError::UnknownDecision(d.into()))
        }
    }
}

/// One household as the register answers it: the stored properties (all of them:
/// the caller is the owning role) and the computed assessment. A stored record the
/// rules no longer accept is answered with its error, not dropped.
pub fn household_json(feature: &Feature, as_of: Date) -> Value {
    match Household::from_properties(&feature.properties) {
        Ok(h) => json!({
            "id": feature.id,
            "properties": feature.properties,
            "assessment": assess(&h, as_of),
        }),
        Err(error) => json!({"id": feature.id, "properties": feature.properties, "error": error}),
    }
}

/// The households of `decision_no` (every project when `None`), in id order.
pub async fn households(
    store: &dyn Store,
    decision_no: Option<&'static str>,
    as_of: Date,
) -> Result<Vec<Value>, RegisterError> {
    let features = store.features(LayerKind::ExpropriationHouseholds).await?;
    Ok(features
        .iter()
        .filter(|f| decision_no.is_none_or(|d| project_of(f) == Some(d)))
        .map(|f| household_json(f, as_of))
        .collect())
}

fn project_of(f: &Feature) -> Option<&'static str> {
    f.properties.get("decision_no").and_then(Value::as_str).and_then(project_by_decision_no).map(|p| p.decision_no)
}

/// The progress of every project from the stored households (counts only; a
/// record the rules do not accept is not counted).
pub fn progress_of<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Vec<Progress> {
    let households: Vec<Household> =
        features.into_iter().filter_map(|f| Household::from_properties(&f.properties).ok()).collect();
    progress(&households)
}

/// The progress report from the store.
pub async fn progress_report(store: &dyn Store) -> Result<Vec<Progress>, RegisterError> {
    Ok(progress_of(&store.features(LayerKind::ExpropriationHouseholds).await?))
}

/// The progress as a table (CSV / XLSX), Chinese headers with English in brackets.
pub fn progress_table(progress: &[Progress]) -> CsvTable {
    CsvTable {
        header: [
            "决定文号 (decision_no)",
            "项目 (project)",
            "登记户数 (households)",
            "已签约 (signed)",
            "未签约 (not_signed)",
            "已作出补偿决定 (decision_made)",
            "已搬迁移交 (handed_over)",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: progress
            .iter()
            .map(|p| {
                vec![
                    p.decision_no.to_owned(),
                    p.project.to_owned(),
                    p.households.to_string(),
                    p.signed.to_string(),
                    p.not_signed.to_string(),
                    p.decision_made.to_string(),
                    p.handed_over.to_string(),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn feature(id: i64, v: Value) -> Feature {
        let Value::Object(properties) = v else { unreachable!() };
        Feature { id, geometry: None, properties }
    }

    #[test]
    fn progress_table_has_counts_only() {
        let fs = [
            feature(
                1,
                json!({"decision_no": "临政发〔2023〕10号", "household_no": "1", "owner_name": "甲",
                              "agreement_signed_on": "2023-09-20", "accuracy": "illustrative"}),
            ),
            feature(
                2,
                json!({"decision_no": "临政发〔2023〕10号", "household_no": "2", "owner_name": "乙",
                              "compensation_decision_on": "2024-01-10", "accuracy": "illustrative"}),
            ),
        ];
        let t = progress_table(&progress_of(&fs));
        assert_eq!(t.rows[0][2..], ["2", "1", "1", "1", "0"]);
        assert_eq!(t.rows[1][2..], ["0", "0", "0", "0", "0"]);
        let csv = t.to_csv();
        assert!(!csv.contains('甲') && !csv.contains('乙'));
        assert!(csv.contains("已签约 (signed)"));
        assert_eq!(decision_filter(Some("临政发[2023]11号")).unwrap(), Some("临政发〔2023〕11号"));
        assert!(decision_filter(Some("x")).is_err());
        assert_eq!(decision_filter(None).unwrap(), None);
        let bad = household_json(&feature(3, Value::Object(Map::new())), Date::ymd(2024, 1, 1));
        assert!(bad["error"].as_str().unwrap().starts_with("decision_no"));
    }
}
