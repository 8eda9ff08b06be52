//! The origin-point collection form (`POST /api/trace/import`, `landtrace trace
//! import`): `formats::origin_csv::decode` (the first byte picks auto, UTF-8 or
//! GBK), `parse_origin_form`, then the domain's record check of every row against
//! the bundled divisions. UTF-8 input decodes to itself; rows come in the order
//! of their physical lines, each within the file.
#![no_main]

use std::sync::OnceLock;

use landtrace_domain::Date;
use landtrace_domain::traceability::{Divisions, NAME_VARIANTS_CSV, RecordContext, check_origin_record};
use landtrace_formats::{CsvEncoding, decode, parse_origin_form};
use libfuzzer_sys::fuzz_target;

fn divisions() -> &'static Divisions {
    static DIVISIONS: OnceLock<Divisions> = OnceLock::new();
    DIVISIONS.get_or_init(|| {
        let csv = include_str!("../../data/divisions/linyi-townships-villages.csv");
        Divisions::from_csv(csv, NAME_VARIANTS_CSV).expect("the bundled divisions are valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let encoding = [CsvEncoding::Auto, CsvEncoding::Utf8, CsvEncoding::Gbk][usize::from(selector % 3)];
    let Ok((text, used)) = decode(bytes, encoding) else { return };
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if used == "utf-8" {
        assert_eq!(text.as_bytes(), without_bom, "UTF-8 input did not decode to itself");
    } else if let Ok(utf8) = std::str::from_utf8(bytes) {
        assert_eq!(encoding, CsvEncoding::Gbk, "valid UTF-8 {utf8:?} was not read as UTF-8 by {encoding}");
    }
    let Ok(rows) = parse_origin_form(&text) else { return };
    // Physical lines: `\n`, `\r\n` and a lone `\r` ("CSV (Macintosh)") each end one.
    let lines = 1 + text.replace("\r\n", "\n").matches(['\n', '\r']).count();
    let mut previous = 0;
    for row in &rows {
        assert!(row.line > previous && row.line <= lines, "row at line {} after line {previous}", row.line);
        previous = row.line;
    }
    let ctx = RecordContext { divisions: divisions(), inside_county: true, today: Date::ymd(2024, 5, 1) };
    for row in &rows {
        let _ = check_origin_record(&row.properties, &ctx);
    }
});
