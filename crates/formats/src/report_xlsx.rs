//! Reports as Excel workbooks: the same table shape as [`CsvTable`], one sheet, a
//! bold frozen header and fitted columns.
//!
//! A cell that reads as a plain decimal number (`12`, `-3.5`; no sign `+`, no leading
//! zero, at most 15 significant digits) is written as a number, so a spreadsheet can
//! add it up, except in the columns the caller names as text (codes and ids, which
//! must keep every digit). Every other cell is a string cell: a workbook never runs
//! a string as a formula, so no cell needs [`formula_safe`]'s quote.
//!
//! [`formula_safe`]: landtrace_domain::spreadsheet_cell::formula_safe

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::report_csv::CsvTable;

/// The XLSX media type.
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Why a workbook could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportXlsxError {
    /// The writer refused (a sheet name over 31 characters, too many rows, …).
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// Whether `text` is a plain decimal number a spreadsheet may hold exactly.
fn plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'))
        && !(digits.contains('.') && frac.is_empty())
        && int.len() + frac.len() <= 15;
    plain.then(|| text.parse::<f64>().ok()).flatten()
}

impl CsvTable {
    /// The table as a workbook of one sheet named `sheet` (at most 31 characters);
    /// the columns whose header is in `text_columns` stay text (see the module docs).
    pub fn to_xlsx(&self, sheet: &str, text_columns: &[&str]) -> Result<Vec<u8>, ReportXlsxError> {
        self.to_xlsx_titled(sheet, text_columns, &[])
    }

    /// [`CsvTable::to_xlsx`] under title lines (a report's title and period, one line
    /// each, the first in bold and larger), the table starting below them.
    pub fn to_xlsx_titled(
        &self,
        sheet: &str,
        text_columns: &[&str],
        titles: &[String],
    ) -> Result<Vec<u8>, ReportXlsxError> {
        let mut workbook = Workbook::new();
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet)?;
        let bold = Format::new().set_bold();
        let big = Format::new().set_bold().set_font_size(14);
        let plain = Format::new();
        for (i, line) in titles.iter().enumerate() {
            worksheet.write_string_with_format(i as u32, 0, line, if i == 0 { &big } else { &plain })?;
        }
        let top = titles.len() as u32;
        let text_column: Vec<bool> = self.header.iter().map(|h| text_columns.contains(&h.as_str())).collect();
        for (col, name) in self.header.iter().enumerate() {
            worksheet.write_string_with_format(top, col as u16, name, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1 + top;
            for (col, cell) in row.iter().enumerate() {
                let number = if text_column.get(col).copied().unwrap_or(false) { None } else { plain_number(cell) };
                match number {
                    Some(n) => worksheet.write_number(r, col as u16, n)?,
                    None if cell.is_empty() => worksheet,
                    None => worksheet.write_string(r, col as u16, cell)?,
                };
            }
        }
        worksheet.set_freeze_panes(top + 1, 0)?;
        worksheet.autofit();
        Ok(workbook.save_to_buffer()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_only() {
        for (text, expected) in [
            ("12", Some(12.0)),
            ("-3.50", Some(-3.5)),
            ("0.25", Some(0.25)),
            ("+1", None),
            ("007", None),
            ("1.", None),
            ("1e5", None),
            ("无变化", None),
            ("", None),
            ("1234567890123456", None),
        ] {
            assert_eq!(plain_number(text), expected, "{text}");
        }
    }

    #[test]
    fn a_workbook_with_chinese_text_numbers_and_text_codes() {
        let table = CsvTable {
            header: vec!["乡（镇）".into(), "乡镇代码".into(), "豇豆".into(), "较上周".into()],
            rows: vec![vec!["猗氏镇".into(), "140821100".into(), "2".into(), "=1+1".into()]],
        };
        let bytes = table.to_xlsx("台账", &["乡镇代码"]).unwrap();
        assert_eq!(&bytes[..2], b"PK", "a zip");
        assert!(table.to_xlsx("a sheet name longer than thirty-one characters", &[]).is_err());
    }
}
