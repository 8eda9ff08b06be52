//! [`FixReader`]: one iterator over the fixes of a CSV, GPX or GeoJSON track.

use crate::csv_fixes::CsvFixes;
use crate::error::{TrackError, TrackErrorKind};
use crate::fix::Fix;
use crate::geojson_fixes::geojson_fixes;
use crate::gpx_fixes::GpxFixes;
use crate::location::Location;
use landtrace_spatial::Crs;
use std::io::{self, BufRead};

/// The track file formats [`FixReader`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrackFormat {
    /// CSV with a header naming `time`, `lon`, `lat` (streamed).
    Csv,
    /// GPX 1.1 `<trkpt>` elements (streamed).
    Gpx,
    /// GeoJSON Point features or a LineString with times (read whole).
    GeoJson,
}

impl TrackFormat {
    /// The format for a file extension (`csv`, `gpx`, `geojson`/`json`),
    /// case-insensitive.
    pub fn from_extension(extension: &str) -> Option<TrackFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "csv" => Some(TrackFormat::Csv),
            "gpx" => Some(TrackFormat::Gpx),
            "geojson" | "json" => Some(TrackFormat::GeoJson),
            _ => None,
        }
    }
}

/// Reads the fixes of a track, converting coordinates from `crs` to WGS84.
///
/// Yields `Ok(fix)` or a [`TrackError`] naming the line or feature; after an
/// error the reader goes on with the next record unless the error
/// [is fatal](TrackError::is_fatal). CSV and GPX are streamed with bounded
/// memory (one line, resp. one XML tag, at a time); GeoJSON is read whole.
///
/// ```
/// use landtrace_spatial::Crs;
/// use landtrace_track::FixReader;
///
/// let csv = "time,lon,lat\n2024-05-01T08:00:00+08:00,110.77,35.14\n";
/// let fixes: Vec<_> = FixReader::csv(csv.as_bytes(), Crs::Wgs84).collect();
/// assert_eq!(fixes[0].as_ref().unwrap().t_ms, 1_714_521_600_000);
/// ```
#[derive(Debug)]
pub struct FixReader<R> {
    inner: Inner<R>,
}

#[derive(Debug)]
enum Inner<R> {
    Csv(CsvFixes<R>),
    Gpx(GpxFixes<R>),
    GeoJson(std::vec::IntoIter<Result<Fix, TrackError>>),
}

impl<R: BufRead> FixReader<R> {
    /// Streams a CSV track.
    pub fn csv(reader: R, crs: Crs) -> Self {
        FixReader { inner: Inner::Csv(CsvFixes::new(reader, crs)) }
    }

    /// Streams a GPX track.
    pub fn gpx(reader: R, crs: Crs) -> Self {
        FixReader { inner: Inner::Gpx(GpxFixes::new(reader, crs)) }
    }

    /// A reader for `format`. GeoJSON is read to the end at once (errors
    /// while doing so are yielded as a fatal [`TrackErrorKind::Io`]).
    pub fn new(format: TrackFormat, mut reader: R, crs: Crs) -> Self {
        match format {
            TrackFormat::Csv => FixReader::csv(reader, crs),
            TrackFormat::Gpx => FixReader::gpx(reader, crs),
            TrackFormat::GeoJson => {
                let mut text = String::new();
                let results = match io::Read::read_to_string(&mut reader, &mut text) {
                    Ok(_) => geojson_fixes(&text, crs),
                    Err(e) => vec![Err(TrackError::new(Location::Document, TrackErrorKind::Io(e.to_string())))],
                };
                FixReader { inner: Inner::GeoJson(results.into_iter()) }
            }
        }
    }
}

impl FixReader<io::Empty> {
    /// Reads a GeoJSON track from text, parsed whole: a FeatureCollection of
    /// Point features with `properties.time`, or LineString features (top
    /// level or in a collection) with `properties.times` (or `coordTimes`)
    /// as long as their coordinates.
    pub fn geojson(text: &str, crs: Crs) -> Self {
        FixReader { inner: Inner::GeoJson(geojson_fixes(text, crs).into_iter()) }
    }
}

impl<R: BufRead> Iterator for FixReader<R> {
    type Item = Result<Fix, TrackError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Csv(fixes) => fixes.next(),
            Inner::Gpx(fixes) => fixes.next(),
            Inner::GeoJson(fixes) => fixes.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(TrackFormat::from_extension("GPX"), Some(TrackFormat::Gpx));
        assert_eq!(TrackFormat::from_extension("geojson"), Some(TrackFormat::GeoJson));
        assert_eq!(TrackFormat::from_extension("csv"), Some(TrackFormat::Csv));
        assert_eq!(TrackFormat::from_extension("kml"), None);
    }

    #[test]
    fn new_reads_geojson_whole_from_a_reader() {
        let text =
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[110.5,35.25]},"properties":{"time":1}}"#;
        let fixes: Vec<_> = FixReader::new(TrackFormat::GeoJson, text.as_bytes(), Crs::Wgs84).collect();
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].as_ref().unwrap().t_ms, 1000);
    }
}
