//! The data tables the rules are read from (compiled-in CSV files such as the
//! runoff coefficients, design rainfall and update cycles, and the bundled
//! division lists), read with the `csv` crate: the one CSV reader of the project
//! for data files (the collection form, a user's file, is read by
//! `landtrace_formats::origin_csv` with the same crate).

/// A CSV file's header and its records with their 1-based line numbers.
pub type CsvTable = (Vec<String>, Vec<(usize, Vec<String>)>);

/// The bundled data files read with the `csv` crate (the one CSV reader of the
/// project): a leading byte-order mark is dropped, lines starting with `#` and blank
/// lines are skipped, fields may be quoted with `"` (a doubled `""` inside is a
/// quote; a quoted field may span lines), and every record must have as many
/// fields as the header. Returns the header (trimmed) and the records with the
/// 1-based line each starts on.
pub fn read_table(text: &str) -> Result<CsvTable, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).comment(Some(b'#')).flexible(true).from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut records = Vec::new();
    // The crate does not count comment lines in its line numbers: count the line
    // ends before each record's first byte instead (one pass over the text).
    let (mut counted_to, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let start = record.position().map_or(counted_to, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let mut start = start.clamp(counted_to, text.len());
        // The position may be that of blank or comment lines skipped before the record.
        while let Some(rest) = text.get(start..)
            && let Some(end) = rest.find('\n')
            && (rest[..end].trim().is_empty() || rest.starts_with('#'))
        {
            start += end + 1;
        }
        line += text.as_bytes()[counted_to..start].iter().filter(|b| **b == b'\n').count();
        counted_to = start;
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        match &header {
            None => header = Some(fields.into_iter().map(|f| f.trim().to_owned()).collect()),
            Some(h) => {
                if fields.len() != h.len() {
                    return Err(format!("line {line}: {} fields, the header has {}", fields.len(), h.len()));
                }
                records.push((line, fields));
            }
        }
    }
    let header = header.ok_or_else(|| "no header line".to_owned())?;
    Ok((header, records))
}

/// The index of column `name` in `header`.
pub fn column(header: &[String], name: &str) -> Result<usize, String> {
    header.iter().position(|h| h == name).ok_or_else(|| format!("no column {name:?} (columns: {})", header.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reading() {
        let text = "\u{feff}# comment\na,b,c\n\n1,\"x, \"\"y\"\"\",3\r\n# again\n4,,6\n";
        let (header, records) = read_table(text).unwrap();
        assert_eq!(header, ["a", "b", "c"]);
        assert_eq!(records[0], (4, vec!["1".to_owned(), "x, \"y\"".to_owned(), "3".to_owned()]));
        assert_eq!(records[1], (6, vec!["4".to_owned(), String::new(), "6".to_owned()]));
        assert_eq!(column(&header, "c"), Ok(2));
        assert!(column(&header, "d").unwrap_err().contains("a,b,c"));
        assert!(read_table("a,b\n1\n").unwrap_err().contains("line 2"));
        // An unterminated quote runs to the end: one field where the header has two.
        assert!(read_table("a,b\n\"1,2\n").unwrap_err().contains("line 2"));
        // A quoted field may span lines; its record starts on its first line.
        let (_, records) = read_table("a,b\n\"x\ny\",2\n3,4\n").unwrap();
        assert_eq!(records, [(2, vec!["x\ny".to_owned(), "2".to_owned()]), (4, vec!["3".to_owned(), "4".to_owned()])]);
        assert!(read_table("# only a comment\n").is_err());
    }
}
