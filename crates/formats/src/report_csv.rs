//! A small CSV writer for reports (UTF-8 with BOM so spreadsheet programs used in
//! Chinese offices open it with the right encoding; cells that a spreadsheet would run
//! as formulas are neutralised by [`formula_safe`]).

use landtrace_domain::spreadsheet_cell::formula_safe;

/// Rows of text cells under a header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvTable {
    /// Column names.
    pub header: Vec<String>,
    /// Data rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// The CSV text, with a UTF-8 byte-order mark and CRLF line ends (RFC 4180); no cell
    /// starts a formula ([`formula_safe`]).
    pub fn to_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let safe = |cells: &[String]| cells.iter().map(|c| formula_safe(c).into_owned()).collect::<Vec<_>>();
        writer.write_record(safe(&self.header)).expect("writing to memory");
        for row in &self.rows {
            writer.write_record(safe(row)).expect("writing to memory");
        }
        let bytes = writer.into_inner().expect("flushing to memory");
        format!("\u{feff}{}", String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_bom() {
        let t = CsvTable { header: vec!["a".into(), "b".into()], rows: vec![vec!["x,y".into(), "一级".into()]] };
        assert_eq!(t.to_csv(), "\u{feff}a,b\r\n\"x,y\",一级\r\n");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let t = CsvTable {
            header: vec!["=id".into(), "change".into()],
            rows: vec![
                vec!["=HYPERLINK(\"http://x.example\",\"a\")".into(), "-2".into()],
                vec!["+cmd".into(), "-0.5".into()],
                vec!["@x".into(), "\t=1".into()],
                vec!["-x".into(), "\r=1".into()],
            ],
        };
        assert_eq!(
            t.to_csv(),
            "\u{feff}'=id,change\r\n\"'=HYPERLINK(\"\"http://x.example\"\",\"\"a\"\")\",-2\r\n'+cmd,-0.5\r\n\
             '@x,'\t=1\r\n'-x,\"'\r=1\"\r\n"
        );
    }
}
