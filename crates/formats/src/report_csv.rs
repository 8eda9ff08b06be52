//! A small CSV writer for reports (UTF-8 with BOM so spreadsheet programs used in
//! Chinese offices open it with the right encoding).

/// Rows of text cells under a header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvTable {
    /// Column names.
    pub header: Vec<String>,
    /// Data rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// The CSV text, with a UTF-8 byte-order mark and CRLF line ends (RFC 4180).
    pub fn to_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        writer.write_record(&self.header).expect("writing to memory");
        for row in &self.rows {
            writer.write_record(row).expect("writing to memory");
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
}
