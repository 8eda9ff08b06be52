//! What checking a track produces: [`TrackReport`] with its violation
//! intervals, gaps and problems.

use crate::error::TrackErrorKind;
use crate::location::Location;
use serde::{Serialize, Serializer};
use std::fmt;

/// The result of checking one track.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TrackReport {
    /// Time spans inside the zone during ban hours, in time order.
    pub intervals: Vec<ViolationInterval>,
    /// Pauses between consecutive fixes longer than the allowed gap; the
    /// track is not bridged across them.
    pub gaps: Vec<Gap>,
    /// Records that were unreadable or rejected, in input order (at most
    /// [`crate::CheckOptions::max_problems`]).
    pub problems: Vec<Problem>,
    /// Problems beyond `max_problems`, counted but not listed.
    pub problems_omitted: usize,
    /// Well-formed fixes given to the checker (rejected ones included).
    pub fixes: usize,
    /// Of these, fixes whose time had no UTC offset and was read as Beijing time
    /// (UTC+8; an assumption the answer states).
    pub fixes_local_time_assumed: usize,
    /// Length of the track, geodesic metres, over the bridged segments.
    pub total_distance_m: f64,
    /// Sum of the intervals' durations, milliseconds.
    pub total_violation_ms: i64,
    /// Sum of the intervals' distances, geodesic metres.
    pub total_violation_m: f64,
}

impl TrackReport {
    /// [`total_violation_ms`](Self::total_violation_ms) in seconds.
    pub fn total_violation_s(&self) -> f64 {
        self.total_violation_ms as f64 / 1000.0
    }
}

/// A point of the track, possibly interpolated between two fixes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackPoint {
    /// Unix time in milliseconds (rounded to the nearest millisecond).
    pub t_ms: i64,
    /// WGS84 longitude, degrees.
    pub lon: f64,
    /// WGS84 latitude, degrees.
    pub lat: f64,
}

/// What started or ended a violation interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// The track crossed the zone boundary.
    ZoneBoundary,
    /// The ban hours began or ended.
    BanHours,
    /// The track (or a run of it between gaps or jumps) began or ended.
    TrackEdge,
}

/// A span of the track inside the zone during ban hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ViolationInterval {
    /// Where and when it began.
    pub entry: TrackPoint,
    /// Where and when it ended.
    pub exit: TrackPoint,
    /// Why it began.
    pub entered_by: Cause,
    /// Why it ended.
    pub exited_by: Cause,
    /// Distance driven inside, geodesic metres.
    pub distance_m: f64,
    /// `exit.t_ms - entry.t_ms`.
    pub duration_ms: i64,
}

/// A pause between two consecutive fixes longer than the allowed gap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    /// The fix before the gap.
    pub from: Location,
    /// The fix after the gap.
    pub to: Location,
    /// Time of the fix before, unix ms.
    pub from_t_ms: i64,
    /// Time of the fix after, unix ms.
    pub to_t_ms: i64,
}

impl Gap {
    /// Length of the gap, milliseconds.
    pub fn duration_ms(&self) -> i64 {
        self.to_t_ms - self.from_t_ms
    }
}

/// A record the checker could not use, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where the record is.
    pub at: Location,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.kind)
    }
}

impl Serialize for Problem {
    /// `{"at": "line 7", "message": "time goes backwards …"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Problem", 2)?;
        s.serialize_field("at", &self.at)?;
        s.serialize_field("message", &self.kind.to_string())?;
        s.end()
    }
}

/// What is wrong with a record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The reader could not make a fix of it (missing time, NaN or
    /// out-of-range coordinates, …); it is skipped.
    #[error(transparent)]
    Unreadable(TrackErrorKind),
    /// The same time as the previous fix; the fix is skipped.
    #[error("same time as the previous fix ({t_ms} ms)")]
    DuplicateTime {
        /// The repeated time, unix ms.
        t_ms: i64,
    },
    /// Earlier than the previous fix; the fix is skipped.
    #[error("time goes backwards: {t_ms} ms after {previous_t_ms} ms")]
    TimeBackwards {
        /// This fix's time, unix ms.
        t_ms: i64,
        /// The previous fix's time, unix ms.
        previous_t_ms: i64,
    },
    /// Reaching this fix from the previous one needs more than the allowed
    /// speed. The segment is not bridged: the track restarts at this fix.
    #[error("jump of {distance_m:.0} m in {dt_ms} ms ({speed_kmh:.0} km/h)")]
    Jump {
        /// Implied speed, km/h.
        speed_kmh: f64,
        /// Distance from the previous fix, geodesic metres.
        distance_m: f64,
        /// Time since the previous fix, ms.
        dt_ms: i64,
    },
}
