//! Streaming CSV track reader: a header naming `time`, `lon` and `lat`,
//! then one fix per line.
//!
//! Memory is bounded: one line of at most [`MAX_LINE_BYTES`] is kept at a
//! time (longer lines are reported and skipped). Fields may be quoted
//! (`"…"`, with `""` for a quote); quoted fields spanning lines are not
//! supported. Blank lines are skipped; a UTF-8 BOM and `\r\n` endings are
//! accepted. Other columns (speed, a `crs` column …) are ignored: the CRS is
//! a parameter of the reader.

use crate::capped_read::read_capped;
use crate::error::{TrackError, TrackErrorKind, echo};
use crate::fix::Fix;
use crate::location::Location;
use crate::timestamp::{TimeError, parse_fix_time};
use landtrace_spatial::Crs;
use std::borrow::Cow;
use std::io::BufRead;

/// Longest line kept in memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Column names of the time, lower-cased; the Chinese ones are the headers of the
/// common GPS platform exports (定位时间, GPS时间, 时间 …).
const TIME_NAMES: [&str; 13] = [
    "time",
    "timestamp",
    "t",
    "datetime",
    "gps_time",
    "gpstime",
    "定位时间",
    "gps时间",
    "时间",
    "回传时间",
    "上报时间",
    "采集时间",
    "接收时间",
];
/// Column names of the longitude (经度 in the Chinese exports).
const LON_NAMES: [&str; 5] = ["lon", "lng", "longitude", "x", "经度"];
/// Column names of the latitude (纬度 in the Chinese exports).
const LAT_NAMES: [&str; 4] = ["lat", "latitude", "y", "纬度"];

/// Column positions found in the header.
#[derive(Debug, Clone, Copy)]
struct Columns {
    time: usize,
    lon: usize,
    lat: usize,
}

/// Iterator over the fixes of a CSV track.
#[derive(Debug)]
pub(crate) struct CsvFixes<R> {
    reader: R,
    crs: Crs,
    buf: Vec<u8>,
    line: usize,
    columns: Option<Columns>,
    done: bool,
}

impl<R: BufRead> CsvFixes<R> {
    pub(crate) fn new(reader: R, crs: Crs) -> Self {
        CsvFixes { reader, crs, buf: Vec::with_capacity(128), line: 0, columns: None, done: false }
    }

    fn header(&mut self, text: &str) -> Result<(), TrackError> {
        // `经度(°)`, `速度（km/h）`: a unit in brackets after the name is not part of it.
        let names: Vec<String> = fields(text)
            .map(|f| {
                let f = f.trim();
                let name = f.split(['(', '（']).next().unwrap_or(f).trim();
                name.to_ascii_lowercase()
            })
            .collect();
        let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
        match (find(&TIME_NAMES), find(&LON_NAMES), find(&LAT_NAMES)) {
            (Some(time), Some(lon), Some(lat)) => {
                self.columns = Some(Columns { time, lon, lat });
                Ok(())
            }
            _ => Err(TrackError::new(Location::Line(self.line), TrackErrorKind::CsvHeader { found: echo(text) })),
        }
    }
}

impl<R: BufRead> Iterator for CsvFixes<R> {
    type Item = Result<Fix, TrackError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            let record = match read_capped(&mut self.reader, b'\n', &mut self.buf, MAX_LINE_BYTES, false) {
                Ok(record) => record,
                Err(e) => {
                    self.done = true;
                    let at = Location::Line(self.line + 1);
                    return Some(Err(TrackError::new(at, TrackErrorKind::Io(e.to_string()))));
                }
            };
            if record.consumed == 0 {
                self.done = true;
                if self.columns.is_none() {
                    return Some(Err(TrackError::new(Location::Line(self.line + 1), TrackErrorKind::Empty)));
                }
                return None;
            }
            self.line += 1;
            let at = Location::Line(self.line);
            if record.truncated {
                return Some(Err(TrackError::new(at, TrackErrorKind::TooLong { max: MAX_LINE_BYTES })));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            while let [rest @ .., b'\n' | b'\r'] = bytes {
                bytes = rest;
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Ok(text) = std::str::from_utf8(bytes) else {
                return Some(Err(TrackError::new(at, TrackErrorKind::NotUtf8)));
            };
            let Some(columns) = self.columns else {
                // Borrow juggling: the header parser needs `&mut self`.
                let text = text.to_owned();
                if let Err(e) = self.header(&text) {
                    self.done = true;
                    return Some(Err(e));
                }
                continue;
            };
            return Some(record_fix(at, text, columns, self.crs).map_err(|kind| TrackError::new(at, kind)));
        }
        None
    }
}

/// Reads the fix of one data line.
fn record_fix(at: Location, text: &str, columns: Columns, crs: Crs) -> Result<Fix, TrackErrorKind> {
    let (mut time, mut lon, mut lat) = (None, None, None);
    for (i, field) in fields(text).enumerate() {
        if i == columns.time {
            time = Some(field);
        } else if i == columns.lon {
            lon = Some(field);
        } else if i == columns.lat {
            lat = Some(field);
        }
    }
    let (t_ms, local_time_assumed) = match time.as_deref().map(parse_fix_time) {
        None | Some(Err(TimeError::Empty)) => return Err(TrackErrorKind::MissingTime),
        Some(Ok(read)) => read,
        Some(Err(reason)) => {
            return Err(TrackErrorKind::BadTime { value: echo(time.as_deref().unwrap_or_default()), reason });
        }
    };
    let lon = number("lon", lon.as_deref())?;
    let lat = number("lat", lat.as_deref())?;
    let position = crs.to_wgs84(geo::Coord { x: lon, y: lat }).map_err(TrackErrorKind::BadCoordinate)?;
    Ok(Fix { at, t_ms, position, local_time_assumed })
}

/// Parses a coordinate field; `NaN` and `inf` parse here and are rejected
/// by the range check.
pub(crate) fn number(field: &'static str, text: Option<&str>) -> Result<f64, TrackErrorKind> {
    let text = match text.map(str::trim) {
        None | Some("") => return Err(TrackErrorKind::MissingField(field)),
        Some(text) => text,
    };
    text.parse::<f64>().map_err(|_| TrackErrorKind::BadNumber { field, value: echo(text) })
}

/// The fields of a line: split at commas, or, when the line has quotes,
/// with CSV quoting (`"a,b"`, `"say ""hi"""`).
fn fields(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let quoted = text.as_bytes().contains(&b'"');
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let line = rest?;
        if !quoted {
            // A byte search: fields are short, and `,` is ASCII, so the cut is on a
            // character boundary (`str::split(',')` cost a tenth of the reading).
            return Some(Cow::Borrowed(match line.bytes().position(|b| b == b',') {
                Some(comma) => {
                    rest = Some(&line[comma + 1..]);
                    &line[..comma]
                }
                None => {
                    rest = None;
                    line
                }
            }));
        }
        let trimmed = line.trim_start();
        if let Some(inner) = trimmed.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = inner.char_indices();
            let mut end = inner.len();
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if inner[i + 1..].starts_with('"') {
                        value.push('"');
                        chars.next();
                    } else {
                        end = i + 1;
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            let after = &inner[end..];
            rest = after.find(',').map(|comma| &after[comma + 1..]);
            Some(Cow::Owned(value))
        } else {
            match line.find(',') {
                Some(comma) => {
                    rest = Some(&line[comma + 1..]);
                    Some(Cow::Borrowed(&line[..comma]))
                }
                None => {
                    rest = None;
                    Some(Cow::Borrowed(line))
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        fields(text).map(Cow::into_owned).collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(split("a,b,,c"), ["a", "b", "", "c"]);
        assert_eq!(split("\"a,1\",b"), ["a,1", "b"]);
        assert_eq!(split("x,\"say \"\"hi\"\"\",\"\""), ["x", "say \"hi\"", ""]);
        assert_eq!(split("x,\"unterminated"), ["x", "unterminated"]);
    }

    fn read(text: impl AsRef<[u8]>) -> Vec<Result<(Location, i64, f64, f64), TrackError>> {
        CsvFixes::new(text.as_ref(), Crs::Wgs84)
            .map(|r| r.map(|f| (f.at, f.t_ms, f.position.lon(), f.position.lat())))
            .collect()
    }

    #[test]
    fn reads_header_aliases_bom_crlf_quotes_and_blank_lines() {
        let text = "\u{feff}Speed,LNG,Timestamp,latitude,crs\r\n\r\n3,110.5,\"1714564800\",35.25,gcj02\r\n";
        assert_eq!(read(text), vec![Ok((Location::Line(3), 1_714_564_800_000, 110.5, 35.25))]);
    }

    /// Issue 15: the Chinese column headers of the common GPS exports are read, and a
    /// time without an offset is Beijing time (the ban hours of 临政发〔2023〕5号 二、(一), gazette line 103,
    /// are local time); the fix says it was assumed.
    #[test]
    fn reads_chinese_headers_and_local_times() {
        let text =
            "车牌号,定位时间,经度(°),纬度(°),速度（km/h）,方向\n晋M12345,2024-05-01 08:00:00,110.5,35.25,30,90\n";
        let fixes: Vec<Fix> = CsvFixes::new(text.as_bytes(), Crs::Wgs84).map(Result::unwrap).collect();
        assert_eq!(fixes.len(), 1);
        assert_eq!(
            (fixes[0].t_ms, fixes[0].position.lon(), fixes[0].position.lat()),
            (1_714_521_600_000, 110.5, 35.25)
        );
        assert!(fixes[0].local_time_assumed);
        let text = "GPS时间,经度,纬度\n2024-05-01T00:00:00Z,110.5,35.25\n";
        let fixes: Vec<Fix> = CsvFixes::new(text.as_bytes(), Crs::Wgs84).map(Result::unwrap).collect();
        assert_eq!(fixes[0].t_ms, 1_714_521_600_000);
        assert!(!fixes[0].local_time_assumed);
    }

    #[test]
    fn header_errors_are_fatal() {
        let errors = read("when,lon,lat\n2024-05-01T00:00:00Z,1,2\n");
        assert_eq!(errors.len(), 1);
        let err = errors[0].clone().unwrap_err();
        assert!(err.is_fatal());
        assert_eq!(
            err.to_string(),
            "line 1: the CSV header must name the columns time, lon and lat (or 定位时间, 经度, 纬度); found \"when,lon,lat\""
        );
        let empty = read("\n\n");
        assert_eq!(empty, vec![Err(TrackError::new(Location::Line(3), TrackErrorKind::Empty))]);
    }

    #[test]
    fn record_errors_name_the_line() {
        let long = format!("2024-05-01T00:00:00Z,110,35,{}\n", "x".repeat(MAX_LINE_BYTES));
        let mut text =
            format!("time,lon,lat\n,110,35\n2024-05-01T00:00:00,110,35\n1,abc,35\n1,110\n1,NaN,35\n1,110,95\n{long}")
                .into_bytes();
        text.extend_from_slice(b"1,\xff,35\n1,110,35");
        let messages: Vec<String> = read(&text)
            .into_iter()
            .map(|r| match r {
                Ok(fix) => format!("ok {fix:?}"),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(
            messages,
            [
                "line 2: missing time",
                "ok (Line(3), 1714492800000, 110.0, 35.0)",
                "line 4: lon \"abc\" is not a number",
                "line 5: missing lat",
                "line 6: lon NaN is not a finite number",
                "line 7: lat 95 is outside -90..90",
                "line 8: longer than 65536 bytes",
                "line 9: not UTF-8 text",
                "ok (Line(10), 1000, 110.0, 35.0)",
            ]
        );
    }
}
