//! Streaming GPX 1.1 track reader: a small tolerant XML scanner that reads
//! `<trkpt lat=".." lon=".."> … <time>…</time> … </trkpt>` and nothing else.
//!
//! The input is read one markup unit at a time (the text before a tag and
//! the tag, up to its `>`), keeping at most [`MAX_UNIT_BYTES`] of it, so
//! memory is bounded even for a GPX file on a single line. Comments and
//! CDATA sections are skipped; namespace prefixes (`gpx:trkpt`) are
//! accepted; `<wpt>` and `<rtept>` are ignored. A `<trkpt>` that is not
//! closed before the next one (or the end) is read as if it were. A fix's
//! location is the line where its `<trkpt` tag starts. No DTD or entity
//! handling: a track's numbers and times need none.

use crate::capped_read::read_capped;
use crate::csv_fixes::number;
use crate::error::{TrackError, TrackErrorKind, echo};
use crate::fix::Fix;
use crate::location::Location;
use crate::timestamp::{TimeError, parse_fix_time};
use landtrace_spatial::Crs;
use std::io::BufRead;

/// Longest markup unit (text plus one tag) kept in memory.
pub const MAX_UNIT_BYTES: usize = 4096;

/// Iterator over the fixes of a GPX track.
#[derive(Debug)]
pub(crate) struct GpxFixes<R> {
    reader: R,
    crs: Crs,
    buf: Vec<u8>,
    /// Line of the next unread byte (from 1).
    line: usize,
    /// Inside `<!-- … -->` or `<![CDATA[ … ]]>`: the end marker sought.
    skipping_until: Option<&'static [u8; 3]>,
    pending: Option<PendingPoint>,
    /// A finished fix waiting to be returned (a unit can finish two).
    ready: Option<Result<Fix, TrackError>>,
    done: bool,
}

/// A `<trkpt>` being read.
#[derive(Debug)]
struct PendingPoint {
    line: usize,
    lat: Option<String>,
    lon: Option<String>,
    time: Option<String>,
    /// Inside its first `<time>`, collecting text.
    in_time: bool,
    /// The time's text grew past [`MAX_UNIT_BYTES`] (and was not kept).
    time_too_long: bool,
}

impl PendingPoint {
    /// Appends text of the `<time>` element, keeping at most [`MAX_UNIT_BYTES`]:
    /// a time split by many `>` would otherwise grow with the input.
    fn collect_time(&mut self, text: &str) {
        let time = self.time.get_or_insert_with(String::new);
        if self.time_too_long || time.len() + text.len() > MAX_UNIT_BYTES {
            self.time_too_long = true;
        } else {
            time.push_str(text);
        }
    }
}

impl<R: BufRead> GpxFixes<R> {
    pub(crate) fn new(reader: R, crs: Crs) -> Self {
        GpxFixes {
            reader,
            crs,
            buf: Vec::with_capacity(256),
            line: 1,
            skipping_until: None,
            pending: None,
            ready: None,
            done: false,
        }
    }

    /// Handles one unit; may finish up to two fixes (one is put in `ready`).
    /// `start_line` is the line of the unit's first byte.
    fn unit(&mut self, start_line: usize, truncated: bool, tail: [u8; 3]) -> Option<Result<Fix, TrackError>> {
        if let Some(end) = self.skipping_until {
            if &tail == end {
                self.skipping_until = None;
            }
            return None;
        }
        if truncated && let Some(point) = self.pending.take() {
            let max = MAX_UNIT_BYTES;
            return Some(Err(TrackError::new(Location::Line(point.line), TrackErrorKind::TooLong { max })));
        }
        let Ok(unit) = std::str::from_utf8(&self.buf) else {
            return self.pending.take().map(|p| Err(TrackError::new(Location::Line(p.line), TrackErrorKind::NotUtf8)));
        };
        let (text, tag) = match unit.find('<') {
            Some(lt) => (&unit[..lt], &unit[lt..]),
            None => (unit, ""),
        };
        if let Some(point) = self.pending.as_mut().filter(|p| p.in_time) {
            point.collect_time(text);
        }
        let tag_line = start_line + text.matches('\n').count();
        if tag.starts_with("<!--") {
            if &tail != b"-->" || tag.len() < 7 {
                self.skipping_until = Some(b"-->");
            }
            return None;
        }
        if tag.starts_with("<![CDATA[") {
            if &tail != b"]]>" {
                self.skipping_until = Some(b"]]>");
            }
            return None;
        }
        if tag.starts_with("<?") || tag.starts_with("<!") || tag.is_empty() {
            return None;
        }
        let closing = tag.starts_with("</");
        let self_closing = tag.ends_with("/>");
        let name_start = if closing { 2 } else { 1 };
        let name_end = tag[name_start..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(tag.len(), |i| i + name_start);
        let name = &tag[name_start..name_end];
        let local_name = name.rsplit(':').next().unwrap_or(name);
        match (local_name, closing) {
            ("trkpt", false) => {
                let previous = self.pending.take().map(|p| self.finish_point(p));
                let mut point = PendingPoint {
                    line: tag_line,
                    lat: None,
                    lon: None,
                    time: None,
                    in_time: false,
                    time_too_long: false,
                };
                for (key, value) in attributes(&tag[name_end..]) {
                    match key {
                        "lat" => point.lat = Some(value.to_owned()),
                        "lon" => point.lon = Some(value.to_owned()),
                        _ => {}
                    }
                }
                let current = if self_closing {
                    Some(self.finish_point(point))
                } else {
                    self.pending = Some(point);
                    None
                };
                match (previous, current) {
                    (Some(previous), current) => {
                        self.ready = current;
                        Some(previous)
                    }
                    (None, current) => current,
                }
            }
            ("trkpt", true) => self.pending.take().map(|p| self.finish_point(p)),
            ("time", false) => {
                if let Some(point) = self.pending.as_mut().filter(|p| p.time.is_none()) {
                    if self_closing {
                        point.time = Some(String::new());
                    } else {
                        point.in_time = true;
                    }
                }
                None
            }
            ("time", true) => {
                if let Some(point) = self.pending.as_mut() {
                    point.in_time = false;
                }
                None
            }
            _ => None,
        }
    }

    fn finish_point(&self, point: PendingPoint) -> Result<Fix, TrackError> {
        let at = Location::Line(point.line);
        if point.time_too_long {
            return Err(TrackError::new(at, TrackErrorKind::TooLong { max: MAX_UNIT_BYTES }));
        }
        let fix = || {
            let time = point.time.as_deref().unwrap_or_default();
            let (t_ms, local_time_assumed) = match parse_fix_time(time) {
                Ok(read) => read,
                Err(TimeError::Empty) => return Err(TrackErrorKind::MissingTime),
                Err(reason) => return Err(TrackErrorKind::BadTime { value: echo(time.trim()), reason }),
            };
            let lon = number("lon", point.lon.as_deref())?;
            let lat = number("lat", point.lat.as_deref())?;
            let position = self.crs.to_wgs84(geo::Coord { x: lon, y: lat }).map_err(TrackErrorKind::BadCoordinate)?;
            Ok(Fix { at, t_ms, position, local_time_assumed })
        };
        fix().map_err(|kind| TrackError::new(at, kind))
    }
}

impl<R: BufRead> Iterator for GpxFixes<R> {
    type Item = Result<Fix, TrackError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(ready) = self.ready.take() {
            return Some(ready);
        }
        while !self.done {
            self.buf.clear();
            let record = match read_capped(&mut self.reader, b'>', &mut self.buf, MAX_UNIT_BYTES, true) {
                Ok(record) => record,
                Err(e) => {
                    self.done = true;
                    return Some(Err(TrackError::new(Location::Line(self.line), TrackErrorKind::Io(e.to_string()))));
                }
            };
            if record.consumed == 0 {
                self.done = true;
                return self.pending.take().map(|p| self.finish_point(p));
            }
            let start_line = self.line;
            self.line += record.newlines;
            if let Some(result) = self.unit(start_line, record.truncated, record.tail) {
                return Some(result);
            }
        }
        None
    }
}

/// `name="value"` pairs of a start tag (after its name), either quote.
fn attributes(mut rest: &str) -> impl Iterator<Item = (&str, &str)> {
    std::iter::from_fn(move || {
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>');
            let eq = rest.find('=')?;
            let key = rest[..eq].trim();
            let after = rest[eq + 1..].trim_start();
            let quote = after.chars().next()?;
            if quote != '"' && quote != '\'' {
                rest = after;
                continue;
            }
            let value_end = after[1..].find(quote)? + 1;
            let value = &after[1..value_end];
            rest = &after[value_end + 1..];
            return Some((key.rsplit(':').next().unwrap_or(key), value));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        GpxFixes::new(text.as_bytes(), Crs::Wgs84)
            .map(|r| match r {
                Ok(f) => format!("{} {} {} {}", f.at, f.t_ms, f.position.lon(), f.position.lat()),
                Err(e) => e.to_string(),
            })
            .collect()
    }

    #[test]
    fn attributes_in_any_order_and_quote() {
        let pairs: Vec<_> = attributes(" lon='110.5'  lat = \"35.25\" xml:lang=\"zh\">").collect();
        assert_eq!(pairs, [("lon", "110.5"), ("lat", "35.25"), ("lang", "zh")]);
    }

    #[test]
    fn reads_points_with_line_numbers_and_skips_comments() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <!-- <trkpt lat="1" lon="1"><time>1970-01-01T00:00:00Z</time></trkpt> -->
  <wpt lat="9" lon="9"><time>2024-05-01T00:00:00Z</time></wpt>
  <trk><name>t</name><trkseg>
    <trkpt lat="35.25" lon="110.5"><ele>400</ele><time>2024-05-01T00:00:00Z</time></trkpt>
    <trkpt lon="110.75"
           lat="35.5">
      <time>
        2024-05-01T00:00:01.5Z
      </time>
      <extensions><![CDATA[ <time>x</time> > ]]></extensions>
    </trkpt>
    <trkpt lat="35" lon="110"/>
    <trkpt lat="NaN" lon="110"><time>2024-05-01T00:00:02Z</time></trkpt>
    <trkpt lat="35"><time>2024-05-01T00:00:02Z</time></trkpt>
    <gpx:trkpt lat="35" lon="110"><gpx:time>2024-05-01T00:00:03Z</gpx:time>
  </trkseg></trk></gpx>"#;
        assert_eq!(
            read(text),
            [
                "line 6 1714521600000 110.5 35.25",
                "line 7 1714521601500 110.75 35.5",
                "line 14: missing time",
                "line 15: lat NaN is not a finite number",
                "line 16: missing lon",
                "line 17 1714521603000 110 35",
            ]
        );
    }

    #[test]
    fn single_line_gpx_and_unclosed_points() {
        let one_line = "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><time>1</time></trkpt><trkpt lat=\"3\" \
                        lon=\"4\"><time>2</time><trkpt lat=\"5\" lon=\"6\"/></trkseg></trk></gpx>";
        assert_eq!(read(one_line), ["line 1 1000 2 1", "line 1 2000 4 3", "line 1: missing time"]);
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let text = "\u{feff}<?xml version=\"1.0\"?><gpx><trk><trkseg><trkpt lat=\"35.25\" lon=\"110.5\">\
                    <time>2024-05-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>";
        assert_eq!(read(text), ["line 1 1714521600000 110.5 35.25"]);
    }

    #[test]
    fn overlong_point_is_reported() {
        let text = format!("<trkpt lat=\"1\" lon=\"2\"><desc>{}</desc></trkpt>", "x".repeat(MAX_UNIT_BYTES));
        assert_eq!(read(&text), ["line 1: longer than 4096 bytes"]);
    }

    /// A `<time>` text cut into short units by `>` was collected whole, so memory
    /// grew with the input (seen while reviewing the `track_gpx` fuzz target).
    #[test]
    fn overlong_time_split_by_gt_is_reported_and_the_next_point_read() {
        let time = "x>".repeat(MAX_UNIT_BYTES);
        let text = format!(
            "<trkpt lat=\"1\" lon=\"2\"><time>{time}</time></trkpt>\n<trkpt lat=\"3\" lon=\"4\"><time>5</time>"
        );
        assert_eq!(read(&text), ["line 1: longer than 4096 bytes", "line 2 5000 4 3"]);
    }
}
