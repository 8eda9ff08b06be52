//! [`TrackError`]: why a record of a track file could not be read as a fix.

use crate::location::Location;
use crate::timestamp::TimeError;
use landtrace_spatial::CoordError;

/// Longest part of an input value echoed back in an error.
pub(crate) const MAX_ECHOED_CHARS: usize = 64;

/// A record that could not be read, and where it is.
///
/// Most errors concern one record: the reader goes on with the next one.
/// After a [fatal](TrackError::is_fatal) error (the input cannot be read,
/// a CSV file without a usable header, GeoJSON that is not JSON or not a
/// Feature/FeatureCollection) the reader yields nothing more.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {kind}")]
pub struct TrackError {
    /// Where the record is.
    pub at: Location,
    /// What is wrong with it.
    pub kind: TrackErrorKind,
}

/// What is wrong with a record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackErrorKind {
    /// The underlying reader failed (fatal).
    #[error("cannot read the input: {0}")]
    Io(String),
    /// The CSV header lacks a time, lon or lat column (fatal).
    #[error("the CSV header must name the columns time, lon and lat (or 定位时间, 经度, 纬度); found {found:?}")]
    CsvHeader {
        /// The header line as read (cut to 64 characters).
        found: String,
    },
    /// The input is empty: no CSV header (fatal).
    #[error("empty input: no CSV header")]
    Empty,
    /// A line or XML tag longer than the reader keeps in memory.
    #[error("longer than {max} bytes")]
    TooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// Bytes that are not UTF-8.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// The record has no time, or an empty one.
    #[error("missing time")]
    MissingTime,
    /// The time is not RFC 3339 with an offset, nor unix seconds.
    #[error("time {value:?}: {reason}")]
    BadTime {
        /// The time as written (cut to 64 characters).
        value: String,
        /// Why it was rejected.
        reason: TimeError,
    },
    /// A longitude or latitude field or attribute is absent.
    #[error("missing {0}")]
    MissingField(&'static str),
    /// A longitude or latitude is not a number.
    #[error("{field} {value:?} is not a number")]
    BadNumber {
        /// `"lon"` or `"lat"`.
        field: &'static str,
        /// The value as written (cut to 64 characters).
        value: String,
    },
    /// The coordinates are NaN, infinite or out of range.
    #[error(transparent)]
    BadCoordinate(CoordError),
    /// The GeoJSON is not what [`crate::FixReader::geojson`] reads (fatal
    /// when it concerns the whole document).
    #[error("{0}")]
    GeoJson(String),
}

impl TrackError {
    pub(crate) fn new(at: Location, kind: TrackErrorKind) -> TrackError {
        TrackError { at, kind }
    }

    /// Whether the reader stops after this error.
    pub fn is_fatal(&self) -> bool {
        matches!(self.kind, TrackErrorKind::Io(_) | TrackErrorKind::CsvHeader { .. } | TrackErrorKind::Empty)
            || (self.at == Location::Document && matches!(self.kind, TrackErrorKind::GeoJson(_)))
    }
}

/// `text` cut to [`MAX_ECHOED_CHARS`] characters, for error messages.
pub(crate) fn echo(text: &str) -> String {
    text.chars().take(MAX_ECHOED_CHARS).collect()
}
