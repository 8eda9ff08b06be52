//! The spreadsheet CSV of the origin-point collection form (附件1
//! 重点农产品产地溯源信息采集表 of 临政办发〔2023〕19号, contents per its 四、采集内容).
//!
//! Two steps, both pure:
//! - [`decode`] turns the file's bytes into text: UTF-8 (with or without a byte-order
//!   mark) or GBK, as spreadsheet programs on Chinese Windows save "CSV" (decoded
//!   with the GB18030 decoder, a superset of GBK).
//! - [`parse_origin_form`] maps the form's Chinese column headers (or the English
//!   field names of the `origin_points` layer) to field names and returns one
//!   [`FormRow`] per data row, values as the strings in the cells. Checking them is
//!   the domain's job (`landtrace_domain::traceability::check_origin_record`).
//!
//! Line numbers are 1-based physical lines of the file, so a person can find the row
//! in a text editor; a quoted cell with line breaks makes its row span several lines
//! and the row is numbered by its first line.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

/// The text encoding of an uploaded CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    /// UTF-8 when the bytes start with a UTF-8 byte-order mark or are valid UTF-8, else GBK.
    #[default]
    Auto,
    /// UTF-8 (a byte-order mark is dropped).
    Utf8,
    /// GBK / GB2312 / GB18030.
    Gbk,
}

impl CsvEncoding {
    /// The name used on the command line and in query strings.
    pub fn name(self) -> &'static str {
        match self {
            CsvEncoding::Auto => "auto",
            CsvEncoding::Utf8 => "utf-8",
            CsvEncoding::Gbk => "gbk",
        }
    }
}

impl FromStr for CsvEncoding {
    type Err = String;

    /// `auto`, `utf-8` (`utf8`), `gbk` (`gb2312`, `gb18030`, `cp936`); case-insensitive.
    fn from_str(s: &str) -> Result<CsvEncoding, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Ok(CsvEncoding::Auto),
            "utf-8" | "utf8" => Ok(CsvEncoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Ok(CsvEncoding::Gbk),
            other => Err(format!("unknown encoding {other:?}: expected auto, utf-8 or gbk")),
        }
    }
}

impl fmt::Display for CsvEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a CSV file. Returns the text (without a byte-order mark) and the
/// encoding used (`"utf-8"` or `"gbk"`). Bytes that are not valid in the encoding
/// are an error naming their line; nothing is replaced silently.
pub fn decode(bytes: &[u8], enc: CsvEncoding) -> Result<(String, &'static str), String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("the file is UTF-16 (\"Unicode text\"); save it as CSV (UTF-8) or CSV (GBK)".to_owned());
    }
    match enc {
        CsvEncoding::Utf8 => decode_utf8(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)).map(|t| (t, "utf-8")),
        CsvEncoding::Gbk => {
            if bytes.starts_with(UTF8_BOM) {
                return Err("the file starts with a UTF-8 byte-order mark, so it is UTF-8, not GBK; \
                            use the encoding auto or utf-8"
                    .to_owned());
            }
            decode_gbk(bytes).map(|t| (t, "gbk"))
        }
        CsvEncoding::Auto => {
            if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
                return decode_utf8(rest).map(|t| (t, "utf-8"));
            }
            let utf8_error = match decode_utf8(bytes) {
                Ok(text) => return Ok((text, "utf-8")),
                Err(e) => e,
            };
            decode_gbk(bytes)
                .map(|t| (t, "gbk"))
                .map_err(|gbk_error| format!("the file is neither UTF-8 ({utf8_error}) nor GBK ({gbk_error})"))
        }
    }
}

/// 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + line_breaks(bytes, 0, offset.min(bytes.len()))
}

/// Line breaks among `bytes[start..end]`: `\n`, `\r\n` and a lone `\r` each count
/// once. A lone `\r` ends lines in "CSV (Macintosh)" files, and the CSV reader splits
/// records at it; counting only `\n` gave every row of such a file line 1.
fn line_breaks(bytes: &[u8], start: usize, end: usize) -> usize {
    (start..end)
        .filter(|&i| match bytes[i] {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        })
        .count()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

fn decode_utf8(bytes: &[u8]) -> Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let at = e.valid_up_to();
            let len = e.error_len().unwrap_or(bytes.len() - at).min(4);
            Err(format!("line {}: bytes {} are not valid UTF-8", line_of(bytes, at), hex(&bytes[at..at + len])))
        }
    }
}

fn decode_gbk(bytes: &[u8]) -> Result<String, String> {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3 + 16);
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let end = read.saturating_sub(usize::from(after));
            let start = end.saturating_sub(usize::from(bad));
            Err(format!("line {}: bytes {} are not valid GBK", line_of(bytes, start), hex(&bytes[start..end])))
        }
        // Cannot happen with a buffer of the maximum length; said plainly if it does.
        encoding_rs::DecoderResult::OutputFull => Err("the decoded text did not fit its buffer".to_owned()),
    }
}

/// One data row of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    /// 1-based physical line of the file where the row starts (the header is line 1
    /// unless title lines precede it).
    pub line: usize,
    /// Field name → the cell's text (trimmed); empty cells are omitted. Township and
    /// village come as `township`/`village` (names) or `township_code`/`village_code`.
    pub properties: Map<String, Value>,
    /// The longitude cell (经度), as written.
    pub lon: Option<String>,
    /// The latitude cell (纬度), as written.
    pub lat: Option<String>,
}

/// Why the file cannot be read as the form at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// 1-based physical line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong and what to do, for people.
    pub message: String,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FormError {}

fn form_error(line: Option<usize>, message: impl Into<String>) -> FormError {
    FormError { line, message: message.into() }
}

/// Marks the 序号 column, which is read and dropped.
const IGNORED: &str = "";

/// Field name → the headers that mean it (the first one is the form's own wording).
/// English field names are accepted too (see [`field_for_header`]).
const HEADERS: &[(&str, &[&str])] = &[
    (IGNORED, &["序号", "no.", "no", "#"]),
    ("subject_name", &["种养殖主体名称", "主体名称", "种养主体名称", "种养殖主体", "生产主体名称"]),
    ("subject_type", &["主体类型", "主体性质"]),
    ("industry", &["所属行业", "行业"]),
    ("product", &["产品名称", "产品", "品种"]),
    ("alias", &["别名", "产品别名"]),
    ("certification", &["产品认证类型", "认证类型", "认证"]),
    ("base_address", &["基地地址", "地址"]),
    ("township", &["乡镇", "所属乡镇", "乡（镇）", "乡(镇)", "乡镇名称"]),
    ("township_code", &["乡镇代码", "乡镇编码"]),
    ("village", &["村", "行政村", "所属村", "村名", "所属行政村", "村（社区）", "村(社区)"]),
    ("village_code", &["村代码", "行政村代码", "村编码"]),
    ("lon", &["经度", "点位经度", "东经", "longitude", "lng"]),
    ("lat", &["纬度", "点位纬度", "北纬", "latitude"]),
    ("contact_name", &["种养殖主体联系人", "联系人", "主体联系人", "联系人姓名"]),
    ("contact_phone", &["种养殖主体联系方式", "联系方式", "联系电话", "主体联系方式", "联系人电话", "手机号", "电话"]),
    ("scale", &["种养规模", "规模", "种植规模", "养殖规模"]),
    ("scale_unit", &["规模单位", "单位"]),
    ("market_date", &["上市时间", "上市日期"]),
    ("production_mode", &["生产方式"]),
    ("trace_means", &["追溯方式"]),
    ("credit_rating", &["信用等级"]),
    ("grid_officer_name", &["网格员姓名", "网格员"]),
    ("grid_officer_phone", &["网格员联系方式", "网格员电话", "网格员联系电话"]),
    ("collector_name", &["信息采集员姓名", "采集人姓名", "信息采集姓名", "采集员姓名", "信息采集员", "采集人"]),
    (
        "collector_phone",
        &["信息采集员联系方式", "采集人电话", "信息采集联系方式", "采集员电话", "信息采集员电话", "采集人联系方式"],
    ),
    ("collected_on", &["采集日期", "采集时间"]),
    ("updated_on", &["更新日期", "最近更新日期"]),
    ("industrialised", &["工厂化养殖", "工厂化", "工程化养殖", "工程化"]),
    // Issue 15: the producer's identifier and 以商品生产为目的 (gazette line 2838).
    ("producer_id", &["主体编号", "统一社会信用代码", "种养殖主体编号", "社会信用代码"]),
    ("for_market", &["以商品生产为目的", "是否以商品生产为目的", "商品生产"]),
    ("accuracy", &["点位精度"]),
    ("source", &["数据来源", "来源"]),
];

/// Header text as compared: no whitespace (also U+3000), no required-field stars or
/// trailing colons, ASCII lower case.
fn normalise(header: &str) -> String {
    let squeezed: String = header.trim_start_matches('\u{feff}').chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.trim_matches(|c| matches!(c, '*' | '＊' | ':' | '：')).to_ascii_lowercase()
}

fn lookup(normalised: &str) -> Option<&'static str> {
    HEADERS.iter().find_map(|(field, names)| {
        let english = !field.is_empty() && *field == normalised;
        (english || names.contains(&normalised)).then_some(*field)
    })
}

/// The field a header means, and the unit a parenthesis names (`规模（亩）` → 亩):
/// the header as written, else without a trailing parenthesis (`种养规模（亩/头/只）`).
/// `Some(("", None))` for 序号.
pub fn field_for_header(header: &str) -> Option<(&'static str, Option<&'static str>)> {
    let h = normalise(header);
    if let Some(field) = lookup(&h) {
        return Some((field, None));
    }
    let inner_end = h.strip_suffix('）').or_else(|| h.strip_suffix(')'))?;
    let open = inner_end.rfind(['（', '('])?;
    let (base, inner) = (&inner_end[..open], &inner_end[open..]);
    let inner = inner.trim_start_matches(['（', '(']);
    let field = lookup(base)?;
    let unit = ["亩", "头", "只"].into_iter().find(|u| *u == inner);
    Some((field, unit))
}

/// The headers the form knows, for error messages: `种养殖主体名称/主体名称/… (subject_name)`.
fn known_headers() -> String {
    HEADERS
        .iter()
        .map(|(field, names)| {
            if field.is_empty() {
                format!("{} (ignored)", names[0])
            } else {
                format!("{} ({field})", names.iter().filter(|n| !n.is_ascii()).copied().collect::<Vec<_>>().join("/"))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How many leading lines may hold a title (附件1, the form's name, 填报单位…)
/// before the header.
const MAX_TITLE_ROWS: usize = 10;

/// A column of the file: the field it fills, and a unit its header names.
#[derive(Debug, Clone, Copy)]
enum Column {
    Field(&'static str, Option<&'static str>),
    Ignored,
    /// No header text; its cells must be empty.
    Blank,
}

/// Reads the form. The header is the first row in which at least two cells are
/// known headers (title rows above it are skipped), else the first row. Rows with
/// no value in any field (a numbered but empty template row) are skipped. Values
/// are trimmed strings; empty cells are omitted.
pub fn parse_origin_form(text: &str) -> Result<Vec<FormRow>, FormError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Tab-separated text (copied out of a spreadsheet) when the first line with
    // separators has more tabs than commas.
    let first_line = text.lines().find(|l| l.contains([',', '\t'])).unwrap_or_default();
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut lines = LineCounter::new(text.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            form_error(line, format!("not readable as CSV: {e}"))
        })?;
        // The reader's own line count skips blank lines; the byte offset does not.
        let line = record.position().map_or(records.len() + 1, |p| lines.physical_line(p.byte() as usize));
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        records.push((line, cells));
    }
    let known_count =
        |cells: &[String]| cells.iter().filter(|c| !c.is_empty() && field_for_header(c).is_some()).count();
    let header_at = records
        .iter()
        .take(MAX_TITLE_ROWS)
        .position(|(_, cells)| known_count(cells) >= 2)
        .or_else(|| records.iter().position(|(_, cells)| cells.iter().any(|c| !c.is_empty())))
        .ok_or_else(|| form_error(None, "the file is empty: expected a header row with the form's column names"))?;
    let (header_line, header) = &records[header_at];
    let columns = read_header(*header_line, header)?;

    let mut rows = Vec::new();
    for (line, cells) in &records[header_at + 1..] {
        if let Some((i, _)) = cells.iter().enumerate().skip(columns.len()).find(|(_, c)| !c.is_empty()) {
            return Err(form_error(
                Some(*line),
                format!("cell {} has a value but the header has only {} columns", i + 1, columns.len()),
            ));
        }
        let mut row = FormRow { line: *line, properties: Map::new(), lon: None, lat: None };
        let mut unit_hint = None;
        for (column, cell) in columns.iter().zip(cells) {
            if cell.is_empty() {
                continue;
            }
            match *column {
                Column::Ignored => {}
                Column::Blank => {
                    return Err(form_error(Some(*line), format!("the cell {cell:?} is in a column without a header")));
                }
                Column::Field("lon", _) => row.lon = Some(cell.clone()),
                Column::Field("lat", _) => row.lat = Some(cell.clone()),
                Column::Field(field, unit) => {
                    if unit.is_some() {
                        unit_hint = unit;
                    }
                    row.properties.insert(field.to_owned(), Value::String(cell.clone()));
                }
            }
        }
        if row.properties.is_empty() && row.lon.is_none() && row.lat.is_none() {
            continue;
        }
        if let Some(unit) = unit_hint {
            row.properties.entry("scale_unit").or_insert_with(|| Value::String(unit.to_owned()));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Physical line numbers at increasing byte offsets, counted in one pass over the
/// text (a file of many rows is not rescanned from the start for every row).
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Offset up to which newlines have been counted.
    offset: usize,
    /// 1 + the newlines before `offset`.
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    /// The 1-based line of the first non-blank line at or after a byte offset.
    fn physical_line(&mut self, offset: usize) -> usize {
        let bytes = self.bytes;
        let start = offset.min(bytes.len());
        let skip = bytes[start..].iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
        let target = start + skip;
        if target < self.offset {
            return line_of(bytes, target);
        }
        self.line += line_breaks(bytes, self.offset, target);
        self.offset = target;
        self.line
    }
}

fn read_header(line: usize, header: &[String]) -> Result<Vec<Column>, FormError> {
    let mut columns = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    let mut seen: Vec<(&'static str, &str)> = Vec::new();
    for name in header {
        if name.is_empty() {
            columns.push(Column::Blank);
            continue;
        }
        match field_for_header(name) {
            None => {
                unknown.push(name.as_str());
                columns.push(Column::Blank);
            }
            Some((IGNORED, _)) => columns.push(Column::Ignored),
            Some((field, unit)) => {
                if let Some((_, first)) = seen.iter().find(|(f, _)| *f == field) {
                    return Err(form_error(
                        Some(line),
                        format!("the columns {first:?} and {name:?} both give {field}; keep one of them"),
                    ));
                }
                seen.push((field, name));
                columns.push(Column::Field(field, unit));
            }
        }
    }
    if !unknown.is_empty() {
        return Err(form_error(
            Some(line),
            format!(
                "unknown column header{} {}. Known headers (or the English field names): {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", "),
                known_headers()
            ),
        ));
    }
    if seen.is_empty() {
        return Err(form_error(Some(line), format!("the header names no field; known headers: {}", known_headers())));
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "序号,种养殖主体名称,主体类型,所属行业,产品名称,别名,产品认证类型,基地地址,乡镇,村,经度,纬度,\
                          种养殖主体联系人,种养殖主体联系方式,种养规模（亩/头/只）,规模单位,上市时间,生产方式,追溯方式,\
                          信用等级,网格员姓名,网格员联系方式,信息采集员姓名,信息采集员联系方式,采集日期,工厂化养殖";

    fn sample() -> String {
        format!(
            "{HEADER}\n1,临猗县绿源蔬菜专业合作社,农民专业合作社,种植业,豇豆,长豆角,绿色食品,\"北辛乡北辛村,东头\",北辛乡,北辛村,\
             110.7712,35.1354,李四,13912345678,12.5,亩,2023-07-01,设施,承诺达标合格证、追溯码,A,王五,0359-4028132,\
             赵六,13353595403,2023-06-12,\n2,,,,,,,,,,,,,,,,,,,,,,,,,\n"
        )
    }

    #[test]
    fn the_form_headers_map_to_fields_and_quoted_commas_stay_in_their_cell() {
        let rows = parse_origin_form(&sample()).unwrap();
        assert_eq!(rows.len(), 1, "the empty numbered row is skipped");
        let r = &rows[0];
        assert_eq!(r.line, 2);
        assert_eq!((r.lon.as_deref(), r.lat.as_deref()), (Some("110.7712"), Some("35.1354")));
        let p = &r.properties;
        assert_eq!(p["subject_name"], "临猗县绿源蔬菜专业合作社");
        assert_eq!(p["base_address"], "北辛乡北辛村,东头");
        assert_eq!(p["township"], "北辛乡");
        assert_eq!(p["village"], "北辛村");
        assert_eq!(p["scale"], "12.5");
        assert_eq!(p["scale_unit"], "亩");
        assert_eq!(p["trace_means"], "承诺达标合格证、追溯码");
        assert_eq!(p["contact_phone"], "13912345678");
        assert_eq!(p["grid_officer_phone"], "0359-4028132");
        assert_eq!(p["collector_name"], "赵六");
        assert_eq!(p["collected_on"], "2023-06-12");
        assert!(!p.contains_key("industrialised"), "empty cells are omitted");
        assert!(!p.contains_key("lon") && !p.contains_key("序号"));
        assert_eq!(p.len(), 22);
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let text = sample();
        let (decoded, used) = decode(text.as_bytes(), CsvEncoding::Auto).unwrap();
        assert_eq!((decoded.as_str(), used), (text.as_str(), "utf-8"));
        let bom = [UTF8_BOM, text.as_bytes()].concat();
        for enc in [CsvEncoding::Auto, CsvEncoding::Utf8] {
            let (decoded, used) = decode(&bom, enc).unwrap();
            assert_eq!((decoded.as_str(), used), (text.as_str(), "utf-8"));
        }
        // A BOM left in the text is tolerated by the parser too.
        let rows = parse_origin_form(&format!("\u{feff}{text}")).unwrap();
        assert_eq!(rows[0].properties["subject_name"], "临猗县绿源蔬菜专业合作社");
        assert!(decode(&bom, CsvEncoding::Gbk).unwrap_err().contains("UTF-8 byte-order mark"));
    }

    #[test]
    fn gbk_bytes_are_detected_and_decoded() {
        let text = sample();
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gbk).is_err());
        for enc in [CsvEncoding::Auto, CsvEncoding::Gbk] {
            let (decoded, used) = decode(&gbk, enc).unwrap();
            assert_eq!((decoded.as_str(), used), (text.as_str(), "gbk"));
        }
        assert_eq!(
            parse_origin_form(&decode(&gbk, CsvEncoding::Auto).unwrap().0).unwrap()[0].properties["township"],
            "北辛乡"
        );
        // Told it is UTF-8, the GBK bytes are an error naming the line.
        let err = decode(&gbk, CsvEncoding::Utf8).unwrap_err();
        assert!(err.starts_with("line 1: bytes ") && err.contains("not valid UTF-8"), "{err}");
    }

    /// Found by the `origin_form_csv` fuzz target: with lone CR line ends ("CSV
    /// (Macintosh)"), every row was numbered line 1.
    #[test]
    fn lone_carriage_returns_end_lines() {
        let rows = parse_origin_form("主体名称,产品名称\r甲,豇豆\r\r乙,韭菜\r\n丙,生猪\n").unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 5]);
        let err = decode(b"a,b\r1,2\r\n3,\xFF\r", CsvEncoding::Utf8).unwrap_err();
        assert!(err.starts_with("line 3: bytes FF"), "{err}");
    }

    #[test]
    fn undecodable_bytes_name_their_line() {
        // Line 3 holds 0xFF, which is neither UTF-8 nor GBK.
        let bytes = b"a,b\n1,2\n3,\xFF\n";
        let err = decode(bytes, CsvEncoding::Auto).unwrap_err();
        assert!(
            err.contains("line 3: bytes FF are not valid UTF-8") && err.contains("line 3: bytes FF are not valid GBK"),
            "{err}"
        );
        assert!(decode(b"\xFF\xFEa\0", CsvEncoding::Auto).unwrap_err().contains("UTF-16"));
        assert_eq!("GB18030".parse::<CsvEncoding>(), Ok(CsvEncoding::Gbk));
        assert_eq!("UTF8".parse::<CsvEncoding>(), Ok(CsvEncoding::Utf8));
        assert!("latin1".parse::<CsvEncoding>().unwrap_err().contains("auto, utf-8 or gbk"));
    }

    #[test]
    fn unknown_and_duplicate_headers_are_named() {
        let err = parse_origin_form("主体名称,产品名称,备注,面积\n甲,豇豆,x,1\n").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.message.contains("\"备注\", \"面积\""), "{err}");
        assert!(err.message.contains("种养殖主体名称/主体名称") && err.message.contains("(subject_name)"), "{err}");
        let err = parse_origin_form("主体名称,联系电话,联系方式\n甲,1,2\n").unwrap_err();
        assert!(err.to_string().contains("\"联系电话\" and \"联系方式\" both give contact_phone"), "{err}");
        let err = parse_origin_form("主体名称,主体名称\n甲,乙\n").unwrap_err();
        assert!(err.message.contains("both give subject_name"), "{err}");
        assert!(parse_origin_form("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn english_names_title_rows_multiline_cells_and_units_in_headers() {
        let text = "附件1\n重点农产品产地溯源信息采集表,,,\n\
                    subject_name, Product ,base_address,* 规模（头）,lon,lat\n\
                    甲,生猪,\"一队\n二队\",30,110.7,35.1\n\n乙,肉牛,,5,,\n";
        let rows = parse_origin_form(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].properties["base_address"], "一队\n二队");
        assert_eq!(rows[0].properties["product"], "生猪");
        assert_eq!(rows[0].properties["scale_unit"], "头", "the unit of the header fills an empty unit");
        assert_eq!(rows[1].line, 7, "physical line: the quoted break and the blank line count");
        assert_eq!((rows[1].lon.as_ref(), rows[1].lat.as_ref()), (None, None));
        let err = parse_origin_form("主体名称,产品名称\n甲,豇豆,多余\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("cell 3"), "{err}");
        let crlf = parse_origin_form("主体名称,产品名称\r\n\r\n甲,豇豆\r\n乙,韭菜\r\n").unwrap();
        assert_eq!(crlf.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4]);
        let tabbed = parse_origin_form("主体名称\t产品名称\n甲\t豇豆\n").unwrap();
        assert_eq!(tabbed[0].properties["product"], "豇豆");
    }

    #[test]
    fn every_field_is_a_field_of_the_origin_points_layer() {
        let layer: Vec<&str> = landtrace_domain::LayerKind::OriginPoints.fields().iter().map(|f| f.name).collect();
        for (field, _) in HEADERS {
            let extra = ["", "lon", "lat", "township", "village"];
            assert!(layer.contains(field) || extra.contains(field), "{field} is not a field of origin_points");
        }
    }
}
