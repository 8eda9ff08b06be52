//! Origin traceability of the 12 key farm products (临政办发〔2023〕19号, 《临猗县重点农产品产地溯源信息
//! 采集系统推广应用实施方案》).
//!
//! - [`divisions`]: township and village names and codes, with the gazette's OCR variants
//!   (崞阳镇/峒阳镇/嵎阳镇 → 嵋阳镇) and suggestions for unknown names;
//! - [`record`]: checking one origin-point record (required fields, phones, dates, units,
//!   product ↔ industry) and the collection thresholds of 三、采集范围;
//! - [`mod@due`]: when a record is due for update (planting: each crop cycle; livestock and
//!   aquatic: monthly, 五、(二));
//! - [`week`]: ISO 8601 weeks (`2023-W24`);
//! - [`mod@ledger`]: the weekly dispatch ledger of 附件3 (每周调度台账) as JSON, CSV and a printable page.
//!
//! Data files (`data/divisions/name-variants.csv`, `data/trace/update-cycles.csv`) are compiled
//! in; the official township and village list comes in as arguments.

/// The document these rules come from.
pub const DOCUMENT: &str = "临政办发〔2023〕19号";

pub mod divisions;
pub mod due;
pub mod ledger;
pub mod record;
pub mod week;

pub use divisions::{Divisions, NAME_VARIANTS_CSV, NameError, Resolved};
pub use due::{Due, DueStatus, UPDATE_CYCLES_CSV, UPDATE_RULES, UPDATE_RULES_SOURCE, UpdateCycles, due, last_update};
pub use ledger::{LEDGER_TITLE, Ledger, LedgerRecord, LedgerRow, LedgerTotals, ProductCount, ledger};
pub use record::{
    CheckedRecord, FieldProblem, Industry, RecordContext, TRACE_MEANS, ThresholdCheck, check_origin_record,
    check_phone, parse_date_lenient, product_industry, product_unit, threshold,
};
pub use week::IsoWeek;

/// A CSV file's header and its records with their 1-based line numbers.
pub(crate) type CsvTable = (Vec<String>, Vec<(usize, Vec<String>)>);

/// Minimal CSV reading for the bundled data files: `#` comment lines and blank lines are
/// skipped, fields may be quoted with `"` (a doubled `""` inside is a quote), no field
/// spans lines. Returns the header and the records with their 1-based line numbers.
pub(crate) fn csv_records(text: &str) -> Result<CsvTable, String> {
    let mut header: Option<Vec<String>> = None;
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields = csv_line(line).map_err(|e| format!("line {line_no}: {e}"))?;
        match &header {
            None => header = Some(fields.into_iter().map(|f| f.trim().to_owned()).collect()),
            Some(h) => {
                if fields.len() != h.len() {
                    return Err(format!("line {line_no}: {} fields, the header has {}", fields.len(), h.len()));
                }
                records.push((line_no, fields));
            }
        }
    }
    let header = header.ok_or_else(|| "no header line".to_owned())?;
    Ok((header, records))
}

/// The index of column `name` in `header`.
pub(crate) fn csv_column(header: &[String], name: &str) -> Result<usize, String> {
    header.iter().position(|h| h == name).ok_or_else(|| format!("no column {name:?} (columns: {})", header.join(",")))
}

/// Splits one CSV line into fields.
fn csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            (false, '"') => return Err("quote inside an unquoted field".into()),
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    fields.push(field);
    Ok(fields)
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reading() {
        let text = "\u{feff}# comment\na,b,c\n\n1,\"x, \"\"y\"\"\",3\r\n# again\n4,,6\n";
        let (header, records) = csv_records(text).unwrap();
        assert_eq!(header, ["a", "b", "c"]);
        assert_eq!(records[0], (4, vec!["1".to_owned(), "x, \"y\"".to_owned(), "3".to_owned()]));
        assert_eq!(records[1], (6, vec!["4".to_owned(), String::new(), "6".to_owned()]));
        assert_eq!(csv_column(&header, "c"), Ok(2));
        assert!(csv_column(&header, "d").unwrap_err().contains("a,b,c"));
        assert!(csv_records("a,b\n1\n").unwrap_err().contains("line 2"));
        assert!(csv_records("a,b\n\"1,2\n").unwrap_err().contains("unterminated"));
        assert!(csv_records("a,b\n1\"x\",2\n").is_err());
        assert!(csv_records("# only a comment\n").is_err());
    }

    #[test]
    fn html_escaping() {
        assert_eq!(html_escape("<b>\"A&B\"</b> 'x'"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;");
        assert_eq!(html_escape("嵋阳镇"), "嵋阳镇");
    }
}
