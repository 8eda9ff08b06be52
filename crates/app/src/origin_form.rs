//! The collection-form spreadsheet of 临政办发〔2023〕19号 (CSV, UTF-8 or GBK) and the
//! weekly dispatch ledger: the use cases behind `POST /api/trace/import`, `landtrace
//! trace import`, `GET /api/trace/ledger` and `landtrace report ledger`.
//!
//! Every row is checked by the one write path's rules ([`Rulebooks`]); if any row
//! fails nothing is stored and every failing row is reported.

use landtrace_domain::Date;
use landtrace_domain::traceability::{
    Divisions, FieldProblem, IsoWeek, Ledger, LedgerRecord, ThresholdCheck, completeness, ledger,
};
use landtrace_formats::origin_csv::{CsvEncoding, decode, parse_origin_form};
use landtrace_spatial::Crs;
use landtrace_store::{Actor, Feature, NewFeature};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::origin_producers::{duplicate_problem, find_duplicate};
use crate::origin_records::{PreparedRecord, parse_position, prepare_record};
use crate::write_path::Rulebooks;

fn text<'a>(props: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    props.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// One row of an import report.
#[derive(Debug, Serialize)]
pub struct ImportedRow {
    /// Line of the row in the file (header = 1).
    pub line: usize,
    /// Stored feature id (None in a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Subject name.
    pub subject_name: String,
    /// The threshold flag.
    pub threshold: ThresholdCheck,
    /// Notes of the checks (variant names mapped, ...).
    pub notes: Vec<String>,
}

/// The rows of a spreadsheet that failed, each with its problems.
#[derive(Debug, Serialize)]
pub struct RejectedRow {
    /// Line of the row in the file (header = 1).
    pub line: usize,
    /// What is wrong.
    pub problems: Vec<FieldProblem>,
}

/// Result of a successful (or dry-run) import.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// Encoding the file was read with.
    pub encoding: &'static str,
    /// Rows stored (0 in a dry run).
    pub imported: usize,
    /// Rows checked.
    pub checked: usize,
    /// Whether nothing was written on purpose.
    pub dry_run: bool,
    /// Rows below the mandatory-collection threshold (accepted, flagged).
    pub not_mandatory: usize,
    /// Per-row results.
    pub rows: Vec<ImportedRow>,
    /// The same file was imported before with the same `Idempotency-Key`; these
    /// are that import's ids and nothing was written now.
    pub replayed: bool,
}

/// Why a form is refused whole; nothing of it is stored.
#[derive(Debug)]
pub enum FormRefused {
    /// The file itself (encoding, header) is unusable.
    File(String),
    /// Some rows are invalid.
    Rows {
        /// Encoding the file was read with.
        encoding: &'static str,
        /// Rows checked.
        checked: usize,
        /// The invalid rows.
        rows: Vec<RejectedRow>,
    },
}

/// A form whose every row passed the rules: the features to store, in row order.
#[derive(Debug)]
pub struct CheckedForm {
    encoding: &'static str,
    rows: Vec<(usize, PreparedRecord)>,
}

impl CheckedForm {
    /// The features to store, one per row, normalised and stamped.
    pub fn features(&self) -> Vec<NewFeature> {
        self.rows.iter().map(|(_, p)| p.feature.clone()).collect()
    }

    /// The report of the import: `ids` the stored ids in row order (empty in a
    /// dry run), `replayed` whether they are those of an earlier, identical import.
    pub fn report(self, ids: &[i64], dry_run: bool, replayed: bool) -> ImportReport {
        let checked = self.rows.len();
        let rows: Vec<ImportedRow> = self
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, (line, p))| ImportedRow {
                line,
                id: ids.get(i).copied(),
                subject_name: text(&p.checked.properties, "subject_name").unwrap_or("").to_owned(),
                threshold: p.checked.threshold,
                notes: p.checked.notes,
            })
            .collect();
        ImportReport {
            encoding: self.encoding,
            imported: ids.len(),
            checked,
            dry_run,
            not_mandatory: rows.iter().filter(|r| !r.threshold.mandatory).count(),
            rows,
            replayed,
        }
    }
}

/// Decodes the form (`encoding`, or detected) and checks every row with the
/// write path's rules; positions are read in `crs`. A row repeating a record of
/// `existing` or an earlier row (the same producer, product and position: issue 15,
/// `origin_producers::find_duplicate`) is refused on its `position`. CPU work: callers
/// with an async runtime run it off their async threads.
pub fn check_form(
    bytes: &[u8],
    encoding: CsvEncoding,
    crs: Crs,
    rules: &Rulebooks,
    actor: &Actor,
    existing: &[Feature],
) -> Result<CheckedForm, FormRefused> {
    let (content, used) = decode(bytes, encoding).map_err(FormRefused::File)?;
    let rows = parse_origin_form(&content).map_err(|e| FormRefused::File(e.to_string()))?;
    if rows.is_empty() {
        return Err(FormRefused::File("the file has a header but no records".into()));
    }
    let mut prepared = Vec::with_capacity(rows.len());
    let mut rejected = Vec::new();
    for row in &rows {
        let position = parse_position(
            row.lon.as_ref().map(|s| Value::from(s.as_str())).as_ref(),
            row.lat.as_ref().map(|s| Value::from(s.as_str())).as_ref(),
            crs,
        );
        match prepare_record(&row.properties, position, rules.divisions(), rules.boundary(), actor, None) {
            Ok(p) => {
                let earlier: Vec<Feature> = prepared
                    .iter()
                    .map(|(line, q): &(usize, PreparedRecord)| Feature {
                        id: i64::try_from(*line).unwrap_or_default(),
                        geometry: q.feature.geometry.clone(),
                        properties: q.feature.properties.clone(),
                    })
                    .collect();
                if let Some(problem) = rules.unregistered_producer(&p.feature.properties) {
                    rejected.push(RejectedRow { line: row.line, problems: vec![problem] });
                    continue;
                }
                let repeat = if let Some(stored) = find_duplicate(&p.feature, None, existing) {
                    Some(duplicate_problem(stored).message)
                } else {
                    find_duplicate(&p.feature, None, &earlier).map(|row| {
                        format!("与第 {} 行重复：同一主体、同一产品、同一点位（repeats line {}）", row.id, row.id)
                    })
                };
                match repeat {
                    Some(message) => rejected.push(RejectedRow {
                        line: row.line,
                        problems: vec![FieldProblem { field: "position".into(), message }],
                    }),
                    None => prepared.push((row.line, p)),
                }
            }
            Err(problems) => rejected.push(RejectedRow { line: row.line, problems }),
        }
    }
    if !rejected.is_empty() {
        return Err(FormRefused::Rows { encoding: used, checked: rows.len(), rows: rejected });
    }
    Ok(CheckedForm { encoding: used, rows: prepared })
}

/// The weekly dispatch ledger of `week` from the stored records.
pub fn ledger_of<'a>(records: impl IntoIterator<Item = &'a Feature>, divisions: &Divisions, week: IsoWeek) -> Ledger {
    let records: Vec<LedgerRecord> = records
        .into_iter()
        .map(|f| LedgerRecord {
            township_code: text(&f.properties, "township_code").unwrap_or("").to_owned(),
            product: text(&f.properties, "product").unwrap_or("").to_owned(),
            subject_name: text(&f.properties, "subject_name").unwrap_or("").to_owned(),
            collected_on: text(&f.properties, "collected_on").and_then(|s| Date::parse(s).ok()),
            filled_items: u32::try_from(completeness(&f.properties, f.geometry.is_some()).filled).unwrap_or(0),
        })
        .collect();
    let townships: Vec<(String, String)> = divisions.townships().map(|(c, n)| (c.to_owned(), n.to_owned())).collect();
    ledger(&records, &townships, week)
}
